"""The bootstrap role and playbook against the sandbox: early failure, a second run that changes nothing, check mode.

The playbook runs exactly as users run it, ``driftless.ecs.bootstrap`` with the example inventory, its environment's
network and load balancer replaced by ones made here with boto3.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.conftest import run_playbook
from tests.support.aws import application_load_balancer, client

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE_INVENTORY = str(REPO_ROOT / "inventories" / "example")
WRITE_CALL = re.compile(r":(Create|Put|Register|Update|Modify|Delete|Deregister|Set|Tag|Untag|Attach|Authorize)")


def _writes(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if WRITE_CALL.search(key)}


def _weights(rule: dict) -> dict:
    (action,) = rule["Actions"]
    return {group["TargetGroupArn"]: group["Weight"] for group in action["ForwardConfig"]["TargetGroups"]}


def _recap_changed(output: str) -> int:
    found = re.search(r"shop-dev\s+:\s+ok=\d+\s+changed=(\d+)", output)
    assert found, output
    return int(found.group(1))


@pytest.fixture
def environment(clean_sandbox):
    """The dev environment of the example inventory: a VPC, two subnets, a security group, an ALB and its listener."""
    made = application_load_balancer(clean_sandbox, "shop-dev", octet=30)
    clean_sandbox.control("calls/reset", {})
    return {
        "target": "dev",
        "ecs_region": "us-east-1",
        "shop_account_id": "123456789012",
        "shop_vpc_id": made["vpc_id"],
        "shop_subnets": made["subnets"],
        "shop_security_groups": [made["security_group"]],
        "shop_listener_arn": made["listener"],
        "bootstrap_poll_interval": 0.2,
        "bootstrap_wait_timeout": 120,
    }


def _bootstrap(sandbox, extra_vars: dict, *args: str):
    return run_playbook(sandbox, "bootstrap_playbook.yml", extra_vars, args=("-i", EXAMPLE_INVENTORY, *args))


def test_too_long_cluster_name_fails_before_any_write(clean_sandbox):
    run = run_playbook(clean_sandbox, "bootstrap_long_name.yml")

    assert run.rc != 0, run.output
    assert "shop-development-eu-central-blue-web is" in run.output, run.output
    assert "36 characters and AWS allows 32" in run.output, run.output
    assert _writes(clean_sandbox) == {}


def test_an_environment_playbook_without_a_target_fails_naming_the_groups(clean_sandbox):
    """No environment is guessed: without -e target, or with one that matches nothing, nothing runs."""
    missing = _bootstrap(clean_sandbox, {})
    wrong = _bootstrap(clean_sandbox, {"target": "dve"})

    groups = "the inventory's groups: dev, prod, staging"
    assert missing.rc != 0, missing.output
    assert f"name the environment with -e target=<inventory group>; {groups}" in missing.output, missing.output
    assert wrong.rc != 0, wrong.output
    assert f"target dve matches no group or host of the inventory; {groups}" in wrong.output, wrong.output
    assert "TASK [driftless.ecs.bootstrap" not in missing.output + wrong.output
    assert _writes(clean_sandbox) == {}


def test_second_run_of_the_playbook_changes_nothing(environment, clean_sandbox):
    first = _bootstrap(clean_sandbox, environment)
    assert first.rc == 0, first.output
    assert _recap_changed(first.output) > 0
    created = _writes(clean_sandbox)
    assert created["ecs:CreateService"] == 4, created
    assert created["ecs:RegisterTaskDefinition"] == 4, created
    # web declares autoscaling: its scalable target and its CPU policy, after the service exists.
    assert created["application-autoscaling:RegisterScalableTarget"] == 1, created
    assert created["application-autoscaling:PutScalingPolicy"] == 1, created
    assert "shop-dev/web: created on shop-dev-web:1 (new revision) with public.ecr.aws/nginx/nginx:1.27" in first.output
    # reports comes from inventories/taskdefs/reports.json, beside the inventory, and runs on EC2 container instances.
    assert "shop-dev/reports: created on reports:1 (new revision) with public.ecr.aws/nginx/nginx:1.27" in first.output

    # web deploys blue/green: its production rule forwards to both of its target groups. ECS moves those weights at
    # every deployment; here they are moved as a deployment halfway through a canary would leave them.
    elbv2 = client(clean_sandbox, "elbv2")
    web = client(clean_sandbox, "ecs").describe_services(cluster="shop-dev", services=["web"])["services"][0]
    (balancer,) = web["loadBalancers"]
    rule_arn = balancer["advancedConfiguration"]["productionListenerRule"]
    blue, green = balancer["targetGroupArn"], balancer["advancedConfiguration"]["alternateTargetGroupArn"]
    assert ":targetgroup/shop-dev-web-alt/" in green
    (rule,) = elbv2.describe_rules(RuleArns=[rule_arn])["Rules"]
    assert _weights(rule) == {blue: 100, green: 0}
    shifted = [{"TargetGroupArn": blue, "Weight": 30}, {"TargetGroupArn": green, "Weight": 70}]
    elbv2.modify_rule(RuleArn=rule_arn, Actions=[{"Type": "forward", "ForwardConfig": {"TargetGroups": shifted}}])

    clean_sandbox.control("calls/reset", {})
    second = _bootstrap(clean_sandbox, environment)

    assert second.rc == 0, second.output
    assert _recap_changed(second.output) == 0, second.output
    assert _writes(clean_sandbox) == {}
    assert "shop-dev/web: exists, left as it runs" in second.output
    (rule,) = elbv2.describe_rules(RuleArns=[rule_arn])["Rules"]
    assert _weights(rule) == {blue: 30, green: 70}, "the bootstrap must leave the weights ECS set"

    check = _bootstrap(clean_sandbox, environment, "--check")
    assert check.rc == 0, check.output
    assert _recap_changed(check.output) == 0, check.output


def test_check_mode_on_a_new_environment_reports_changes_and_writes_nothing(environment, clean_sandbox):
    run = _bootstrap(clean_sandbox, environment, "--check")

    assert run.rc == 0, run.output
    assert _recap_changed(run.output) > 0
    assert "shop-dev/web: would be created" in run.output, run.output
    assert _writes(clean_sandbox) == {}


def test_iam_tag_writes_only_the_roles(environment, clean_sandbox):
    run = _bootstrap(clean_sandbox, environment, "--tags", "bootstrap_iam")

    assert run.rc == 0, run.output
    # The blue/green services' infrastructure roles get the AWS managed policy for load balancers attached.
    assert sorted(_writes(clean_sandbox)) == ["iam:AttachRolePolicy", "iam:CreateRole", "iam:PutRolePolicy"], run.output
