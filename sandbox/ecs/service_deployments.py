"""The service-deployment API for rolling deployments: ListServiceDeployments, DescribeServiceDeployments and
DescribeServiceRevisions. Blue/green, linear and canary deployments (and StopServiceDeployment,
ContinueServiceDeployment) are not modelled yet; they would add their own controller in ``deployments.py``.
"""

from __future__ import annotations

from typing import Any

from sandbox.ecs.deployments import Deployment
from sandbox.ecs.errors import invalid_parameter, service_not_found
from sandbox.ecs.services import Service
from sandbox.ecs.state import EcsStore, epoch, paginate
from sandbox.ecs.tasks import cluster_name


def _visible(service: Service) -> list[Deployment]:
    # A circuit-breaker rollback belongs to the service deployment that failed, not to one of its own.
    return [d for d in service.history if d.rollback_of is None]


def list_service_deployments(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    service = store.services.get((cluster, (params.get("service") or "").split("/")[-1]))
    if service is None:
        raise service_not_found()
    statuses = set(params.get("status") or [])
    created = params.get("createdAt") or {}
    rows = []
    for deployment in _visible(service):
        created_at = epoch(deployment.created_at) or 0
        if statuses and deployment.view_status not in statuses:
            continue
        if created.get("after") is not None and created_at < float(created["after"]):
            continue
        if created.get("before") is not None and created_at > float(created["before"]):
            continue
        rows.append(deployment.brief(service))
    page, token = paginate(rows, params, default_page=20, maximum=100)
    response: dict[str, Any] = {"serviceDeployments": page}
    if token:
        response["nextToken"] = token
    return response


def describe_service_deployments(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    arns = params.get("serviceDeploymentArns") or []
    if not arns or len(arns) > 20:
        raise invalid_parameter("Between 1 and 20 service deployment ARNs can be described at a time.")
    index = {d.service_deployment_arn: (s, d) for s in store.services.values() for d in _visible(s)}
    found, failures = [], []
    for arn in arns:
        if arn in index:
            service, deployment = index[arn]
            found.append(deployment.detail(service))
        else:
            failures.append({"arn": arn, "reason": "MISSING"})
    return {"serviceDeployments": found, "failures": failures}


def describe_service_revisions(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    arns = params.get("serviceRevisionArns") or []
    if not arns or len(arns) > 20:
        raise invalid_parameter("Between 1 and 20 service revision ARNs can be described at a time.")
    index = {d.revision_arn: (s, d) for s in store.services.values() for d in reversed(s.history)}
    found, failures = [], []
    for arn in arns:
        if arn in index:
            service, deployment = index[arn]
            found.append(deployment.revision(service))
        else:
            failures.append({"arn": arn, "reason": "MISSING"})
    return {"serviceRevisions": found, "failures": failures}
