"""How long the bootstrap role takes for 20 services, the first time and again when nothing is missing.

Twenty Fargate services of one cluster, each with its execution role, task role and log group made by the role (no
load balancer). The figures are printed beside a no-op deploy of the same services, which the README quotes. Run with
``make bench`` or ``python -m bench.bootstrap``.
"""

from __future__ import annotations

import sys
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
        sandbox.control("calls/reset", {})
        again, _ = run_playbook(sandbox, BOOTSTRAP, variables)
        again_calls = sandbox.calls()
        sandbox.control("calls/reset", {})
        deploy, _ = run_playbook(sandbox, DEPLOY, variables)
        print(f"Bootstrap of {SERVICES} Fargate services (roles, log groups, task definitions, services)")
        print(f"  first run:            {first:6.2f} s")
        print(
            f"  again, nothing to do: {again:6.2f} s, {sum(v for v in again_calls.values() if isinstance(v, int))} "
            f"calls ({sum(ecs_calls(again_calls).values())} ECS)"
        )
        print(f"  a no-op deploy:       {deploy:6.2f} s (the target for a bootstrap with nothing to do)")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
