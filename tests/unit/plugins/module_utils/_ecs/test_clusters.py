"""ecs_clusters: missing clusters made (or only reported), and the declared services that exist, from ECS's shapes."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api, clusters
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.cluster_plan import create_request
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError, ECSValidationError

ACCOUNT = "123456789012"


def _cluster(name: str, status: str = "ACTIVE") -> dict:
    """A DescribeClusters item."""
    return {
        "clusterArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/{name}",
        "clusterName": name,
        "status": status,
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": 0,
        "pendingTasksCount": 0,
        "activeServicesCount": 1,
        "capacityProviders": ["FARGATE"],
        "defaultCapacityProviderStrategy": [],
    }


def _service(cluster: str, name: str, status: str = "ACTIVE") -> dict:
    """A DescribeServices item, the fields this module reads."""
    return {
        "serviceArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/{cluster}/{name}",
        "serviceName": name,
        "clusterArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/{cluster}",
        "status": status,
    }


class FakeECS:
    def __init__(self, clusters_found: list[dict], services: list[dict]):
        self.clusters_found = clusters_found
        self.services = services
        self.calls: list[tuple] = []

    def install(self, monkeypatch):
        def describe_clusters(_client, names):
            self.calls.append(("describe_clusters", tuple(names)))
            return [cluster for cluster in self.clusters_found if cluster["clusterName"] in names]

        def describe_services(_client, cluster, names):
            self.calls.append(("describe_services", cluster, tuple(names)))
            return [s for s in self.services if s["clusterArn"].endswith(f"/{cluster}") and s["serviceName"] in names]

        def create_cluster(_client, request):
            self.calls.append(("create_cluster", request["clusterName"]))
            return _cluster(request["clusterName"])

        monkeypatch.setattr(api, "describe_clusters", describe_clusters)
        monkeypatch.setattr(api, "describe_services", describe_services)
        monkeypatch.setattr(api, "create_cluster", create_cluster)


SERVICES = ["shop-dev/api", "shop-dev/web", "shop-dev/old", "batch/report"]


def test_existing_clusters_are_read_once_and_their_services_once(monkeypatch):
    fake = FakeECS(
        [_cluster("shop-dev"), _cluster("batch")],
        [_service("shop-dev", "api"), _service("shop-dev", "old", "INACTIVE"), _service("batch", "report", "DRAINING")],
    )
    fake.install(monkeypatch)
    result = clusters.run(None, {"clusters": ["shop-dev", "batch", "shop-dev"], "services": SERVICES})
    assert result["changed"] is False
    assert result["existing_services"] == ["batch/report", "shop-dev/api"]
    assert result["new_clusters"] == [] and result["missing_clusters"] == []
    assert sorted(fake.calls) == [
        ("describe_clusters", ("shop-dev", "batch")),
        ("describe_services", "batch", ("report",)),
        ("describe_services", "shop-dev", ("api", "old", "web")),
    ]


def test_a_missing_or_inactive_cluster_is_made_and_not_read_for_services(monkeypatch):
    fake = FakeECS([_cluster("shop-dev"), _cluster("batch", "INACTIVE")], [])
    fake.install(monkeypatch)
    result = clusters.run(None, {"clusters": ["shop-dev", "batch"], "services": SERVICES, "create": True})
    assert result["changed"] is True
    assert result["new_clusters"] == ["batch"]
    assert ("create_cluster", "batch") in fake.calls
    assert not any(call[0] == "describe_services" and call[1] == "batch" for call in fake.calls)


def test_check_mode_and_create_false_make_nothing(monkeypatch):
    fake = FakeECS([], [])
    fake.install(monkeypatch)
    checked = clusters.run(None, {"clusters": ["shop-dev"], "services": []}, check_mode=True)
    assert checked["changed"] is True and checked["new_clusters"] == ["shop-dev"]
    reported = clusters.run(None, {"clusters": ["shop-dev"], "services": [], "create": False})
    assert reported["changed"] is False and reported["missing_clusters"] == ["shop-dev"]
    assert [call for call in fake.calls if call[0] == "create_cluster"] == []


def test_bad_names_fail_before_any_call(monkeypatch):
    fake = FakeECS([], [])
    fake.install(monkeypatch)
    with pytest.raises(ECSValidationError, match=r"services\[0\]: cluster other is not one of clusters"):
        clusters.run(None, {"clusters": ["shop-dev"], "services": ["other/api"]})
    with pytest.raises(ECSValidationError, match=r"clusters\[0\] must be"):
        clusters.run(None, {"clusters": ["shop dev"]})
    assert fake.calls == []


def test_the_create_request_carries_the_capacity_providers():
    assert create_request("shop-dev", ["FARGATE", "FARGATE_SPOT"], [{"capacity_provider": "FARGATE", "weight": 1}]) == {
        "clusterName": "shop-dev",
        "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
    }


# The module's run: clusters and, when given, log groups in one call (the bootstrap role's first step).


def _module_run():
    from ansible_collections.driftless.ecs.plugins.modules.ecs_clusters import run  # noqa: PLC0415

    return run


def test_clusters_and_log_groups_are_made_in_one_call_and_reported_together(monkeypatch):
    from .test_log_groups import FakeLogs  # noqa: PLC0415

    ecs, logs = FakeECS([], []), FakeLogs([])
    ecs.install(monkeypatch)
    logs.install(monkeypatch)
    groups = [{"name": "/ecs/shop-dev/api", "retention_days": 30}]
    result = _module_run()(None, {"clusters": ["shop-dev"], "log_groups": groups}, diff=True, logs=object())
    assert ("create_cluster", "shop-dev") in ecs.calls
    assert ("create", "/ecs/shop-dev/api") in logs.calls
    assert result["changed"] is True
    assert result["new_clusters"] == ["shop-dev"]
    assert [group["name"] for group in result["log_groups"]] == ["/ecs/shop-dev/api"]
    assert result["diff"]["after"]["clusters"] == ["shop-dev"]
    assert result["diff"]["after"]["log_groups"] == {"/ecs/shop-dev/api": {"retention_days": 30}}


def test_a_bad_log_group_is_refused_before_any_cluster_is_made(monkeypatch):
    ecs = FakeECS([], [])
    ecs.install(monkeypatch)
    with pytest.raises(ECSValidationError, match="retention_days"):
        _module_run()(None, {"clusters": ["shop-dev"], "log_groups": [{"name": "/ecs/x/y", "retention_days": 2}]})
    assert ecs.calls == []


def test_a_failed_log_group_keeps_what_the_clusters_did_in_the_failure(monkeypatch):
    from .test_log_groups import FakeLogs  # noqa: PLC0415

    ecs, logs = FakeECS([], []), FakeLogs([])
    ecs.install(monkeypatch)
    logs.install(monkeypatch, fail="/ecs/shop-dev/api")
    with pytest.raises(AnsibleECSError, match="log group /ecs/shop-dev/api") as failure:
        _module_run()(None, {"clusters": ["shop-dev"], "log_groups": [{"name": "/ecs/shop-dev/api"}]}, logs=object())
    assert failure.value.kwargs["new_clusters"] == ["shop-dev"]
    assert failure.value.kwargs["log_groups"][0]["name"] == "/ecs/shop-dev/api"


def test_without_log_groups_the_result_is_the_clusters_alone(monkeypatch):
    ecs = FakeECS([_cluster("shop-dev")], [])
    ecs.install(monkeypatch)
    result = _module_run()(None, {"clusters": ["shop-dev"], "log_groups": []})
    assert "log_groups" not in result
    assert result["changed"] is False
