"""RegisterTaskDefinition refuses what ECS refuses across fields, with ECS's error codes, and registers nothing."""

from __future__ import annotations

import copy

import pytest
from botocore.exceptions import ClientError

BASE = {
    "family": "rules",
    "networkMode": "bridge",
    "cpu": "512",
    "memory": "1024",
    "volumes": [{"name": "cache", "host": {"sourcePath": "/var/cache"}}],
    "containerDefinitions": [
        {
            "name": "app",
            "image": "nginx:1.27",
            "cpu": 256,
            "memory": 512,
            "memoryReservation": 256,
            "portMappings": [{"containerPort": 80}, {"containerPortRange": "9000-9010"}],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}],
            "secrets": [{"name": "DB", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"}],
            "mountPoints": [{"sourceVolume": "cache", "containerPath": "/cache"}],
            "dependsOn": [{"containerName": "log-router", "condition": "START"}],
        },
        {"name": "log-router", "image": "amazon/aws-for-fluent-bit:2", "memoryReservation": 50},
    ],
    "tags": [{"key": "team", "value": "shop"}],
}


def _app(definition: dict) -> dict:
    return definition["containerDefinitions"][0]


REFUSED = [
    (
        "no essential container",
        lambda d: [c.update(essential=False) for c in d["containerDefinitions"]],
        "ClientException",
        "essential",
    ),
    (
        "environment without name",
        lambda d: _app(d)["environment"].append({"value": "x"}),
        "ClientException",
        "environment.name",
    ),
    (
        "secret with empty valueFrom",
        lambda d: _app(d)["secrets"][0].update(valueFrom=""),
        "ClientException",
        "valueFrom",
    ),
    (
        "mount of no volume",
        lambda d: _app(d)["mountPoints"][0].update(sourceVolume="data"),
        "ClientException",
        "mountPoints",
    ),
    ("memory below reservation", lambda d: _app(d).update(memory=128), "ClientException", "memoryReservation"),
    ("zero memory", lambda d: _app(d).update(memory=0), "ClientException", "'memory'"),
    (
        "range under host mode",
        lambda d: (d.update(networkMode="host"), _app(d)["portMappings"].pop(0)),
        "InvalidParameterException",
        "containerPortRange",
    ),
    (
        "range backwards",
        lambda d: _app(d)["portMappings"][1].update(containerPortRange="9010-9000"),
        "InvalidParameterException",
        "containerPortRange",
    ),
    (
        "port twice",
        lambda d: _app(d)["portMappings"].append({"containerPort": 80}),
        "InvalidParameterException",
        "more than once",
    ),
    (
        "dependency on no container",
        lambda d: _app(d)["dependsOn"][0].update(containerName="logger"),
        "ClientException",
        "dependency",
    ),
    (
        "COMPLETE on an essential container",
        lambda d: _app(d)["dependsOn"][0].update(condition="COMPLETE"),
        "ClientException",
        "essential",
    ),
    ("containers above task cpu", lambda d: d["containerDefinitions"][1].update(cpu=512), "ClientException", "cpu"),
    ("container above task memory", lambda d: _app(d).update(memory=2048), "ClientException", "task memory"),
    (
        "duplicate tag keys",
        lambda d: d["tags"].append({"key": "team", "value": "x"}),
        "InvalidParameterException",
        "unique",
    ),
    (
        "aws: tag prefix",
        lambda d: d["tags"].append({"key": "aws:owner", "value": "x"}),
        "InvalidParameterException",
        "aws:",
    ),
    (
        "51 tags",
        lambda d: d.update(tags=[{"key": f"k{i}", "value": "v"} for i in range(51)]),
        "InvalidParameterException",
        "50",
    ),
]


@pytest.mark.parametrize(("label", "mutate", "code", "fragment"), REFUSED, ids=[case[0] for case in REFUSED])
def test_each_rule_is_refused_and_nothing_registered(ecs, label, mutate, code, fragment):
    definition = copy.deepcopy(BASE)
    mutate(definition)
    with pytest.raises(ClientError) as error:
        ecs.register_task_definition(**definition)
    assert error.value.response["Error"]["Code"] == code
    assert fragment in error.value.response["Error"]["Message"]
    assert ecs.list_task_definitions(familyPrefix="rules")["taskDefinitionArns"] == []


def test_the_base_is_registered(ecs):
    registered = ecs.register_task_definition(**copy.deepcopy(BASE))["taskDefinition"]
    assert registered["revision"] == 1
