"""Setup shared by the tests of blue/green, linear and canary deployments: the sandbox's load balancer made with
plain boto3, and ECS's lifecycle stages in their order.

Building the load balancer with boto3 is setup, not what these tests are about, and it takes a fraction of a second
where a playbook of amazon.aws modules takes many.
"""

from __future__ import annotations

from typing import Any

import boto3

# ECS's lifecycle stages, in the order a deployment passes them (the ECS API reference's list); written here on
# their own so that a test does not take its expectation from the code it tests.
STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
)
# The infrastructure role the services name; the sandbox does not check it.
INFRASTRUCTURE_ROLE = "arn:aws:iam::123456789012:role/ecs-infrastructure"


def clients(sandbox, *names: str) -> dict[str, Any]:
    """boto3 clients on the sandbox, in the dev account and us-east-1."""
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return {name: session.client(name, endpoint_url=sandbox.url) for name in names}


def forward_to(blue: str, green: str, blue_weight: int = 100) -> dict[str, Any]:
    """A forward action naming both target groups, as ECS expects on a production listener rule."""
    groups = [
        {"TargetGroupArn": blue, "Weight": blue_weight},
        {"TargetGroupArn": green, "Weight": 100 - blue_weight},
    ]
    return {"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}


def load_balancer(
    sandbox, name: str, services: dict[str, tuple[str, str]], *, octet: int, first_priority: int = 10
) -> dict[str, Any]:
    """A VPC with two subnets, an ALB ``name`` with an HTTP listener and, per service, its two target groups and a
    production rule forwarding 100/0 on ``/<service>/*``.

    Args:
        sandbox: the sandbox to make them in.
        name: the load balancer's name.
        services: service name -> (blue target group name, green target group name).
        octet: the second octet of the VPC's 10.x.0.0/16, so that tests do not share addresses.
        first_priority: the first service's rule priority; the next ones follow.

    Returns:
        ``subnets``, ``listener`` and, per service name, ``blue``, ``green``, ``production`` (the rule ARN),
        ``role`` (the infrastructure role) and ``balancer`` (the name).
    """
    made = clients(sandbox, "ec2", "elbv2")
    ec2, elbv2 = made["ec2"], made["elbv2"]
    vpc = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{octet}.{index}.0/24", AvailabilityZone=f"us-east-1{zone}")[
            "Subnet"
        ]["SubnetId"]
        for index, zone in enumerate("ab")
    ]
    balancer = elbv2.create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    listener = elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    )["Listeners"][0]["ListenerArn"]
    found: dict[str, Any] = {"subnets": subnets, "listener": listener}
    for priority, (service, group_names) in enumerate(services.items(), start=first_priority):
        blue, green = (
            elbv2.create_target_group(Name=group, Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][
                0
            ]["TargetGroupArn"]
            for group in group_names
        )
        rule = elbv2.create_rule(
            ListenerArn=listener,
            Priority=priority,
            Conditions=[{"Field": "path-pattern", "Values": [f"/{service}/*"]}],
            Actions=[forward_to(blue, green)],
        )["Rules"][0]["RuleArn"]
        found[service] = {
            "blue": blue,
            "green": green,
            "production": rule,
            "role": INFRASTRUCTURE_ROLE,
            "balancer": name,
        }
    return found
