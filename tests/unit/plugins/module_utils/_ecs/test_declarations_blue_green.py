"""ecs_services with a blue/green, linear or canary strategy: the second target group, the test rule, the
infrastructure role, and the checks on them."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError

ACCOUNT = "111122223333"
LISTENER = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:listener/app/shop/1/2"
TEST_LISTENER = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:listener/app/shop/1/3"
HOOK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/shop-hooks"


def _web(strategy: str | None = "BLUE_GREEN", **load_balancer) -> dict:
    service = {"desired_count": 2}
    if strategy:
        service["deployment_configuration"] = {"strategy": strategy, "bake_time_in_minutes": 2}
    return {
        "name": "web",
        "cluster": "shop-dev",
        "task_definition": {
            "containerDefinitions": [{"name": "app", "image": "nginx:1", "portMappings": [{"containerPort": 80}]}]
        },
        "service": service,
        "load_balancer": {
            "listener_arn": LISTENER,
            "vpc_id": "vpc-1",
            "priority": 10,
            "path_patterns": ["/*"],
            **load_balancer,
        },
    }


def _plan(service: dict, partition: str = "aws") -> dict:
    (plan,) = resolve_services([service], ACCOUNT, partition)
    return plan


@pytest.mark.parametrize("strategy", ["BLUE_GREEN", "LINEAR", "CANARY"])
def test_defaults_of_a_blue_green_service(strategy):
    plan = _plan(_web(strategy))
    assert plan["deployment_strategy"] == strategy
    assert plan["blue_green"] is True
    balancer = plan["load_balancer"]
    assert balancer["target_group_name"] == "shop-dev-web"
    assert balancer["alternate_target_group_name"] == "shop-dev-web-alt"
    assert balancer["test_listener_arn"] is None
    assert balancer["test_priority"] is None
    assert balancer["infrastructure_role_name"] == "shop-dev-web-ecs-infra"
    assert balancer["infrastructure_role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/shop-dev-web-ecs-infra"
    # The declared service settings pass through untouched.
    assert plan["service"]["deployment_configuration"] == {"strategy": strategy, "bake_time_in_minutes": 2}


@pytest.mark.parametrize("strategy", [None, "ROLLING"])
def test_a_rolling_service_gets_nothing_extra(strategy):
    plan = _plan(_web(strategy))
    assert plan["deployment_strategy"] == "ROLLING"
    assert plan["blue_green"] is False
    assert "alternate_target_group_name" not in plan["load_balancer"]
    assert "infrastructure_role_arn" not in plan["load_balancer"]


def test_blue_green_without_load_balancer_is_allowed_and_makes_nothing_extra():
    service = _web()
    del service["load_balancer"]
    plan = _plan(service)
    assert plan["blue_green"] is True
    assert plan["load_balancer"] is None


def test_explicit_names_and_partition():
    plan = _plan(
        _web(alternate_target_group_name="web-green", infrastructure_role_name="ecs-infra"), partition="aws-cn"
    )
    assert plan["load_balancer"]["alternate_target_group_name"] == "web-green"
    assert plan["load_balancer"]["infrastructure_role_arn"] == f"arn:aws-cn:iam::{ACCOUNT}:role/ecs-infra"


def test_the_test_rule_takes_the_production_conditions_unless_given_its_own():
    plan = _plan(_web(test_listener_arn=TEST_LISTENER, test_priority=10))
    balancer = plan["load_balancer"]
    assert (balancer["test_listener_arn"], balancer["test_priority"]) == (TEST_LISTENER, 10)
    assert balancer["test_path_patterns"] == ["/*"]
    assert balancer["test_host_headers"] == []
    own = _plan(_web(test_listener_arn=LISTENER, test_priority=11, test_host_headers=["test.shop.example"]))
    assert own["load_balancer"]["test_host_headers"] == ["test.shop.example"]
    assert own["load_balancer"]["test_path_patterns"] == ["/*"]


def test_lifecycle_hook_roles_are_collected_once_each():
    service = _web("CANARY")
    service["service"]["deployment_configuration"]["lifecycle_hooks"] = [
        {
            "target_type": "AWS_LAMBDA",
            "hook_target_arn": "arn:aws:lambda:eu-west-1:1:function:f",
            "role_arn": HOOK_ROLE,
        },
        {"target_type": "PAUSE", "lifecycle_stages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"]},
        {
            "target_type": "AWS_LAMBDA",
            "hook_target_arn": "arn:aws:lambda:eu-west-1:1:function:g",
            "role_arn": HOOK_ROLE,
        },
    ]
    assert _plan(service)["lifecycle_hook_role_arns"] == [HOOK_ROLE]
    assert _plan(_web())["lifecycle_hook_role_arns"] == []


def _long_cluster(service: dict, cluster: str) -> dict:
    return {**copy.deepcopy(service), "cluster": cluster}


BAD = [
    (
        "unknown strategy",
        _web("BLUE-GREEN"),
        "ecs_services[web].service.deployment_configuration.strategy 'BLUE-GREEN' is not one of ROLLING, BLUE_GREEN",
    ),
    (
        "CodeDeploy controller",
        {
            **_web(),
            "service": {
                "deployment_configuration": {"strategy": "LINEAR"},
                "deployment_controller": {"type": "CODE_DEPLOY"},
            },
        },
        "ecs_services[web].service.deployment_controller.type 'CODE_DEPLOY' cannot run the LINEAR strategy",
    ),
    (
        "derived alternate name that fits",
        _long_cluster(_web(), "shop-development-eu-1"),  # with -web-alt: 29 characters
        None,
    ),
    (
        "derived alternate name over 32",
        _long_cluster(_web(), "shop-development-eu-central"),  # the target group name fits in 31
        "ecs_services[web].load_balancer.alternate_target_group_name 'shop-development-eu-central-web-alt' is 35 "
        "characters; AWS allows 32. To fix it, it defaults to the target group name followed by '-alt'",
    ),
    (
        "explicit alternate name bad",
        _web(alternate_target_group_name="-web"),
        "alternate_target_group_name '-web' may hold only letters, digits and hyphens",
    ),
    (
        "alternate equals primary",
        _web(alternate_target_group_name="shop-dev-web"),
        "alternate_target_group_name must differ from load_balancer.target_group_name",
    ),
    (
        "test listener without priority",
        _web(test_listener_arn=TEST_LISTENER),
        "ecs_services[web].load_balancer needs both test_listener_arn and test_priority",
    ),
    (
        "test rule on the production rule",
        _web(test_listener_arn=LISTENER, test_priority="10"),
        "load_balancer.test_priority 10 is the production rule's priority on the same listener",
    ),
    (
        "test conditions without a test rule",
        _web(test_path_patterns=["/test/*"]),
        "ecs_services[web].load_balancer.test_path_patterns needs test_listener_arn and test_priority",
    ),
    (
        "infrastructure role too long",
        _long_cluster(_web(alternate_target_group_name="web-alt", target_group_name="web"), "c" * 55),
        "ecs_services[web].load_balancer.infrastructure_role_name '" + "c" * 55 + "-web-ecs-infra' is 69",
    ),
    (
        "hook role not a role",
        {
            **_web(),
            "service": {"deployment_configuration": {"strategy": "CANARY", "lifecycle_hooks": [{"role_arn": "*"}]}},
        },
        "ecs_services[web].service.deployment_configuration.lifecycle_hooks[0].role_arn '*' must be the ARN of one",
    ),
    (
        "blue/green field on a rolling service",
        _web(None, alternate_target_group_name="web-alt"),
        "ecs_services[web].load_balancer.alternate_target_group_name is only for the BLUE_GREEN, LINEAR, CANARY",
    ),
]


@pytest.mark.parametrize(("service", "message"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_declarations_name_the_field(service, message):
    if message is None:
        assert _plan(service)["load_balancer"]["alternate_target_group_name"] == "shop-development-eu-1-web-alt"
        return
    with pytest.raises(ECSValidationError) as raised:
        _plan(service)
    assert message in str(raised.value)
