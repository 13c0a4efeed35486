"""Whatever AWS returned, fed back as the declaration in any of the three shapes, changes and writes nothing."""

from __future__ import annotations

import json

from tests.integration.conftest import run_playbook
from tests.support.aws import client

READ_ONLY = (
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
)


def test_the_three_shapes_of_a_described_revision_change_nothing(clean_sandbox):
    ecs = client(clean_sandbox, "ecs")
    ecs.create_cluster(clusterName="it-shapes")
    registered = ecs.register_task_definition(
        family="it-shapes-web",
        networkMode="bridge",
        cpu="0.5 vCPU",
        memory="1 GB",
        containerDefinitions=[
            {
                "name": "app",
                "image": "registry.example/web:7",
                "memory": 256,
                "portMappings": [{"containerPort": 8080}],
                "environment": [{"name": "EMPTY", "value": ""}],
                "healthCheck": {"command": ["CMD-SHELL", "curl -f localhost:8080"]},
            }
        ],
        tags=[{"key": "team", "value": "shop"}],
    )["taskDefinition"]
    ecs.create_service(cluster="it-shapes", serviceName="web", taskDefinition=registered["taskDefinitionArn"])
    # What `aws ecs describe-task-definition --include TAGS` prints, dates as text.
    answer = json.loads(
        json.dumps(ecs.describe_task_definition(taskDefinition="it-shapes-web", include=["TAGS"]), default=str)
    )
    answer.pop("ResponseMetadata")
    described = dict(answer["taskDefinition"], tags=answer["tags"])
    request = {key: value for key, value in described.items() if key not in READ_ONLY}
    clean_sandbox.control("calls/reset", {})

    run = run_playbook(
        clean_sandbox,
        "taskdef_shapes.yml",
        {"shapes": {"request": request, "described": described, "answer": answer}},
        json_output=True,
    )

    (resolved,) = run.results("Resolve the service from each shape")
    by_shape = {result["item"]["key"]: result for result in resolved["results"]}
    for shape, result in by_shape.items():
        assert (result["changed"], result["registered"], result["changes"]) == (False, False, []), (shape, result)
        assert result["task_definition_arn"] == registered["taskDefinitionArn"]
    assert by_shape["request"]["ignored_fields"] == []
    assert by_shape["described"]["ignored_fields"] == [f"task_definition.{field}" for field in READ_ONLY]
    assert by_shape["answer"]["ignored_fields"] == [f"task_definition.taskDefinition.{field}" for field in READ_ONLY]
    calls = clean_sandbox.calls()
    assert not [key for key in calls if key.startswith("ecs:") and not key[4:].startswith("Describe")], calls
