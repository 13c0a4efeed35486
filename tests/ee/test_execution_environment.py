"""The execution environment definition: what ansible-builder makes of meta/execution-environment.yml.

Building the image needs a container engine, so these tests stop at the build context that ``ansible-builder
create`` writes (the Containerfile and ``_build/``) and at the dependency introspection that runs inside the
build. They prove that the image would hold this collection, its collection dependencies and their Python and
system packages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

BIN = Path(sys.executable).parent
EE_FILE = REPO_ROOT / "meta" / "execution-environment.yml"


def _requirement_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if text:
            names.add(text.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip().lower())
    return names


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``ansible-builder create`` run the way README.md says: the definition beside the collection's files."""
    work = tmp_path_factory.mktemp("ee")
    source = work / "source"
    source.mkdir()
    for name in ("requirements.txt", "bindep.txt"):
        shutil.copy(REPO_ROOT / name, source / name)
    shutil.copy(EE_FILE, source / "execution-environment.yml")
    build = work / "context"
    result = subprocess.run(
        [
            str(BIN / "ansible-builder"),
            "create",
            "--file",
            str(source / "execution-environment.yml"),
            "--context",
            str(build),
            "--output-filename",
            "Containerfile",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return build


def test_definition_is_version_3_with_the_collection_files() -> None:
    definition = yaml.safe_load(EE_FILE.read_text())
    assert definition["version"] == 3
    # Relative to the collection root: that is how ansible-builder reads them from an installed collection.
    assert definition["dependencies"]["python"] == "requirements.txt"
    assert definition["dependencies"]["system"] == "bindep.txt"
    assert (REPO_ROOT / "requirements.txt").is_file()
    assert (REPO_ROOT / "bindep.txt").is_file()


def test_context_installs_this_collection_and_its_dependencies(context: Path) -> None:
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    collections = {entry["name"]: entry.get("version", "*") for entry in requirements["collections"]}
    galaxy = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())
    assert f"{galaxy['namespace']}.{galaxy['name']}" in collections
    # The same ranges as the collection's own dependencies: the image never holds a version galaxy.yml excludes.
    for name, version in galaxy["dependencies"].items():
        assert collections.get(name) == version, f"{name}: {collections.get(name)!r} != galaxy.yml's {version!r}"

    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    assert "-r requirements.yml" in containerfile


def test_context_installs_the_python_and_system_packages(context: Path) -> None:
    python = (context / "_build" / "requirements.txt").read_text().splitlines()
    assert _requirement_names(python) >= _requirement_names((REPO_ROOT / "requirements.txt").read_text().splitlines())
    assert {"boto3", "botocore"} <= _requirement_names(python)
    system = (context / "_build" / "bindep.txt").read_text()
    assert system == (REPO_ROOT / "bindep.txt").read_text()

    containerfile = (context / "Containerfile").read_text()
    assert "ansible-core" in containerfile
    assert "ansible-runner" in containerfile
    assert "introspect" in containerfile
    assert "install-from-bindep" in containerfile


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The collection as a build installs it: built with ansible-galaxy, installed from the tarball."""
    work = tmp_path_factory.mktemp("galaxy")
    galaxy = str(BIN / "ansible-galaxy")
    built = subprocess.run(
        [galaxy, "collection", "build", "--force", "--output-path", str(work), str(REPO_ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (tarball,) = work.glob("driftless-ecs-*.tar.gz")
    install = [galaxy, "collection", "install", "--no-deps", "--force", "-p", str(work / "collections"), str(tarball)]
    result = subprocess.run(install, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return work / "collections"


def test_introspection_finds_the_collection_requirements(context: Path, installed: Path, tmp_path: Path) -> None:
    """The build's own introspection, over this collection installed from its tarball: what any execution
    environment that lists driftless.ecs gets, even one that never names our requirements.txt or bindep.txt."""
    script = context / "_build" / "scripts" / "introspect.py"
    pip_out, bindep_out = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    result = subprocess.run(
        [
            sys.executable,
            str(script),
            "introspect",
            str(installed),
            f"--write-pip={pip_out}",
            f"--write-bindep={bindep_out}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "driftless.ecs" in result.stdout
    assert pip_out.is_file() and bindep_out.is_file(), result.stdout
    python = pip_out.read_text().splitlines()
    assert {"boto3", "botocore"} <= _requirement_names(python), result.stdout
    assert "ca-certificates" in bindep_out.read_text(), result.stdout
