"""Native blue/green deployments through ecs_service_rollout against the sandbox."""

from __future__ import annotations

import boto3

from tests.integration.conftest import run_playbook

ROLE = "arn:aws:iam::123456789012:role/ecs-infrastructure"


def _load_balancer(sandbox) -> dict[str, str]:
    """An ALB, two target groups and a production rule forwarding 100/0, made with plain boto3."""
    env = sandbox.env()
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    url = env.get("AWS_ENDPOINT_URL") or sandbox.url
    ec2, elbv2 = session.client("ec2", endpoint_url=url), session.client("elbv2", endpoint_url=url)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{index}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate("ab")
    ]
    balancer = elbv2.create_load_balancer(Name="bg-web", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    blue, green = (
        elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
        for name in ("bg-web-blue", "bg-web-green")
    )
    listener = elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    )["Listeners"][0]["ListenerArn"]
    forward = {
        "Type": "forward",
        "ForwardConfig": {
            "TargetGroups": [{"TargetGroupArn": blue, "Weight": 100}, {"TargetGroupArn": green, "Weight": 0}]
        },
    }
    rule = elbv2.create_rule(
        ListenerArn=listener, Priority=10, Conditions=[{"Field": "path-pattern", "Values": ["/*"]}], Actions=[forward]
    )["Rules"][0]["RuleArn"]
    return {"blue": blue, "green": green, "production": rule, "role": ROLE}


def test_blue_green_flips_traffic_back_and_forth_and_a_noop_writes_nothing(clean_sandbox):
    clean_sandbox.control("clock", {"minute_seconds": 0.2})
    run = run_playbook(clean_sandbox, "blue_green_rollout.yml", {"lb": _load_balancer(clean_sandbox)})
    assert run.rc == 0, run.output
