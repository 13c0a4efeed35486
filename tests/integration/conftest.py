"""Integration tests: real modules, run by ansible-playbook, against a private sandbox.

Each test names a playbook under targets/. The playbook asserts on module results and on the sandbox's call
counts itself (``sandbox_url`` is passed in), so a failing assertion fails the run; the test then checks the
return code and, where useful, the JSON results of the run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sandbox.launcher import start_sandbox
from tests.support.playbooks import ansible_playbook_env

TARGETS = Path(__file__).resolve().parent / "targets"


@pytest.fixture(scope="session")
def sandbox():
    running = start_sandbox(["--task-start-delay", "0.2"])
    yield running
    running.stop()


@pytest.fixture
def clean_sandbox(sandbox):
    sandbox.reset()
    sandbox.control("config", {"task_start_delay": 0.2, "task_stop_delay": 0.1})
    return sandbox


@dataclass
class PlaybookRun:
    rc: int
    output: str
    # stdout alone: the json callback's document, without what Python libraries warn about on stderr.
    stdout: str = ""

    def results(self, task_name: str) -> list[dict]:
        """Results of every host for the task named ``task_name`` (json stdout callback only)."""
        document = json.loads(self.stdout[self.stdout.index("{") :])
        found = []
        for play in document["plays"]:
            for task in play["tasks"]:
                if task["task"]["name"] == task_name:
                    found.extend(task["hosts"].values())
        return found


def run_playbook(
    sandbox, playbook: str, extra_vars: dict | None = None, *, json_output=False, args=(), cwd=None
) -> PlaybookRun:
    """Run a playbook of targets/ with ansible-playbook, started in ``cwd`` (default: this process's directory)."""
    env = ansible_playbook_env(sandbox, json_output=json_output)
    variables = {"sandbox_url": sandbox.url, **(extra_vars or {})}
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        "localhost,",
        "-c",
        "local",
        str(TARGETS / playbook),
        "-e",
        json.dumps(variables),
        *args,
    ]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=cwd)
    return PlaybookRun(completed.returncode, completed.stdout + completed.stderr, completed.stdout)
