# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The only code of the collection that calls boto3.

One function per ECS call. Each takes the client built by ``connect`` and explicit arguments, retries
throttling (``ThrottlingException`` included) through AWSRetry, and returns the unwrapped payload. A resource
that does not exist comes back as ``None`` or ``[]``; any other failure raises ``AnsibleECSError``.
"""

from __future__ import annotations

from typing import Any

from .common import NO_BOTOCORE_RETRIES, READ_RETRY, ECSErrorHandler, TaskDefinitionErrorHandler

DESCRIBE_SERVICES_BATCH = 10


def connect(module: Any, service: str = "ecs") -> Any:
    """Build a client whose calls accept ``aws_retry=True``. botocore's own retries are off: see common.py."""
    return module.client(service, retry_decorator=READ_RETRY, config=NO_BOTOCORE_RETRIES)


# Task definitions ---------------------------------------------------------------------------------


@TaskDefinitionErrorHandler.list_error_handler("describe task definition")
def describe_task_definition(client: Any, task_definition: str) -> dict | None:
    """Describe a task definition by ARN, ``family:revision`` or family (newest ACTIVE revision).

    Returns:
        The ``taskDefinition`` payload with its ``tags`` list added, or None when there is none.
    """
    response = client.describe_task_definition(taskDefinition=task_definition, include=["TAGS"], aws_retry=True)
    definition = dict(response["taskDefinition"])
    definition["tags"] = response.get("tags", [])
    return definition


def register_task_definition(client: Any, request: dict) -> dict:
    """Register one revision. Deliberately not retried here: see ``taskdef_live.register_once``.

    Raises the botocore exception unchanged so the caller can tell a lost response from a rejection.
    """
    response = client.register_task_definition(**request)
    definition = dict(response["taskDefinition"])
    definition["tags"] = response.get("tags", [])
    return definition


@ECSErrorHandler.common_error_handler("list task definitions")
def list_task_definitions(client: Any, family: str, status: str = "ACTIVE") -> list[str]:
    """ARNs of a family's revisions with ``status``, newest first."""
    paginator = client.get_paginator("list_task_definitions")
    arns: list[str] = []
    for page in paginator.paginate(familyPrefix=family, status=status, sort="DESC"):
        # familyPrefix matches prefixes: "web" also lists "web-worker".
        arns.extend(arn for arn in page["taskDefinitionArns"] if family_of(arn) == family)
    return arns


@ECSErrorHandler.common_error_handler("deregister task definition")
def deregister_task_definition(client: Any, arn: str) -> dict:
    return client.deregister_task_definition(taskDefinition=arn, aws_retry=True)["taskDefinition"]


@ECSErrorHandler.common_error_handler("tag task definition")
def tag_resource(client: Any, arn: str, tags: dict[str, str]) -> None:
    client.tag_resource(resourceArn=arn, tags=[{"key": k, "value": v} for k, v in tags.items()], aws_retry=True)


@ECSErrorHandler.common_error_handler("untag task definition")
def untag_resource(client: Any, arn: str, keys: list[str]) -> None:
    client.untag_resource(resourceArn=arn, tagKeys=list(keys), aws_retry=True)


# Clusters, services and tasks -----------------------------------------------------------------------


@ECSErrorHandler.common_error_handler("describe cluster")
def describe_cluster(client: Any, cluster: str) -> dict | None:
    """The cluster if it exists and is ACTIVE, else None."""
    response = client.describe_clusters(clusters=[cluster], aws_retry=True)
    for found in response.get("clusters", []):
        if found.get("status") == "ACTIVE":
            return found
    return None


@ECSErrorHandler.list_error_handler("describe services", default_value=[])
def describe_services(client: Any, cluster: str, services: list[str]) -> list[dict]:
    """Describe services in batches of ten, the most DescribeServices takes.

    Returns:
        The services found, in no particular order. Missing ones are absent (INACTIVE ones are returned:
        callers decide what INACTIVE means to them).
    """
    found: list[dict] = []
    for start in range(0, len(services), DESCRIBE_SERVICES_BATCH):
        batch = services[start : start + DESCRIBE_SERVICES_BATCH]
        response = client.describe_services(cluster=cluster, services=batch, include=["TAGS"], aws_retry=True)
        found.extend(response.get("services", []))
    return found


def describe_service(client: Any, cluster: str, service: str) -> dict | None:
    """The service if it exists and is not INACTIVE, else None."""
    for found in describe_services(client, cluster, [service]):
        if found.get("status") != "INACTIVE" and service in (found.get("serviceName"), found.get("serviceArn")):
            return found
    return None


@ECSErrorHandler.common_error_handler("list services")
def list_services(client: Any, cluster: str) -> list[str]:
    paginator = client.get_paginator("list_services")
    arns: list[str] = []
    for page in paginator.paginate(cluster=cluster):
        arns.extend(page["serviceArns"])
    return arns


@ECSErrorHandler.common_error_handler("list clusters")
def list_clusters(client: Any) -> list[str]:
    paginator = client.get_paginator("list_clusters")
    arns: list[str] = []
    for page in paginator.paginate():
        arns.extend(page["clusterArns"])
    return arns


@ECSErrorHandler.common_error_handler("list tasks")
def list_tasks(client: Any, cluster: str, service: str | None = None, desired_status: str = "RUNNING") -> list[str]:
    paginator = client.get_paginator("list_tasks")
    kwargs: dict[str, Any] = {"cluster": cluster, "desiredStatus": desired_status}
    if service:
        kwargs["serviceName"] = service
    arns: list[str] = []
    for page in paginator.paginate(**kwargs):
        arns.extend(page["taskArns"])
    return arns


@ECSErrorHandler.common_error_handler("describe tasks")
def describe_tasks(client: Any, cluster: str, task_arns: list[str]) -> list[dict]:
    tasks: list[dict] = []
    for start in range(0, len(task_arns), 100):
        response = client.describe_tasks(cluster=cluster, tasks=task_arns[start : start + 100], aws_retry=True)
        tasks.extend(response.get("tasks", []))
    return tasks


@ECSErrorHandler.common_error_handler("create service")
def create_service(client: Any, request: dict) -> dict:
    return client.create_service(**request, aws_retry=True)["service"]


@ECSErrorHandler.common_error_handler("update service")
def update_service(client: Any, request: dict) -> dict:
    return client.update_service(**request, aws_retry=True)["service"]


@ECSErrorHandler.common_error_handler("delete service")
def delete_service(client: Any, cluster: str, service: str, force: bool = True) -> dict:
    return client.delete_service(cluster=cluster, service=service, force=force, aws_retry=True)["service"]


@ECSErrorHandler.common_error_handler("tag service")
def tag_service(client: Any, arn: str, tags: dict[str, str]) -> None:
    client.tag_resource(resourceArn=arn, tags=[{"key": k, "value": v} for k, v in tags.items()], aws_retry=True)


@ECSErrorHandler.common_error_handler("untag service")
def untag_service(client: Any, arn: str, keys: list[str]) -> None:
    client.untag_resource(resourceArn=arn, tagKeys=list(keys), aws_retry=True)


# Service deployments (blue/green, linear, canary) --------------------------------------------------------

DESCRIBE_SERVICE_DEPLOYMENTS_BATCH = 20


@ECSErrorHandler.list_error_handler("list service deployments", default_value=[])
def list_service_deployments(client: Any, cluster: str, service: str, statuses: list[str] | None = None) -> list[dict]:
    """Brief rows (``serviceDeploymentArn``, ``status``, ``startedAt``...) of a service's deployments, newest first."""
    kwargs: dict[str, Any] = {"cluster": cluster, "service": service}
    if statuses:
        kwargs["status"] = list(statuses)
    rows: list[dict] = []
    while True:
        response = client.list_service_deployments(**kwargs, aws_retry=True)
        rows.extend(response.get("serviceDeployments", []))
        if not response.get("nextToken"):
            return rows
        kwargs["nextToken"] = response["nextToken"]


@ECSErrorHandler.list_error_handler("describe service deployments", default_value=[])
def describe_service_deployments(client: Any, arns: list[str]) -> list[dict]:
    """Describe service deployments by ARN, twenty a call. Unknown ARNs are left out (see ``failures``)."""
    found: list[dict] = []
    for start in range(0, len(arns), DESCRIBE_SERVICE_DEPLOYMENTS_BATCH):
        batch = arns[start : start + DESCRIBE_SERVICE_DEPLOYMENTS_BATCH]
        response = client.describe_service_deployments(serviceDeploymentArns=batch, aws_retry=True)
        found.extend(response.get("serviceDeployments", []))
    return found


@ECSErrorHandler.common_error_handler("stop service deployment")
def stop_service_deployment(client: Any, arn: str, stop_type: str = "ROLLBACK") -> str:
    """Stop a service deployment; ROLLBACK puts production traffic back on the revision that served it."""
    return client.stop_service_deployment(serviceDeploymentArn=arn, stopType=stop_type, aws_retry=True).get(
        "serviceDeploymentArn", arn
    )


@ECSErrorHandler.common_error_handler("continue service deployment")
def continue_service_deployment(client: Any, arn: str, hook_id: str, action: str = "CONTINUE") -> None:
    """Answer a PAUSE lifecycle hook that is AWAITING_ACTION."""
    client.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook_id, action=action, aws_retry=True)


# Elastic Load Balancing (read only) --------------------------------------------------------------------------


@ECSErrorHandler.list_error_handler("describe listener rules", default_value=[])
def describe_rules(elbv2: Any, rule_arns: list[str]) -> list[dict]:
    """ELBv2 DescribeRules on an ``elbv2`` client from ``connect(module, "elbv2")``: the listener rules whose
    forward weights ECS shifts during a blue/green, linear or canary deployment."""
    if not rule_arns:
        return []
    return elbv2.describe_rules(RuleArns=list(rule_arns), aws_retry=True).get("Rules", [])


# Identifiers --------------------------------------------------------------------------------------------


def family_of(task_definition: str) -> str:
    """``family`` of an ARN, ``family:revision`` or bare family."""
    name = task_definition.rsplit("/", 1)[-1]
    return name.split(":", 1)[0]


def revision_of(task_definition: str) -> int | None:
    name = task_definition.rsplit("/", 1)[-1]
    revision = name.partition(":")[2]
    return int(revision) if revision.isdigit() else None
