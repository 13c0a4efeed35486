"""Control endpoints: call accounting, reset, throttling, faults and settings."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import register

NO_RETRIES = {"retries": {"total_max_attempts": 1, "mode": "standard"}}


def test_calls_are_counted_by_iam_prefix_and_action(sandbox, aws):
    aws("ecs").list_clusters()
    aws("ecs").list_clusters()
    aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    aws("ec2").describe_vpcs()
    aws("sts").get_caller_identity()
    aws("elbv2").describe_load_balancers()
    aws("ecr").describe_repositories()
    aws("ssm").describe_parameters()
    aws("secretsmanager").list_secrets()
    aws("logs").describe_log_groups()
    aws("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")
    assert sandbox.calls() == {
        "ecs:ListClusters": 2,
        "iam:CreateRole": 1,
        "ec2:DescribeVpcs": 1,
        "sts:GetCallerIdentity": 1,
        "elasticloadbalancing:DescribeLoadBalancers": 1,
        "ecr:DescribeRepositories": 1,
        "ssm:DescribeParameters": 1,
        "secretsmanager:ListSecrets": 1,
        "logs:DescribeLogGroups": 1,
        "application-autoscaling:DescribeScalableTargets": 1,
    }


def test_rest_protocol_calls_are_named_from_the_model(sandbox, aws):
    aws("lambda").list_functions()
    assert sandbox.calls() == {"lambda:ListFunctions": 1}


def test_clearing_calls_keeps_state(sandbox, ecs):
    ecs.create_cluster(clusterName="kept")
    sandbox.request("DELETE", "calls")
    assert sandbox.calls() == {}
    assert len(ecs.list_clusters()["clusterArns"]) == 1
    assert sandbox.calls() == {"ecs:ListClusters": 1}


def test_reset_clears_every_backend_settings_and_counts(sandbox, aws):
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="c")
    register(ecs)
    aws("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")
    sandbox.post("failing-images", {"patterns": ["bad:*"]})
    sandbox.post("throttle", {"rate": 0.5})
    sandbox.post("faults", {"faults": [{"action": "ecs:ListClusters", "mode": "error"}]})
    sandbox.post("config", {"task_start_delay": 3})

    sandbox.post("reset", {})

    assert sandbox.calls() == {}
    assert sandbox.request("GET", "failing-images") == {"patterns": []}
    assert sandbox.request("GET", "throttle")["rate"] == 0
    assert sandbox.request("GET", "faults") == {"faults": []}
    assert sandbox.request("GET", "config")["task_start_delay"] == 1.0
    assert sandbox.request("GET", "config")["ec2_capacity"] == "registered"  # ECS's own placement
    assert ecs.list_clusters()["clusterArns"] == []
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []
    assert aws("iam").list_roles()["Roles"] == []
    # A new registration starts again at revision 1.
    assert register(ecs).endswith(":1")


def test_moto_api_reset_also_clears_the_ecs_extension(sandbox, ecs):
    register(ecs)
    urllib.request.urlopen(urllib.request.Request(f"{sandbox.url}/moto-api/reset", method="POST"), timeout=5)
    assert ecs.list_task_definitions()["taskDefinitionArns"] == []


def test_ecs_throttling_is_a_throttling_exception_and_not_performed(sandbox, aws):
    ecs = aws("ecs", **NO_RETRIES)
    sandbox.post("throttle", {"rate": 1.0, "actions": ["ecs:CreateCluster"]})
    with pytest.raises(ClientError) as error:
        ecs.create_cluster(clusterName="throttled")
    response = error.value.response
    assert response["Error"]["Code"] == "ThrottlingException"
    assert response["Error"]["Message"] == "Rate exceeded"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "ThrottlingException"
    # Other actions are not throttled, and the throttled call did nothing.
    assert ecs.list_clusters()["clusterArns"] == []
    calls = sandbox.calls()
    assert calls["ecs:CreateCluster"] == 1
    assert calls["throttled"] == {"ecs:CreateCluster": 1}


@pytest.mark.parametrize(
    ("service", "call", "code", "status"),
    [
        ("iam", lambda c: c.list_roles(), "Throttling", 400),
        ("sts", lambda c: c.get_caller_identity(), "Throttling", 400),
        ("elbv2", lambda c: c.describe_load_balancers(), "Throttling", 400),
        ("ec2", lambda c: c.describe_vpcs(), "RequestLimitExceeded", 503),
        ("ssm", lambda c: c.describe_parameters(), "ThrottlingException", 400),
    ],
)
def test_other_services_throttle_with_their_own_error(sandbox, aws, service, call, code, status):
    client = aws(service, **NO_RETRIES)
    sandbox.post("throttle", {"rate": 1.0})
    with pytest.raises(ClientError) as error:
        call(client)
    assert error.value.response["Error"]["Code"] == code
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_throttle_rate_zero_turns_it_off(sandbox, aws):
    ecs = aws("ecs", **NO_RETRIES)
    sandbox.post("throttle", {"rate": 1.0})
    with pytest.raises(ClientError):
        ecs.list_clusters()
    sandbox.post("throttle", {"rate": 0})
    assert ecs.list_clusters()["clusterArns"] == []


def test_throttle_rate_is_a_share_and_repeatable_with_a_seed(sandbox, aws):
    ecs = aws("ecs", **NO_RETRIES)

    def pattern() -> list[bool]:
        outcome = []
        for _attempt in range(40):
            try:
                ecs.list_clusters()
                outcome.append(True)
            except ClientError as error:
                assert error.response["Error"]["Code"] == "ThrottlingException"
                outcome.append(False)
        return outcome

    sandbox.post("throttle", {"rate": 0.5, "seed": 7, "actions": ["ecs:*"]})
    first = pattern()
    sandbox.post("throttle", {"rate": 0.5, "seed": 7, "actions": ["ecs:*"]})
    assert pattern() == first
    assert 5 < first.count(False) < 35
    assert sandbox.calls()["throttled"]["ecs:ListClusters"] == 2 * first.count(False)


def test_botocore_retries_through_throttling(sandbox, aws):
    ecs = aws("ecs", retries={"total_max_attempts": 10, "mode": "standard"})
    sandbox.post("throttle", {"rate": 0.5, "seed": 1})
    for _call in range(3):
        ecs.list_clusters()
    calls = sandbox.calls()
    assert calls["ecs:ListClusters"] == 3 + calls["throttled"]["ecs:ListClusters"]
    assert calls["throttled"]["ecs:ListClusters"] >= 1


def test_lose_response_performs_the_action_then_answers_500(sandbox, aws):
    ecs = aws("ecs", **NO_RETRIES)
    sandbox.post("faults", {"faults": [{"action": "ecs:RegisterTaskDefinition", "mode": "lose_response", "count": 1}]})
    with pytest.raises(ClientError) as error:
        register(ecs)
    assert error.value.response["Error"]["Code"] == "ServerException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    # The registration happened although the client never saw it; the fault is used up.
    assert ecs.list_task_definitions()["taskDefinitionArns"] == [
        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"
    ]
    assert register(ecs).endswith("web:2")
    assert sandbox.request("GET", "faults") == {"faults": []}
    calls = sandbox.calls()
    assert calls["ecs:RegisterTaskDefinition"] == 2
    assert calls["faulted"] == {"ecs:RegisterTaskDefinition": 1}


def test_error_fault_does_not_perform_the_action(sandbox, aws):
    iam = aws("iam", **NO_RETRIES)
    sandbox.post("faults", {"faults": [{"action": "iam:CreateRole", "mode": "error", "count": 2}]})
    for _call in range(2):
        with pytest.raises(ClientError) as error:
            iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert iam.list_roles()["Roles"] == []
    assert iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["RoleName"] == "r"


def test_a_fault_with_after_lets_that_many_calls_through_first(sandbox, aws):
    iam = aws("iam", **NO_RETRIES)
    sandbox.post("faults", {"faults": [{"action": "iam:CreateRole", "mode": "error", "count": 1, "after": 2}]})
    for name in ("first", "second"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")
    with pytest.raises(ClientError) as error:
        iam.create_role(RoleName="third", AssumeRolePolicyDocument="{}")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert sorted(role["RoleName"] for role in iam.list_roles()["Roles"]) == ["first", "second"]
    assert sandbox.request("GET", "faults") == {"faults": []}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("faults", {"faults": [{"action": "ecs:X", "after": -1}]}),
        ("throttle", {"rate": 2}),
        ("faults", {"faults": [{"action": "ecs:X", "mode": "explode"}]}),
        ("faults", {"faults": "nope"}),
        ("config", {"task_start_delay": -1}),
        ("config", {"unknown": 1}),
        ("failing-images", {"patterns": "x"}),
    ],
)
def test_invalid_control_requests_are_rejected(sandbox, path, body):
    with pytest.raises(urllib.error.HTTPError) as error:
        sandbox.post(path, body)
    assert error.value.code == 400


def test_config_changes_the_timing(sandbox):
    expected = {"task_start_delay": 0.3, "task_stop_delay": 0.2, "stage_seconds": 0.0, "ec2_capacity": "unlimited"}
    assert sandbox.post("config", {"task_start_delay": 0.3, "task_stop_delay": 0.2}) == expected
    assert sandbox.request("GET", "config") == expected
    assert sandbox.post("config", {"stage_seconds": 0.4}) == dict(expected, stage_seconds=0.4)
