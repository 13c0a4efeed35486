"""What an outside pipeline does, with plain boto3: the integration tests use it to act out of band.

Usage: python ecs_tool.py COMMAND JSON_ARGS. Prints a JSON result. The endpoint comes from AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import json
import sys
import time

import boto3


def _ecs():
    return boto3.client("ecs")


def _subnet() -> str:
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    return ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]


def create_service(args: dict) -> dict:
    ecs = _ecs()
    ecs.create_cluster(clusterName=args["cluster"])
    request = {
        "cluster": args["cluster"],
        "serviceName": args["service"],
        "taskDefinition": args["task_definition"],
        "desiredCount": args.get("desired_count", 1),
    }
    if args.get("awsvpc"):
        request["networkConfiguration"] = {"awsvpcConfiguration": {"subnets": [_subnet()]}}
    service = ecs.create_service(**request)["service"]
    return {"service": service["serviceName"], "task_definition": service["taskDefinition"]}


def deploy_image(args: dict) -> dict:
    """Copy the live task definition with another image, register it and move the service: ecs-deploy's way."""
    ecs = _ecs()
    service = ecs.describe_services(cluster=args["cluster"], services=[args["service"]])["services"][0]
    described = ecs.describe_task_definition(taskDefinition=service["taskDefinition"], include=["TAGS"])
    live = described["taskDefinition"]
    request = {
        key: value
        for key, value in live.items()
        if key
        not in (
            "taskDefinitionArn",
            "revision",
            "status",
            "requiresAttributes",
            "compatibilities",
            "registeredAt",
            "registeredBy",
            "deregisteredAt",
        )
    }
    if described.get("tags"):
        request["tags"] = described["tags"]
    for container in request["containerDefinitions"]:
        if container["name"] == args["container"]:
            container["image"] = args["image"]
    registered = ecs.register_task_definition(**request)["taskDefinition"]
    ecs.update_service(cluster=args["cluster"], service=args["service"], taskDefinition=registered["taskDefinitionArn"])
    return {"task_definition": registered["taskDefinitionArn"]}


def revisions(args: dict) -> dict:
    arns = _ecs().list_task_definitions(familyPrefix=args["family"], status="ACTIVE", sort="ASC")
    return {"revisions": arns["taskDefinitionArns"]}


def service_task_definition(args: dict) -> dict:
    service = _ecs().describe_services(cluster=args["cluster"], services=[args["service"]])["services"][0]
    return {"task_definition": service["taskDefinition"]}


def service_deployment(args: dict) -> dict:
    """A service deployment as DescribeServiceDeployments shows it; with ``wait``, once it has ended."""
    ecs = _ecs()
    deadline = time.monotonic() + args.get("timeout", 60)
    while True:
        found = ecs.describe_service_deployments(serviceDeploymentArns=[args["arn"]])["serviceDeployments"][0]
        ended = found["status"] in ("SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
        if ended or not args.get("wait") or time.monotonic() > deadline:
            return {
                "status": found["status"],
                "lifecycle_stage": found.get("lifecycleStage"),
                "rollback_reason": (found.get("rollback") or {}).get("reason"),
            }
        time.sleep(0.05)


COMMANDS = {
    "create-service": create_service,
    "deploy-image": deploy_image,
    "revisions": revisions,
    "service-task-definition": service_task_definition,
    "service-deployment": service_deployment,
}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](json.loads(sys.argv[2]))))
