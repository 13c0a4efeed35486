"""EC2 tasks run only on registered container instances with room for them, as ECS places them."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import completed, describe_service, register, wait_for

NO_ROOM = "was unable to place a task because no container instance met all of its requirements."


@pytest.fixture
def registered(sandbox):
    """ECS's own placement: no capacity but the container instances a test registers."""
    sandbox.post("config", {"ec2_capacity": "registered"})
    return sandbox


def add_instances(aws, cluster: str, count: int = 1) -> list[str]:
    """EC2 instances of the sandbox's EC2, registered to ``cluster`` as the ECS agent would (4096 CPU, 7482 MiB)."""
    ec2, ecs = aws("ec2"), aws("ecs")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    reservation = ec2.run_instances(ImageId=image, MinCount=count, MaxCount=count, InstanceType="m5.large")
    arns = []
    for instance in reservation["Instances"]:
        document = json.dumps({"instanceId": instance["InstanceId"]})
        registered = ecs.register_container_instance(cluster=cluster, instanceIdentityDocument=document)
        arns.append(registered["containerInstance"]["containerInstanceArn"])
    return arns


def test_a_service_on_a_cluster_without_instances_starts_nothing_and_says_why(registered, ecs, cluster):
    register(ecs)
    ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=2)

    def told() -> list[str]:
        return [e["message"] for e in describe_service(ecs, "svc")["events"] if NO_ROOM in e["message"]]

    (message,) = wait_for(told, what="the placement event")
    assert message == (
        f"(service svc) {NO_ROOM} Reason: No Container Instances were found in your cluster. "
        "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
    )
    time.sleep(0.5)
    service = describe_service(ecs, "svc")
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert (service["runningCount"], service["pendingCount"]) == (0, 0)
    assert ecs.list_tasks(cluster=cluster)["taskArns"] == []
    assert len(told()) == 1  # said once, not at every step


def test_registered_instances_run_the_tasks_that_fit(registered, aws, ecs, cluster):
    (instance,) = add_instances(aws, cluster)
    register(ecs, container={"memory": 3000})
    ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=3)

    def two_running() -> bool:
        return describe_service(ecs, "svc")["runningCount"] == 2

    wait_for(two_running, what="the two tasks that fit")
    tasks = ecs.describe_tasks(cluster=cluster, tasks=ecs.list_tasks(cluster=cluster)["taskArns"])["tasks"]
    assert [task["containerInstanceArn"] for task in tasks] == [instance, instance]
    events = [e["message"] for e in describe_service(ecs, "svc")["events"]]
    instance_id = instance.rsplit("/", 1)[-1]
    shortage = f"The closest matching (container-instance {instance_id}) has insufficient memory available."
    assert any(shortage in event for event in events), (shortage, events)
    assert describe_service(ecs, "svc")["deployments"][0]["rolloutState"] == "IN_PROGRESS"

    add_instances(aws, cluster)
    wait_for(completed(ecs, "svc"), what="the third task on the new instance")


def test_static_host_ports_take_an_instance_dynamic_ones_do_not(registered, aws, ecs, cluster):
    add_instances(aws, cluster)
    register(ecs, family="static", container={"portMappings": [{"containerPort": 80, "hostPort": 8080}]})
    register(ecs, family="dynamic", container={"portMappings": [{"containerPort": 80, "hostPort": 0}]})
    ecs.create_service(cluster=cluster, serviceName="dynamic", taskDefinition="dynamic", desiredCount=3)
    wait_for(completed(ecs, "dynamic"), what="three tasks with dynamic host ports on one instance")

    first = ecs.run_task(cluster=cluster, taskDefinition="static")
    second = ecs.run_task(cluster=cluster, taskDefinition="static")
    assert len(first["tasks"]) == 1 and first["failures"] == []
    assert second["tasks"] == []
    assert [failure["reason"] for failure in second["failures"]] == ["RESOURCE:PORTS"]


def test_run_task_without_instances_is_refused(registered, ecs, cluster):
    register(ecs)
    with pytest.raises(ClientError) as raised:
        ecs.run_task(cluster=cluster, taskDefinition="web")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterException"
    assert raised.value.response["Error"]["Message"] == "No Container Instances were found in your cluster."


def test_fargate_needs_no_instance(registered, aws, ecs, cluster, network):
    ecs.register_task_definition(
        family="fg",
        cpu="256",
        memory="512",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[{"name": "app", "image": "nginx:1"}],
    )
    ecs.create_service(
        cluster=cluster,
        serviceName="fg",
        taskDefinition="fg",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=network,
    )
    wait_for(completed(ecs, "fg"), what="the Fargate service")
    task = ecs.describe_tasks(cluster=cluster, tasks=ecs.list_tasks(cluster=cluster)["taskArns"])["tasks"][0]
    assert "containerInstanceArn" not in task


def test_ec2_capacity_takes_only_the_two_modes(sandbox):
    with pytest.raises(Exception, match="400"):
        sandbox.post("config", {"ec2_capacity": "lots"})
