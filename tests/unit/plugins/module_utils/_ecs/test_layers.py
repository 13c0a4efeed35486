"""The package map of ``_ecs/__init__.py`` is true, every file imports only downward, and pure code loads no botocore.

The map is the layout a newcomer reads first (docs/design.md explains it); these tests keep it from drifting from the
code: a new file must be placed in a layer, and an import that runs back up fails here.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import pytest

from tests.conftest import COLLECTIONS_ROOT, REPO_ROOT

ECS_UTILS = REPO_ROOT / "plugins" / "module_utils" / "_ecs"
PACKAGE = "ansible_collections.driftless.ecs.plugins.module_utils._ecs"
LAYERS = ("Foundation", "Knowledge", "API", "Following", "Orchestration", "Entry")
PURE_LAYERS = ("Foundation", "Knowledge")


def _package_map() -> dict[str, str]:
    """File name -> layer, read from the docstring of ``_ecs/__init__.py``."""
    doc = ast.get_docstring(ast.parse((ECS_UTILS / "__init__.py").read_text()))
    layers: dict[str, str] = {}
    layer = None
    for line in doc.splitlines():
        heading = re.match(r"^(\w+) \(.*\):$", line)
        if heading:
            layer = heading.group(1)
            continue
        entry = re.match(r"^  (\w+)\.py\s+\S", line)
        if entry:
            assert layer in LAYERS, f"{entry.group(1)}.py is listed under an unknown layer {layer!r}"
            assert entry.group(1) not in layers, f"{entry.group(1)}.py is listed twice"
            layers[entry.group(1)] = layer
    return layers


def _imports(name: str) -> set[str]:
    """The _ecs files that ``name`` imports, relatively or absolutely."""
    tree = ast.parse((ECS_UTILS / f"{name}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif (node.module or "").startswith(PACKAGE + "."):
                found.add(node.module[len(PACKAGE) + 1 :].split(".")[0])
    return found


def test_the_package_map_lists_every_file_once_and_no_other():
    files = {path.stem for path in ECS_UTILS.glob("*.py")} - {"__init__"}
    assert set(_package_map()) == files


def test_every_file_imports_only_its_own_layer_or_lower():
    layers = _package_map()
    upward = [
        f"{name}.py ({layer}) imports {imported}.py ({layers[imported]})"
        for name, layer in layers.items()
        for imported in _imports(name)
        if LAYERS.index(layers[imported]) > LAYERS.index(layer)
    ]
    assert not upward


def test_no_orchestration_file_imports_another():
    layers = _package_map()
    orchestration = {name for name, layer in layers.items() if layer == "Orchestration"}
    assert {"service_rollout", "service_deployment", "taskdef_live"} <= orchestration
    crossing = {name: _imports(name) & orchestration for name in orchestration}
    assert not {name: others for name, others in crossing.items() if others}


def test_the_import_check_sees_an_upward_import(tmp_path, monkeypatch):
    """Guards the check above: a pure file that imported the API layer would be caught."""
    monkeypatch.setattr(sys.modules[__name__], "ECS_UTILS", tmp_path)
    (tmp_path / "__init__.py").write_text(
        '"""Map.\n\nFoundation (pure):\n  low.py  x\nAPI (boto3):\n  api.py  y\n"""\n'
    )
    (tmp_path / "api.py").write_text("")
    (tmp_path / "low.py").write_text("from . import api\nfrom .api import connect\n")
    assert _imports("low") == {"api"}
    with pytest.raises(AssertionError):
        test_every_file_imports_only_its_own_layer_or_lower()


PROBE = """
import json, sys
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
first_to_load = {}
for name in json.loads(sys.argv[2]):
    __import__(name)
    if "botocore" in sys.modules and not first_to_load:
        first_to_load[name] = sorted(m for m in sys.modules if m.startswith("botocore"))[:3]
print(json.dumps(first_to_load))
"""


def _first_to_load_botocore(modules: list[str]) -> dict:
    answer = subprocess.run(
        [sys.executable, "-c", PROBE, COLLECTIONS_ROOT, json.dumps(modules)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(answer.stdout)


def test_pure_files_and_filters_load_no_botocore():
    layers = _package_map()
    pure = [f"{PACKAGE}.{name}" for name, layer in layers.items() if layer in PURE_LAYERS]
    filters = [
        f"ansible_collections.driftless.ecs.plugins.filter.{path.stem}"
        for path in sorted((REPO_ROOT / "plugins" / "filter").glob("*.py"))
    ]
    assert len(pure) > 10
    assert _first_to_load_botocore(pure + filters) == {}


def test_the_probe_sees_botocore_loaded_by_the_api_layer():
    """Guards the probe: the API layer does load botocore, and the probe says which module did it."""
    assert list(_first_to_load_botocore([f"{PACKAGE}.vocabulary", f"{PACKAGE}.api"])) == [f"{PACKAGE}.api"]
