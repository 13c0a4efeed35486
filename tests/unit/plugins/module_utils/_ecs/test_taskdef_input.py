"""Task definitions in every shape users keep: the request, a described revision, the CLI's whole answer."""

from __future__ import annotations

import copy
import re

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_compare import desired_definition, plan_item
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_validate import prepare_declared

from .conftest import load_fixture

READ_ONLY = [
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
]


def _shapes(answer: dict) -> dict[str, dict]:
    """The three shapes of one revision, as a user would keep each."""
    described = copy.deepcopy(answer["taskDefinition"])
    request = {key: value for key, value in described.items() if key not in READ_ONLY}
    # A request written by hand carries no tag of AWS's own (aws:cloudformation:...): ECS refuses to set those.
    request["tags"] = [tag for tag in answer["tags"] if not tag["key"].startswith("aws:")]
    return {"request": request, "described": described, "answer": copy.deepcopy(answer)}


@pytest.mark.parametrize("shape", ["request", "described", "answer"])
def test_any_shape_of_a_described_revision_fed_back_changes_nothing(shape, register_shape, described_web):
    answer = load_fixture("web_described.json")
    declared = _shapes(answer)[shape]
    if shape == "described":
        declared["tags"] = copy.deepcopy(answer["tags"])  # a described document alone has no tags: declare them
    request, ignored = prepare_declared(declared, register_shape)
    desired, _choices, drift = desired_definition(request, None, described_web, False)
    plan = plan_item(desired, described_web)
    assert (plan["substantive"], plan["changes"], plan["tag_changes"], drift) == (False, [], [], [])
    prefix = {"request": None, "described": "task_definition.", "answer": "task_definition.taskDefinition."}[shape]
    aws_tags = [f"task_definition.tags[{tag['key']}]" for tag in answer["tags"] if tag["key"].startswith("aws:")]
    assert ignored == ([] if prefix is None else [prefix + field for field in READ_ONLY] + aws_tags)


def test_the_cli_answers_tags_are_the_declared_tags(register_shape):
    answer = {
        "taskDefinition": {
            "family": "web",
            "containerDefinitions": [{"name": "app", "image": "nginx:1", "memory": 64}],
        },
        "tags": [{"key": "team", "value": "shop"}],
    }
    request, _ignored = prepare_declared(answer, register_shape)
    assert request["tags"] == [{"key": "team", "value": "shop"}]


def test_anything_else_unknown_stays_an_error(register_shape):
    with pytest.raises(ECSValidationError, match=re.escape("task_definition.ResponseMetadata is not part of")):
        prepare_declared({"taskDefinition": {"family": "web"}, "ResponseMetadata": {}}, register_shape)
    with pytest.raises(ECSValidationError, match=re.escape("task_definition.deregisteredBy is not a field")):
        prepare_declared(
            {
                "family": "web",
                "deregisteredBy": "x",
                "containerDefinitions": [{"name": "a", "image": "b", "memory": 1}],
            },
            register_shape,
        )


def test_null_is_absent_everywhere_and_empty_only_where_it_cannot_be_data(register_shape):
    skeleton = {
        "family": "web",
        "taskRoleArn": "",
        "executionRoleArn": None,
        "ipcMode": "",
        "pidMode": None,
        "networkMode": "bridge",
        "volumes": None,
        "containerDefinitions": [
            {
                "name": "app",
                "image": "nginx:1",
                "memory": 128,
                "cpu": None,
                "portMappings": [{"containerPort": 80, "appProtocol": "", "name": None}],
                "environment": [{"name": "EMPTY", "value": ""}, None],
                "dockerLabels": {"team": "", "gone": None},
                "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "mode": ""}},
            }
        ],
    }
    request, _ignored = prepare_declared(skeleton, register_shape)
    assert set(request) == {"family", "networkMode", "containerDefinitions"}
    (container,) = request["containerDefinitions"]
    assert container["portMappings"] == [{"containerPort": 80}]
    assert container["environment"] == [{"name": "EMPTY", "value": ""}]  # an empty value is data
    assert container["dockerLabels"] == {"team": ""}
    assert container["logConfiguration"]["options"] == {"awslogs-group": "/ecs/web", "mode": ""}
    assert "cpu" not in container


def test_numbers_as_strings_and_task_sizes_with_units_are_registered_as_ecs_returns_them(register_shape):
    declared = {
        "family": "web",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": ".25 vcpu",
        "memory": ".5 gb",
        "containerDefinitions": [{"name": "app", "image": "nginx:1", "portMappings": [{"containerPort": "3000"}]}],
    }
    request, _ignored = prepare_declared(declared, register_shape)
    assert (request["cpu"], request["memory"]) == ("256", "512")
    assert request["containerDefinitions"][0]["portMappings"] == [{"containerPort": 3000}]
    for cpu, memory, expected in (("1 vCPU", "2 GB", ("1024", "2048")), ("1vCPU", "2GB", ("1024", "2048"))):
        request, _ignored = prepare_declared({**declared, "cpu": cpu, "memory": memory}, register_shape)
        assert (request["cpu"], request["memory"]) == expected


@pytest.mark.parametrize("image", [None, ""])
def test_a_container_without_image_takes_the_live_one_or_the_given_one(image, register_shape):
    declared = {"family": "web", "containerDefinitions": [{"name": "app", "memory": 128, "image": image}]}
    request, _ignored = prepare_declared(declared, register_shape)
    live = {"containerDefinitions": [{"name": "app", "image": "registry.example/web:7"}]}
    desired, choices, drift = desired_definition(request, None, live, False)
    assert desired["containerDefinitions"][0]["image"] == "registry.example/web:7" and drift == []
    assert choices[0]["source"] == "live"
    desired, _choices, _drift = desired_definition(request, {"app": "registry.example/web:8"}, None, False)
    assert desired["containerDefinitions"][0]["image"] == "registry.example/web:8"
    with pytest.raises(
        ECSValidationError, match=re.escape("task_definition.containerDefinitions[0] (app) has no image")
    ):
        desired_definition(request, None, None, False)
