# driftless.ecs: every command a newcomer or CI needs. `make demo` and `make test` install what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SANDBOX_PORT ?= 5000
SANDBOX_URL := http://127.0.0.1:$(SANDBOX_PORT)
CACHE := .cache
# ansible-test needs a real directory whose path ends in ansible_collections/driftless/ecs.
SANITY_ROOT := $(CACHE)/sanity/ansible_collections/driftless/ecs
# Where `make demo` installs the built collection.
INSTALL_ROOT := $(CACHE)/collections
PYTEST_WORKERS ?= 2

export AWS_ACCESS_KEY_ID ?= testing
export AWS_SECRET_ACCESS_KEY ?= testing
export AWS_DEFAULT_REGION ?= us-east-1
export ANSIBLE_NOCOLOR ?= 1

.PHONY: help venv lint ruff ansible-lint changelog-lint sanity unit sandbox-tests integration awx-ci reliability molecule test demo sandbox \
	sandbox-start sandbox-stop env build install clean bench docs

help: ## Show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed ## Create .venv with every dependency

ruff: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The checkout itself, on a collections path: lint and syntax checks resolve driftless.ecs.* from the working tree.
DEV_COLLECTIONS := $(CACHE)/dev-collections
$(DEV_COLLECTIONS)/ansible_collections/driftless/ecs:
	mkdir -p $(DEV_COLLECTIONS)/ansible_collections/driftless
	ln -sfn ../../../.. $@

ansible-lint: venv $(DEV_COLLECTIONS)/ansible_collections/driftless/ecs
	PATH="$(abspath $(BIN)):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(abspath $(DEV_COLLECTIONS))" $(BIN)/ansible-lint --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

lint: ruff ansible-lint changelog-lint ## ruff, ansible-lint (production profile) and the changelog fragments

sanity: venv ## ansible-test sanity on a copy of the tracked tree
	$(BIN)/python hack/ansible_test_offline.py
	rm -rf $(SANITY_ROOT) && mkdir -p $(SANITY_ROOT)
	@# Only what the built collection ships, plus its tests: build_ignore keeps sandbox/, bench/, demo/ and hack/ out.
	git ls-files -z --cached --others --exclude-standard -- . ':!sandbox' ':!bench' ':!demo' ':!hack' \
		| tar --null -T - -cf - | tar -xf - -C $(SANITY_ROOT)
	@# The copy sits in an ignored folder of this repository: its own index tells ansible-test what to test.
	cd $(SANITY_ROOT) && git init -q && git add -A
	@# validate-modules resolves amazon.aws doc fragments from sibling collections of the same tree.
	$(BIN)/python hack/copy_dependencies.py $(SANITY_ROOT)/../..
	cd $(SANITY_ROOT) && PATH="$(abspath $(BIN)):$$PATH" ansible-test sanity --venv --python 3.11 --color no

unit: venv ## Unit tests of the pure logic
	$(BIN)/python -m pytest tests/unit -q -n $(PYTEST_WORKERS)

sandbox-tests: venv ## Tests of the sandbox itself, with plain boto3
	$(BIN)/python -m pytest tests/sandbox -q -n $(PYTEST_WORKERS)

integration: venv ## Real modules through ansible-playbook against private sandboxes
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest tests/integration -q -n $(PYTEST_WORKERS)

awx-ci: venv ## Execution environment, ansible-runner as AWX runs it, the AWX and CI examples
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest tests/ee tests/runner tests/awx tests/ci -q -n $(PYTEST_WORKERS)

reliability: venv ## Faults, interrupted and concurrent runs, bad input, secrets and least privilege, on sandboxes
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest tests/reliability -q -n $(PYTEST_WORKERS)

molecule: venv $(DEV_COLLECTIONS)/ansible_collections/driftless/ecs ## Molecule scenarios of the roles, against the sandbox
	$(BIN)/python hack/molecule_run.py

docs: venv $(DEV_COLLECTIONS)/ansible_collections/driftless/ecs ## HTML documentation (antsibull-docs, Sphinx) into docs/build; fails on any warning
	ANSIBLE_COLLECTIONS_PATH="$(abspath $(DEV_COLLECTIONS))" $(BIN)/python hack/build_docs.py --dest docs/build --work $(CACHE)/docs

test: lint sanity unit sandbox-tests integration awx-ci reliability molecule docs ## The whole suite (what CI runs)

build: venv ## Build the collection tarball into build/
	mkdir -p build
	$(BIN)/ansible-galaxy collection build --force --output-path build .

install: build ## Install the built collection into .cache/collections
	$(BIN)/ansible-galaxy collection install --force --no-deps -p $(INSTALL_ROOT) build/driftless-ecs-*.tar.gz

sandbox: venv ## Run the sandbox in the foreground on SANDBOX_PORT (Ctrl-C stops it)
	$(BIN)/python -m sandbox --port $(SANDBOX_PORT)

sandbox-start: venv ## Start the sandbox in the background on SANDBOX_PORT; returns once it answers
	@$(BIN)/python hack/sandbox_ctl.py start $(SANDBOX_PORT)

sandbox-stop: ## Stop the sandbox that sandbox-start started on SANDBOX_PORT
	@$(PYTHON) hack/sandbox_ctl.py stop $(SANDBOX_PORT)

env: ## Print the exports that put .venv, the installed collection and the sandbox in reach: eval "$$(make -s env)"
	@echo 'export PATH="$(abspath $(BIN)):$$PATH"'
	@echo 'export ANSIBLE_COLLECTIONS_PATH="$(abspath $(INSTALL_ROOT))"'
	@echo 'export AWS_ENDPOINT_URL=$(SANDBOX_URL) AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing'
	@echo 'export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1'

demo: install ## The whole story against the local sandbox, no AWS account needed
	PATH="$(abspath $(BIN)):$$PATH" SANDBOX_PORT=$(SANDBOX_PORT) INSTALL_ROOT=$(INSTALL_ROOT) demo/run.sh

bench: venv $(DEV_COLLECTIONS)/ansible_collections/driftless/ecs ## Benchmarks: call counts and timings against the sandbox
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m bench

clean: ## Remove build output and caches (keeps .venv)
	rm -rf build $(CACHE) tests/output .pytest_cache .ruff_cache
