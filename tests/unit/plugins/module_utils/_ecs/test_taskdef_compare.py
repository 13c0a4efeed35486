"""Canonical comparison of task definitions, from real DescribeTaskDefinition shapes."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.diff import differences
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_compare import align_identifiers, plan_item
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_normalize import (
    KEYED_LISTS,
    normalize_task_definition,
    task_size,
)
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_validate import prepare_declared_definition

LIVE_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:2.4.1"


def _container(definition: dict, name: str) -> dict:
    return next(container for container in definition["containerDefinitions"] if container["name"] == name)


def _desired(declared: dict, register_shape) -> dict:
    """The declared web definition typed for the API, with the live image kept (as the module does)."""
    request = prepare_declared_definition(declared, register_shape)
    _container(request, "app")["image"] = LIVE_IMAGE
    return request


def _plan(declared: dict, described: dict, register_shape) -> dict:
    return plan_item(_desired(declared, register_shape), described)


def test_declared_and_described_forms_of_one_revision_are_equal(declared_web, described_web, register_shape):
    plan = _plan(declared_web, described_web, register_shape)
    assert plan["changes"] == []
    assert plan["tag_changes"] == []
    assert plan["substantive"] is False


def test_canonical_form_drops_read_only_fields_and_keeps_user_map_keys(described_web):
    canonical = normalize_task_definition(described_web)
    for field in ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt"):
        assert field not in canonical
    assert _container(canonical, "app")["dockerLabels"] == {"com.Example.Team": "Payments"}
    assert canonical["tags"] == {"team": "payments"}, "aws: tags are AWS's own and never compared"
    assert [container["name"] for container in canonical["containerDefinitions"]] == ["app", "log-router"]


def _remove_log_router(definition: dict) -> None:
    """Remove the sidecar, and app's dependency on it: ECS refuses a dependency on a missing container."""
    definition["containerDefinitions"].pop()
    definition["containerDefinitions"][0].pop("dependsOn")


CHANGES = [
    (
        "environment value",
        lambda d: _container(d, "app")["environment"][1].update(value="debug"),
        "containerDefinitions[app].environment[LOG_LEVEL].value",
    ),
    (
        "environment variable added",
        lambda d: _container(d, "app")["environment"].append({"name": "NEW", "value": "1"}),
        "containerDefinitions[app].environment[NEW]",
    ),
    (
        "port",
        lambda d: _container(d, "app")["portMappings"][0].update(containerPort=9090),
        "containerDefinitions[app].portMappings",
    ),
    (
        "command argument",
        lambda d: _container(d, "app")["command"].__setitem__(2, "8"),
        "containerDefinitions[app].command[2]",
    ),
    ("command order", lambda d: _container(d, "app")["command"].reverse(), "containerDefinitions[app].command[0]"),
    (
        "health check command",
        lambda d: _container(d, "app")["healthCheck"]["command"].__setitem__(1, "true"),
        "containerDefinitions[app].healthCheck.command[1]",
    ),
    (
        "health check interval",
        lambda d: _container(d, "app")["healthCheck"].update(interval=10),
        "containerDefinitions[app].healthCheck.interval",
    ),
    (
        "secret source",
        lambda d: _container(d, "app")["secrets"][0].update(valueFrom="arn:aws:ssm:eu-west-1:1:parameter/x"),
        "containerDefinitions[app].secrets[API_KEY].valueFrom",
    ),
    (
        "docker label key case",
        lambda d: _container(d, "app").update(dockerLabels={"com.example.team": "Payments"}),
        "containerDefinitions[app].dockerLabels.com.Example.Team",
    ),
    (
        "log option",
        lambda d: _container(d, "app")["logConfiguration"]["options"].update({"awslogs-group": "/ecs/x"}),
        "containerDefinitions[app].logConfiguration.options.awslogs-group",
    ),
    (
        "ulimit",
        lambda d: _container(d, "app")["ulimits"][0].update(softLimit=1024),
        "containerDefinitions[app].ulimits[nofile].softLimit",
    ),
    (
        "essential flag",
        lambda d: _container(d, "log-router").update(essential=False),
        "containerDefinitions[log-router].essential",
    ),
    ("task role", lambda d: d.update(taskRoleArn="arn:aws:iam::123456789012:role/other"), "taskRoleArn"),
    ("execution role", lambda d: d.update(executionRoleArn="arn:aws:iam::123456789012:role/other"), "executionRoleArn"),
    ("network mode", lambda d: d.update(networkMode="bridge", requiresCompatibilities=["EC2"]), "networkMode"),
    ("task cpu", lambda d: d.update(cpu="1 vCPU", memory="2GB"), "cpu"),
    ("task memory", lambda d: d.update(memory="2048"), "memory"),
    (
        "placement constraints",
        lambda d: d.update(placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}]),
        "placementConstraints",
    ),
    (
        "runtime platform",
        lambda d: d.update(runtimePlatform={"cpuArchitecture": "ARM64"}),
        "runtimePlatform.cpuArchitecture",
    ),
    ("volume", lambda d: d["volumes"].append({"name": "cache"}), "volumes[cache]"),
    ("ephemeral storage", lambda d: d.update(ephemeralStorage={"sizeInGiB": 40}), "ephemeralStorage"),
    ("container removed", _remove_log_router, "containerDefinitions[log-router]"),
    ("pid mode", lambda d: d.update(pidMode="task"), "pidMode"),
]


@pytest.mark.parametrize(("label", "mutate", "path"), CHANGES, ids=[change[0] for change in CHANGES])
def test_every_substantive_change_is_seen(label, mutate, path, declared_web, described_web, register_shape):
    mutate(declared_web)
    plan = _plan(declared_web, described_web, register_shape)
    assert plan["substantive"], f"{label} went unseen"
    assert any(change["path"].startswith(path) for change in plan["changes"]), plan["changes"]


def test_same_length_environment_with_a_changed_value_is_not_equal(described_web, register_shape, declared_web):
    # community.aws treats equal-length lists as equal; this is the case it misses.
    env = _container(declared_web, "app")["environment"]
    env[0] = {"name": "PORT", "value": "9090"}
    plan = _plan(declared_web, described_web, register_shape)
    assert [change["path"] for change in plan["changes"]] == ["containerDefinitions[app].environment[PORT].value"]
    assert plan["changes"][0]["before"] == "8080"
    assert plan["changes"][0]["after"] == "9090"


def test_environment_and_secret_order_do_not_matter(declared_web, described_web, register_shape):
    _container(declared_web, "app")["environment"].reverse()
    _container(declared_web, "app")["secrets"].reverse()
    declared_web["containerDefinitions"].reverse()
    assert _plan(declared_web, described_web, register_shape)["changes"] == []


def test_duplicate_environment_names_are_not_hidden(declared_web, described_web, register_shape):
    _container(declared_web, "app")["environment"].append({"name": "LOG_LEVEL", "value": "debug"})
    plan = _plan(declared_web, described_web, register_shape)
    assert "containerDefinitions[app].environment[LOG_LEVEL#2]" in [change["path"] for change in plan["changes"]]
    levels = [env["value"] for env in _container(plan["after"], "app")["environment"] if env["name"] == "LOG_LEVEL"]
    assert levels == ["debug", "info"]


def test_only_tags_differ(declared_web, described_web, register_shape):
    declared_web["tags"] = {"team": "checkout", "cost-centre": "42"}
    plan = _plan(declared_web, described_web, register_shape)
    assert plan["substantive"] is False
    assert {change["path"] for change in plan["tag_changes"]} == {"team", "cost-centre"}


def test_bridge_dynamic_host_port_zero_equals_absent():
    base = {
        "family": "w",
        "containerDefinitions": [{"name": "a", "image": "n", "portMappings": [{"containerPort": 80}]}],
    }
    zero = copy.deepcopy(base)
    zero["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 0
    assert normalize_task_definition(base) == normalize_task_definition(zero)
    assert normalize_task_definition(base)["networkMode"] == "bridge"


def test_awsvpc_host_port_defaults_to_container_port():
    definition = {
        "family": "w",
        "networkMode": "awsvpc",
        "containerDefinitions": [{"name": "a", "image": "n", "portMappings": [{"containerPort": 80}]}],
    }
    mapping = normalize_task_definition(definition)["containerDefinitions"][0]["portMappings"][0]
    assert mapping == {"containerPort": 80, "hostPort": 80, "protocol": "tcp"}


@pytest.mark.parametrize(
    ("value", "field", "expected"),
    [
        ("1 vCPU", "cpu", "1024"),
        ("0.25 vcpu", "cpu", "256"),
        ("2 vCPUs", "cpu", "2048"),
        (512, "cpu", "512"),
        ("2GB", "memory", "2048"),
        ("0.5 GB", "memory", "512"),
        ("3072 MiB", "memory", "3072"),
        ("1024", "memory", "1024"),
        ("a lot", "memory", "a lot"),
    ],
)
def test_task_size_units(value, field, expected):
    assert task_size(value, field) == expected


def test_short_role_name_matches_the_stored_arn(described_web):
    aligned = align_identifiers({"taskRoleArn": "web-task", "executionRoleArn": "other"}, described_web)
    assert aligned["taskRoleArn"] == "arn:aws:iam::123456789012:role/web-task"
    assert aligned["executionRoleArn"] == "other"


def test_differences_name_keyed_paths():
    before = {"containerDefinitions": [{"name": "a", "environment": [{"name": "X", "value": "1"}]}]}
    after = {"containerDefinitions": [{"name": "a", "environment": [{"name": "X", "value": "2"}]}]}
    assert differences(before, after, KEYED_LISTS) == [
        {"path": "containerDefinitions[a].environment[X].value", "before": "1", "after": "2"}
    ]
