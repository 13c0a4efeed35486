"""One-off tasks end as ECS's do: exit codes, stop reasons, pull errors and awslogs lines, decided by task-results."""

from __future__ import annotations

import json
import urllib.error

import pytest

from tests.sandbox.helpers import SandboxProcess, wait_for

LOGGED = {
    "logDriver": "awslogs",
    "options": {"awslogs-group": "/ecs/shop", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "shop"},
}


def _definition(ecs, image: str = "registry.example/shop:1", command=None) -> None:
    container = {"name": "app", "image": image, "memory": 128, "logConfiguration": LOGGED}
    if command:
        container["command"] = command
    ecs.register_task_definition(family="shop", containerDefinitions=[container])


def _stopped(ecs, cluster: str, arn: str) -> dict:
    def check():
        task = ecs.describe_tasks(cluster=cluster, tasks=[arn])["tasks"][0]
        return task if task["lastStatus"] == "STOPPED" else None

    return wait_for(check, what="the task to stop")


def test_a_one_off_task_exits_0_after_a_short_run_by_default(ecs, cluster):
    _definition(ecs)
    arn = ecs.run_task(cluster=cluster, taskDefinition="shop")["tasks"][0]["taskArn"]
    task = _stopped(ecs, cluster, arn)
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    assert task["containers"][0]["exitCode"] == 0


def test_a_matching_rule_decides_the_exit_and_the_log_lines_land_in_the_task_stream(
    sandbox: SandboxProcess, aws, ecs, cluster
):
    aws("logs").create_log_group(logGroupName="/ecs/shop")
    _definition(ecs, command=["bin/serve"])
    sandbox.post(
        "task-results",
        {
            "results": [
                {
                    "match": {"image": "registry.example/shop:*", "command": "bin/migrate*"},
                    "exit_code": 3,
                    "seconds": 0.2,
                    "log": ["Applying 0042_orders...", "KeyError: 'DATABASE_URL'"],
                }
            ]
        },
    )
    overrides = {"containerOverrides": [{"name": "app", "command": ["bin/migrate", "--noinput"]}]}
    migrate = ecs.run_task(cluster=cluster, taskDefinition="shop", overrides=overrides)["tasks"][0]["taskArn"]
    serve = ecs.run_task(cluster=cluster, taskDefinition="shop")["tasks"][0]["taskArn"]
    failed = _stopped(ecs, cluster, migrate)
    assert failed["containers"][0]["exitCode"] == 3
    assert _stopped(ecs, cluster, serve)["containers"][0]["exitCode"] == 0  # the command did not match
    stream = f"shop/app/{migrate.rsplit('/', 1)[-1]}"
    events = aws("logs").get_log_events(logGroupName="/ecs/shop", logStreamName=stream)["events"]
    assert [event["message"] for event in events] == ["Applying 0042_orders...", "KeyError: 'DATABASE_URL'"]


def test_the_same_client_token_starts_nothing_more(ecs, cluster):
    _definition(ecs)
    first = ecs.run_task(cluster=cluster, taskDefinition="shop", count=2, clientToken="release-42-migrate")
    again = ecs.run_task(cluster=cluster, taskDefinition="shop", count=2, clientToken="release-42-migrate")
    assert [task["taskArn"] for task in again["tasks"]] == [task["taskArn"] for task in first["tasks"]]
    assert (
        len(ecs.list_tasks(cluster=cluster, desiredStatus="RUNNING")["taskArns"])
        + len(ecs.list_tasks(cluster=cluster, desiredStatus="STOPPED")["taskArns"])
        == 2
    )


def test_a_tag_missing_from_ecr_cannot_be_pulled(aws, ecs, cluster):
    ecr = aws("ecr")
    ecr.create_repository(repositoryName="shop")
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"})
    ecr.put_image(repositoryName="shop", imageManifest=manifest, imageTag="1.0")
    registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop"
    _definition(ecs, image=f"{registry}:broken")
    arn = ecs.run_task(cluster=cluster, taskDefinition="shop")["tasks"][0]["taskArn"]
    task = _stopped(ecs, cluster, arn)
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("CannotPullContainerError:")
    assert f"{registry}:broken" in task["stoppedReason"] and "not found" in task["stoppedReason"]
    assert "exitCode" not in task["containers"][0]
    _definition(ecs, image=f"{registry}:1.0")
    pulled = _stopped(ecs, cluster, ecs.run_task(cluster=cluster, taskDefinition="shop")["tasks"][0]["taskArn"])
    assert pulled["stopCode"] == "EssentialContainerExited"


def test_a_service_task_that_matches_a_rule_exits_and_counts_as_a_failure(sandbox: SandboxProcess, ecs, cluster):
    sandbox.post(
        "task-results", {"results": [{"match": {"image": "registry.example/shop:bad"}, "exit_code": 1, "seconds": 0}]}
    )
    _definition(ecs, image="registry.example/shop:bad")
    ecs.create_service(cluster=cluster, serviceName="shop", taskDefinition="shop", desiredCount=1)

    def failure():
        deployment = ecs.describe_services(cluster=cluster, services=["shop"])["services"][0]["deployments"][0]
        return deployment["failedTasks"] >= 1

    wait_for(failure, what="a failed task")
    stopped = ecs.list_tasks(cluster=cluster, serviceName="shop", desiredStatus="STOPPED")["taskArns"]
    task = ecs.describe_tasks(cluster=cluster, tasks=stopped[:1])["tasks"][0]
    assert task["containers"][0]["exitCode"] == 1


@pytest.mark.parametrize(
    "body",
    [{"results": {"match": {}}}, {"results": [{"match": {"tag": "x"}}]}, {"results": [{"exit_code": "one"}]}],
)
def test_bad_rules_are_refused(sandbox: SandboxProcess, body):
    with pytest.raises(urllib.error.HTTPError) as refused:
        sandbox.post("task-results", body)
    assert refused.value.code == 400
    assert sandbox.request("GET", "task-results") == {"results": []}


def _behind_a_target_group(aws, ecs, cluster, network, image: str) -> str:
    vpc = aws("ec2").describe_subnets(SubnetIds=network["awsvpcConfiguration"]["subnets"])["Subnets"][0]["VpcId"]
    group = aws("elbv2").create_target_group(Name="shop", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    ecs.register_task_definition(
        family="shop",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image, "portMappings": [{"containerPort": 8080}]}],
    )
    ecs.create_service(
        cluster=cluster,
        serviceName="shop",
        taskDefinition="shop",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=network,
        loadBalancers=[{"targetGroupArn": group, "containerName": "app", "containerPort": 8080}],
    )
    return group


def test_a_running_service_task_is_a_healthy_target(aws, ecs, cluster, network):
    group = _behind_a_target_group(aws, ecs, cluster, network, "registry.example/shop:1")

    def registered():
        return aws("elbv2").describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]

    (target,) = wait_for(registered, what="the task's target")
    assert target["Target"]["Port"] == 8080
    assert target["TargetHealth"]["State"] == "healthy"


def test_tasks_whose_targets_fail_their_health_checks_are_stopped_and_reported_unhealthy(
    sandbox: SandboxProcess, aws, ecs, cluster, network
):
    sandbox.post("task-results", {"results": [{"match": {"image": "*:sick"}, "health": "unhealthy", "seconds": 0.1}]})
    group = _behind_a_target_group(aws, ecs, cluster, network, "registry.example/shop:sick")

    def stopped():
        arns = ecs.list_tasks(cluster=cluster, serviceName="shop", desiredStatus="STOPPED")["taskArns"]
        return ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"] if arns else None

    task = wait_for(stopped, what="a stopped task")[0]
    assert task["stoppedReason"] == f"Task failed ELB health checks in (target-group {group})"
    health = aws("elbv2").describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    unhealthy = [item["TargetHealth"] for item in health if item["TargetHealth"]["State"] == "unhealthy"]
    assert unhealthy and unhealthy[0]["Reason"] == "Target.FailedHealthChecks"
