"""The README's sandbox steps run as written, and its step-by-step deploy is the example that those steps run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

from sandbox.launcher import free_port

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
README = (REPO_ROOT / "README.md").read_text()


def _block_after(marker: str, language: str) -> str:
    start = README.index(marker)
    found = re.search(rf"^```{language}\n(.*?)^```$", README[start:], re.MULTILINE | re.DOTALL)
    assert found, f"no {language} block after {marker!r}"
    return found.group(1)


def _plain_shell_env(port: int) -> dict[str, str]:
    """A user's shell: no virtualenv on PATH, no AWS or Ansible settings of the test session."""
    path = os.pathsep.join(entry for entry in os.environ["PATH"].split(os.pathsep) if ".venv" not in entry)
    keep = {"HOME", "LANG", "LC_ALL", "TMPDIR", "USER"}
    return {**{key: value for key, value in os.environ.items() if key in keep}, "PATH": path, "SANDBOX_PORT": str(port)}


def test_the_sandbox_steps_run_as_written_right_after_make_install():
    steps = _block_after("Right after `make demo`", "sh")
    assert "make sandbox-start" in steps and 'eval "$(make -s env)"' in steps
    port = free_port()
    env = _plain_shell_env(port)
    # `make demo` installs the collection into .cache/collections first; so does `make install`, without the demo.
    subprocess.run(["make", "-s", "install"], cwd=REPO_ROOT, env=env, check=True, capture_output=True)
    try:
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", steps],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    finally:
        subprocess.run(["make", "-s", "sandbox-stop"], cwd=REPO_ROOT, env=env, check=False, capture_output=True)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    # The first run creates the service, the second changes nothing.
    recaps = re.findall(r"^localhost\s+: ok=\d+\s+changed=(\d+)", output, re.MULTILINE)
    assert [int(changed) > 0 for changed in recaps] == [True, False], output
    # curl printed the sandbox's call counts: one service created, once.
    counts, _end = json.JSONDecoder().raw_decode(run.stdout, run.stdout.index('{"'))
    assert counts["ecs:CreateService"] == 1, counts
    assert f"sandbox on port {port} stopped" in output, output


def test_the_step_by_step_deploy_is_the_example_the_sandbox_steps_run():
    tasks = _block_after("## A deploy, step by step", "yaml")
    example = (REPO_ROOT / "examples" / "step_by_step" / "deploy.yml").read_text()
    assert textwrap.indent(tasks, "    ") in example
