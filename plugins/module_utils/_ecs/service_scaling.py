# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_service_scaling: the autoscaling of many ECS services in one call. Orchestration layer.

``state: present`` (the bootstrap role):
  1. check every service's declaration (``scaling_plan.check_service``): a bad one fails here, nothing read;
  2. read the scalable targets (DescribeScalableTargets, 50 ResourceIds a call); the services whose target does not
     exist yet, and those with an ``alb_requests`` policy, also from ECS (DescribeServices, ten a call) and the
     target groups of the latter (DescribeTargetGroups, one call), for the policy's ResourceLabel; the policies and
     scheduled actions of the ECS namespace (one paginated DescribeScalingPolicies and DescribeScheduledActions);
  3. plan what differs, and refuse before any write a service that does not exist, or an ``alb_requests`` policy
     on a service that is not behind an Application Load Balancer's target group; check mode stops here;
  4. write only what differs: RegisterScalableTarget (min and max only: a suspended state set by a deploy is left
     as it is), PutScalingPolicy, PutScheduledAction, and with ``purge_*`` the deletes of what is not declared.

``state: suspend_scale_in`` (the deploy role, before a rollout): reads the services' scalable targets, and sets
``DynamicScalingInSuspended`` on those where it is not set yet, keeping the other two flags; returns every
target's previous state (``previous``), which ``state: restore`` takes back after the rollout. A service without a
scalable target is skipped: nothing scales it.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from . import api
from .exceptions import AnsibleECSError, ECSValidationError
from .scaling_plan import (
    SUSPENDED_FLAGS,
    check_service,
    is_application_load_balancer,
    policy_configuration,
    policy_differs,
    resource_id,
    resource_label,
    scheduled_action_differs,
    scheduled_action_request,
    suspended_request,
    suspended_state,
    with_scale_in_held,
)
from .waiting import Clock

IDENTITY_KEYS = ("cluster", "service")


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    connect_to: Callable | None = None,
) -> dict:
    """ecs_service_scaling: the module's params in, its result out (raises with the partial result on failure)."""
    state = params.get("state") or "present"
    services = _checked_services(params.get("services") or [], state)
    if not services:
        return {"changed": False, "services": [], "previous": [], "skipped": []}
    scaling = connect_to("application-autoscaling")
    if state == "present":
        return _present(client, scaling, services, params, check_mode=check_mode, diff=diff, connect_to=connect_to)
    if state == "suspend_scale_in":
        return _suspend_scale_in(scaling, services, check_mode=check_mode)
    return _restore(scaling, services, check_mode=check_mode)


# Checking ----------------------------------------------------------------------------------------------------------


def _checked_services(items: list, state: str) -> list[dict]:
    checked, seen = [], set()
    for index, item in enumerate(items):
        at = f"services[{index}]"
        if not isinstance(item, dict):
            raise ECSValidationError(f"{at} must be a mapping")
        for key in IDENTITY_KEYS:
            if not isinstance(item.get(key), str) or not item[key]:
                raise ECSValidationError(f"{at}.{key} is required")
        at = f"services[{index}] ({item['cluster']}/{item['service']})"
        if (item["cluster"], item["service"]) in seen:
            raise ECSValidationError(f"{at} is given twice")
        seen.add((item["cluster"], item["service"]))
        entry = {"cluster": item["cluster"], "service": item["service"], "at": at}
        entry["resource_id"] = resource_id(item["cluster"], item["service"])
        rest = {key: value for key, value in item.items() if key not in IDENTITY_KEYS}
        if state == "present":
            entry["scaling"] = check_service(rest, at, service=item["service"])
        elif state == "restore":
            entry["suspended_state"] = _checked_flags(rest, at)
        elif rest:
            raise ECSValidationError(f"{at}: suspend_scale_in takes only cluster and service, got {', '.join(rest)}")
        checked.append(entry)
    return checked


def _checked_flags(rest: dict, at: str) -> dict:
    flags = rest.get("suspended_state")
    extra = [key for key in rest if key != "suspended_state"]
    if extra or not isinstance(flags, dict):
        raise ECSValidationError(
            f"{at}: restore takes cluster, service and suspended_state (the previous state suspend_scale_in returned)"
        )
    unknown = [key for key in flags if key not in SUSPENDED_FLAGS]
    if unknown or not all(isinstance(value, bool) for value in flags.values()):
        raise ECSValidationError(f"{at}.suspended_state takes the booleans {', '.join(SUSPENDED_FLAGS)}; got {flags!r}")
    return {flag: bool(flags.get(flag, False)) for flag in SUSPENDED_FLAGS}


# state: present ----------------------------------------------------------------------------------------------------


def _present(
    client: Any,
    scaling: Any,
    services: list[dict],
    params: dict,
    *,
    check_mode: bool,
    diff: bool,
    connect_to: Callable,
) -> dict:
    targets = _targets_of(scaling, services)
    wants_label = [entry for entry in services if _metrics(entry) & {"alb_requests"}]
    to_describe = [entry for entry in services if entry["resource_id"] not in targets or entry in wants_label]
    live_services = _live_services(client, to_describe)
    notes: list[str] = []
    missing = [entry for entry in to_describe if live_services.get(entry["resource_id"]) is None]
    if missing and not check_mode:
        raise ECSValidationError(
            "; ".join(f"{entry['at']}: the ECS service does not exist, so it cannot scale" for entry in missing)
            + ". Nothing was written: create the services first (the bootstrap role makes them before their scaling)"
        )
    for entry in missing:
        notes.append(f"{entry['cluster']}/{entry['service']}: would be made scalable once the service exists")
    labels = _resource_labels([entry for entry in wants_label if entry not in missing], live_services, connect_to)

    policies = _by_resource(
        api.describe_scaling_policies(scaling)
        if any(entry["scaling"]["target_tracking"] for entry in services) or params.get("purge_policies")
        else [],
        "PolicyName",
    )
    actions = _by_resource(
        api.describe_scheduled_actions(scaling)
        if any(entry["scaling"]["scheduled_actions"] for entry in services) or params.get("purge_scheduled_actions")
        else [],
        "ScheduledActionName",
    )
    plans = [
        _plan_one(entry, targets.get(entry["resource_id"]), {"policies": policies, "actions": actions}, labels, params)
        for entry in services
    ]
    result: dict[str, Any] = {
        "changed": any(plan["writes"] for plan in plans),
        "services": [_service_result(plan) for plan in plans],
    }
    if notes:
        result["warnings"] = notes
    if diff:
        result["diff"] = {
            "before": {plan["key"]: plan["before"] for plan in plans},
            "after": {plan["key"]: plan["after"] for plan in plans},
        }
    if check_mode:
        return result
    done: list[str] = []
    try:
        for plan in plans:
            for write in plan["writes"]:
                write["call"](scaling)
                done.append(f"{plan['key']}: {write['what']}")
    except AnsibleECSError as error:
        failed = {**result, "written": done}
        raise AnsibleECSError(
            f"{error.message}; written before the failure: {', '.join(done) or 'nothing'}",
            exception=error.exception,
            **failed,
        ) from None
    return result


def _metrics(entry: dict) -> set[str]:
    return {policy["metric"] for policy in entry["scaling"]["target_tracking"]}


def _targets_of(scaling: Any, services: list[dict]) -> dict[str, dict]:
    found = api.describe_scalable_targets(scaling, [entry["resource_id"] for entry in services])
    return {target["ResourceId"]: target for target in found}


def _live_services(client: Any, entries: list[dict]) -> dict[str, dict | None]:
    by_cluster: dict[str, list[str]] = {}
    for entry in entries:
        by_cluster.setdefault(entry["cluster"], []).append(entry["service"])
    live: dict[str, dict | None] = {entry["resource_id"]: None for entry in entries}
    for cluster, names in by_cluster.items():
        for service in api.describe_services(client, cluster, sorted(set(names))):
            if service.get("status") == "ACTIVE":
                live[resource_id(cluster, service["serviceName"])] = service
    return live


def _resource_labels(entries: list[dict], live_services: dict, connect_to: Callable) -> dict[str, str]:
    """ResourceId -> ``app/LB/ID/targetgroup/TG/ID`` of the service's (first) target group; refuses a service whose
    requests an Application Load Balancer does not count."""
    if not entries:
        return {}
    groups: dict[str, str] = {}
    for entry in entries:
        balancers = (live_services[entry["resource_id"]] or {}).get("loadBalancers") or []
        arn = next((item["targetGroupArn"] for item in balancers if item.get("targetGroupArn")), None)
        if not arn:
            raise ECSValidationError(
                f"{entry['at']}: alb_requests needs the service behind a target group of an Application Load "
                "Balancer, and the service has none. Nothing was written"
            )
        groups[entry["resource_id"]] = arn
    described = api.describe_target_groups(connect_to("elbv2"), sorted(set(groups.values()))) or []
    balancer_of = {group["TargetGroupArn"]: (group.get("LoadBalancerArns") or [None])[0] for group in described}
    labels = {}
    for entry in entries:
        group = groups[entry["resource_id"]]
        balancer = balancer_of.get(group)
        if not balancer or not is_application_load_balancer(balancer):
            raise ECSValidationError(
                f"{entry['at']}: alb_requests counts requests of an Application Load Balancer, and target group "
                f"{group} is {'not attached to one' if not balancer else 'behind ' + balancer}. Nothing was written"
            )
        labels[entry["resource_id"]] = resource_label(group, balancer)
    return labels


def _by_resource(items: list[dict], name_key: str) -> dict[str, dict[str, dict]]:
    found: dict[str, dict[str, dict]] = {}
    for item in items:
        if item.get("ScalableDimension", api.SCALING_DIMENSION) == api.SCALING_DIMENSION:
            found.setdefault(item["ResourceId"], {})[item[name_key]] = item
    return found


def _plan_one(entry: dict, target: dict | None, live: dict, labels: dict, params: dict) -> dict:
    policies, actions = live["policies"], live["actions"]
    rid, scaling = entry["resource_id"], entry["scaling"]
    writes: list[dict] = []
    if target is None or (target.get("MinCapacity"), target.get("MaxCapacity")) != (scaling["min"], scaling["max"]):
        verb = "register scalable target" if target is None else "update scalable target"
        writes.append(
            {
                "what": f"{verb} (min {scaling['min']}, max {scaling['max']})",
                "call": lambda c, r=rid, s=scaling: api.register_scalable_target(
                    c, r, MinCapacity=s["min"], MaxCapacity=s["max"]
                ),
            }
        )
    live_policies = policies.get(rid, {})
    declared_policies = {}
    for policy in scaling["target_tracking"]:
        configuration = policy_configuration(policy, labels.get(rid) if policy["metric"] == "alb_requests" else None)
        declared_policies[policy["name"]] = configuration
        if policy_differs(live_policies.get(policy["name"]), configuration):
            writes.append(
                {
                    "what": f"put policy {policy['name']} ({policy['metric']} {policy['target']:g})",
                    "call": lambda c, n=policy["name"], conf=configuration: api.put_scaling_policy(c, rid, n, conf),
                }
            )
    live_actions = actions.get(rid, {})
    declared_actions = {}
    for action in scaling["scheduled_actions"]:
        request = scheduled_action_request(action)
        declared_actions[action["name"]] = request
        if scheduled_action_differs(live_actions.get(action["name"]), request):
            writes.append(
                {
                    "what": f"put scheduled action {action['name']} ({action['schedule']})",
                    "call": lambda c, n=action["name"], req=request: api.put_scheduled_action(c, rid, n, req),
                }
            )
    if params.get("purge_policies"):
        for name in sorted(set(live_policies) - set(declared_policies)):
            writes.append(
                {"what": f"delete policy {name}", "call": lambda c, n=name: api.delete_scaling_policy(c, rid, n)}
            )
    if params.get("purge_scheduled_actions"):
        for name in sorted(set(live_actions) - set(declared_actions)):
            writes.append(
                {
                    "what": f"delete scheduled action {name}",
                    "call": lambda c, n=name: api.delete_scheduled_action(c, rid, n),
                }
            )
    before = None
    if target is not None:
        before = {
            "min": target.get("MinCapacity"),
            "max": target.get("MaxCapacity"),
            "policies": {name: _policy_shown(item) for name, item in sorted(live_policies.items())},
            "scheduled_actions": {name: _action_shown(item) for name, item in sorted(live_actions.items())},
        }
    kept_policies = (
        {}
        if params.get("purge_policies")
        else {name: _policy_shown(item) for name, item in live_policies.items() if name not in declared_policies}
    )
    kept_actions = (
        {}
        if params.get("purge_scheduled_actions")
        else {name: _action_shown(item) for name, item in live_actions.items() if name not in declared_actions}
    )
    after = {
        "min": scaling["min"],
        "max": scaling["max"],
        "policies": dict(sorted({**kept_policies, **declared_policies}.items())),
        "scheduled_actions": dict(
            sorted({**kept_actions, **{n: _action_shown(r) for n, r in declared_actions.items()}}.items())
        ),
    }
    return {
        "key": f"{entry['cluster']}/{entry['service']}",
        "entry": entry,
        "writes": writes,
        "before": before,
        "after": after,
        "suspended_state": suspended_state(target) if target else None,
    }


def _policy_shown(item: dict) -> dict:
    return copy.deepcopy(item.get("TargetTrackingScalingPolicyConfiguration") or {"PolicyType": item.get("PolicyType")})


def _action_shown(item: dict) -> dict:
    return {key: item[key] for key in ("Schedule", "ScalableTargetAction", "Timezone") if item.get(key) is not None}


def _service_result(plan: dict) -> dict:
    entry, after = plan["entry"], plan["after"]
    return {
        "cluster": entry["cluster"],
        "service": entry["service"],
        "resource_id": entry["resource_id"],
        "changed": bool(plan["writes"]),
        "actions": [write["what"] for write in plan["writes"]],
        "summary": f"{plan['key']}: "
        + (
            ", ".join(write["what"] for write in plan["writes"])
            or f"as declared (min {after['min']}, max {after['max']})"
        ),
        "min": after["min"],
        "max": after["max"],
        "policies": sorted(after["policies"]),
        "scheduled_actions": sorted(after["scheduled_actions"]),
        "suspended_state": plan["suspended_state"],
    }


# state: suspend_scale_in and restore -------------------------------------------------------------------------------


def _suspend_scale_in(scaling: Any, services: list[dict], *, check_mode: bool) -> dict:
    targets = _targets_of(scaling, services)
    results, previous, skipped, done = [], [], [], []
    for entry in services:
        target = targets.get(entry["resource_id"])
        if target is None:
            skipped.append(f"{entry['cluster']}/{entry['service']}")
            continue
        before = suspended_state(target)
        wanted = with_scale_in_held(before)
        previous.append({"cluster": entry["cluster"], "service": entry["service"], "suspended_state": before})
        results.append(_flags_result(entry, before, wanted))
    result = {
        "changed": any(item["changed"] for item in results),
        "services": results,
        "previous": previous,
        "skipped": skipped,
    }
    if check_mode:
        return result
    _write_flags(scaling, services, results, done, result)
    return result


def _restore(scaling: Any, services: list[dict], *, check_mode: bool) -> dict:
    targets = _targets_of(scaling, services)
    results, skipped, done = [], [], []
    for entry in services:
        target = targets.get(entry["resource_id"])
        if target is None:
            skipped.append(f"{entry['cluster']}/{entry['service']}")
            continue
        results.append(_flags_result(entry, suspended_state(target), entry["suspended_state"]))
    result = {
        "changed": any(item["changed"] for item in results),
        "services": results,
        "previous": [],
        "skipped": skipped,
    }
    if check_mode:
        return result
    _write_flags(scaling, services, results, done, result)
    return result


def _flags_result(entry: dict, before: dict, after: dict) -> dict:
    return {
        "cluster": entry["cluster"],
        "service": entry["service"],
        "resource_id": entry["resource_id"],
        "changed": before != after,
        "before": before,
        "suspended_state": after,
    }


def _write_flags(scaling: Any, services: list[dict], results: list[dict], done: list[str], result: dict) -> None:
    """RegisterScalableTarget with the whole SuspendedState of every target that differs; on a failure, the
    result says which were written, so that the caller can put them back."""
    try:
        for item in results:
            if item["changed"]:
                api.register_scalable_target(
                    scaling, item["resource_id"], SuspendedState=suspended_request(item["suspended_state"])
                )
                done.append(f"{item['cluster']}/{item['service']}")
    except AnsibleECSError as error:
        raise AnsibleECSError(
            f"{error.message}; suspended state written before the failure: {', '.join(done) or 'none'}",
            exception=error.exception,
            **{**result, "written": done},
        ) from None
