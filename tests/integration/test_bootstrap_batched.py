"""The bootstrap role's batched calls: one module call for the clusters and the log groups, one for the roles.

A second run changes nothing and reads each kind once per service at most; a missing cluster with
bootstrap_create_cluster false and a retention CloudWatch Logs does not offer fail before any write.
"""

from __future__ import annotations

import re

import pytest

from tests.integration.conftest import run_playbook
from tests.support.aws import client

WRITE_CALL = re.compile(r":(Create|Put|Register|Update|Delete|Deregister|Tag|Untag|Attach)")


def _writes(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if WRITE_CALL.search(key)}


@pytest.fixture
def subnets(clean_sandbox) -> list[str]:
    ec2 = client(clean_sandbox, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.61.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    clean_sandbox.control("calls/reset", {})
    return [subnet["SubnetId"]]


def _bootstrap(sandbox, subnets, **variables):
    sandbox.control("calls/reset", {})
    return run_playbook(sandbox, "bootstrap_batched.yml", {"batched_subnets": subnets, **variables})


def test_a_second_bootstrap_reads_each_kind_in_few_calls_and_writes_nothing(clean_sandbox, subnets):
    first = _bootstrap(clean_sandbox, subnets, bootstrap_log_retention_days=14)
    assert first.rc == 0, first.output[-5000:]
    logs = client(clean_sandbox, "logs")
    groups = logs.describe_log_groups(logGroupNamePrefix="/ecs/it-batched")["logGroups"]
    assert {group["logGroupName"]: group.get("retentionInDays") for group in groups} == {
        "/ecs/it-batched/svc-0": 14,
        "/ecs/it-batched/svc-1": 14,
        "/ecs/it-batched-other/svc-2": 14,
    }
    clusters = client(clean_sandbox, "ecs").describe_clusters(clusters=["it-batched", "it-batched-other"])["clusters"]
    assert [cluster["capacityProviders"] for cluster in clusters] == [["FARGATE", "FARGATE_SPOT"]] * 2

    again = _bootstrap(clean_sandbox, subnets, bootstrap_log_retention_days=14)
    assert again.rc == 0, again.output[-5000:]
    assert _writes(clean_sandbox) == {}
    calls = clean_sandbox.calls()
    assert calls.get("ecs:DescribeClusters") == 1
    assert calls.get("ecs:DescribeServices") == 2  # one per cluster
    assert calls.get("logs:DescribeLogGroups") == 2  # one per folder, /ecs/it-batched/ and /ecs/it-batched-other/
    assert calls.get("iam:GetRole") == 4  # three execution roles and one task role
    assert calls.get("iam:GetRolePolicy") == 4  # the inline policy of each

    # A declared retention that differs is set, and only that.
    changed = _bootstrap(clean_sandbox, subnets, bootstrap_log_retention_days=30)
    assert changed.rc == 0, changed.output[-5000:]
    assert _writes(clean_sandbox) == {"logs:PutRetentionPolicy": 3}


def test_a_missing_cluster_without_bootstrap_create_cluster_fails_before_any_write(clean_sandbox, subnets):
    run = _bootstrap(clean_sandbox, subnets, bootstrap_create_cluster=False)
    assert run.rc != 0
    assert "Cluster it-batched, it-batched-other does not exist and bootstrap_create_cluster is false" in run.output
    assert _writes(clean_sandbox) == {}


def test_clusters_made_beforehand_get_their_log_groups_without_bootstrap_create_cluster(clean_sandbox, subnets):
    ecs = client(clean_sandbox, "ecs")
    for name in ("it-batched", "it-batched-other"):
        ecs.create_cluster(clusterName=name)
    run = _bootstrap(clean_sandbox, subnets, bootstrap_create_cluster=False, bootstrap_log_retention_days=7)
    assert run.rc == 0, run.output[-5000:]
    assert "ecs:CreateCluster" not in _writes(clean_sandbox)
    assert _writes(clean_sandbox)["logs:CreateLogGroup"] == 3
    groups = client(clean_sandbox, "logs").describe_log_groups(logGroupNamePrefix="/ecs/it-batched")["logGroups"]
    assert sorted(group["logGroupName"] for group in groups) == [
        "/ecs/it-batched-other/svc-2",
        "/ecs/it-batched/svc-0",
        "/ecs/it-batched/svc-1",
    ]


def test_a_retention_cloudwatch_logs_does_not_offer_fails_before_any_write(clean_sandbox, subnets):
    run = _bootstrap(clean_sandbox, subnets, bootstrap_log_retention_days=2)
    assert run.rc != 0
    assert "bootstrap_log_retention_days 2 is not a retention CloudWatch Logs accepts" in run.output
    assert _writes(clean_sandbox) == {}
