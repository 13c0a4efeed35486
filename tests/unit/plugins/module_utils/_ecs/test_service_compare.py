"""Plans of ecs_service_rollout, from a real DescribeServices shape: only declared settings count."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.args import SERVICE_ARG_SPEC
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_compare import (
    plan_changes,
    plan_service,
    predicted_service,
)

FIXTURE = Path(__file__).parent / "fixtures" / "service_web_described.json"
TASKDEF_ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7"


def live_web() -> dict:
    return json.loads(FIXTURE.read_text())["services"][0]


def options(**declared) -> dict:
    """Module options for prod/web: everything undeclared except what the test gives."""
    values = dict.fromkeys(SERVICE_ARG_SPEC)
    values.update(cluster="prod", service="web", state="present", task_definition=TASKDEF_ARN)
    values.update(declared)
    return values


NETWORK = {
    "subnets": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
    "security_groups": ["sg-0123456789abcdef0"],
    "assign_public_ip": False,
}
LOAD_BALANCER = {
    "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef",
    "load_balancer_name": None,
    "container_name": "web",
    "container_port": 8080,
}

# (case, declared options) that describe what is live in another form: no plan.
SAME_AS_LIVE = [
    ("the ARN that runs", {}),
    ("family:revision of the ARN that runs", {"task_definition": "web:7"}),
    ("subnets in another order", {"network_configuration": NETWORK}),
    ("only the security groups", {"network_configuration": {"security_groups": ["sg-0123456789abcdef0"]}}),
    (
        "ECS's deployment defaults",
        {"deployment_configuration": {"maximum_percent": 200, "minimum_healthy_percent": 100}},
    ),
    (
        "circuit breaker off, as ECS reports it",
        {"deployment_configuration": {"deployment_circuit_breaker": {"enable": False, "rollback": False}}},
    ),
    (
        "alarms off, which ECS leaves out",
        {"deployment_configuration": {"alarms": {"alarm_names": [], "enable": False, "rollback": False}}},
    ),
    ("the live load balancer", {"load_balancers": [LOAD_BALANCER]}),
    ("no service registries", {"service_registries": []}),
    ("no placement constraints", {"placement_constraints": []}),
    ("the live grace period", {"health_check_grace_period_seconds": 30}),
    ("the live launch type", {"launch_type": "FARGATE"}),
    ("the live platform version", {"platform_version": "LATEST"}),
    ("the live count", {"desired_count": 3}),
    ("execute command off", {"enable_execute_command": False}),
    ("propagate tags NONE", {"propagate_tags": "NONE"}),
    ("managed tags off, ECS's default", {"enable_ecs_managed_tags": False}),
    ("REPLICA, ECS's default", {"scheduling_strategy": "REPLICA"}),
    ("no zone rebalancing, as a service that never set it", {"availability_zone_rebalancing": "DISABLED"}),
    ("the user's tags; AWS-owned tags are not the user's", {"tags": {"team": "web"}}),
]


@pytest.mark.parametrize(("case", "declared"), SAME_AS_LIVE, ids=[case for case, _declared in SAME_AS_LIVE])
def test_declaring_what_is_live_plans_nothing(case, declared):
    plan = plan_service(live_web(), options(**declared))
    assert plan["differences"] == [], case
    assert plan["request"] is None
    assert not plan_changes(plan)


def test_desired_count_left_unset_is_never_sent_even_when_live_count_was_scaled():
    live = live_web()
    live["desiredCount"] = 11  # Application Auto Scaling scaled out
    plan = plan_service(live, options(task_definition="web:8"))
    assert "desiredCount" not in plan["request"]
    assert [item["path"] for item in plan["differences"]] == ["taskDefinition"]


ECS_TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-v2/fedcba9876543210"
REGISTRY = "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-0123456789abcdef"

# (declared change, the only field UpdateService gets, its value)
ONE_SETTING_CHANGED = [
    ({"task_definition": "web:8"}, "taskDefinition", "web:8"),
    ({"desired_count": 5}, "desiredCount", 5),
    (
        {"capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": 1, "base": None}]},
        "capacityProviderStrategy",
        [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}],
    ),
    ({"platform_version": "1.4.0"}, "platformVersion", "1.4.0"),
    (
        {"network_configuration": {"assign_public_ip": True}},
        "networkConfiguration",
        {
            "awsvpcConfiguration": {
                "subnets": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
                "securityGroups": ["sg-0123456789abcdef0"],
                "assignPublicIp": "ENABLED",
            }
        },
    ),
    (
        {"load_balancers": [dict(LOAD_BALANCER, target_group_arn=ECS_TG)]},
        "loadBalancers",
        [{"targetGroupArn": ECS_TG, "containerName": "web", "containerPort": 8080}],
    ),
    (
        {
            "service_registries": [
                {"registry_arn": REGISTRY, "port": None, "container_name": None, "container_port": None}
            ]
        },
        "serviceRegistries",
        [{"registryArn": REGISTRY}],
    ),
    ({"health_check_grace_period_seconds": 60}, "healthCheckGracePeriodSeconds", 60),
    (
        {"deployment_configuration": {"minimum_healthy_percent": 50}},
        "deploymentConfiguration",
        # The live fields not declared are sent back as they are, not replaced by defaults.
        {
            "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            "maximumPercent": 200,
            "minimumHealthyPercent": 50,
        },
    ),
    (
        {"deployment_configuration": {"deployment_circuit_breaker": {"enable": True, "rollback": True}}},
        "deploymentConfiguration",
        {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
    ),
    (
        {"placement_constraints": [{"type": "distinctInstance", "expression": None}]},
        "placementConstraints",
        [{"type": "distinctInstance"}],
    ),
    (
        {"placement_strategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}]},
        "placementStrategy",
        [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
    ),
    ({"enable_execute_command": True}, "enableExecuteCommand", True),
    ({"propagate_tags": "SERVICE"}, "propagateTags", "SERVICE"),
]


@pytest.mark.parametrize(
    ("declared", "field", "value"), ONE_SETTING_CHANGED, ids=[field for _declared, field, _value in ONE_SETTING_CHANGED]
)
def test_one_setting_changed_alone_is_the_only_one_sent(declared, field, value):
    plan = plan_service(live_web(), options(**declared))
    assert plan["action"] == "update"
    sent = {
        key: item for key, item in plan["request"].items() if key not in ("cluster", "service", "forceNewDeployment")
    }
    assert sent == {field: value}
    assert {item["path"].split(".")[0].split("[")[0] for item in plan["differences"]} == {field}
    # The run after it: the live service now has the new value, and nothing is planned.
    updated = predicted_service(live_web(), plan, "prod", "web")
    if field == "taskDefinition":
        updated["taskDefinition"] = TASKDEF_ARN.replace("web:7", "web:8")
    assert plan_service(updated, options(**declared))["action"] == "none"


def test_a_new_capacity_provider_strategy_forces_the_deployment_ecs_needs():
    plan = plan_service(live_web(), options(capacity_provider_strategy=[{"capacity_provider": "FARGATE"}]))
    assert plan["request"]["forceNewDeployment"] is True


def test_placement_strategy_order_counts():
    live = live_web()
    live["placementStrategy"] = [{"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "memory"}]
    reordered = [{"type": "binpack", "field": "memory"}, {"type": "spread", "field": "instanceId"}]
    assert plan_service(live, options(placement_strategy=reordered))["action"] == "update"


def test_tags_are_set_and_removed_apart_from_update_service():
    plan = plan_service(live_web(), options(tags={"team": "payments", "tier": "1"}))
    assert plan["request"] is None
    assert plan["tags_to_set"] == {"team": "payments", "tier": "1"}
    assert plan["tag_keys_to_remove"] == []
    plan = plan_service(live_web(), options(tags={}))
    assert plan["tag_keys_to_remove"] == ["team"]  # aws: tags are never removed
    assert plan["action"] == "update"


def test_tag_keys_keep_their_case():
    plan = plan_service(live_web(), options(tags={"team": "web", "CostCenter": "42"}))
    assert plan["tags_to_set"] == {"CostCenter": "42"}


def test_force_new_deployment_is_a_change_with_nothing_else_sent():
    plan = plan_service(live_web(), options(force_new_deployment=True))
    assert plan["action"] == "update"
    assert plan["request"] == {"cluster": "prod", "service": "web", "forceNewDeployment": True}
    assert plan["differences"] == []


def test_launch_type_cannot_change_on_an_existing_service():
    with pytest.raises(ECSValidationError, match="launch_type cannot be changed"):
        plan_service(live_web(), options(launch_type="EC2"))


def test_create_sends_declared_settings_and_one_task_by_default():
    plan = plan_service(
        None, options(task_definition="web:7", launch_type="FARGATE", network_configuration=NETWORK, tags={"a": "1"})
    )
    assert plan["action"] == "create"
    request = plan["request"]
    assert request["desiredCount"] == 1
    assert request["serviceName"] == "web"
    assert request["cluster"] == "prod"
    assert request["taskDefinition"] == "web:7"
    assert request["tags"] == [{"key": "a", "value": "1"}]
    assert request["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
    assert "deploymentConfiguration" not in request  # nothing undeclared is sent


def test_create_carries_a_client_token_the_same_for_the_same_request():
    first = plan_service(None, options(task_definition="web:7"))["request"]
    again = plan_service(None, options(task_definition="web:7"))["request"]
    other = plan_service(None, options(task_definition="web:8"))["request"]
    assert first["clientToken"] == again["clientToken"] != other["clientToken"]
    assert len(first["clientToken"]) <= 36 and first["clientToken"].isascii()


def test_a_daemon_is_created_without_a_count_and_keeps_its_strategy():
    request = plan_service(None, options(scheduling_strategy="DAEMON", launch_type="EC2"))["request"]
    assert "desiredCount" not in request and request["schedulingStrategy"] == "DAEMON"
    with pytest.raises(ECSValidationError, match="scheduling_strategy cannot be changed"):
        plan_service(live_web(), options(scheduling_strategy="DAEMON"))


def test_the_load_balancer_role_is_sent_at_creation_and_only_compared_after():
    assert plan_service(None, options(role="ecsServiceRole"))["request"]["role"] == "ecsServiceRole"
    live = dict(live_web(), roleArn="arn:aws:iam::123456789012:role/ecsServiceRole")
    assert plan_service(live, options(role="ecsServiceRole"))["action"] == "none"
    with pytest.raises(ECSValidationError, match="role cannot be changed on an existing service"):
        plan_service(live, options(role="otherRole"))


def test_create_takes_a_declared_count_of_zero():
    assert plan_service(None, options(desired_count=0))["request"]["desiredCount"] == 0


def test_absent_deletes_an_existing_service_and_ignores_a_missing_one():
    assert plan_service(live_web(), options(state="absent"))["action"] == "delete"
    assert plan_service(None, options(state="absent"))["action"] == "none"


def test_diff_shows_only_the_declared_settings():
    plan = plan_service(live_web(), options(task_definition="web:8", deployment_configuration={"maximum_percent": 150}))
    assert plan["before"] == {"taskDefinition": "web:7", "deploymentConfiguration": {"maximumPercent": 200}}
    assert plan["after"] == {"taskDefinition": "web:8", "deploymentConfiguration": {"maximumPercent": 150}}


def test_predicted_service_of_an_update_carries_the_new_values():
    live = live_web()
    plan = plan_service(live, options(desired_count=6, tags={"team": "web", "x": "y"}))
    predicted = predicted_service(live, plan, "prod", "web")
    assert predicted["desiredCount"] == 6
    assert {"key": "x", "value": "y"} in predicted["tags"]
    assert live == live_web()  # the input is not changed in place


def test_plan_does_not_change_its_inputs():
    live = live_web()
    declared = options(network_configuration=copy.deepcopy(NETWORK))
    before = copy.deepcopy(declared)
    plan_service(live, declared)
    assert declared == before
    assert live == live_web()
