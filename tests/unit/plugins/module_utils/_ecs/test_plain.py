from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.plain import copy_document, plain

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_copied_document_equals_the_original_and_shares_no_container_with_it():
    described = json.loads((FIXTURES / "service_web_described.json").read_text())["services"][0]
    described["createdAt"] = datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC)
    described["pair"] = ("a", ["b"])
    copied = copy_document(described)
    assert copied == copy.deepcopy(described)
    copied["deployments"][0]["status"] = "ACTIVE"
    copied["tags"].append({"key": "more", "value": "x"})
    copied["pair"][1].append("c")
    assert described["deployments"][0]["status"] == "PRIMARY"
    assert {"key": "more", "value": "x"} not in described["tags"]
    assert described["pair"] == ("a", ["b"])


def test_a_task_definition_copy_is_independent_at_every_depth():
    declared = json.loads((FIXTURES / "web_declared.json").read_text())
    copied = copy_document(declared)
    assert copied == declared
    first = copied["containerDefinitions"][0]
    first["name"] = "changed"
    assert declared["containerDefinitions"][0]["name"] != "changed"


def test_plain_turns_mappings_and_tuples_into_dicts_and_lists():
    assert plain({"a": ("x", 1)}) == {"a": ["x", 1]}
