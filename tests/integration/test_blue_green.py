"""Native blue/green, linear and canary deployments through ecs_service_rollout and ecs_service_deployment, run by
ansible-playbook against the sandbox.

The load balancer (an ALB, and per service two target groups and a production rule forwarding 100/0) is made here
with plain boto3; each playbook asserts on the module results, on the listener rules and on the sandbox's call
counts itself. Deployment minutes are short (``minute_seconds``), so every scenario takes seconds.
"""

from __future__ import annotations

import boto3

from tests.integration.conftest import run_playbook

ROLE = "arn:aws:iam::123456789012:role/ecs-infrastructure"


def _load_balancer(sandbox, services: tuple[str, ...] = ("web",)) -> dict[str, dict[str, str]]:
    """One ALB and, for each service, a blue and a green target group and a production rule forwarding 100/0.

    Returns, per service, ``blue``, ``green``, ``production`` (the rule ARN), ``role`` and ``balancer`` (the ALB name).
    """
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
    listener = elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    )["Listeners"][0]["ListenerArn"]
    found = {}
    for priority, service in enumerate(services, start=10):
        blue, green = (
            elbv2.create_target_group(Name=f"bg-{service}-{color}", Protocol="HTTP", Port=80, VpcId=vpc)[
                "TargetGroups"
            ][0]["TargetGroupArn"]
            for color in ("blue", "green")
        )
        forward = {
            "Type": "forward",
            "ForwardConfig": {
                "TargetGroups": [{"TargetGroupArn": blue, "Weight": 100}, {"TargetGroupArn": green, "Weight": 0}]
            },
        }
        rule = elbv2.create_rule(
            ListenerArn=listener,
            Priority=priority,
            Conditions=[{"Field": "path-pattern", "Values": [f"/{service}/*"]}],
            Actions=[forward],
        )["Rules"][0]["RuleArn"]
        found[service] = {"blue": blue, "green": green, "production": rule, "role": ROLE, "balancer": "bg-web"}
    return found


def test_blue_green_flips_traffic_back_and_forth_and_a_noop_writes_nothing(clean_sandbox):
    clean_sandbox.control("clock", {"minute_seconds": 0.2})
    run = run_playbook(clean_sandbox, "blue_green_rollout.yml", {"lb": _load_balancer(clean_sandbox)["web"]})
    assert run.rc == 0, run.output


def test_canary_and_linear_steps_and_the_batched_wait(clean_sandbox):
    """Canary 20 -> 100 and linear 40/80/100, each alone, then with a blue/green and a rolling service in one call."""
    clean_sandbox.control("clock", {"minute_seconds": 0.2})
    lbs = _load_balancer(clean_sandbox, ("canary", "linear", "bluegreen"))
    run = run_playbook(clean_sandbox, "blue_green_steps.yml", {"lbs": lbs})
    assert run.rc == 0, run.output


def test_failing_hook_stop_in_bake_time_and_the_modules_own_rollback(clean_sandbox):
    """A FAILED Lambda hook, wait_until BAKE_TIME, a rollback during the bake, ecs_service_deployment's errors and
    check mode, and ecs_service_rollout stopping a deployment that ran out of time."""
    clean_sandbox.control("clock", {"minute_seconds": 0.1})
    run = run_playbook(clean_sandbox, "blue_green_stop.yml", {"lb": _load_balancer(clean_sandbox)["web"]})
    assert run.rc == 0, run.output


def test_pause_hooks_continue_roll_back_and_time_out(clean_sandbox):
    clean_sandbox.control("clock", {"minute_seconds": 0.1})
    run = run_playbook(clean_sandbox, "blue_green_pause.yml", {"lb": _load_balancer(clean_sandbox)["web"]})
    assert run.rc == 0, run.output
