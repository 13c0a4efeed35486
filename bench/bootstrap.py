"""How long the bootstrap role takes for 20 services, the first time and again when nothing is missing.

Twenty Fargate services of one cluster, each with its execution role, task role and log group made by the role (no
load balancer). The figures are printed beside a no-op deploy of the same services, which the README quotes. Run with
``make bench`` or ``python -m bench.bootstrap``.

Issue 19's target for the second run: no longer than a no-op deploy of the same services, plus one AWS call per
resource kind and service. The kinds this bootstrap makes are the cluster, the log groups, the IAM roles and the
services. The run prints its calls against that budget (the deploy's calls plus one per kind and service), and its
time against the deploy's time plus the time those extra calls take when made one after the other with boto3 on the
same sandbox (one read per kind and service, timed here).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import aws_client, ecs_calls, run_playbook, start_sandbox

SERVICES = 20
BOOTSTRAP = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: driftless.ecs.bootstrap
"""
DEPLOY = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: driftless.ecs.deploy
"""


def _services(subnets: list[str]) -> list[dict]:
    return [
        {
            "name": f"api-{index}",
            "cluster": "bench-boot",
            "task_definition": {
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "cpu": "256",
                "memory": "512",
                "containerDefinitions": [{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27"}],
            },
            "task_role": {"policy_statements": []},
            "service": {"launch_type": "FARGATE", "network_configuration": {"subnets": subnets}},
        }
        for index in range(SERVICES)
    ]


# What the bootstrap makes per service, and how the sandbox names the AWS service of each call.
KINDS = ("cluster", "log group", "IAM role", "service")
# A wall-clock comparison on a shared machine: within a tenth counts as "no longer".
TIME_SLACK = 1.1
ROUNDS = 3


def _total(calls: dict) -> int:
    return sum(value for value in calls.values() if isinstance(value, int))


def _by_service(calls: dict) -> dict[str, int]:
    """Call counts by AWS service (ecs, iam, logs, sts...)."""
    counts: dict[str, int] = {}
    for key, value in calls.items():
        if isinstance(value, int) and ":" in key:
            service = key.split(":", 1)[0]
            counts[service] = counts.get(service, 0) + value
    return counts


def _one_call_per_kind_and_service(sandbox) -> float:
    """Seconds that one read per kind and service takes, made one after the other: the time the target allows."""
    ecs, logs, iam = (aws_client(sandbox, name) for name in ("ecs", "logs", "iam"))
    started = time.monotonic()
    for index in range(SERVICES):
        ecs.describe_clusters(clusters=["bench-boot"])
        logs.describe_log_groups(logGroupNamePrefix=f"/ecs/bench-boot/api-{index}")
        iam.get_role(RoleName=f"bench-boot-api-{index}-exec")
        ecs.describe_services(cluster="bench-boot", services=[f"api-{index}"])
    return time.monotonic() - started


def main() -> None:
    sandbox = start_sandbox(["--task-start-delay", "0.2"])
    try:
        ec2 = aws_client(sandbox, "ec2")
        vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.90.1.0/24")["Subnet"]["SubnetId"]
        variables = {
            "ecs_region": "us-east-1",
            "ecs_services": _services([subnet]),
            "bootstrap_poll_interval": 0.5,
            "deploy_poll_interval": 0.5,
        }
        first, _ = run_playbook(sandbox, BOOTSTRAP, variables)
        # The two are compared on a machine others share: each runs ROUNDS times, one after the other in turn, and
        # the best time of each counts. The calls are the same every time.
        agains, deploys = [], []
        for _round in range(ROUNDS):
            sandbox.control("calls/reset", {})
            agains.append(run_playbook(sandbox, BOOTSTRAP, variables)[0])
            again_calls = sandbox.calls()
            sandbox.control("calls/reset", {})
            deploys.append(run_playbook(sandbox, DEPLOY, variables)[0])
            deploy_calls = sandbox.calls()
        again, deploy = min(agains), min(deploys)
        extra = min(_one_call_per_kind_and_service(sandbox) for _round in range(ROUNDS))
        again_total = _total(again_calls)
        budget = _total(deploy_calls) + len(KINDS) * SERVICES
        print(f"Bootstrap of {SERVICES} Fargate services (roles, log groups, task definitions, services)")
        print(f"  first run:            {first:6.2f} s")
        print(
            f"  again, nothing to do: {again:6.2f} s, {again_total} calls ({sum(ecs_calls(again_calls).values())} ECS)"
        )
        print(f"  a no-op deploy:       {deploy:6.2f} s, {_total(deploy_calls)} calls (best of {ROUNDS}, each)")
        print(f"  one call per kind and service ({len(KINDS) * SERVICES} reads: {', '.join(KINDS)}): {extra:6.2f} s")
        allowed = (deploy + extra) * TIME_SLACK
        print(
            f"  target for the second run: {deploy + extra:6.2f} s (the deploy's time plus those calls) and {budget} "
            f"calls (the deploy's plus those); {'met' if again <= allowed and again_total <= budget else 'NOT met'}"
        )
        for kind, count in sorted(_by_service(again_calls).items()):
            print(f"    {kind:8s} {count:4d} calls")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
