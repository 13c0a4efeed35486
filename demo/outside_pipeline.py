"""An outside pipeline's deploy, the way ecs-deploy does it: copy the live task definition with another image,
register it, and point the service at it. Plain boto3; the endpoint comes from AWS_ENDPOINT_URL.

Usage: python outside_pipeline.py CLUSTER SERVICE CONTAINER IMAGE
"""

from __future__ import annotations

import json
import sys

import boto3

READ_ONLY = (
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
)


def deploy(cluster: str, service: str, container: str, image: str) -> str:
    ecs = boto3.client("ecs")
    live_arn = ecs.describe_services(cluster=cluster, services=[service])["services"][0]["taskDefinition"]
    described = ecs.describe_task_definition(taskDefinition=live_arn, include=["TAGS"])
    request = {key: value for key, value in described["taskDefinition"].items() if key not in READ_ONLY}
    if described.get("tags"):
        request["tags"] = described["tags"]
    for definition in request["containerDefinitions"]:
        if definition["name"] == container:
            definition["image"] = image
    arn = ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=cluster, service=service, taskDefinition=arn)
    return arn


if __name__ == "__main__":
    print(json.dumps({"task_definition": deploy(*sys.argv[1:5])}))
