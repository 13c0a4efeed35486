"""What every benchmark needs: a private sandbox and ansible-playbook runs against it, with call counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

from sandbox.launcher import AWS_TEST_ENV, REPO_ROOT, Sandbox, start_sandbox

# The checkout on a collections path, as `make bench` links it (the Makefile's DEV_COLLECTIONS): playbooks and the
# in-process engine benchmarks resolve driftless.ecs from the working tree.
COLLECTIONS_ROOT = str(REPO_ROOT / ".cache" / "dev-collections")
if not (Path(COLLECTIONS_ROOT) / "ansible_collections" / "driftless" / "ecs").exists():
    raise SystemExit(f"{COLLECTIONS_ROOT} does not link the checkout: run the benchmarks with `make bench`")
_AnsibleCollectionFinder(paths=[COLLECTIONS_ROOT])._install()

__all__ = ["COLLECTIONS_ROOT", "Sandbox", "aws_client", "ecs_calls", "run_playbook", "start_sandbox"]


def aws_client(sandbox: Sandbox, service: str):
    """A boto3 client of ``service`` on the sandbox, in us-east-1, with the sandbox's test credentials."""
    return boto3.client(
        service,
        endpoint_url=sandbox.url,
        region_name="us-east-1",
        aws_access_key_id=AWS_TEST_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_TEST_ENV["AWS_SECRET_ACCESS_KEY"],
    )


def ecs_calls(calls: dict) -> dict[str, int]:
    return {key: value for key, value in calls.items() if key.startswith("ecs:") and isinstance(value, int)}


def run_playbook(sandbox: Sandbox, playbook_text: str, extra_vars: dict | None = None) -> tuple[float, str]:
    """Run a playbook given as text; returns (wall seconds, output). Raises if the run fails."""
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        handle.write(playbook_text)
        path = handle.name
    env = {
        **os.environ,
        **sandbox.env(),
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
    }
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local", path]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    started = time.monotonic()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    os.unlink(path)
    if completed.returncode != 0:
        raise RuntimeError(f"playbook failed:\n{completed.stdout}\n{completed.stderr}")
    return elapsed, completed.stdout
