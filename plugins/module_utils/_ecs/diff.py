# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the differences between two canonical documents, as data.

Lists named in ``keyed_lists`` are matched item by item on a key (containers by name, environment by name...),
so a difference reads ``containerDefinitions[web].environment[LOG_LEVEL].value`` instead of "the list changed".
Items that share a key (ECS allows duplicate environment names) are compared in their canonical order, so a
duplicate is never hidden by a dict conversion. Every other list is compared position by position.
"""

from __future__ import annotations

from typing import Any, Callable

_MISSING = object()

KeyFunction = Callable[[dict], str]


def field_key(*fields: str) -> KeyFunction:
    """Key a list item on one or more of its fields: ``field_key("containerPort", "protocol")``."""

    def key(item: dict) -> str:
        return "/".join(str(item.get(name, "")) for name in fields)

    return key


def differences(before: Any, after: Any, keyed_lists: dict[str, KeyFunction] | None = None) -> list[dict]:
    """Every leaf that differs between ``before`` and ``after``.

    Args:
        before: canonical document (dicts, lists, scalars).
        after: canonical document of the same shape.
        keyed_lists: field name -> function giving the identity of an item of a list under that field.

    Returns:
        ``[{"path": str, "before": value, "after": value}]`` in a stable order. A side that lacks the
        field has the value None. An empty list means the documents are equal.
    """
    return _Differ(keyed_lists or {}).run(before, after)


class _Differ:
    def __init__(self, keyed: dict[str, KeyFunction]) -> None:
        self.keyed = keyed
        self.found: list[dict] = []

    def run(self, before: Any, after: Any) -> list[dict]:
        self.walk(before, after, "", None)
        return self.found

    def walk(self, before: Any, after: Any, path: str, field: str | None) -> None:
        if isinstance(before, dict) and isinstance(after, dict):
            for name in sorted(set(before) | set(after), key=str):
                child = f"{path}.{name}" if path else str(name)
                self.walk(before.get(name, _MISSING), after.get(name, _MISSING), child, name)
            return
        if isinstance(before, list) and isinstance(after, list):
            if field in self.keyed and all(isinstance(item, dict) for item in before + after):
                self.walk_keyed(before, after, path, self.keyed[field])
                return
            if len(before) == len(after):
                for index, left in enumerate(before):
                    self.walk(left, after[index], f"{path}[{index}]", None)
                return
        if before is _MISSING and after is _MISSING:
            return
        if before != after:
            self.found.append(
                {
                    "path": path,
                    "before": None if before is _MISSING else before,
                    "after": None if after is _MISSING else after,
                }
            )

    def walk_keyed(self, before: list, after: list, path: str, key: KeyFunction) -> None:
        left_groups = _group(before, key)
        right_groups = _group(after, key)
        for name in sorted(set(left_groups) | set(right_groups)):
            lefts = left_groups.get(name, [])
            rights = right_groups.get(name, [])
            for index in range(max(len(lefts), len(rights))):
                suffix = f"[{name}]" if index == 0 else f"[{name}#{index + 1}]"
                left = lefts[index] if index < len(lefts) else _MISSING
                right = rights[index] if index < len(rights) else _MISSING
                self.walk(left, right, path + suffix, None)


def _group(items: list[dict], key: KeyFunction) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups
