"""Scheduled tasks through the shipped bootstrap and deploy playbooks: made once, moved by a deploy that released a
new revision, left alone by a no-op deploy and by a rollout that rolled back, refused before any write when
EventBridge would refuse them.

One sandbox and one environment go through the whole life of a schedule, so that each playbook run starts from
what the one before left.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.aws import client
from tests.support.playbooks import ansible_playbook_env

CLUSTER = "it-sched"
ACCOUNT = "123456789012"
SCHEDULE = f"{CLUSTER}-worker-nightly-report"
HOURLY = f"{CLUSTER}-worker-hourly"
WRITE_CALL = re.compile(r":(Create|Put|Register|Update|Modify|Delete|Deregister|Set|Tag|Untag|Attach|Authorize)")
SCHEDULER_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ],
}


def _services(network: dict, schedule: str = "cron(0 3 * * ? *)") -> list[dict]:
    def service(name: str) -> dict:
        return {
            "name": name,
            "cluster": CLUSTER,
            "task_definition": {
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "cpu": "256",
                "memory": "512",
                "containerDefinitions": [{"name": "app", "image": f"registry.example/{name}:1.0"}],
            },
            "service": {
                "launch_type": "FARGATE",
                "desired_count": 1,
                "network_configuration": network,
                "deployment_configuration": {"deployment_circuit_breaker": {"enable": True, "rollback": True}},
            },
        }

    worker = service("worker")
    worker["schedules"] = [
        {"name": "nightly-report", "schedule": schedule, "command": ["bin/report", "--yesterday"]},
        {"name": "hourly", "schedule": "rate(1 hour)", "timezone": "Europe/Paris", "enabled": False},
    ]
    return [worker, service("web")]


def _inventory(tmp_path: Path, services: list[dict]) -> Path:
    path = tmp_path / "hosts.yml"
    path.write_text(
        json.dumps(
            {
                "all": {
                    "vars": {"ansible_connection": "local", "ecs_region": "us-east-1"},
                    "children": {"dev": {"hosts": {"sched-dev": {}}, "vars": {"ecs_services": services}}},
                }
            }
        )
    )
    return path


def _playbook(sandbox, name: str, inventory: Path, *args: str, **variables) -> subprocess.CompletedProcess:
    extra = {
        "bootstrap_poll_interval": 0.2,
        "bootstrap_wait_timeout": 120,
        "deploy_verify": False,
        "deploy_poll_interval": 0.2,
        "deploy_wait_timeout": 120,
        **variables,
    }
    command = [str(Path(sys.executable).parent / "ansible-playbook"), f"driftless.ecs.{name}", "-i", str(inventory)]
    return subprocess.run(
        [*command, "-e", "target=dev", "-e", json.dumps(extra), *args],
        env=ansible_playbook_env(sandbox),
        capture_output=True,
        text=True,
        check=False,
    )


def _writes(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if WRITE_CALL.search(key)}


def _scheduler_calls(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if key.startswith("scheduler:")}


def _revision(sandbox, name: str = SCHEDULE) -> str:
    schedule = client(sandbox, "scheduler").get_schedule(Name=name)
    return schedule["Target"]["EcsParameters"]["TaskDefinitionArn"].rsplit("/", 1)[-1]


def _service_revision(sandbox, name: str) -> str:
    service = client(sandbox, "ecs").describe_services(cluster=CLUSTER, services=[name])["services"][0]
    return service["taskDefinition"].rsplit("/", 1)[-1]


@pytest.fixture
def network(clean_sandbox) -> dict:
    clean_sandbox.control("config", {"task_start_delay": 0.1, "task_stop_delay": 0.05})
    ec2 = client(clean_sandbox, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="sched", Description="sched", VpcId=vpc)["GroupId"]
    clean_sandbox.control("calls/reset", {})
    return {"subnets": [subnet], "security_groups": [group], "assign_public_ip": False}


def _check_made(sandbox, network: dict) -> dict:
    """The schedules as the bootstrap makes them; returns the nightly one's target."""
    scheduler = client(sandbox, "scheduler")
    nightly = scheduler.get_schedule(Name=SCHEDULE)
    assert nightly["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert nightly["State"] == "ENABLED"
    target = nightly["Target"]
    assert target["Arn"] == f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/{CLUSTER}"
    assert target["RoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{CLUSTER}-worker-scheduler"
    assert json.loads(target["Input"]) == {
        "containerOverrides": [{"name": "app", "command": ["bin/report", "--yesterday"]}]
    }
    parameters = target["EcsParameters"]
    assert parameters["TaskDefinitionArn"].endswith(":task-definition/worker:1")
    assert parameters["LaunchType"] == "FARGATE"
    assert parameters["NetworkConfiguration"]["awsvpcConfiguration"]["Subnets"] == network["subnets"]
    assert parameters["NetworkConfiguration"]["awsvpcConfiguration"]["SecurityGroups"] == network["security_groups"]
    hourly = scheduler.get_schedule(Name=HOURLY)
    assert (hourly["State"], hourly["ScheduleExpressionTimezone"]) == ("DISABLED", "Europe/Paris")
    assert "Input" not in hourly["Target"]
    # The role the schedules run with is made by the bootstrap with the other roles (the plan's extra_roles).
    iam = client(sandbox, "iam")
    role = iam.get_role(RoleName=f"{CLUSTER}-worker-scheduler")["Role"]
    assert role["AssumeRolePolicyDocument"] == SCHEDULER_TRUST
    policy = iam.get_role_policy(RoleName=f"{CLUSTER}-worker-scheduler", PolicyName="run-scheduled-tasks")
    statements = policy["PolicyDocument"]["Statement"]
    assert [statement["Action"] for statement in statements] == ["ecs:RunTask", "iam:PassRole"]
    return target


def test_a_schedule_is_made_once_and_follows_only_the_deploys_that_release(clean_sandbox, network, tmp_path):
    inventory = _inventory(tmp_path, _services(network))

    preview = _playbook(clean_sandbox, "bootstrap", inventory, "--check")
    assert preview.returncode == 0, preview.stdout[-6000:]
    assert "schedule nightly-report: would create" in preview.stdout, preview.stdout[-4000:]
    assert _writes(clean_sandbox) == {}

    first = _playbook(clean_sandbox, "bootstrap", inventory)
    assert first.returncode == 0, first.stdout[-6000:]
    assert f"{CLUSTER}/worker schedule nightly-report: created on worker:1" in first.stdout, first.stdout[-4000:]
    # Every schedule of the run in one module call, not one per schedule or service.
    assert first.stdout.count("TASK [driftless.ecs.bootstrap : Make the scheduled tasks]") == 1
    assert _scheduler_calls(clean_sandbox).get("scheduler:CreateSchedule") == 2
    target = _check_made(clean_sandbox, network)

    clean_sandbox.control("calls/reset", {})
    second = _playbook(clean_sandbox, "bootstrap", inventory)
    assert second.returncode == 0, second.stdout[-6000:]
    assert "schedule nightly-report: unchanged on worker:1" in second.stdout, second.stdout[-4000:]
    assert not any(key.startswith("scheduler:") for key in _writes(clean_sandbox)), _writes(clean_sandbox)
    assert _scheduler_calls(clean_sandbox) == {"scheduler:GetSchedule": 2}

    new_image = {"worker": {"app": "registry.example/worker:2.0"}}
    released = _playbook(clean_sandbox, "deploy", inventory, deploy_service_images=new_image)
    assert released.returncode == 0, released.stdout[-6000:]
    assert _service_revision(clean_sandbox, "worker") == "worker:2"
    assert (_revision(clean_sandbox), _revision(clean_sandbox, HOURLY)) == ("worker:2", "worker:2")
    moved_line = r"it-sched/worker: .*schedules: nightly-report -> worker:2, hourly -> worker:2"
    assert re.search(moved_line, released.stdout), released.stdout[-4000:]
    # Moving changed nothing else of the schedule.
    scheduler = client(clean_sandbox, "scheduler")
    moved = scheduler.get_schedule(Name=SCHEDULE)
    assert moved["Target"]["Input"] == target["Input"]
    network_before = target["EcsParameters"]["NetworkConfiguration"]
    assert moved["Target"]["EcsParameters"]["NetworkConfiguration"] == network_before
    assert scheduler.get_schedule(Name=HOURLY)["State"] == "DISABLED"
    assert "schedules:" not in next(line for line in released.stdout.splitlines() if "it-sched/web:" in line)

    clean_sandbox.control("calls/reset", {})
    unchanged = _playbook(clean_sandbox, "deploy", inventory)
    assert unchanged.returncode == 0, unchanged.stdout[-6000:]
    assert _scheduler_calls(clean_sandbox) == {}

    # A release that rolls back leaves the schedules on the revision the service still runs.
    clean_sandbox.control("failing-images", {"patterns": ["*:broken"]})
    clean_sandbox.control("calls/reset", {})
    broken_image = {"worker": {"app": "registry.example/worker:broken"}}
    broken = _playbook(clean_sandbox, "deploy", inventory, deploy_service_images=broken_image)
    assert broken.returncode != 0, broken.stdout[-6000:]
    assert "rolled back" in broken.stdout, broken.stdout[-4000:]
    assert _scheduler_calls(clean_sandbox) == {}
    assert _service_revision(clean_sandbox, "worker") == "worker:2"
    assert _revision(clean_sandbox) == "worker:2"


def test_an_expression_eventbridge_would_refuse_fails_before_any_write(clean_sandbox, network, tmp_path):
    inventory = _inventory(tmp_path, _services(network, schedule="cron(0 3 * * *)"))

    run = _playbook(clean_sandbox, "bootstrap", inventory)

    assert run.returncode != 0, run.stdout[-6000:]
    assert "ecs_services[worker].schedules[0].schedule 'cron(0 3 * * *)' cron has 5 fields" in run.stdout + run.stderr
    assert _writes(clean_sandbox) == {}
