"""Bad declared input is rejected with a message that names the field."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.images import image_problem, split_image
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_validate import (
    prepare_declared_definition,
    validate_images,
)


def _fargate(**overrides) -> dict:
    definition = {
        "family": "web",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [{"name": "app", "image": "nginx:1.27"}],
    }
    definition.update(overrides)
    return definition


BAD_DEFINITIONS = [
    ("no family", {"family": None}, "task_definition.family"),
    ("family with a space", {"family": "my web"}, "task_definition.family"),
    ("no containers", {"containerDefinitions": []}, "task_definition.containerDefinitions"),
    (
        "duplicate container names",
        {"containerDefinitions": [{"name": "app", "image": "a"}, {"name": "app", "image": "b"}]},
        "task_definition.containerDefinitions[1].name 'app' is used twice",
    ),
    (
        "invalid image",
        {"containerDefinitions": [{"name": "app", "image": "nginx:latest:2"}]},
        "task_definition.containerDefinitions[0].image 'nginx:latest:2'",
    ),
    ("invalid fargate pair", {"cpu": "256", "memory": "4096"}, "task_definition.memory 4096 is not valid with cpu 256"),
    ("invalid fargate cpu", {"cpu": "300"}, "task_definition.cpu 300 is not a Fargate CPU size"),
    ("fargate without memory", {"memory": None}, "task_definition.memory is required for a FARGATE"),
    ("fargate in bridge mode", {"networkMode": "bridge"}, "task_definition.networkMode must be 'awsvpc'"),
    ("unknown task field", {"familly": "x"}, "task_definition.familly is not a field the ECS API knows"),
    (
        "unknown container field with a suggestion",
        {"containerDefinitions": [{"name": "app", "image": "nginx", "enviroment": []}]},
        "did you mean 'environment'?",
    ),
    (
        "wrong type",
        {"containerDefinitions": [{"name": "app", "image": "nginx", "memory": "lots"}]},
        "task_definition.containerDefinitions[0].memory must be an integer",
    ),
    ("bad enum", {"networkMode": "overlay"}, "task_definition.networkMode must be one of"),
    ("list expected", {"containerDefinitions": {"name": "app"}}, "task_definition.containerDefinitions must be a list"),
]


@pytest.mark.parametrize(("label", "overrides", "message"), BAD_DEFINITIONS, ids=[case[0] for case in BAD_DEFINITIONS])
def test_bad_definitions_name_the_field(label, overrides, message, register_shape):
    with pytest.raises(ECSValidationError) as raised:
        prepare_declared_definition(_fargate(**overrides), register_shape)
    assert message in str(raised.value)


def test_types_follow_the_api_model(register_shape):
    request = prepare_declared_definition(
        _fargate(
            containerDefinitions=[
                {"name": "app", "image": "nginx", "memory": "512", "essential": "true", "cpu": 128.0}
            ],
            networkMode="AWSVPC",
        ),
        register_shape,
    )
    container = request["containerDefinitions"][0]
    assert container == {"name": "app", "image": "nginx", "memory": 512, "essential": True, "cpu": 128}
    assert request["networkMode"] == "awsvpc"


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [("256", "512"), ("0.25 vCPU", "2GB"), (1024, "8 GB"), ("8 vCPU", "60GB"), ("16384", "122880")],
)
def test_valid_fargate_pairs(cpu, memory, register_shape):
    prepare_declared_definition(_fargate(cpu=cpu, memory=memory), register_shape)


@pytest.mark.parametrize(("cpu", "memory"), [("8192", "18432"), ("16384", "36864"), ("4096", "31744")])
def test_fargate_steps_are_enforced(cpu, memory, register_shape):
    with pytest.raises(ECSValidationError, match="is not valid with cpu"):
        prepare_declared_definition(_fargate(cpu=cpu, memory=memory), register_shape)


def test_images_must_name_a_declared_container(register_shape):
    request = prepare_declared_definition(_fargate(), register_shape)
    with pytest.raises(ECSValidationError, match=r"images\.ap: no container named 'ap'.*'app'"):
        validate_images({"ap": "nginx:1"}, request)
    with pytest.raises(ECSValidationError, match=r"images\.app 'NGINX' has upper-case"):
        validate_images({"app": "NGINX"}, request)
    validate_images({"app": "nginx:1.27"}, request)


@pytest.mark.parametrize(
    "reference",
    [
        "nginx",
        "nginx:1.27-alpine",
        "library/nginx:stable",
        "public.ecr.aws/nginx/nginx:mainline",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:2.4.1",
        "localhost:5000/web@sha256:" + "a" * 64,
        "ghcr.io/org/app:v1.2.3@sha256:" + "0123456789abcdef" * 4,
    ],
)
def test_valid_image_references(reference):
    assert image_problem(reference) is None


@pytest.mark.parametrize(
    "reference",
    ["", " nginx", "nginx:", "nginx:latest:2", "Nginx", "nginx@sha256:short", "web:" + "x" * 200, "a//b", 42],
)
def test_invalid_image_references(reference):
    assert image_problem(reference) is not None


def test_split_image():
    digest = "sha256:" + "b" * 64
    assert split_image(f"registry.local:5000/team/web:1.0@{digest}") == {
        "repository": "registry.local:5000/team/web",
        "tag": "1.0",
        "digest": digest,
    }
