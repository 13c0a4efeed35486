"""The environment every test's ansible-playbook run gets: the checkout's collection, the sandbox, quiet output."""

from __future__ import annotations

import os
import sys

from tests.conftest import COLLECTIONS_ROOT


def ansible_playbook_env(sandbox=None, *, json_output: bool = False, extra: dict | None = None) -> dict[str, str]:
    """``sandbox``: the sandbox the run's AWS calls go to; None for a run that makes none."""
    env = {
        **os.environ,
        **(sandbox.env() if sandbox is not None else {}),
        "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        # Modules run with the interpreter that has boto3: the one running the tests.
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        **(extra or {}),
    }
    if json_output:
        env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    return env
