"""The sandbox's ECS model imports one way: no cycle at run time, and no import hidden in a function to dodge one."""

from __future__ import annotations

import ast
from pathlib import Path

ECS_MODEL = Path(__file__).resolve().parents[2] / "sandbox" / "ecs"


def _runtime_imports(tree: ast.Module) -> set[str]:
    """sandbox.ecs modules imported when the file runs: at module level, outside ``if TYPE_CHECKING:``."""
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sandbox.ecs"):
            if node.module == "sandbox.ecs":
                found.update(alias.name for alias in node.names)
            else:
                found.add(node.module.split(".")[2])
    return found


def _function_local_imports(tree: ast.Module) -> list[str]:
    return [
        f"line {inner.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for inner in ast.walk(node)
        if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("sandbox")
    ]


def _graph() -> dict[str, set[str]]:
    return {
        path.stem: _runtime_imports(ast.parse(path.read_text())) - {path.stem}
        for path in ECS_MODEL.glob("*.py")
        if path.stem != "__init__"
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = "open"
        for imported in sorted(graph.get(name, ())):
            if state.get(imported) == "open":
                return [*path, name, imported]
            if imported not in state and (found := visit(imported, [*path, name])):
                return found
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state and (found := visit(name, [])):
            return found
    return None


def test_the_ecs_model_has_no_import_cycle_at_run_time():
    graph = _graph()
    assert {"blue_green", "controllers"} <= graph["services"] | graph["controllers"]
    assert _cycle(graph) is None


def test_no_sandbox_import_hides_in_a_function():
    hidden = {
        path.name: lines
        for path in sorted(ECS_MODEL.glob("*.py"))
        if (lines := _function_local_imports(ast.parse(path.read_text())))
    }
    assert not hidden


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
