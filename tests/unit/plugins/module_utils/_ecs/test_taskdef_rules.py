"""The cross-field rules of RegisterTaskDefinition: each refused with the field's path, before any call."""

from __future__ import annotations

import copy
import re

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_validate import prepare_declared_definition

# An EC2 web task as teams keep it: an app with a log router sidecar it waits for, a volume, tags.
BASE = {
    "family": "web",
    "networkMode": "bridge",
    "cpu": "512",
    "memory": "1024",
    "volumes": [{"name": "cache", "host": {"sourcePath": "/var/cache/web"}}],
    "containerDefinitions": [
        {
            "name": "app",
            "image": "nginx:1.27",
            "cpu": 256,
            "memory": 512,
            "memoryReservation": 256,
            "portMappings": [{"containerPort": 80, "hostPort": 0}, {"containerPortRange": "9000-9010"}],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}],
            "secrets": [{"name": "DB", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/db"}],
            "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
            "mountPoints": [{"sourceVolume": "cache", "containerPath": "/cache"}],
            "dependsOn": [{"containerName": "log-router", "condition": "START"}],
        },
        {
            "name": "log-router",
            "image": "amazon/aws-for-fluent-bit:2",
            "essential": True,
            "memoryReservation": 50,
        },
    ],
    "tags": [{"key": "team", "value": "shop"}],
}


def _app(definition: dict) -> dict:
    return definition["containerDefinitions"][0]


def _router(definition: dict) -> dict:
    return definition["containerDefinitions"][1]


def _awsvpc(definition: dict, mapping: dict) -> None:
    definition["networkMode"] = "awsvpc"
    _app(definition)["portMappings"] = [mapping]


APP = "task_definition.containerDefinitions[0]"
RULES = [
    (
        "no essential container",
        lambda d: [c.update(essential=False) for c in d["containerDefinitions"]],
        "task_definition.containerDefinitions: no container is essential",
    ),
    (
        "environment entry without name",
        lambda d: _app(d)["environment"].append({"value": "x"}),
        f"{APP}.environment[1].name",
    ),
    (
        "environment entry with empty name",
        lambda d: _app(d)["environment"][0].update(name=""),
        f"{APP}.environment[0].name",
    ),
    ("secret with empty name", lambda d: _app(d)["secrets"][0].update(name=""), f"{APP}.secrets[0].name"),
    (
        "secret with empty valueFrom",
        lambda d: _app(d)["secrets"][0].update(valueFrom=""),
        f"{APP}.secrets[0].valueFrom",
    ),
    ("ulimit with empty name", lambda d: _app(d)["ulimits"][0].update(name=""), f"{APP}.ulimits[0].name"),
    ("ulimit soft above hard", lambda d: _app(d)["ulimits"][0].update(softLimit=9000), f"{APP}.ulimits[0].softLimit"),
    (
        "mount of no volume",
        lambda d: _app(d)["mountPoints"][0].update(sourceVolume="data"),
        f"{APP}.mountPoints[0].sourceVolume 'data' names no volume",
    ),
    (
        "mount without path",
        lambda d: _app(d)["mountPoints"][0].update(containerPath=""),
        f"{APP}.mountPoints[0].containerPath",
    ),
    (
        "volume without name",
        lambda d: d["volumes"].append({"host": {"sourcePath": "/x"}}),
        "task_definition.volumes[1].name",
    ),
    (
        "volumesFrom of no container",
        lambda d: _app(d).update(volumesFrom=[{"sourceContainer": "db"}]),
        f"{APP}.volumesFrom[0].sourceContainer 'db'",
    ),
    ("zero memory", lambda d: _app(d).update(memory=0), f"{APP}.memory must be a positive"),
    (
        "negative reservation",
        lambda d: _app(d).update(memoryReservation=-1),
        f"{APP}.memoryReservation must be a positive",
    ),
    (
        "memory below reservation",
        lambda d: _app(d).update(memory=128),
        f"{APP}.memory 128 is less than its memoryReservation 256",
    ),
    (
        "no memory anywhere",
        lambda d: (d.pop("memory"), _app(d).pop("memory"), _app(d).pop("memoryReservation")),
        f"{APP}: give memory or memoryReservation",
    ),
    (
        "awsvpc host port differs",
        lambda d: _awsvpc(d, {"containerPort": 80, "hostPort": 8080}),
        f"{APP}.portMappings[0].hostPort 8080 differs",
    ),
    (
        "host mode host port differs",
        lambda d: (d.update(networkMode="host"), _app(d).update(portMappings=[{"containerPort": 80, "hostPort": 81}])),
        f"{APP}.portMappings[0].hostPort 81 differs",
    ),
    (
        "range under host mode",
        lambda d: (d.update(networkMode="host"), _app(d)["portMappings"][0].pop("hostPort")),
        f"{APP}.portMappings[1].containerPortRange: port ranges need",
    ),
    (
        "range backwards",
        lambda d: _app(d)["portMappings"][1].update(containerPortRange="9010-9000"),
        "the first port must be less than the last",
    ),
    (
        "range not a range",
        lambda d: _app(d)["portMappings"][1].update(containerPortRange="9000"),
        "is not a port range",
    ),
    (
        "range with a host port",
        lambda d: _app(d)["portMappings"][1].update(hostPort=9000),
        "leave hostPort out with a port range",
    ),
    (
        "port and range",
        lambda d: _app(d)["portMappings"][1].update(containerPort=9000),
        f"{APP}.portMappings[1]: give containerPort or containerPortRange, not both",
    ),
    (
        "overlapping range",
        lambda d: _app(d)["portMappings"].append({"containerPortRange": "9005-9020"}),
        f"{APP}.portMappings[2] maps container port 9005-9020/tcp",
    ),
    (
        "port twice",
        lambda d: _app(d)["portMappings"].append({"containerPort": 80}),
        f"{APP}.portMappings[2] maps container port 80/tcp",
    ),
    (
        "port out of range",
        lambda d: _app(d)["portMappings"][0].update(containerPort=70000),
        "containerPort must be 1 to 65535",
    ),
    (
        "too many ranges",
        lambda d: _app(d).update(portMappings=[{"containerPortRange": f"{p}-{p + 1}"} for p in range(10000, 10404, 4)]),
        "101 port ranges; ECS takes at most 100",
    ),
    (
        "dependency on no container",
        lambda d: _app(d)["dependsOn"][0].update(containerName="logger"),
        f"{APP}.dependsOn[0].containerName 'logger' names no container",
    ),
    ("dependency on itself", lambda d: _app(d)["dependsOn"][0].update(containerName="app"), "cannot depend on itself"),
    (
        "COMPLETE on an essential container",
        lambda d: _app(d)["dependsOn"][0].update(condition="COMPLETE"),
        "condition COMPLETE waits for 'log-router' to exit",
    ),
    (
        "HEALTHY without health check",
        lambda d: _app(d)["dependsOn"][0].update(condition="HEALTHY"),
        "condition HEALTHY needs a healthCheck",
    ),
    (
        "duplicate tag keys",
        lambda d: d["tags"].append({"key": "team", "value": "other"}),
        "task_definition.tags[1].key 'team' is given twice",
    ),
    ("aws: tag prefix", lambda d: d["tags"].append({"key": "AWS:owner", "value": "x"}), "the aws: prefix is reserved"),
    (
        "51 tags",
        lambda d: d.update(tags=[{"key": f"k{i}", "value": "v"} for i in range(51)]),
        "51 tags; ECS takes at most 50",
    ),
    (
        "long tag key",
        lambda d: d["tags"].append({"key": "k" * 129, "value": "v"}),
        "task_definition.tags[1].key must be 1 to 128",
    ),
    (
        "containers above task cpu",
        lambda d: _router(d).update(cpu=512),
        "task_definition.cpu 512 is less than the 768 CPU units",
    ),
    (
        "container above task memory",
        lambda d: _app(d).update(memory=2048),
        f"{APP}.memory 2048 is more than the task's memory 1024",
    ),
    (
        "reservations above task memory",
        lambda d: (_app(d).pop("memory"), d.update(memory="300")),
        "task_definition.memory 300 is less than the 306 MiB",
    ),
]


@pytest.mark.parametrize(("label", "mutate", "message"), RULES, ids=[rule[0] for rule in RULES])
def test_each_rule_is_refused_naming_the_field(label, mutate, message, register_shape):
    definition = copy.deepcopy(BASE)
    mutate(definition)
    with pytest.raises(ECSValidationError, match=re.escape(message)):
        prepare_declared_definition(definition, register_shape)


def test_the_base_keeps_every_rule(register_shape):
    prepare_declared_definition(copy.deepcopy(BASE), register_shape)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: _awsvpc(d, {"containerPort": 80, "hostPort": 80}),
        lambda d: _awsvpc(d, {"containerPort": 80}),
        lambda d: _app(d)["portMappings"].append({"containerPort": 80, "protocol": "udp"}),
        lambda d: (_router(d).update(essential=False), _app(d)["dependsOn"][0].update(condition="COMPLETE")),
        lambda d: (
            _router(d).update(healthCheck={"command": ["CMD", "true"]}),
            _app(d)["dependsOn"][0].update(condition="HEALTHY"),
        ),
        lambda d: _app(d).update(memory=256),
        lambda d: d.update(tags={"team": "shop", "cost-center": "42"}),
    ],
    ids=[
        "awsvpc same port",
        "awsvpc no host port",
        "same port other protocol",
        "COMPLETE on a sidecar",
        "HEALTHY with check",
        "memory equal to reservation",
        "tags as a mapping",
    ],
)
def test_what_ecs_takes_passes(mutate, register_shape):
    definition = copy.deepcopy(BASE)
    mutate(definition)
    prepare_declared_definition(definition, register_shape)
