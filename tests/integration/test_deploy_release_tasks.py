"""Migrations and checks in a release, and a failed deploy that says why, through the shipped deploy playbook.

Three EC2 services (bridge network mode) declare a migration before the rollout and a smoke check after it. The
sandbox's task-results decide how each task ends, and what it logs.
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

CLUSTER = "it-release"
SERVICES = ("api", "billing", "web")
REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def _service(name: str, after: bool = False) -> dict:
    item = {
        "name": name,
        "cluster": CLUSTER,
        "execution_role": False,
        "task_definition": {
            "family": f"{CLUSTER}-{name}",
            "containerDefinitions": [
                {
                    "name": "app",
                    "image": f"registry.example/{name}:1.0",
                    "memory": 128,
                    "command": ["bin/serve"],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": f"/ecs/{CLUSTER}",
                            "awslogs-region": "us-east-1",
                            "awslogs-stream-prefix": name,
                        },
                    },
                }
            ],
        },
        "service": {
            "launch_type": "EC2",
            "desired_count": 1,
            "deployment_configuration": {"deployment_circuit_breaker": {"enable": True, "rollback": True}},
        },
        "run_before_deploy": [{"name": "migrate", "command": ["bin/migrate"]}],
    }
    if after:
        item["run_after_deploy"] = [{"name": "smoke", "command": ["bin/smoke"]}]
    return item


@pytest.fixture
def release(clean_sandbox, tmp_path):
    clean_sandbox.control("config", {"ec2_capacity": "unlimited", "task_start_delay": 0.1, "task_stop_delay": 0.05})
    client(clean_sandbox, "ecs").create_cluster(clusterName=CLUSTER)
    client(clean_sandbox, "logs").create_log_group(logGroupName=f"/ecs/{CLUSTER}")
    return clean_sandbox


def _inventory(tmp_path: Path, services: list[dict]) -> Path:
    path = tmp_path / "hosts.yml"
    path.write_text(
        json.dumps(
            {
                "all": {
                    "vars": {"ansible_connection": "local", "ecs_region": "us-east-1"},
                    "children": {"prod": {"hosts": {"release-prod": {}}, "vars": {"ecs_services": services}}},
                }
            }
        )
    )
    return path


def _deploy(sandbox, inventory: Path, *args: str, **variables) -> subprocess.CompletedProcess:
    extra = {"deploy_verify": False, "deploy_poll_interval": 0.2, "deploy_wait_timeout": 120, **variables}
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "driftless.ecs.deploy", "-i", str(inventory)]
    return subprocess.run(
        [*command, "-e", "target=prod", "-e", json.dumps(extra), *args],
        env=ansible_playbook_env(sandbox),
        capture_output=True,
        text=True,
        check=False,
    )


def _results(sandbox, rules: list[dict]) -> None:
    sandbox.control("task-results", {"results": rules})


def _running_image(sandbox, name: str) -> str:
    ecs = client(sandbox, "ecs")
    arn = ecs.describe_services(cluster=CLUSTER, services=[name])["services"][0]["taskDefinition"]
    return ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["containerDefinitions"][0]["image"]


def _updates(sandbox) -> int:
    return sandbox.calls().get("ecs:UpdateService", 0)


def test_migrations_run_before_the_rollout_and_a_failed_one_leaves_its_service_untouched(release, tmp_path):
    inventory = _inventory(tmp_path, [_service(name) for name in SERVICES])
    _results(release, [{"match": {"command": "bin/migrate"}, "exit_code": 0, "seconds": 0.2, "log": ["migrated"]}])
    first = _deploy(release, inventory)
    assert first.returncode == 0, first.stdout[-6000:]
    for name in SERVICES:
        assert re.search(rf"{CLUSTER}/{name}: created; .*tasks: migrate ok", first.stdout), first.stdout[-4000:]
    # The migrations of the three services ran in one module call, not a loop of calls.
    assert first.stdout.count("TASK [driftless.ecs.deploy : Run the tasks before the rollout]") == 1

    # Nothing changed: no migration runs again.
    calls = release.calls().get("ecs:RunTask", 0)
    again = _deploy(release, inventory)
    assert again.returncode == 0, again.stdout[-4000:]
    assert release.calls().get("ecs:RunTask", 0) == calls
    assert re.search(r"release-prod\s+: ok=\d+\s+changed=0 ", again.stdout), again.stdout[-3000:]

    # Check mode names the migrations a deploy would run, and starts none.
    new = {"app": "registry.example/{}:2.0"}
    images = {name: {"app": new["app"].format(name)} for name in SERVICES}
    preview = _deploy(release, inventory, "--check", deploy_service_images=images)
    assert preview.returncode == 0, preview.stdout[-4000:]
    assert f"Would run before the rollout: {CLUSTER}/api migrate, {CLUSTER}/billing migrate" in preview.stdout
    assert release.calls().get("ecs:RunTask", 0) == calls

    # api's migration of 2.0 fails: api is not touched, the others are released.
    _results(
        release,
        [
            {
                "match": {"image": "registry.example/api:2.0", "command": "bin/migrate"},
                "exit_code": 1,
                "seconds": 0.2,
                "log": ["Applying 0042_orders...", "django.db.utils.OperationalError: relation orders exists"],
            },
            {"match": {"command": "bin/migrate"}, "exit_code": 0, "seconds": 0.2},
        ],
    )
    updates = _updates(release)
    failed = _deploy(release, inventory, deploy_service_images=images)
    assert failed.returncode != 0
    assert _running_image(release, "api") == "registry.example/api:1.0"
    assert _running_image(release, "web") == "registry.example/web:2.0"
    assert _updates(release) - updates == 2  # web and billing only
    line = next(line for line in failed.stdout.splitlines() if f"{CLUSTER}/api: failed" in line)
    assert "run_before_deploy migrate failed, the service was not touched" in line
    assert "container app exited 1" in line and "relation orders exists" in line


def test_a_check_that_fails_after_the_rollout_rolls_back_only_when_asked(release, tmp_path):
    inventory = _inventory(tmp_path, [_service("web", after=True)])
    _results(release, [{"match": {"command": "bin/*"}, "exit_code": 0, "seconds": 0.1}])
    assert _deploy(release, inventory).returncode == 0
    _results(
        release,
        [
            {"match": {"command": "bin/smoke"}, "exit_code": 2, "seconds": 0.1, "log": ["GET /health 503"]},
            {"match": {"command": "bin/migrate"}, "exit_code": 0, "seconds": 0.1},
        ],
    )
    kept = _deploy(release, inventory, deploy_service_images={"web": {"app": "registry.example/web:2.0"}})
    assert kept.returncode != 0
    assert "run_after_deploy smoke failed, the service was left on the new revision" in kept.stdout
    assert _running_image(release, "web") == "registry.example/web:2.0"

    back = _deploy(
        release,
        inventory,
        deploy_service_images={"web": {"app": "registry.example/web:3.0"}},
        deploy_rollback_on_check_failure=True,
    )
    assert back.returncode != 0
    assert "run_after_deploy smoke failed, the service was rolled back" in back.stdout, back.stdout[-4000:]
    assert "GET /health 503" in back.stdout
    assert _running_image(release, "web") == "registry.example/web:2.0"


def test_a_failed_rollout_names_the_pull_error_or_the_exit_code_and_last_log_line(release, tmp_path):
    service = _service("web")
    service.pop("run_before_deploy")
    inventory = _inventory(tmp_path, [service])
    assert _deploy(release, inventory).returncode == 0

    ecr = client(release, "ecr")
    ecr.create_repository(repositoryName="web")
    broken = _deploy(release, inventory, deploy_service_images={"web": {"app": f"{REGISTRY}/web:broken"}})
    assert broken.returncode != 0
    line = next(line for line in broken.stdout.splitlines() if f"{CLUSTER}/web: rolled back" in line)
    assert "rolled back: CannotPullContainerError:" in line and f"{REGISTRY}/web:broken" in line, line

    _results(
        release,
        [
            {
                "match": {"image": "registry.example/web:4.0"},
                "exit_code": 1,
                "seconds": 0,
                "log": ["Booting worker", "KeyError: 'DATABASE_URL'"],
            }
        ],
    )
    crashed = _deploy(release, inventory, deploy_service_images={"web": {"app": "registry.example/web:4.0"}})
    assert crashed.returncode != 0
    line = next(line for line in crashed.stdout.splitlines() if f"{CLUSTER}/web: rolled back" in line)
    assert "rolled back: container app exited 1: " in line and "KeyError: 'DATABASE_URL'" in line, line
    assert line.count("DATABASE_URL") == 1, line  # the reason is said once


def test_a_failed_rollout_behind_a_load_balancer_names_the_failed_health_checks(release, tmp_path):
    ec2, elbv2 = client(release, "ec2"), client(release, "elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.81.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.81.1.0/24")["Subnet"]["SubnetId"]
    group = elbv2.create_target_group(Name="it-release-web", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    service = _service("web")
    service.pop("run_before_deploy")
    service["task_definition"].update(
        networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512"
    )
    service["task_definition"]["containerDefinitions"][0]["portMappings"] = [{"containerPort": 8080}]
    service["service"].update(
        launch_type="FARGATE",
        network_configuration={"subnets": [subnet]},
        load_balancers=[{"target_group_arn": group, "container_name": "app", "container_port": 8080}],
        health_check_grace_period_seconds=0,
    )
    inventory = _inventory(tmp_path, [service])
    assert _deploy(release, inventory).returncode == 0
    _results(release, [{"match": {"image": "registry.example/web:5.0"}, "health": "unhealthy", "seconds": 0}])
    sick = _deploy(release, inventory, deploy_service_images={"web": {"app": "registry.example/web:5.0"}})
    assert sick.returncode != 0
    line = next(line for line in sick.stdout.splitlines() if f"{CLUSTER}/web: rolled back" in line)
    assert f"rolled back: Task failed ELB health checks in (target-group {group})" in line, line
