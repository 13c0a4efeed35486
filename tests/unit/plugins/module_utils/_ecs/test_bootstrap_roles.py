"""The roles bootstrap makes for the service plans: which, with which policies, each name once."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.driftless.ecs.plugins.filter.bootstrap_roles import FilterModule
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.iam_role_plan import check_roles

ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
INFRA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:shop/db-AbCdEf"
PARAMETER = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/shop/api/key"
LISTENER = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:listener/app/shop/1/2"


def _service(name: str, **extra) -> dict:
    container = {"name": "app", "image": "nginx:1.27", "essential": True}
    return {"name": name, "cluster": "shop-dev", "task_definition": {"containerDefinitions": [container]}, **extra}


def _roles(plans, **options):
    return FilterModule().filters()["bootstrap_roles"](
        plans,
        ACCOUNT,
        "us-east-1",
        task_trust_policy=TRUST,
        infrastructure_trust_policy=INFRA_TRUST,
        execution_policy_name="driftless-ecs-execution",
        task_policy_name="driftless-ecs-task",
        infrastructure_policy_name="AmazonECSInfrastructureRolePolicyForLoadBalancers",
        **options,
    )


def test_each_service_gets_its_execution_role_with_its_scoped_policy_and_its_task_role():
    api = _service(
        "api",
        task_role={"policy_statements": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]},
    )
    api["task_definition"]["containerDefinitions"][0]["secrets"] = [
        {"name": "DB", "valueFrom": SECRET + ":password::"},
        {"name": "KEY", "valueFrom": PARAMETER},
    ]
    roles = _roles(resolve_services([api, _service("worker", task_role={})], ACCOUNT))
    assert [role["name"] for role in roles] == [
        "shop-dev-api-exec",
        "shop-dev-api-task",
        "shop-dev-worker-exec",
        "shop-dev-worker-task",
    ]
    execution = roles[0]
    assert execution["description"] == "ECS task execution role of service api in cluster shop-dev"
    assert execution["trust_policy"] == TRUST
    statements = execution["inline_policies"]["driftless-ecs-execution"]["Statement"]
    assert [statement["Sid"] for statement in statements] == [
        "AuthenticateToRegistry",
        "PullImages",
        "WriteLogs",
        "ReadParameters",
        "ReadSecrets",
    ]
    assert statements[2]["Resource"] == [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/shop-dev/api:*"]
    assert statements[3]["Resource"] == [PARAMETER]
    assert statements[4]["Resource"] == [SECRET, SECRET + "-??????"]
    assert roles[1]["inline_policies"]["driftless-ecs-task"]["Statement"][0]["Action"] == ["s3:GetObject"]
    # A task role without statements gets no policy.
    assert roles[3]["inline_policies"] == {}
    check_roles(roles)


def test_a_role_the_declaration_names_by_another_arn_is_left_alone():
    service = _service("api")
    service["task_definition"]["executionRoleArn"] = f"arn:aws:iam::{ACCOUNT}:role/shared-exec"
    assert _roles(resolve_services([service], ACCOUNT)) == []


def test_extra_execution_statements_and_pull_resources_are_added():
    roles = _roles(
        resolve_services([_service("api")], ACCOUNT),
        ecr_pull_resources=["arn:aws:ecr:us-east-1:123456789012:repository/shop/*"],
        execution_statements=[{"Sid": "Kms", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": ["*"]}],
    )
    statements = roles[0]["inline_policies"]["driftless-ecs-execution"]["Statement"]
    assert statements[1]["Resource"] == ["arn:aws:ecr:us-east-1:123456789012:repository/shop/*"]
    assert statements[-1]["Sid"] == "Kms"


def test_blue_green_services_get_their_infrastructure_role_and_extra_roles_come_once():
    service = _service(
        "api",
        service={"deployment_configuration": {"strategy": "BLUE_GREEN"}},
        load_balancer={
            "listener_arn": LISTENER,
            "vpc_id": "vpc-1",
            "priority": 10,
            "path_patterns": ["/api/*"],
            "container_port": 8080,
        },
    )
    plans = resolve_services([service, _service("web")], ACCOUNT)
    push = {"name": "shop-push", "trust_policy": TRUST, "inline_policies": {}}
    plans[0]["extra_roles"] = [push]
    plans[1]["extra_roles"] = [push]
    roles = _roles(plans)
    assert [role["name"] for role in roles] == [
        "shop-dev-api-exec",
        "shop-dev-api-ecs-infra",
        "shop-push",
        "shop-dev-web-exec",
    ]
    assert roles[1]["trust_policy"] == INFRA_TRUST
    assert roles[1]["managed_policy_arns"] == [
        "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
    ]


def test_every_plan_has_an_empty_extra_roles_list():
    assert resolve_services([_service("api")], ACCOUNT)[0]["extra_roles"] == []


def test_extra_roles_that_are_not_role_entries_are_refused_naming_the_service():
    plans = resolve_services([_service("api")], ACCOUNT)
    plans[0]["extra_roles"] = [{"description": "no name"}]
    with pytest.raises(AnsibleFilterError, match=r"ecs_services\[api\]\.extra_roles"):
        _roles(plans)


def test_scope_problems_name_each_service_whose_execution_role_cannot_be_scoped():
    problems = FilterModule().filters()["bootstrap_scope_problems"]
    fine = _service("web")
    fine["task_definition"]["containerDefinitions"][0]["logConfiguration"] = {"logDriver": "awslogs", "options": {}}
    other_group = _service("api")
    other_group["task_definition"]["containerDefinitions"][0]["logConfiguration"] = {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/elsewhere"},
    }
    plans = resolve_services([fine, other_group], ACCOUNT)
    plans[0]["secret_arns"] = ["shop/db-password", SECRET]
    assert problems(plans) == [
        "Service web: secrets must name full ARNs of SSM parameters or Secrets Manager secrets so that the execution "
        "role can read exactly those; not ARNs: shop/db-password",
        "Service api: containers log with awslogs to /elsewhere but the service's log group is /ecs/shop-dev/api, the "
        "only one its execution role may write to. Set log_group, or the awslogs-group option of the containers, so "
        "that they agree.",
    ]
    assert problems(resolve_services([fine], ACCOUNT)) == []
