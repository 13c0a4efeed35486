"""The service-deployment API: ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
StopServiceDeployment and ContinueServiceDeployment, for rolling and blue/green/linear/canary deployments alike
(the blue/green stages, hooks and traffic weights live in ``blue_green.py``).
"""

from __future__ import annotations

from typing import Any

from sandbox.ecs import blue_green
from sandbox.ecs.deployments import FAILED, Deployment, RollingController
from sandbox.ecs.errors import EcsError, invalid_parameter, service_not_found
from sandbox.ecs.services import Service
from sandbox.ecs.state import EcsStore, epoch, paginate, utcnow
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


def _find_deployment(store: EcsStore, arn: str) -> tuple[Service, Deployment]:
    for service in store.services.values():
        for deployment in _visible(service):
            if deployment.service_deployment_arn == arn:
                return service, deployment
    raise EcsError("ServiceDeploymentNotFoundException", "The service deployment does not exist.")


def stop_service_deployment(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    arn = params.get("serviceDeploymentArn") or ""
    service, deployment = _find_deployment(store, arn)
    stop_type = params.get("stopType") or "ROLLBACK"
    if stop_type not in ("ROLLBACK", "ABORT"):
        raise invalid_parameter(f"Invalid stopType: {stop_type}.")
    if deployment.view_status != "IN_PROGRESS":
        raise EcsError("ConflictException", f"The service deployment is {deployment.view_status}, not IN_PROGRESS.")
    run = deployment.run
    if run is None:
        # Rolling deployments: go back to the last completed deployment, as the circuit breaker does.
        controller = RollingController(store, service)
        deployment.rollback_reason = "Service deployment rolled back by StopServiceDeployment."
        deployment.rollout_state = FAILED
        deployment.rollout_state_reason = deployment.rollback_reason
        if (
            stop_type == "ABORT"
            or deployment is not service.deployments[0]
            or not controller.roll_back(deployment, "StopServiceDeployment")
        ):
            _stopped_by_request(deployment)
        return {"serviceDeploymentArn": arn}
    if run.stage.name == blue_green.CLEAN_UP:
        raise EcsError("ConflictException", "The service deployment is cleaning up and can no longer be stopped.")
    controller = blue_green.BlueGreenController(store, service)
    if stop_type == "ROLLBACK":
        controller.start_rollback(run, "Service deployment rolled back by StopServiceDeployment.")
    else:
        # ABORT: the deployment goes no further; traffic and tasks stay where they are.
        run.finished = True
        _stopped_by_request(deployment)
    return {"serviceDeploymentArn": arn}


def _stopped_by_request(deployment: Deployment) -> None:
    """End a deployment STOPPED by StopServiceDeployment, without a rollback."""
    deployment.view_status, deployment.view_reason = "STOPPED", "Service deployment stopped by request."
    deployment.rollout_state = FAILED
    deployment.rollout_state_reason = deployment.view_reason
    deployment.finished_at = utcnow()


def continue_service_deployment(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    arn = params.get("serviceDeploymentArn") or ""
    _, deployment = _find_deployment(store, arn)
    action = params.get("action") or "CONTINUE"
    if action not in ("CONTINUE", "ROLLBACK"):
        raise invalid_parameter(f"Invalid action: {action}.")
    run = deployment.run
    hook_run = run.hook(params.get("hookId") or "") if run is not None else None
    if hook_run is None:
        raise invalid_parameter("The lifecycle hook does not exist in this service deployment.")
    if hook_run.status != blue_green.AWAITING_ACTION or run.rolling_back or run.finished:
        raise invalid_parameter(f"The lifecycle hook is {hook_run.status}, not AWAITING_ACTION.")
    # The next simulation step (this request's, at the latest the ticker's) acts on the outcome.
    hook_run.status = blue_green.SUCCEEDED if action == "CONTINUE" else blue_green.HOOK_FAILED
    hook_run.outcome = action
    hook_run.reason = f"Lifecycle hook {hook_run.id} answered ROLLBACK by ContinueServiceDeployment."
    return {"serviceDeploymentArn": arn}
