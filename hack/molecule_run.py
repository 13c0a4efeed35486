"""Run every molecule scenario under extensions/molecule/ against one private sandbox, reset between scenarios.

Usage: python hack/molecule_run.py [SCENARIO ...]   (default: all). Exits non-zero if any scenario fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from sandbox.launcher import start_sandbox  # noqa: E402 - needs the repository on sys.path


def main(names: list[str]) -> int:
    scenarios = names or sorted(path.parent.name for path in (REPO_ROOT / "extensions/molecule").glob("*/molecule.yml"))
    collections = REPO_ROOT / ".cache" / "dev-collections"
    sandbox = start_sandbox(["--task-start-delay", "0.2"])
    failed = []
    try:
        for scenario in scenarios:
            sandbox.reset()
            sandbox.control("config", {"task_start_delay": 0.2, "task_stop_delay": 0.1})
            env = {
                **os.environ,
                **sandbox.env(),
                "ANSIBLE_COLLECTIONS_PATH": str(collections),
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                "SANDBOX_URL": sandbox.url,
            }
            print(f"== molecule scenario {scenario}", flush=True)
            completed = subprocess.run(["molecule", "test", "-s", scenario], cwd=REPO_ROOT, env=env, check=False)
            if completed.returncode:
                failed.append(scenario)
    finally:
        sandbox.stop()
    if failed:
        print(f"molecule scenarios failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
