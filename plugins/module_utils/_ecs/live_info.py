# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_service_live_info: what image does each container of a service run, by digest?

Orchestration layer.

Steps, each a function:
  1. ``requested_services``  the names asked for, in order, without duplicates (pure);
  2. ``read_live``           DescribeServices (ten a call), one DescribeTaskDefinition per distinct ARN, ListTasks
                             per service, DescribeTasks (a hundred a call);
  3. ``shape_service``       per container: image of the task definition, digest the RUNNING tasks of the PRIMARY
                             deployment report, and ``<repository>@<digest>`` (pure).
"""

from __future__ import annotations

from typing import Any

from . import api
from .exceptions import ECSValidationError
from .images import split_image
from .rolling_deployments import primary_deployment
from .waiting import Clock


def requested_services(service: str | None, services: list[str] | None) -> list[str]:
    """The service names asked for, in the order given, each once.

    Raises:
        ECSValidationError: when no name is given or one is empty.
    """
    names = [service] if service is not None else list(services or [])
    if not names:
        raise ECSValidationError("give service or a non-empty services list")
    ordered: list[str] = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ECSValidationError("service names must be non-empty strings")
        if name not in ordered:
            ordered.append(name)
    return ordered


def live_task_definition_arn(service: dict) -> str | None:
    """The task definition of the PRIMARY deployment; the service's own field when it has no deployment."""
    deployment = primary_deployment(service)
    return (deployment or {}).get("taskDefinition") or service.get("taskDefinition")


def primary_tasks(service: dict, tasks: list[dict]) -> list[dict]:
    """The RUNNING tasks of the service's PRIMARY deployment, among ``tasks`` (the service's own tasks).

    A task started by a deployment carries its id in ``startedBy``. A task without one counts when it runs the
    PRIMARY's task definition.
    """
    deployment_id = (primary_deployment(service) or {}).get("id")
    task_definition = live_task_definition_arn(service)
    found = []
    for task in tasks:
        if task.get("lastStatus") != "RUNNING":
            continue
        started_by = task.get("startedBy") or ""
        if deployment_id and started_by.startswith("ecs-svc/"):
            if started_by == deployment_id:
                found.append(task)
        elif task.get("taskDefinitionArn") == task_definition:
            found.append(task)
    return found


def container_digests(tasks: list[dict], container: str) -> list[str]:
    """Every digest the tasks report for ``container``, the most reported first (then the newest task's first).

    A mutable tag re-pushed while a deployment ran can leave tasks of one deployment on two digests: all of them
    are returned, so the caller can see it.
    """
    counts: dict[str, int] = {}
    newest: dict[str, float] = {}
    for task in tasks:
        started = _epoch(task.get("startedAt"))
        for entry in task.get("containers") or []:
            digest = entry.get("imageDigest")
            if entry.get("name") != container or not digest:
                continue
            counts[digest] = counts.get(digest, 0) + 1
            newest[digest] = max(newest.get(digest, started), started)
    return sorted(counts, key=lambda digest: (-counts[digest], -newest[digest], digest))


def shape_container(name: str, image: str | None, digests: list[str]) -> dict:
    """One container's live image: ``digest`` and ``image_by_digest`` are None when no task reports a digest."""
    digest = digests[0] if digests else None
    by_digest = None
    if digest and image:
        by_digest = f"{split_image(image)['repository']}@{digest}"
    return {"name": name, "image": image, "digest": digest, "digests": digests, "image_by_digest": by_digest}


def shape_service(service: dict, definition: dict | None, tasks: list[dict]) -> dict:
    """The module's result for one service.

    Args:
        service: the DescribeServices payload.
        definition: the DescribeTaskDefinition payload of the PRIMARY's task definition (None if it is gone).
        tasks: DescribeTasks payloads of the service's tasks (any deployment; filtered here).
    """
    deployment = primary_deployment(service) or {}
    running = primary_tasks(service, tasks)
    if definition is not None:
        declared = [(c.get("name"), c.get("image")) for c in definition.get("containerDefinitions") or []]
    else:
        # A deleted revision cannot be described; the tasks still say what they run.
        declared = [(c.get("name"), c.get("image")) for c in (running[0].get("containers") or [])] if running else []
    return {
        "service": service.get("serviceName"),
        "service_arn": service.get("serviceArn"),
        "cluster_arn": service.get("clusterArn"),
        "status": service.get("status"),
        "task_definition_arn": live_task_definition_arn(service),
        "deployment_id": deployment.get("id"),
        "rollout_state": deployment.get("rolloutState"),
        "desired_count": service.get("desiredCount"),
        "running_tasks": len(running),
        "containers": [shape_container(name, image, container_digests(running, name)) for name, image in declared],
    }


def read_live(client: Any, cluster: str, names: list[str]) -> dict:
    """What runs live for ``names`` (service names or ARNs) in ``cluster``.

    Returns:
        ``{"services": [...], "missing": [...]}``: services in the order asked, and the names that do not exist
        (or are INACTIVE, or whose cluster does not exist).
    """
    described = [s for s in api.describe_services(client, cluster, names) if s.get("status") != "INACTIVE"]
    by_request = {}
    for name in names:
        match = next((s for s in described if name in (s.get("serviceName"), s.get("serviceArn"))), None)
        if match is not None:
            by_request[name] = match
    found = [name for name in names if name in by_request]

    definitions: dict[str, dict | None] = {}
    task_arns: dict[str, list[str]] = {}
    for name in found:
        service = by_request[name]
        arn = live_task_definition_arn(service)
        if arn and arn not in definitions:
            definitions[arn] = api.describe_task_definition(client, arn)
        task_arns[name] = api.list_tasks(client, cluster, service["serviceName"])
    every_arn = [arn for name in found for arn in task_arns[name]]
    described_tasks = (
        {task["taskArn"]: task for task in api.describe_tasks(client, cluster, every_arn)} if every_arn else {}
    )

    services = []
    for name in found:
        service = by_request[name]
        tasks = [described_tasks[arn] for arn in task_arns[name] if arn in described_tasks]
        services.append(shape_service(service, definitions.get(live_task_definition_arn(service) or ""), tasks))
    return {"services": services, "missing": [name for name in names if name not in by_request]}


def run(client: Any, params: dict, *, check_mode: bool = False, diff: bool = False, clock: Clock | None = None) -> dict:
    """ecs_service_live_info: validate, read, shape. Never writes, so check mode changes nothing; nothing waits."""
    names = requested_services(params.get("service"), params.get("services"))
    return {"changed": False, "cluster": params["cluster"], **read_live(client, params["cluster"], names)}


def _epoch(value: Any) -> float:
    """boto3 returns datetimes, the sandbox's JSON numbers; both sort as seconds."""
    if value is None:
        return 0.0
    if hasattr(value, "timestamp"):
        return float(value.timestamp())
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
