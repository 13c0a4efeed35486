# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_taskdef_prune: deregister old ACTIVE revisions that nothing uses. Orchestration layer."""

from __future__ import annotations

from typing import Any

from . import api
from .exceptions import ECSValidationError
from .vocabulary import family_of
from .waiting import Clock


def plan_prune(active_newest_first: list[str], keep: int, in_use: set[str]) -> dict[str, list[str]]:
    """Pure: which revisions to deregister.

    The newest ``keep`` revisions stay, and so does every revision in ``in_use`` however old it is.

    Returns:
        ``{"deregister": [...], "kept": [...], "protected": [...]}``, newest first; ``protected`` lists the old
        revisions kept only because something uses them.
    """
    newest, older = active_newest_first[:keep], active_newest_first[keep:]
    protected = [arn for arn in older if arn in in_use]
    deregister = [arn for arn in older if arn not in in_use]
    return {"deregister": deregister, "kept": newest + protected, "protected": protected}


def revisions_in_use(client: Any, clusters: list[str], family: str) -> set[str]:
    """ARNs of the family's revisions that a service (any of its deployments) or a running task uses."""
    used: set[str] = set()
    for cluster in clusters:
        service_arns = api.list_services(client, cluster)
        for service in api.describe_services(client, cluster, service_arns) if service_arns else []:
            used.add(service.get("taskDefinition", ""))
            used.update(deployment.get("taskDefinition", "") for deployment in service.get("deployments", []))
        task_arns = api.list_tasks(client, cluster)
        for task in api.describe_tasks(client, cluster, task_arns) if task_arns else []:
            used.add(task.get("taskDefinitionArn", ""))
    return {arn for arn in used if arn and family_of(arn) == family}


def run(client: Any, params: dict, *, check_mode: bool = False, diff: bool = False, clock: Clock | None = None) -> dict:
    """ecs_taskdef_prune: check ``keep`` and the clusters, find what is in use, deregister the rest.

    ``clock`` is unused: nothing is waited for.
    """
    family, keep = params["family"], params["keep"]
    if keep < 1:
        raise ECSValidationError(f"keep must be 1 or more, got {keep}: the newest revision is never deregistered")
    clusters = params.get("clusters") or api.list_clusters(client)
    for cluster in params.get("clusters") or []:
        if api.describe_cluster(client, cluster) is None:
            raise ECSValidationError(f"clusters: cluster {cluster!r} does not exist")
    active = api.list_task_definitions(client, family, "ACTIVE")
    in_use = revisions_in_use(client, clusters, family) if len(active) > keep else set()
    plan = plan_prune(active, keep, in_use)
    if not check_mode:
        for arn in plan["deregister"]:
            api.deregister_task_definition(client, arn)
    result: dict[str, Any] = {
        "changed": bool(plan["deregister"]),
        "deregistered": plan["deregister"],
        "kept": plan["kept"],
        "protected": plan["protected"],
    }
    if diff:
        result["diff"] = {"before": {"active": active}, "after": {"active": plan["kept"]}}
    return result
