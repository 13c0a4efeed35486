"""Task definitions come back the way real ECS returns them: read-only fields, defaults, normalised sizes."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import register

ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition"


def test_read_only_fields_and_container_defaults(ecs):
    registered = ecs.register_task_definition(
        family="web", containerDefinitions=[{"name": "app", "image": "nginx:1", "memory": 256}]
    )["taskDefinition"]
    described = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
    assert registered == described
    assert described["taskDefinitionArn"] == f"{ARN}/web:1"
    assert described["revision"] == 1
    assert described["status"] == "ACTIVE"
    assert described["compatibilities"] == ["EXTERNAL", "EC2"]
    assert described["registeredBy"] == "arn:aws:iam::123456789012:root"
    assert described["registeredAt"].year >= 2024
    assert {"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"} in described["requiresAttributes"]
    assert described["volumes"] == []
    assert described["placementConstraints"] == []
    assert "tags" not in ecs.describe_task_definition(taskDefinition="web")
    assert described["containerDefinitions"] == [
        {
            "name": "app",
            "image": "nginx:1",
            "cpu": 0,
            "memory": 256,
            "portMappings": [],
            "essential": True,
            "environment": [],
            "mountPoints": [],
            "volumesFrom": [],
            "systemControls": [],
        }
    ]


def test_port_mappings_under_awsvpc_and_bridge(ecs):
    ports = [{"containerPort": 80}, {"containerPort": 53, "protocol": "udp"}]
    awsvpc = ecs.register_task_definition(
        family="vpc",
        networkMode="awsvpc",
        containerDefinitions=[{"name": "app", "image": "x", "memory": 128, "portMappings": ports}],
    )["taskDefinition"]
    assert awsvpc["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 80, "hostPort": 80, "protocol": "tcp"},
        {"containerPort": 53, "hostPort": 53, "protocol": "udp"},
    ]
    bridge = ecs.register_task_definition(
        family="bridge",
        containerDefinitions=[{"name": "app", "image": "x", "memory": 128, "portMappings": [{"containerPort": 80}]}],
    )["taskDefinition"]
    assert bridge["containerDefinitions"][0]["portMappings"] == [
        {"containerPort": 80, "hostPort": 0, "protocol": "tcp"}
    ]


def test_awsvpc_rejects_a_host_port_other_than_the_container_port(ecs):
    with pytest.raises(ClientError) as error:
        ecs.register_task_definition(
            family="vpc",
            networkMode="awsvpc",
            containerDefinitions=[
                {"name": "a", "image": "x", "memory": 128, "portMappings": [{"containerPort": 80, "hostPort": 8080}]}
            ],
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


@pytest.mark.parametrize(
    ("cpu", "memory", "expected"),
    [
        ("1 vCPU", "2GB", ("1024", "2048")),
        ("0.25 vCPU", "0.5 GB", ("256", "512")),
        ("256", "512", ("256", "512")),
        ("2 vcpu", "4096 MiB", ("2048", "4096")),
        ("4vCPU", "8 GiB", ("4096", "8192")),
    ],
)
def test_task_size_is_normalised_to_numeric_strings(ecs, cpu, memory, expected):
    definition = ecs.register_task_definition(
        family="sized",
        cpu=cpu,
        memory=memory,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[{"name": "app", "image": "x"}],
    )["taskDefinition"]
    assert (definition["cpu"], definition["memory"]) == expected
    assert definition["compatibilities"] == ["EC2", "FARGATE"]
    assert definition["requiresCompatibilities"] == ["FARGATE"]


@pytest.mark.parametrize(
    ("cpu", "memory", "fragment"),
    [
        ("256", "4096", "No Fargate configuration exists for given values: 256 CPU, 4096 memory"),
        ("512", "512", "No Fargate configuration exists for given values: 512 CPU, 512 memory"),
        ("8192", "18432", "No Fargate configuration exists"),
        ("3 vCPU", "6GB", "No Fargate configuration exists for given values: 3072 CPU"),
        ("lots", "512", "Invalid 'cpu' setting"),
        ("256", None, "Fargate requires that 'memory' be defined at the task level."),
    ],
)
def test_fargate_rejects_invalid_sizes(ecs, cpu, memory, fragment):
    sizes = {"cpu": cpu} | ({"memory": memory} if memory else {})
    with pytest.raises(ClientError) as error:
        ecs.register_task_definition(
            family="bad",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            containerDefinitions=[{"name": "app", "image": "x", "memory": 128}],
            **sizes,
        )
    assert error.value.response["Error"]["Code"] == "ClientException"
    assert fragment in error.value.response["Error"]["Message"]
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_fargate_needs_awsvpc(ecs):
    with pytest.raises(ClientError) as error:
        ecs.register_task_definition(
            family="bad",
            cpu="256",
            memory="512",
            requiresCompatibilities=["FARGATE"],
            containerDefinitions=[{"name": "app", "image": "x"}],
        )
    assert "awsvpc" in error.value.response["Error"]["Message"]


def test_fargate_sizes_are_accepted_at_the_edges(ecs):
    for cpu, memory in [("256", "2048"), ("4096", "30720"), ("8192", "61440"), ("16384", "122880")]:
        definition = ecs.register_task_definition(
            family="edge",
            cpu=cpu,
            memory=memory,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            containerDefinitions=[{"name": "app", "image": "x"}],
        )["taskDefinition"]
        assert definition["memory"] == memory


def test_container_needs_memory_without_task_memory(ecs):
    with pytest.raises(ClientError) as error:
        ecs.register_task_definition(family="f", containerDefinitions=[{"name": "app", "image": "x"}])
    assert "At least one of 'memory' or 'memoryReservation'" in error.value.response["Error"]["Message"]


def test_every_field_round_trips_unchanged(ecs):
    container = {
        "name": "app",
        "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
        "cpu": 128,
        "memoryReservation": 256,
        "essential": True,
        "command": ["serve", "--port", "8080"],
        "entryPoint": ["/bin/sh", "-c"],
        "environment": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}],
        "secrets": [
            {"name": "DB", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"},
            {"name": "KEY", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/key"},
        ],
        "portMappings": [
            {"containerPort": 8080, "hostPort": 8080, "protocol": "tcp", "name": "http", "appProtocol": "http"}
        ],
        "healthCheck": {
            "command": ["CMD-SHELL", "curl -f localhost"],
            "interval": 10,
            "timeout": 2,
            "retries": 5,
            "startPeriod": 30,
        },
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": "/ecs/app", "awslogs-Region": "us-east-1", "Mode": "non-blocking"},
        },
        "dockerLabels": {"com.Example.Team": "Platform", "UPPER": "case"},
        "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}],
        "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 4096}],
        "linuxParameters": {"initProcessEnabled": True, "capabilities": {"add": ["SYS_PTRACE"]}},
        "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": False}],
        "readonlyRootFilesystem": True,
        "stopTimeout": 20,
    }
    init = {"name": "init", "image": "busybox", "essential": False, "memory": 64}
    request = {
        "family": "full",
        "taskRoleArn": "arn:aws:iam::123456789012:role/task",
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
        "networkMode": "awsvpc",
        "containerDefinitions": [container, init],
        "volumes": [
            {
                "name": "data",
                "efsVolumeConfiguration": {
                    "fileSystemId": "fs-1234",
                    "rootDirectory": "/",
                    "transitEncryption": "ENABLED",
                    "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"},
                },
            }
        ],
        "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}],
        "requiresCompatibilities": ["EC2", "FARGATE"],
        "cpu": "1024",
        "memory": "2048",
        "pidMode": "task",
        "ipcMode": "none",
        "proxyConfiguration": {
            "type": "APPMESH",
            "containerName": "app",
            "properties": [{"name": "IgnoredUID", "value": "1337"}],
        },
        "inferenceAccelerators": [{"deviceName": "dev1", "deviceType": "eia2.medium"}],
        "ephemeralStorage": {"sizeInGiB": 30},
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
    }
    returned = ecs.register_task_definition(**request)["taskDefinition"]
    described = ecs.describe_task_definition(taskDefinition="full:1")["taskDefinition"]
    assert returned == described
    for key, value in request.items():
        if key != "containerDefinitions":
            assert described[key] == value, key
    app, init_back = described["containerDefinitions"]
    for key, value in container.items():
        assert app[key] == value, key
    assert init_back["essential"] is False
    assert init_back["cpu"] == 0
    names = {attribute["name"] for attribute in described["requiresAttributes"]}
    assert "ecs.capability.secrets.asm.environment-variables" in names
    assert "ecs.capability.execution-role-awslogs" in names


def test_health_check_defaults(ecs):
    definition = ecs.register_task_definition(
        family="hc",
        containerDefinitions=[{"name": "a", "image": "x", "memory": 64, "healthCheck": {"command": ["CMD", "true"]}}],
    )["taskDefinition"]
    assert definition["containerDefinitions"][0]["healthCheck"] == {
        "command": ["CMD", "true"],
        "interval": 30,
        "timeout": 5,
        "retries": 3,
    }


def test_tags_only_with_include(ecs):
    tags = [{"key": "team", "value": "web"}, {"key": "Env", "value": "Prod"}]
    response = ecs.register_task_definition(
        family="tagged", containerDefinitions=[{"name": "a", "image": "x", "memory": 64}], tags=tags
    )
    assert response["tags"] == tags
    assert "tags" not in response["taskDefinition"]
    assert "tags" not in ecs.describe_task_definition(taskDefinition="tagged")
    assert ecs.describe_task_definition(taskDefinition="tagged", include=["TAGS"])["tags"] == tags
    arn = response["taskDefinition"]["taskDefinitionArn"]
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == tags
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "api"}])
    ecs.untag_resource(resourceArn=arn, tagKeys=["Env"])
    assert ecs.describe_task_definition(taskDefinition="tagged", include=["TAGS"])["tags"] == [
        {"key": "team", "value": "api"}
    ]


def test_deregister_lookup_and_listing(ecs):
    for image in ("x:1", "x:2", "x:3"):
        register(ecs, family="app", image=image)
    register(ecs, family="other")
    inactive = ecs.deregister_task_definition(taskDefinition="app:3")["taskDefinition"]
    assert inactive["status"] == "INACTIVE"
    assert inactive["deregisteredAt"] >= inactive["registeredAt"]

    # A family alone means the newest ACTIVE revision; an explicit revision is found even when INACTIVE.
    assert ecs.describe_task_definition(taskDefinition="app")["taskDefinition"]["revision"] == 2
    assert ecs.describe_task_definition(taskDefinition=f"{ARN}/app:3")["taskDefinition"]["status"] == "INACTIVE"

    assert ecs.list_task_definitions(familyPrefix="app")["taskDefinitionArns"] == [f"{ARN}/app:1", f"{ARN}/app:2"]
    assert ecs.list_task_definitions(familyPrefix="app", status="INACTIVE")["taskDefinitionArns"] == [f"{ARN}/app:3"]
    assert ecs.list_task_definitions(sort="DESC")["taskDefinitionArns"] == [
        f"{ARN}/other:1",
        f"{ARN}/app:2",
        f"{ARN}/app:1",
    ]
    # familyPrefix is an exact family name, despite its name.
    assert ecs.list_task_definitions(familyPrefix="ap")["taskDefinitionArns"] == []
    assert ecs.list_task_definition_families(familyPrefix="ap")["families"] == ["app"]

    page = ecs.list_task_definitions(maxResults=2)
    assert len(page["taskDefinitionArns"]) == 2
    rest = ecs.list_task_definitions(maxResults=2, nextToken=page["nextToken"])
    assert rest["taskDefinitionArns"] == [f"{ARN}/other:1"]
    assert "nextToken" not in rest


def test_revisions_are_never_reused(ecs):
    register(ecs, family="app")
    register(ecs, family="app")
    ecs.deregister_task_definition(taskDefinition="app:2")
    deleted = ecs.delete_task_definitions(taskDefinitions=["app:2"])
    assert [(d["revision"], d["status"]) for d in deleted["taskDefinitions"]] == [(2, "DELETE_IN_PROGRESS")]
    assert ecs.list_task_definitions(status="DELETE_IN_PROGRESS")["taskDefinitionArns"] == [f"{ARN}/app:2"]
    still_active = ecs.delete_task_definitions(taskDefinitions=["app:1"])
    assert still_active["taskDefinitions"] == []
    assert still_active["failures"][0]["arn"] == f"{ARN}/app:1"
    assert register(ecs, family="app").endswith("app:3")


def test_missing_definition_is_a_client_exception(ecs):
    with pytest.raises(ClientError) as error:
        ecs.describe_task_definition(taskDefinition="nothing:1")
    assert error.value.response["Error"]["Code"] == "ClientException"
    register(ecs, family="gone")
    ecs.deregister_task_definition(taskDefinition="gone:1")
    with pytest.raises(ClientError) as error:
        ecs.describe_task_definition(taskDefinition="gone")
    assert error.value.response["Error"]["Code"] == "ClientException"
