from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import live_info
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError

ACCOUNT = "arn:aws:ecs:eu-west-1:123456789012"
DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64


def taskdef_arn(family: str, revision: int) -> str:
    return f"{ACCOUNT}:task-definition/{family}:{revision}"


def service(name: str, arn: str, deployments: list[dict] | None = None, status: str = "ACTIVE") -> dict:
    if deployments is None:
        deployments = [
            {"id": f"ecs-svc/{name}-1", "status": "PRIMARY", "taskDefinition": arn, "rolloutState": "COMPLETED"}
        ]
    return {
        "serviceName": name,
        "serviceArn": f"{ACCOUNT}:service/dev/{name}",
        "clusterArn": f"{ACCOUNT}:cluster/dev",
        "status": status,
        "taskDefinition": arn,
        "desiredCount": 2,
        "deployments": deployments,
    }


def task(arn: str, deployment: str | None, containers: dict, status: str = "RUNNING", started: float = 0) -> dict:
    found = {
        "taskArn": f"{ACCOUNT}:task/dev/{abs(hash((arn, deployment, started, status))) % 10**8}",
        "taskDefinitionArn": arn,
        "lastStatus": status,
        "startedAt": started,
        "containers": [{"name": name, "imageDigest": digest} for name, digest in containers.items()],
    }
    if deployment:
        found["startedBy"] = deployment
    return found


def definition(arn: str, images: dict) -> dict:
    return {"taskDefinitionArn": arn, "containerDefinitions": [{"name": n, "image": i} for n, i in images.items()]}


# requested_services -----------------------------------------------------------------------------------------


def test_one_service_or_a_list_each_once_in_order():
    assert live_info.requested_services("web", None) == ["web"]
    assert live_info.requested_services(None, ["worker", "web", "worker"]) == ["worker", "web"]


@pytest.mark.parametrize("names", [[], None, [""], ["web", " "]])
def test_no_or_empty_names_are_rejected(names):
    with pytest.raises(ECSValidationError):
        live_info.requested_services(None, names)


# primary deployment and its tasks -----------------------------------------------------------------------------


def test_only_running_tasks_of_the_primary_deployment_count():
    td1, td2 = taskdef_arn("web", 1), taskdef_arn("web", 2)
    live = service(
        "web",
        td2,
        [
            {"id": "ecs-svc/new", "status": "PRIMARY", "taskDefinition": td2},
            {"id": "ecs-svc/old", "status": "ACTIVE", "taskDefinition": td1},
        ],
    )
    tasks = [
        task(td2, "ecs-svc/new", {"app": DIGEST_B}, started=1),
        task(td2, "ecs-svc/new", {"app": DIGEST_B}, status="PENDING", started=2),
        task(td1, "ecs-svc/old", {"app": DIGEST_A}, started=3),
        # Same revision, but a deployment that is not PRIMARY (a rollback in flight): not counted.
        task(td2, "ecs-svc/other", {"app": DIGEST_A}, started=4),
        # No deployment id: counted by its task definition.
        task(td2, None, {"app": DIGEST_B}, started=5),
        task(td1, None, {"app": DIGEST_A}, started=6),
    ]
    running = live_info.primary_tasks(live, tasks)
    assert [t["startedAt"] for t in running] == [1, 5]


def test_service_without_deployments_uses_its_task_definition():
    live = service("web", taskdef_arn("web", 3), deployments=[])
    assert live_info.primary_deployment(live) is None
    assert live_info.live_task_definition_arn(live) == taskdef_arn("web", 3)


# digests ----------------------------------------------------------------------------------------------------


def test_the_most_reported_digest_comes_first_then_the_newest():
    td = taskdef_arn("web", 1)
    tasks = [
        task(td, None, {"app": DIGEST_A}, started=1),
        task(td, None, {"app": DIGEST_B}, started=2),
        task(td, None, {"app": DIGEST_B}, started=3),
    ]
    assert live_info.container_digests(tasks, "app") == [DIGEST_B, DIGEST_A]
    assert live_info.container_digests(tasks[:2], "app") == [DIGEST_B, DIGEST_A]
    assert live_info.container_digests(tasks, "sidecar") == []


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("registry.example/web:1.4", f"registry.example/web@{DIGEST_A}"),
        ("localhost:5000/team/web:latest", f"localhost:5000/team/web@{DIGEST_A}"),
        ("nginx", f"nginx@{DIGEST_A}"),
        (f"registry.example/web:1.4@{DIGEST_B}", f"registry.example/web@{DIGEST_A}"),
    ],
)
def test_image_by_digest_is_the_repository_and_the_live_digest(image, expected):
    shaped = live_info.shape_container("app", image, [DIGEST_A])
    assert shaped == {
        "name": "app",
        "image": image,
        "digest": DIGEST_A,
        "digests": [DIGEST_A],
        "image_by_digest": expected,
    }


def test_no_digest_falls_back_to_the_task_definition_image():
    shaped = live_info.shape_container("app", "registry.example/web:1.4", [])
    assert shaped["image"] == "registry.example/web:1.4"
    assert shaped["digest"] is None
    assert shaped["image_by_digest"] is None


def test_shape_service_reports_every_container_of_the_definition():
    td = taskdef_arn("worker", 4)
    live = service("worker", td)
    shaped = live_info.shape_service(
        live,
        definition(td, {"worker": "registry.example/worker:2", "log-router": "registry.example/fluent-bit:stable"}),
        [task(td, "ecs-svc/worker-1", {"worker": DIGEST_A}), task(td, "ecs-svc/worker-1", {"worker": DIGEST_A})],
    )
    assert shaped["service"] == "worker"
    assert shaped["task_definition_arn"] == td
    assert shaped["deployment_id"] == "ecs-svc/worker-1"
    assert shaped["rollout_state"] == "COMPLETED"
    assert shaped["running_tasks"] == 2
    assert [c["name"] for c in shaped["containers"]] == ["worker", "log-router"]
    assert shaped["containers"][0]["image_by_digest"] == f"registry.example/worker@{DIGEST_A}"
    assert shaped["containers"][1]["digest"] is None
    assert shaped["containers"][1]["image"] == "registry.example/fluent-bit:stable"


def test_a_deleted_revision_is_read_from_the_tasks():
    td = taskdef_arn("web", 1)
    running = task(td, "ecs-svc/web-1", {"app": DIGEST_A})
    running["containers"][0]["image"] = "registry.example/web:1"
    shaped = live_info.shape_service(service("web", td), None, [running])
    assert shaped["containers"][0]["image_by_digest"] == f"registry.example/web@{DIGEST_A}"


# read_live through api.py, against a fake client that counts calls ------------------------------------------


class FakeECS:
    """Answers the four calls read_live makes, from dicts; records every call."""

    def __init__(self, services: list[dict], definitions: dict[str, dict], tasks: dict[str, list[dict]]) -> None:
        self.services = services
        self.definitions = definitions
        self.tasks = tasks
        self.calls: list[tuple[str, dict]] = []

    def describe_services(self, **kwargs):
        self.calls.append(("DescribeServices", kwargs))
        assert len(kwargs["services"]) <= 10
        asked = kwargs["services"]
        return {"services": [s for s in self.services if s["serviceName"] in asked or s["serviceArn"] in asked]}

    def describe_task_definition(self, **kwargs):
        self.calls.append(("DescribeTaskDefinition", kwargs))
        return {"taskDefinition": self.definitions[kwargs["taskDefinition"]], "tags": []}

    def get_paginator(self, name):
        assert name == "list_tasks"

        def paginate(**kwargs):
            self.calls.append(("ListTasks", kwargs))
            return [{"taskArns": [t["taskArn"] for t in self.tasks.get(kwargs["serviceName"], [])]}]

        return SimpleNamespace(paginate=paginate)

    def describe_tasks(self, **kwargs):
        self.calls.append(("DescribeTasks", kwargs))
        assert len(kwargs["tasks"]) <= 100
        every = [t for tasks in self.tasks.values() for t in tasks]
        return {"tasks": [t for t in every if t["taskArn"] in kwargs["tasks"]]}

    def count(self, operation: str) -> int:
        return sum(1 for name, _kwargs in self.calls if name == operation)


def test_read_live_batches_its_calls_and_lists_the_missing():
    shared = taskdef_arn("shared", 1)
    services, definitions, tasks = [], {shared: definition(shared, {"app": "registry.example/shared:1"})}, {}
    for index in range(23):
        name = f"svc{index:02d}"
        # Services 0-11 share one revision; the others each have their own.
        arn = shared if index < 12 else taskdef_arn(name, 1)
        definitions.setdefault(arn, definition(arn, {"app": f"registry.example/{name}:1"}))
        services.append(service(name, arn))
        tasks[name] = [
            {**task(arn, f"ecs-svc/{name}-1", {"app": DIGEST_A}), "taskArn": f"{ACCOUNT}:task/dev/{name}-{n}"}
            for n in range(5)
        ]
    services.append(service("gone", shared, status="INACTIVE"))
    client = FakeECS(services, definitions, tasks)
    names = [s["serviceName"] for s in services] + ["never"]

    result = live_info.read_live(client, "dev", names)

    assert [s["service"] for s in result["services"]] == names[:23]
    assert result["missing"] == ["gone", "never"]
    assert client.count("DescribeServices") == 3  # 25 names, ten a call
    assert client.count("DescribeTaskDefinition") == 1 + 11  # one per distinct revision
    assert client.count("ListTasks") == 23
    assert client.count("DescribeTasks") == 2  # 115 tasks, a hundred a call
    assert all(s["running_tasks"] == 5 for s in result["services"])
    assert result["services"][0]["containers"][0]["image_by_digest"] == f"registry.example/shared@{DIGEST_A}"
    assert result["services"][20]["containers"][0]["image_by_digest"] == f"registry.example/svc20@{DIGEST_A}"


def test_read_live_of_a_service_with_no_tasks_makes_no_describe_tasks_call():
    arn = taskdef_arn("web", 1)
    client = FakeECS([service("web", arn)], {arn: definition(arn, {"app": "registry.example/web:1"})}, {})
    result = live_info.read_live(client, "dev", [f"{ACCOUNT}:service/dev/web"])
    assert result["missing"] == []
    assert result["services"][0]["containers"][0] == {
        "name": "app",
        "image": "registry.example/web:1",
        "digest": None,
        "digests": [],
        "image_by_digest": None,
    }
    assert client.count("DescribeTasks") == 0


def test_run_never_reports_a_change():
    arn = taskdef_arn("web", 1)
    client = FakeECS([service("web", arn)], {arn: definition(arn, {"app": "registry.example/web:1"})}, {})
    result = live_info.run(client, {"cluster": "dev", "service": "web", "services": None})
    assert result["changed"] is False
    assert result["cluster"] == "dev"
    assert [s["service"] for s in result["services"]] == ["web"]
