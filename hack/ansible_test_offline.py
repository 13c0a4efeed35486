"""Let ansible-test build its sanity virtualenvs on a network that cannot reach Ansible's CI file host.

ansible-test bootstraps pip in each virtualenv with a script it downloads once and caches under
~/.ansible/test/cache/get_pip_<version>.py. When no cached script exists, this writes a stand-in that installs pip
with ensurepip and then runs pip with the arguments ansible-test passed. A real cached script is never replaced,
so users who can reach the host keep the genuine one.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import ansible_test

STAND_IN = '''"""Stand-in for get-pip.py, written by driftless.ecs (hack/ansible_test_offline.py)."""
import subprocess
import sys

ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install", *ARGS])
'''


def pip_version() -> str:
    source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    match = re.search(r"pip='([0-9.]+)'", source.read_text())
    if not match:
        sys.exit(f"cannot find the pip version ansible-test bootstraps in {source}")
    return match.group(1)


def main() -> None:
    cache = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{pip_version().replace('.', '_')}.py"
    if cache.exists():
        return
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(STAND_IN)
    print(f"wrote an offline pip bootstrap stand-in to {cache}")


if __name__ == "__main__":
    main()
