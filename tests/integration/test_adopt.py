"""driftless.ecs.adopt on a zoo of services made with plain boto3: adopt, deploy with nothing changed and nothing
written, adopt again with the same bytes; check mode writes nothing; a folder of someone else's files is refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.aws import application_load_balancer, client
from tests.support.blue_green import create_service, load_balancer
from tests.support.playbooks import ansible_playbook_env

CLUSTER = "zoo"
ROLE = "arn:aws:iam::123456789012:role/ecs-infrastructure"
ECS_WRITES = ("Create", "Register", "Update", "Delete", "Deregister", "Put", "Tag", "Untag", "Stop", "Run")
ZOO = ["agent", "bluegreen", "bridge", "connected", "ebs", "firelens", "scaled", "spot", "web"]


def _writes(calls: dict) -> dict:
    return {
        key: value
        for key, value in calls.items()
        if key.split(":", 1)[0] in ("ecs", "elasticloadbalancing", "iam", "application-autoscaling")
        and key.split(":", 1)[1].startswith(ECS_WRITES)
        and isinstance(value, int)
    }


def _fargate(ecs, family: str, containers: list[dict], **more) -> str:
    return ecs.register_task_definition(
        family=family,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=containers,
        **more,
    )["taskDefinition"]["taskDefinitionArn"]


def _app(port: int = 80, **more) -> dict:
    return {"name": "app", "image": "registry.example/zoo/app:1.0", "portMappings": [{"containerPort": port}], **more}


@pytest.fixture(scope="module")
def zoo(sandbox):
    """The services a team already runs, made the way their own tools made them."""
    sandbox.reset()
    sandbox.control("config", {"task_start_delay": 0.1, "task_stop_delay": 0.05, "ec2_capacity": "unlimited"})
    ecs, elbv2 = client(sandbox, "ecs"), client(sandbox, "elbv2")
    ecs.create_cluster(clusterName=CLUSTER, capacityProviders=["FARGATE", "FARGATE_SPOT"])
    network = application_load_balancer(sandbox, "zoo", octet=61)
    awsvpc = {"awsvpcConfiguration": {"subnets": network["subnets"], "securityGroups": [network["security_group"]]}}

    # A Fargate web service behind the ALB.
    web_group = elbv2.create_target_group(
        Name="zoo-web", Protocol="HTTP", Port=80, VpcId=network["vpc_id"], TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    _fargate(ecs, "zoo-web", [_app(environment=[{"name": "MODE", "value": ""}])])
    ecs.create_service(
        cluster=CLUSTER,
        serviceName="web",
        taskDefinition="zoo-web",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=awsvpc,
        healthCheckGracePeriodSeconds=30,
        loadBalancers=[{"targetGroupArn": web_group, "containerName": "app", "containerPort": 80}],
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        tags=[{"key": "team", "value": "shop"}],
    )
    # An EC2 service in bridge mode with dynamic host ports, behind an instance target group.
    bridge_group = elbv2.create_target_group(
        Name="zoo-bridge", Protocol="HTTP", Port=80, VpcId=network["vpc_id"], TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    ecs.register_task_definition(
        family="zoo-bridge",
        containerDefinitions=[
            {
                "name": "app",
                "image": "registry.example/zoo/bridge:2.1",
                "memory": 256,
                "portMappings": [{"containerPort": 8080, "hostPort": 0}],
            }
        ],
    )
    ecs.create_service(
        cluster=CLUSTER,
        serviceName="bridge",
        taskDefinition="zoo-bridge",
        desiredCount=1,
        launchType="EC2",
        loadBalancers=[{"targetGroupArn": bridge_group, "containerName": "app", "containerPort": 8080}],
        placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}],
    )
    # A FireLens log router beside the application.
    _fargate(
        ecs,
        "zoo-firelens",
        [
            {
                "name": "log_router",
                "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                "essential": True,
                "firelensConfiguration": {"type": "fluentbit", "options": {"enable-ecs-log-metadata": "true"}},
            },
            _app(
                logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "cloudwatch", "region": "us-east-1"}},
                dependsOn=[{"containerName": "log_router", "condition": "START"}],
            ),
        ],
    )
    ecs.create_service(
        cluster=CLUSTER,
        serviceName="firelens",
        taskDefinition="zoo-firelens",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=awsvpc,
    )
    # Service Connect, with monitoring and a gateway connector on the same named port.
    _fargate(ecs, "zoo-connected", [_app(portMappings=[{"containerPort": 80, "name": "http", "appProtocol": "http"}])])
    ecs.create_service(
        cluster=CLUSTER,
        serviceName="connected",
        taskDefinition="zoo-connected",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=awsvpc,
        serviceConnectConfiguration={
            "enabled": True,
            "namespace": "zoo.local",
            "services": [{"portName": "http", "clientAliases": [{"port": 80}]}],
        },
        monitoring={"metricConfigurations": [{"metricNames": ["CPUUtilization"], "resolutionSeconds": 20}]},
        gatewayConnectors=[{"portName": "http"}],
    )
    # An EBS volume ECS makes for each task.
    _fargate(
        ecs,
        "zoo-ebs",
        [_app(mountPoints=[{"sourceVolume": "data", "containerPath": "/data"}])],
        volumes=[{"name": "data", "configuredAtLaunch": True}],
    )
    ecs.create_service(
        cluster=CLUSTER,
        serviceName="ebs",
        taskDefinition="zoo-ebs",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=awsvpc,
        volumeConfigurations=[
            {"name": "data", "managedEBSVolume": {"sizeInGiB": 30, "volumeType": "gp3", "roleArn": ROLE}}
        ],
    )
    # Capacity providers instead of a launch type.
    _fargate(ecs, "zoo-spot", [_app()])
    ecs.create_service(
        cluster=CLUSTER,
        serviceName="spot",
        taskDefinition="zoo-spot",
        desiredCount=2,
        capacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
        networkConfiguration=awsvpc,
    )
    # A blue/green service with its second target group, on a load balancer of its own.
    green = load_balancer(sandbox, "zoo-bg", {"bluegreen": ("zoo-bg-blue", "zoo-bg-green")}, octet=62)
    _fargate(ecs, "zoo-bluegreen", [_app()])
    create_service(
        sandbox,
        CLUSTER,
        "bluegreen",
        "zoo-bluegreen",
        green["bluegreen"],
        container="app",
        subnets=green["subnets"],
        desired_count=1,
        deployment_configuration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 0},
    )
    # A DAEMON on every container instance.
    ecs.register_task_definition(
        family="zoo-agent",
        containerDefinitions=[{"name": "agent", "image": "registry.example/zoo/agent:7", "memory": 64}],
    )
    ecs.create_service(
        cluster=CLUSTER, serviceName="agent", taskDefinition="zoo-agent", launchType="EC2", schedulingStrategy="DAEMON"
    )
    # An autoscaled service whose count has moved since it was created.
    _fargate(ecs, "zoo-scaled", [_app()])
    ecs.create_service(
        cluster=CLUSTER,
        serviceName="scaled",
        taskDefinition="zoo-scaled",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=awsvpc,
    )
    client(sandbox, "application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{CLUSTER}/scaled",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=6,
    )
    ecs.update_service(cluster=CLUSTER, service="scaled", desiredCount=4)
    return sandbox


def _inventory(tmp_path: Path) -> Path:
    source = tmp_path / "source.yml"
    source.write_text(
        json.dumps(
            {
                "all": {
                    "vars": {"ansible_connection": "local", "ecs_region": "us-east-1"},
                    "children": {"prod": {"hosts": {"zoo-prod": {}}}},
                }
            }
        )
    )
    return source


def _playbook(sandbox, name: str, inventory: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "ansible-playbook"), f"driftless.ecs.{name}", "-i", str(inventory)]
    return subprocess.run(
        [*command, "-e", "target=prod", *args],
        env=ansible_playbook_env(sandbox),
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_adopt_then_deploy_changes_nothing_and_adopting_again_gives_the_same_bytes(zoo, tmp_path):
    source = _inventory(tmp_path)
    adopt = ("-e", f"adopt_cluster={CLUSTER}", "-e", "adopt_dest=adopted")

    # Check mode first: nothing is written, and the diff shows what would be.
    preview = _playbook(zoo, "adopt", source, *adopt, "--check", "--diff", cwd=tmp_path)
    assert preview.returncode == 0, preview.stdout[-4000:] + preview.stderr[-2000:]
    assert not (tmp_path / "adopted").exists()
    assert '"family": "zoo-web"' in preview.stdout, preview.stdout[-4000:]

    zoo.control("calls/reset", {})
    first = _playbook(zoo, "adopt", source, *adopt, cwd=tmp_path)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    assert _writes(zoo.calls()) == {}, zoo.calls()
    assert "secretsmanager:GetSecretValue" not in zoo.calls() and "ssm:GetParameters" not in zoo.calls()
    written = _files(tmp_path / "adopted")
    assert written, first.stdout[-6000:]
    assert {"hosts.yml", "group_vars/prod.yml", ".driftless-adopt.json"} <= set(written)
    assert {name for name in written if name.startswith("taskdefs/")} == {f"taskdefs/{name}.json" for name in ZOO}

    declared = yaml.safe_load(written["group_vars/prod.yml"])
    services = {item["name"]: item for item in declared["ecs_services"]}
    assert sorted(services) == ZOO
    assert declared["ecs_region"] == "us-east-1"
    # What ECS fills in is left out; what the team chose is kept, in the option names the roles take.
    assert "desired_count" not in services["scaled"]["service"]
    assert services["spot"]["service"]["capacity_provider_strategy"][1] == {
        "capacity_provider": "FARGATE_SPOT",
        "weight": 3,
    }
    assert services["bluegreen"]["service"]["load_balancers"][0]["advanced_configuration"]["alternate_target_group_arn"]
    assert services["ebs"]["service"]["volume_configurations"][0]["managed_ebs_volume"]["size_in_gib"] == 30
    assert services["connected"]["service"]["monitoring"]["metric_configurations"][0]["resolution_seconds"] == 20
    assert services["agent"]["service"]["scheduling_strategy"] == "DAEMON"
    web = json.loads(written["taskdefs/web.json"])
    assert "taskDefinitionArn" not in web and "revision" not in web and "compatibilities" not in web
    assert web["containerDefinitions"][0]["environment"] == [{"name": "MODE", "value": ""}]
    bridge = json.loads(written["taskdefs/bridge.json"])
    # Dynamic host ports are what bridge mode does when no hostPort is given; tcp is the default protocol.
    assert bridge["containerDefinitions"][0]["portMappings"] == [{"containerPort": 8080}]

    # The deploy of what was adopted: nothing to change, nothing written.
    zoo.control("calls/reset", {})
    deploy = _playbook(zoo, "deploy", tmp_path / "adopted", cwd=tmp_path)
    assert deploy.returncode == 0, deploy.stdout[-6000:] + deploy.stderr[-2000:]
    assert _writes(zoo.calls()) == {}, zoo.calls()
    assert re.search(r"zoo-prod\s+: ok=\d+\s+changed=0 ", deploy.stdout), deploy.stdout[-4000:]
    for name in ZOO:
        assert f"{CLUSTER}/{name}: unchanged" in deploy.stdout, deploy.stdout[-6000:]

    # Adopting again gives the same files, byte for byte.
    again = _playbook(zoo, "adopt", source, *adopt, cwd=tmp_path)
    assert again.returncode == 0, again.stdout[-4000:]
    assert _files(tmp_path / "adopted") == written
    assert re.search(r"zoo-prod\s+: ok=\d+\s+changed=0 ", again.stdout), again.stdout[-4000:]


def test_a_folder_with_files_adopt_did_not_write_is_refused(zoo, tmp_path):
    source = _inventory(tmp_path)
    target = tmp_path / "theirs"
    target.mkdir()
    (target / "notes.txt").write_text("ours\n")
    adopt = ("-e", f"adopt_cluster={CLUSTER}", "-e", "adopt_dest=theirs", "-e", "adopt_services=web")
    refused = _playbook(zoo, "adopt", source, *adopt, cwd=tmp_path)
    assert refused.returncode != 0
    assert "theirs holds files adopt did not write, or that were edited since: notes.txt" in refused.stdout
    assert _files(target) == {"notes.txt": b"ours\n"}

    # Told to overwrite, adopt writes beside them; an edit of its own file is then refused too.
    forced = _playbook(zoo, "adopt", source, *adopt, "-e", "adopt_overwrite=true", cwd=tmp_path)
    assert forced.returncode == 0, forced.stdout[-4000:]
    (target / "notes.txt").unlink()
    with (target / "taskdefs" / "web.json").open("a") as edited:
        edited.write(" ")
    refused = _playbook(zoo, "adopt", source, *adopt, cwd=tmp_path)
    assert refused.returncode != 0
    assert "edited since: taskdefs/web.json" in refused.stdout, refused.stdout[-3000:]


def test_a_service_the_cluster_does_not_run_is_named(zoo, tmp_path):
    source = _inventory(tmp_path)
    run = _playbook(
        zoo,
        "adopt",
        source,
        "-e",
        f"adopt_cluster={CLUSTER}",
        "-e",
        "adopt_dest=x",
        "-e",
        "adopt_services=web,nope",
        cwd=tmp_path,
    )
    assert run.returncode != 0
    assert "adopt_services names services that are not ACTIVE in zoo: nope" in run.stdout, run.stdout[-3000:]
    assert not (tmp_path / "x").exists()
