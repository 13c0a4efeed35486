"""Copy the collections driftless.ecs depends on, from the installed ``ansible`` package, beside a copy of it.

ansible-test looks for dependencies in the ``ansible_collections`` tree that holds the collection under test.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import ansible_collections.amazon.aws
import ansible_collections.community.aws

DEPENDENCIES = {
    ("amazon", "aws"): ansible_collections.amazon.aws,
    ("community", "aws"): ansible_collections.community.aws,
}


def main(root: Path) -> None:
    for (namespace, name), package in DEPENDENCIES.items():
        source = Path(next(iter(package.__path__)))
        target = root / namespace / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "tests"))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
