# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: what a run must do to one service, as data.

Only declared settings count: the declared leaves are laid over what is live, both sides are brought to the
canonical shape, and whatever differs is the plan. A setting left unset is left alone, ``desiredCount``
included, so an autoscaler's or an operator's count is never fought.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .diff import differences
from .exceptions import ECSValidationError
from .plain import copy_document
from .service_normalize import DEFAULT_DESIRED_COUNT, canonical, declared_settings, live_settings, overlay, project
from .tags import tag_changes, tags_to_dict, tags_to_list
from .vocabulary import ECS_CONTROLLER, TRAFFIC_SHIFT_STRATEGIES

# UpdateService cannot change these; they are fixed when the service is created.
# What UpdateService cannot change (CreateService takes them, UpdateService has no such member).
CREATE_ONLY_SETTINGS = {"launchType": "launch_type", "schedulingStrategy": "scheduling_strategy"}


def plan_service(live: dict | None, options: dict, revision: dict | None = None) -> dict:
    """Compare one service as it is live with the options declared for it.

    Args:
        live: the DescribeServices item, or None when the service does not exist (or is INACTIVE).
        revision: the DescribeServiceRevisions item of the service's current revision, when a setting ECS reports
            only there (``monitoring``, ``gateway_connectors``) is declared; None otherwise.
        options: the service's options in snake_case (None = not declared). ``task_definition`` must already be
            resolved to an ARN or ``family:revision`` when it was given as a bare family.

    Returns:
        ``{"action": "create"|"update"|"delete"|"none", "differences": [{path, before, after}],
        "before": {...}, "after": {...}, "request": {...} or None, "tags_to_set": {...},
        "tag_keys_to_remove": [...], "force_new_deployment": bool}``. ``before``/``after`` hold only the declared
        settings; ``request`` holds the CreateService or UpdateService arguments.

    Raises:
        ECSValidationError: a create-only setting differs from the live service.
    """
    cluster = options["cluster"]
    name = options["service"]
    if (options.get("state") or "present") == "absent":
        return _plan_delete(live, cluster, name)
    declared = declared_settings(options)
    check_traffic_shift_setup(live, declared)
    if live is None:
        return _plan_create(cluster, name, declared, options.get("role"))
    _check_role(live, options.get("role"))
    return _plan_update(live, revision, cluster, name, declared, force=bool(options.get("force_new_deployment")))


def _check_role(live: dict, role: str | None) -> None:
    """``role``, the load balancer role of a service not on awsvpc, is set at creation only (reported as an ARN)."""
    if not role:
        return
    stored = live.get("roleArn") or ""
    if stored == role or stored.endswith("/" + role):
        return
    raise ECSValidationError(
        f"role cannot be changed on an existing service: it is {stored or None!r} live and {role!r} declared. "
        "Delete the service and create it again to change it."
    )


def check_traffic_shift_setup(live: dict | None, declared: dict) -> None:
    """A declared BLUE_GREEN, LINEAR or CANARY strategy needs a second target group on every load balancer.

    ECS shifts traffic between each load balancer's target group and its ``alternateTargetGroupArn``, through the
    production listener rule and with the infrastructure role. A service moved to one of these strategies without
    them would be refused by ECS or, worse, half updated; say so before anything is written.

    Raises:
        ECSValidationError: naming the load balancer that lacks its advanced configuration.
    """
    strategy = (declared.get("deploymentConfiguration") or {}).get("strategy")
    controller = (declared.get("deploymentController") or (live or {}).get("deploymentController") or {}).get("type")
    if strategy not in TRAFFIC_SHIFT_STRATEGIES or (controller or ECS_CONTROLLER) != ECS_CONTROLLER:
        return
    balancers = declared["loadBalancers"] if "loadBalancers" in declared else (live or {}).get("loadBalancers")
    for index, balancer in enumerate(balancers or []):
        advanced = balancer.get("advancedConfiguration") or {}
        missing = [
            snake
            for key, snake in (
                ("alternateTargetGroupArn", "alternate_target_group_arn"),
                ("productionListenerRule", "production_listener_rule"),
                ("roleArn", "role_arn"),
            )
            if not advanced.get(key)
        ]
        if missing:
            which = balancer.get("targetGroupArn") or balancer.get("loadBalancerName") or f"number {index}"
            raise ECSValidationError(
                f"deployment_configuration.strategy: {strategy} shifts traffic between two target groups, but "
                f"load_balancers[{index}] ({which}) has no advanced_configuration {', '.join(missing)}. Declare "
                "load_balancers with advanced_configuration (the bootstrap role makes the second target group, the "
                "weighted listener rule and the role for the services it creates), or keep strategy ROLLING"
            )


def _empty_plan(action: str) -> dict:
    return {
        "action": action,
        "differences": [],
        "before": {},
        "after": {},
        "request": None,
        "tags_to_set": {},
        "tag_keys_to_remove": [],
        "force_new_deployment": False,
    }


def _plan_delete(live: dict | None, cluster: str, name: str) -> dict:
    if live is None:
        return _empty_plan("none")
    plan = _empty_plan("delete")
    plan["differences"] = [{"path": "status", "before": live.get("status"), "after": None}]
    plan["before"] = {"status": live.get("status")}
    plan["request"] = {"cluster": cluster, "service": name, "force": True}
    return plan


def _plan_create(cluster: str, name: str, declared: dict, role: str | None = None) -> dict:
    declared = dict(declared)
    if declared.get("schedulingStrategy") != "DAEMON":
        # A DAEMON service runs one task per container instance: it has no desired count to send.
        declared.setdefault("desiredCount", DEFAULT_DESIRED_COUNT)
    after = canonical(declared)
    plan = _empty_plan("create")
    plan["after"] = after
    plan["differences"] = differences({}, after)
    request: dict[str, Any] = {"cluster": cluster, "serviceName": name}
    for field, value in declared.items():
        if field == "tags":
            if value:
                request["tags"] = tags_to_list(value)
        else:
            request[field] = copy_document(value)
    if role:
        request["role"] = role
    # The same token for the same request: a CreateService whose answer was lost is sent again safely, and ECS
    # answers with the service it made instead of a second one or an error.
    request["clientToken"] = client_token(request)
    plan["request"] = request
    return plan


def client_token(request: dict) -> str:
    """A token of at most 36 ASCII characters, the same for the same request (CreateService's idempotency)."""
    digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
    return digest[:36]


def _plan_update(live: dict, revision: dict | None, cluster: str, name: str, declared: dict, *, force: bool) -> dict:
    before_all = live_settings(live, revision)
    declared = _namespace_as_reported(declared, before_all)
    after_all = canonical(overlay(before_all, canonical(declared)))
    found = differences(before_all, after_all)
    changed_fields = sorted({_top_field(item["path"]) for item in found})
    for field, option in CREATE_ONLY_SETTINGS.items():
        if field in changed_fields:
            raise ECSValidationError(
                f"{option} cannot be changed on an existing service: it is {before_all.get(field)!r} live and "
                f"{after_all.get(field)!r} declared. Delete the service and create it again to change it."
            )
    plan = _empty_plan("update" if found or force else "none")
    plan["differences"] = found
    plan["before"] = project(before_all, declared)
    plan["after"] = project(after_all, declared)
    plan["force_new_deployment"] = force
    if "tags" in changed_fields:
        plan["tags_to_set"], plan["tag_keys_to_remove"] = tag_changes(before_all["tags"], after_all["tags"])
    request_fields = [field for field in changed_fields if field != "tags"]
    if request_fields or force:
        request: dict[str, Any] = {"cluster": cluster, "service": name}
        for field in request_fields:
            request[field] = _request_value(live, declared, after_all, field)
        # ECS starts a deployment for a new capacity provider strategy only when told to.
        if force or "capacityProviderStrategy" in request_fields:
            request["forceNewDeployment"] = True
        plan["request"] = request
    return plan


def _namespace_as_reported(declared: dict, live: dict) -> dict:
    """A Service Connect namespace declared by name, against the ARN ECS reports: the same namespace.

    A Cloud Map namespace ARN carries the namespace's id, not its name, so the two cannot be told apart without
    Cloud Map; the name is taken as the live namespace. Declaring the ARN makes a move between namespaces visible.
    """
    connect = declared.get("serviceConnectConfiguration")
    reported = (live.get("serviceConnectConfiguration") or {}).get("namespace") or ""
    if not connect or not connect.get("namespace") or connect["namespace"].startswith("arn:"):
        return declared
    if reported.startswith("arn:") and ":namespace/" in reported:
        declared = copy_document(declared)
        declared["serviceConnectConfiguration"]["namespace"] = reported
    return declared


def _request_value(live: dict, declared: dict, after_all: dict, field: str) -> Any:
    # The task definition goes as written (an ARN stays an ARN). A structure goes as live with the declared
    # leaves laid over it, so defaults that ECS never reported are not sent back to it.
    if field == "taskDefinition":
        return declared[field]
    if isinstance(declared[field], dict):
        return canonical({field: overlay(live.get(field) or {}, declared[field])})[field]
    return copy_document(after_all[field])


def _top_field(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def plan_changes(plan: dict) -> bool:
    return plan["action"] != "none"


def predicted_service(live: dict | None, plan: dict, cluster: str, name: str) -> dict | None:
    """The service as it will be once the plan is applied: what check mode returns.

    Raises nothing and calls nothing; deployments and counts are not predicted.
    """
    if plan["action"] == "delete":
        predicted = copy_document(live) if live else {}
        predicted["status"] = "DRAINING"
        return predicted
    if plan["action"] == "none":
        return copy_document(live)
    if plan["action"] == "create":
        request = plan["request"]
        predicted = {name_: value for name_, value in request.items() if name_ not in ("cluster", "serviceName")}
        predicted.update({"serviceName": name, "clusterArn": cluster, "status": "ACTIVE", "deployments": []})
        return predicted
    predicted = copy_document(live)
    for field, value in (plan["request"] or {}).items():
        if field not in ("cluster", "service", "forceNewDeployment"):
            predicted[field] = copy_document(value)
    if plan["tags_to_set"] or plan["tag_keys_to_remove"]:
        tags = tags_to_dict(predicted.get("tags"))
        tags.update(plan["tags_to_set"])
        for key in plan["tag_keys_to_remove"]:
            tags.pop(key, None)
        predicted["tags"] = tags_to_list(tags)
    return predicted
