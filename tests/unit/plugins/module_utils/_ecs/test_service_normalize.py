"""Normalisation of declared options and described services, and the shape of what the module returns."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.args import SERVICE_ARG_SPEC
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_normalize import (
    declared_settings,
    events_result,
    live_settings,
    resolve_items,
    service_result,
    validate_declared,
)

FIXTURE = Path(__file__).parent / "fixtures" / "service_web_described.json"


def live_web() -> dict:
    return json.loads(FIXTURE.read_text())["services"][0]


def top_level(**given) -> dict:
    values = dict.fromkeys(SERVICE_ARG_SPEC)
    values.update(state="present", force_new_deployment=False)
    values.update(given)
    return values


def test_live_settings_fill_what_ecs_leaves_out_and_sort_what_has_no_order():
    live = live_settings(live_web())
    assert live["taskDefinition"] == "web:7"
    assert live["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == [
        "subnet-0aaaaaaaaaaaaaaaa",
        "subnet-0bbbbbbbbbbbbbbbb",
    ]
    assert live["deploymentConfiguration"]["alarms"] == {"alarmNames": [], "enable": False, "rollback": False}
    assert live["capacityProviderStrategy"] == []
    assert live["tags"] == {"team": "web"}


def test_no_service_has_the_settings_of_one_created_with_nothing_declared():
    assert live_settings(None)["deploymentConfiguration"]["maximumPercent"] == 200
    assert live_settings(None)["propagateTags"] == "NONE"


def test_declared_settings_hold_only_what_was_declared():
    declared = declared_settings(
        top_level(
            task_definition="web:8",
            network_configuration={"subnets": None, "security_groups": None, "assign_public_ip": True},
            deployment_configuration={
                "maximum_percent": None,
                "minimum_healthy_percent": 50,
                "deployment_circuit_breaker": None,
                "alarms": None,
            },
        )
    )
    assert declared == {
        "taskDefinition": "web:8",
        "networkConfiguration": {"awsvpcConfiguration": {"assignPublicIp": "ENABLED"}},
        "deploymentConfiguration": {"minimumHealthyPercent": 50},
    }


def test_items_inherit_unset_options_from_the_top_level():
    items = resolve_items(
        top_level(cluster="prod", desired_count=2, tags={"team": "web"}),
        [{"service": "a", "task_definition": "a:1"}, {"name": "b", "cluster": "batch", "desired_count": 0}],
    )
    assert [(item["cluster"], item["service"], item["desired_count"]) for item in items] == [
        ("prod", "a", 2),
        ("batch", "b", 0),
    ]
    assert items[1]["tags"] == {"team": "web"}
    assert items[0]["state"] == "present"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"service": "a", "surprise": 1}, r"services\[0\]: .*surprise"),
        ({"service": "a", "desired_count": "many"}, r"services\[0\]: .*desired_count"),
        ({"service": "a", "launch_type": "LAMBDA"}, r"services\[0\]: .*launch_type"),
    ],
)
def test_a_bad_item_is_named_by_its_index(item, message):
    with pytest.raises(ECSValidationError, match=message):
        resolve_items(top_level(cluster="prod"), [item])


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"cluster": None}, "cluster is required"),
        ({"service": None}, "service is required"),
        ({"task_definition": None}, "task_definition is required"),
        ({"desired_count": -1}, "desired_count must be 0 or more"),
        ({"health_check_grace_period_seconds": -5}, "health_check_grace_period_seconds"),
        (
            {"launch_type": "FARGATE", "capacity_provider_strategy": [{"capacity_provider": "FARGATE"}]},
            "mutually exclusive",
        ),
        (
            {
                "load_balancers": [
                    {"target_group_arn": None, "load_balancer_name": None, "container_name": "a", "container_port": 1}
                ]
            },
            r"load_balancers\[0\]",
        ),
    ],
)
def test_validate_declared_names_the_field(given, message):
    options = top_level(cluster="prod", service="web", task_definition="web:7")
    options.update(given)
    with pytest.raises(ECSValidationError, match=message):
        validate_declared(options)


def test_absent_needs_no_task_definition():
    validate_declared(top_level(cluster="prod", service="web", state="absent"))


def test_service_result_is_snake_case_with_tag_keys_untouched_and_plain_times():
    described = live_web()
    described["tags"].append({"key": "CostCenter", "value": "42"})
    described["createdAt"] = datetime.datetime(2025, 2, 1, 9, 0, tzinfo=datetime.UTC)
    result = service_result(described)
    assert result["service_name"] == "web"
    assert result["deployment_configuration"]["deployment_circuit_breaker"] == {"enable": False, "rollback": False}
    assert result["tags"] == {"team": "web", "CostCenter": "42"}
    assert result["created_at"] == "2025-02-01T09:00:00+00:00"
    json.dumps(result)


def test_service_result_names_every_field_as_camel_dict_to_snake_dict_does():
    # The result converts each field name once per process; what it gives must not differ from Ansible's conversion.
    described = live_web()
    described["createdAt"] = datetime.datetime(2025, 2, 1, 9, 0, tzinfo=datetime.UTC)
    described["deployments"][0]["createdAt"] = datetime.datetime(2025, 2, 1, 9, 5, tzinfo=datetime.UTC)
    described["placementConstraints"] = [{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}]
    described["deploymentConfiguration"]["alarms"] = {"alarmNames": ["web-5xx"], "enable": True, "rollback": True}
    described["nested"] = [[{"innerName": 1}], ["plain"]]
    described["events"] = [{"id": "e1", "createdAt": "2025-02-01T09:05:00+00:00", "message": "steady"}]
    history = {name: value for name, value in described.items() if name != "events"}
    expected = camel_dict_to_snake_dict(json.loads(json.dumps({**history, "tags": []}, default=str)))
    expected["created_at"] = "2025-02-01T09:00:00+00:00"
    expected["deployments"][0]["created_at"] = "2025-02-01T09:05:00+00:00"
    expected["tags"] = {"team": "web"}
    for _twice in range(2):
        assert service_result(described) == expected


def test_service_result_leaves_the_event_history_out():
    described = live_web()
    event = {"createdAt": "2025-02-01T09:05:00+00:00", "message": "(service web) has reached a steady state."}
    described["events"] = [{"id": f"e{n}", **event} for n in range(100)]
    assert "events" not in service_result(described)
    assert len(described["events"]) == 100


def test_events_result_is_snake_case():
    events = events_result(
        [{"id": "e1", "createdAt": datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC), "message": "m"}]
    )
    assert events == [{"id": "e1", "created_at": "2025-01-01T00:00:00+00:00", "message": "m"}]
