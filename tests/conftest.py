"""Make ``ansible_collections.driftless.ecs`` importable from the checkout, for unit and integration tests.

ansible-core's collection loader is installed over a temporary ``ansible_collections/driftless/ecs`` that links to
the repository root, so tests import the code they are next to. amazon.aws and community.aws come from the
``ansible`` package in the virtualenv, which the loader finds on sys.path.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

REPO_ROOT = Path(__file__).resolve().parent.parent


def _collection_root() -> str:
    root = Path(tempfile.mkdtemp(prefix="driftless-collections-"))
    namespace = root / "ansible_collections" / "driftless"
    namespace.mkdir(parents=True)
    os.symlink(REPO_ROOT, namespace / "ecs")
    return str(root)


COLLECTIONS_ROOT = _collection_root()
_AnsibleCollectionFinder(paths=[COLLECTIONS_ROOT])._install()
