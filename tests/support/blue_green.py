"""Setup shared by the tests of blue/green, linear and canary deployments: the sandbox's load balancer made with
plain boto3, and ECS's lifecycle stages in their order.

Building the load balancer with boto3 is setup, not what these tests are about, and it takes a fraction of a second
where a playbook of amazon.aws modules takes many.
"""

from __future__ import annotations

from typing import Any

from tests.support.aws import application_load_balancer, client

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
    """An environment's load balancer (``aws.application_load_balancer``) and, per service, its two target groups and
    a production rule forwarding 100/0 on ``/<service>/*``.

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
    network = application_load_balancer(sandbox, name, octet=octet)
    elbv2 = client(sandbox, "elbv2")
    vpc, subnets, listener = network["vpc_id"], network["subnets"], network["listener"]
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


def create_service(
    sandbox,
    cluster: str,
    name: str,
    task_definition: str,
    balancer: dict[str, str],
    *,
    container: str,
    subnets: list[str],
    desired_count: int,
    deployment_configuration: dict[str, Any],
) -> None:
    """A Fargate service on port 80 of ``container`` behind ``balancer`` (one service's entry of ``load_balancer``),
    with the advanced configuration ECS needs to shift traffic between its two target groups."""
    client(sandbox, "ecs").create_service(
        cluster=cluster,
        serviceName=name,
        taskDefinition=task_definition,
        desiredCount=desired_count,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": subnets}},
        deploymentConfiguration=deployment_configuration,
        loadBalancers=[
            {
                "targetGroupArn": balancer["blue"],
                "containerName": container,
                "containerPort": 80,
                "advancedConfiguration": {
                    "alternateTargetGroupArn": balancer["green"],
                    "productionListenerRule": balancer["production"],
                    "roleArn": balancer["role"],
                },
            }
        ],
    )
