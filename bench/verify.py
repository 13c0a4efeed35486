"""What the checks before writing (deploy_verify) add to a deploy of a new image to 20 services.

Each service runs its own ECR repository's image, with an execution role, a task role, an SSM parameter and a log
group of its own, as teams declare them. The same new-image deploy is measured with the checks on and off, on the
same sandbox: the difference in seconds, and the reads the checks make. Target: at most one call per distinct image,
role, secret and log group (here 5 per service), and nothing for a deploy with nothing to change.
Run with ``make bench`` or ``python -m bench.verify``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import aws_client, run_playbook, start_sandbox

SERVICES = 20
REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
CHECKED = ("ecr:", "iam:GetRole", "ssm:", "secretsmanager:", "logs:", "elasticloadbalancing:", "ecs:DescribeClusters")
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
DEPLOY = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: driftless.ecs.deploy
"""


def _service(index: int) -> dict:
    name = f"api-{index}"
    return {
        "name": name,
        "cluster": "bench-verify",
        "task_definition": {
            "family": f"bench-verify-{name}",
            "containerDefinitions": [
                {
                    "name": "app",
                    "image": f"{REGISTRY}/bench/{name}:1",
                    "memory": 128,
                    "secrets": [{"name": "DB", "valueFrom": f"/bench/{name}/db"}],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {"awslogs-group": f"/ecs/bench/{name}", "awslogs-region": "us-east-1"},
                    },
                }
            ],
        },
        "service": {"desired_count": 1, "launch_type": "EC2"},
    }


def _prepare(sandbox) -> None:
    aws_client(sandbox, "ecs").create_cluster(clusterName="bench-verify")
    ecr, iam, ssm, logs = (aws_client(sandbox, name) for name in ("ecr", "iam", "ssm", "logs"))
    for index in range(SERVICES):
        name = f"api-{index}"
        ecr.create_repository(repositoryName=f"bench/{name}")
        for tag in ("1", "2", "3"):
            manifest = json.dumps(
                {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "tag": tag}
            )
            ecr.put_image(repositoryName=f"bench/{name}", imageManifest=manifest, imageTag=tag)
        for suffix in ("exec", "task"):
            iam.create_role(RoleName=f"bench-verify-{name}-{suffix}", AssumeRolePolicyDocument=TRUST)
        ssm.put_parameter(Name=f"/bench/{name}/db", Value="postgres://bench", Type="SecureString")
        logs.create_log_group(logGroupName=f"/ecs/bench/{name}")


def _measure(sandbox, extra_vars: dict) -> tuple[float, dict]:
    sandbox.control("calls/reset", {})
    seconds, _output = run_playbook(sandbox, DEPLOY, extra_vars)
    calls = sandbox.calls()
    checks = {key: value for key, value in calls.items() if key.startswith(CHECKED) and isinstance(value, int)}
    return seconds, checks


def main() -> None:
    sandbox = start_sandbox(["--task-start-delay", "0.2"])
    try:
        _prepare(sandbox)
        base = {"ecs_services": [_service(index) for index in range(SERVICES)], "deploy_poll_interval": 0.3}
        run_playbook(sandbox, DEPLOY, {**base, "deploy_verify": False})  # creates the 20 services
        images = {f"api-{i}": {"app": f"{REGISTRY}/bench/api-{i}:2"} for i in range(SERVICES)}
        off_seconds, _off = _measure(sandbox, {**base, "deploy_service_images": images, "deploy_verify": False})
        images = {f"api-{i}": {"app": f"{REGISTRY}/bench/api-{i}:3"} for i in range(SERVICES)}
        on_seconds, on_checks = _measure(sandbox, {**base, "deploy_service_images": images, "deploy_verify": True})
        noop_seconds, noop_checks = _measure(sandbox, {**base, "deploy_service_images": images, "deploy_verify": True})
        reads = sum(on_checks.values())
        print(f"New image to {SERVICES} services, each with its own image, 2 roles, a parameter and a log group")
        print(f"  checks off: {off_seconds:6.2f} s")
        print(f"  checks on:  {on_seconds:6.2f} s ({on_seconds - off_seconds:+.2f} s), {reads} reads {on_checks}")
        print(f"  reads per service {reads / SERVICES:.2f} (target: at most 5, one per image, role, secret, log group)")
        print(f"  no-op deploy with checks on: {noop_seconds:6.2f} s, {sum(noop_checks.values())} reads (target: 0)")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
