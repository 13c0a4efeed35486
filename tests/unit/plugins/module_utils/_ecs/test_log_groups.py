"""ecs_log_groups: checks, the reads by folder, the writes, and the run, from DescribeLogGroups' own shapes."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.filter.bootstrap_log_groups import FilterModule
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api, log_groups
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError, ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.log_group_plan import (
    check_log_groups,
    plan_log_group,
    read_prefixes,
)

ACCOUNT = "123456789012"


def _described(name: str, **extra) -> dict:
    """A DescribeLogGroups item as CloudWatch Logs returns it (retentionInDays only when set)."""
    return {
        "logGroupName": name,
        "creationTime": 1767225600000,
        "metricFilterCount": 0,
        "arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}:*",
        "storedBytes": 0,
        "logGroupClass": "STANDARD",
        "logGroupArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{name}",
        **extra,
    }


def test_groups_are_read_by_their_folder_and_a_short_folder_reads_the_name():
    names = ["/ecs/shop-dev/api", "/ecs/shop-dev/web", "/ecs/shop-prod/api", "/app", "/ecs/shop-dev/sub/x"]
    assert read_prefixes(names) == ["/app", "/ecs/shop-dev/", "/ecs/shop-prod/"]


@pytest.mark.parametrize(
    ("group", "message"),
    [
        ({"name": "/ecs/shop/api", "retention_days": 2}, r"log_groups\[/ecs/shop/api\]\.retention_days 2 is not one"),
        ({"name": "/ecs/shop api"}, r"log_groups\[/ecs/shop api\]\.name must be"),
        ({"name": "/ecs/shop/api", "tags": ["x"]}, r"\.tags must map"),
    ],
)
def test_a_bad_group_is_refused_naming_the_field(group, message):
    with pytest.raises(ECSValidationError, match=message):
        check_log_groups([group])


def test_a_group_declared_twice_unlike_is_refused():
    assert check_log_groups([{"name": "/a/b/c"}, {"name": "/a/b/c", "retention_days": None}]) == [{"name": "/a/b/c"}]
    with pytest.raises(ECSValidationError, match="declared twice"):
        check_log_groups([{"name": "/a/b/c"}, {"name": "/a/b/c", "retention_days": 7}])


def test_the_writes_of_a_group():
    assert plan_log_group({"name": "/a/b/c", "retention_days": 7}, None) == [
        {"action": "create_log_group", "tags": {}},
        {"action": "put_retention_policy", "days": 7},
    ]
    assert plan_log_group({"name": "/a/b/c", "retention_days": 7}, _described("/a/b/c", retentionInDays=30)) == [
        {"action": "put_retention_policy", "days": 7}
    ]
    assert plan_log_group({"name": "/a/b/c", "retention_days": 7}, _described("/a/b/c", retentionInDays=7)) == []
    # No declared retention: an existing group keeps its own, and one that keeps events forever stays so.
    assert plan_log_group({"name": "/a/b/c"}, _described("/a/b/c", retentionInDays=30)) == []


class FakeLogs:
    def __init__(self, groups: list[dict]):
        self.groups = groups
        self.calls: list[tuple] = []

    def install(self, monkeypatch, fail: str = ""):
        def describe(_logs, prefix):
            self.calls.append(("describe", prefix))
            return [group for group in self.groups if group["logGroupName"].startswith(prefix)]

        def create(_logs, name, tags):
            self.calls.append(("create", name))
            if fail == name:
                raise AnsibleECSError("Failed to create log group")
            return True

        def retention(_logs, name, days):
            self.calls.append(("retention", name, days))

        monkeypatch.setattr(api, "describe_log_groups", describe)
        monkeypatch.setattr(api, "create_log_group", create)
        monkeypatch.setattr(api, "put_retention_policy", retention)


DECLARED = [{"name": f"/ecs/shop-dev/api-{n}", "retention_days": 30} for n in range(20)]


def test_a_second_run_of_twenty_groups_is_one_read_and_no_write(monkeypatch):
    fake = FakeLogs([_described(group["name"], retentionInDays=30) for group in DECLARED])
    fake.install(monkeypatch)
    result = log_groups.run(None, {"log_groups": DECLARED}, diff=True, logs=object())
    assert fake.calls == [("describe", "/ecs/shop-dev/")]
    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}


def test_check_mode_tells_what_it_would_write_and_writes_nothing(monkeypatch):
    fake = FakeLogs([_described("/ecs/shop-dev/api-0")])
    fake.install(monkeypatch)
    result = log_groups.run(None, {"log_groups": DECLARED[:2]}, check_mode=True, diff=True, logs=object())
    assert [call for call in fake.calls if call[0] != "describe"] == []
    assert [group["actions"] for group in result["log_groups"]] == [
        ["set retention to 30 days"],
        ["create log group", "set retention to 30 days"],
    ]
    assert result["diff"]["before"]["/ecs/shop-dev/api-0"] == {"retention_days": None}
    assert result["diff"]["after"]["/ecs/shop-dev/api-0"] == {"retention_days": 30}


def test_a_failed_group_does_not_stop_the_others(monkeypatch):
    fake = FakeLogs([])
    fake.install(monkeypatch, fail="/ecs/shop-dev/api-0")
    with pytest.raises(AnsibleECSError, match="log group /ecs/shop-dev/api-0") as failure:
        log_groups.run(None, {"log_groups": DECLARED[:2]}, logs=object())
    assert ("create", "/ecs/shop-dev/api-1") in fake.calls
    assert ("retention", "/ecs/shop-dev/api-1", 30) in fake.calls
    assert failure.value.kwargs["log_groups"][1]["created"] is True


def test_the_bootstrap_filter_lists_each_group_once_with_the_retention():
    plans = [{"log_group": "/ecs/a/x"}, {"log_group": "/ecs/a/y"}, {"log_group": "/ecs/a/x"}]
    listed = FilterModule().filters()["bootstrap_log_groups"]
    assert listed(plans, 14) == [{"name": "/ecs/a/x", "retention_days": 14}, {"name": "/ecs/a/y", "retention_days": 14}]
    assert listed(plans, 0) == [{"name": "/ecs/a/x"}, {"name": "/ecs/a/y"}]
