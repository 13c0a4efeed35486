"""Reliability suite: faults, interruptions, concurrency, bad input, secrets and least privilege, against sandboxes.

Every test prepares its own state on a private sandbox (one per pytest-xdist worker, reset before each test) and
proves its point with the sandbox's call counts and what ECS holds afterwards.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.launcher import start_sandbox
from tests.conftest import REPO_ROOT
from tests.support.playbooks import ansible_playbook_env

TARGETS = Path(__file__).resolve().parent / "targets"
SETUP_PLAYBOOK = REPO_ROOT / "tests" / "integration" / "targets" / "deploy_role_setup.yml"
CLUSTER = "it-deploy"
# Fast enough for the suite, slow enough that a rollout takes several polls.
FAST = {"task_start_delay": 0.2, "task_stop_delay": 0.1}
WRITE_PREFIXES = ("Create", "Register", "Update", "Delete", "Deregister", "Put", "Tag", "Untag", "Attach")


@pytest.fixture(scope="session")
def sandbox():
    running = start_sandbox(["--task-start-delay", "0.2", "--task-stop-delay", "0.1"])
    yield running
    running.stop()


@pytest.fixture
def clean_sandbox(sandbox):
    sandbox.reset()
    sandbox.control("config", FAST)
    return sandbox


@pytest.fixture
def network(clean_sandbox, tmp_path) -> dict:
    """A VPC, a subnet and the cluster it-deploy; returns {"it_subnets": [...]}, the deploy variables need it."""
    network_file = tmp_path / "network.json"
    run = run_playbook(clean_sandbox, SETUP_PLAYBOOK, {"network_file": str(network_file)})
    assert run.rc == 0, run.output
    return json.loads(network_file.read_text())


def writes(calls: dict) -> dict:
    """The write calls among the sandbox's counts (summaries, the keys without a colon, left out)."""
    return {
        key: value
        for key, value in calls.items()
        if ":" in key and key.split(":", 1)[1].startswith(WRITE_PREFIXES) and isinstance(value, int)
    }


def performed(calls: dict, key: str) -> int:
    """Calls of ``key`` that the sandbox performed: received, less the throttled and the faulted-without-effect."""
    return calls.get(key, 0) - calls.get("throttled", {}).get(key, 0)


def reset_calls(sandbox) -> None:
    sandbox.control("calls/reset", {})


def service_declaration(name: str, network: dict, **overrides) -> dict:
    """One Fargate service for ecs_services, on the cluster it-deploy, with the circuit breaker and rollback."""
    container = {"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "portMappings": [{"containerPort": 80}]}
    container.update(overrides.pop("container", {}))
    declaration = {
        "name": name,
        "cluster": CLUSTER,
        "task_definition": {
            "family": f"rel-{name}",
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": [container],
        },
        "service": {
            "launch_type": "FARGATE",
            "desired_count": overrides.pop("desired_count", 1),
            "network_configuration": {"subnets": network["it_subnets"]},
            "deployment_configuration": {"deployment_circuit_breaker": {"enable": True, "rollback": True}},
        },
    }
    declaration.update(overrides)
    return declaration


@dataclass
class PlaybookRun:
    rc: int
    output: str
    # stdout alone: the json callback's document, without what Python libraries warn about on stderr.
    stdout: str = ""

    def document(self) -> dict:
        """The ansible.posix.json document of the run (json_output=True)."""
        return json.loads(self.stdout[self.stdout.index("{") :])

    def results(self, task_name: str) -> list[dict]:
        found = []
        for play in self.document()["plays"]:
            for task in play["tasks"]:
                name = task["task"]["name"]
                if name == task_name or name.endswith(f" : {task_name}"):
                    found.extend(task["hosts"].values())
        return found

    def recap(self) -> dict[str, int]:
        """The PLAY RECAP counters of the (single) host, from the default callback's output."""
        found = re.search(r"^\S+\s+:\s+((?:\w+=\d+\s*)+)$", self.output, re.MULTILINE)
        assert found, self.output[-3000:]
        return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", found.group(1))}


def playbook_command(
    sandbox,
    playbook: str | Path,
    extra_vars: dict | None = None,
    *,
    json_output: bool = False,
    args=(),
    env: dict | None = None,
) -> tuple[list[str], dict]:
    """The ansible-playbook command line and environment for ``playbook`` (a name in targets/ or a path)."""
    full_env = ansible_playbook_env(sandbox, json_output=json_output, extra=env)
    path = Path(playbook)
    if not path.is_absolute():
        path = TARGETS / path
    inventory = [] if "-i" in args else ["-i", "localhost,", "-c", "local"]
    variables = {"sandbox_url": sandbox.url, **(extra_vars or {})}
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        *inventory,
        str(path),
        "-e",
        json.dumps(variables),
        *args,
    ]
    return command, full_env


def run_playbook(sandbox, playbook, extra_vars=None, *, json_output=False, args=(), env=None, cwd=None) -> PlaybookRun:
    command, full_env = playbook_command(sandbox, playbook, extra_vars, json_output=json_output, args=args, env=env)
    completed = subprocess.run(command, env=full_env, capture_output=True, text=True, check=False, cwd=cwd)
    return PlaybookRun(completed.returncode, completed.stdout + completed.stderr, completed.stdout)


def start_playbook(sandbox, playbook, extra_vars=None, *, json_output=False, args=(), env=None, log: Path):
    """ansible-playbook in the background, in its own process group (so the test can kill all of it)."""
    command, full_env = playbook_command(sandbox, playbook, extra_vars, json_output=json_output, args=args, env=env)
    handle, errors = log.open("w"), _stderr_log(log).open("w")
    process = subprocess.Popen(command, env=full_env, stdout=handle, stderr=errors, text=True, start_new_session=True)
    handle.close()
    errors.close()
    return process


def _stderr_log(log: Path) -> Path:
    return log.with_name(log.name + ".stderr")


def finish(process: subprocess.Popen, log: Path, timeout: float = 300) -> PlaybookRun:
    process.wait(timeout=timeout)
    stdout = log.read_text()
    return PlaybookRun(process.returncode, stdout + _stderr_log(log).read_text(), stdout)


def wait_until(predicate, timeout: float = 60, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
