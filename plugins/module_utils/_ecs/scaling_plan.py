# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: a service's autoscaling, declared, checked and compared with what Application Auto Scaling holds.

Knowledge layer. The ``autoscaling`` block of an ecs_services item is checked here once, with the path of the
field, before anything is read or written (``resolve_autoscaling``); ecs_service_scaling checks its own
``services`` with the same code (``check_service``). The rest turns a checked declaration into the requests of
RegisterScalableTarget, PutScalingPolicy and PutScheduledAction, says which of them differ from the
DescribeScalableTargets, DescribeScalingPolicies and DescribeScheduledActions items, and carries the
``SuspendedState`` of a scalable target from before a deploy to after it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .exceptions import ECSValidationError

NAMESPACE = "ecs"
DIMENSION = "ecs:service:DesiredCount"
TARGET_TRACKING = "TargetTrackingScaling"
# Declared metric -> Application Auto Scaling's predefined metric for an ECS service.
METRICS = {
    "cpu": "ECSServiceAverageCPUUtilization",
    "memory": "ECSServiceAverageMemoryUtilization",
    "alb_requests": "ALBRequestCountPerTarget",
}
# Utilisation metrics are percentages of the tasks' reservation.
PERCENT_METRICS = ("cpu", "memory")
AUTOSCALING_KEYS = ("min", "max", "target_tracking", "scheduled_actions")
TARGET_TRACKING_KEYS = ("metric", "target", "scale_in_cooldown", "scale_out_cooldown", "disable_scale_in", "name")
SCHEDULED_ACTION_KEYS = ("name", "schedule", "min", "max", "timezone")
# SuspendedState: the module's snake_case option -> Application Auto Scaling's member.
SUSPENDED_FLAGS = {
    "dynamic_scaling_in_suspended": "DynamicScalingInSuspended",
    "dynamic_scaling_out_suspended": "DynamicScalingOutSuspended",
    "scheduled_scaling_suspended": "ScheduledScalingSuspended",
}
# PolicyName and ScheduledActionName: 1 to 256 characters, no control characters, no ':', '/' or '|', and no
# leading or trailing space (the pattern of the Application Auto Scaling API reference).
_NAME_PATTERN = re.compile(r"^(?! )[^\x00-\x1f\x7f-\x9f:/|]{1,256}(?<! )$")
_AT = re.compile(r"^at\((?P<moment>[^)]*)\)$")
_RATE = re.compile(r"^rate\((?P<value>\d+) (?P<unit>minutes?|hours?|days?)\)$")
_CRON = re.compile(r"^cron\((?P<fields>[^)]*)\)$")
_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"
# Each cron field: the characters its values may use (Application Auto Scaling's cron is EventBridge's).
_CRON_FIELDS = (
    ("minutes", re.compile(r"^[0-9,*/-]+$"), (0, 59)),
    ("hours", re.compile(r"^[0-9,*/-]+$"), (0, 23)),
    ("day-of-month", re.compile(r"^([0-9,*/?LW-]+)$"), (1, 31)),
    ("month", re.compile(rf"^(?:[0-9,*/-]|{_MONTHS})+$"), (1, 12)),
    ("day-of-week", re.compile(rf"^(?:[0-9,*/?L#-]|{_DAYS})+$"), (1, 7)),
    ("year", re.compile(r"^[0-9,*/-]+$"), (1970, 2199)),
)


def resource_id(cluster: str, service: str) -> str:
    """The scalable target's ResourceId of an ECS service."""
    return f"service/{cluster}/{service}"


def default_policy_name(service: str, metric: str) -> str:
    return f"{service}-{metric}"


# Checking a declaration --------------------------------------------------------------------------------------------


def resolve_autoscaling(declared: Any, where: str, *, service: str, load_balanced: bool) -> dict | None:
    """The ``autoscaling`` block of one ecs_services item, checked and completed; None when not declared.

    Args:
        declared: the block as written.
        where: ``ecs_services[web]``; every message starts with ``where.autoscaling``.
        service: the service's name, for the default policy names.
        load_balanced: the service is behind a load balancer (``alb_requests`` needs one).

    Raises:
        ECSValidationError: naming the field by its path.
    """
    if declared is None:
        return None
    return check_service(declared, f"{where}.autoscaling", service=service, load_balanced=load_balanced)


def check_service(declared: Any, at: str, *, service: str, load_balanced: bool | None = None) -> dict:
    """One service's scaling (min, max, target_tracking, scheduled_actions), checked; ``at`` prefixes messages.

    ``load_balanced`` None: not known here (the module learns it from the service); ``alb_requests`` is then
    checked against the live service.
    """
    if not isinstance(declared, dict):
        raise ECSValidationError(f"{at} must be a mapping with min, max and target_tracking or scheduled_actions")
    _known_keys(declared, AUTOSCALING_KEYS, at)
    low = _whole(declared.get("min"), f"{at}.min", required=True)
    high = _whole(declared.get("max"), f"{at}.max", required=True)
    if low > high:
        raise ECSValidationError(f"{at}.min {low} is above {at}.max {high}: the service could never scale")
    policies = _target_tracking(declared.get("target_tracking"), at, service, load_balanced)
    actions = _scheduled_actions(declared.get("scheduled_actions"), at)
    return {"min": low, "max": high, "target_tracking": policies, "scheduled_actions": actions}


def _target_tracking(declared: Any, at: str, service: str, load_balanced: bool | None) -> list[dict]:
    if declared is None:
        return []
    if not isinstance(declared, list) or not all(isinstance(item, dict) for item in declared):
        raise ECSValidationError(f"{at}.target_tracking must be a list of mappings ({{metric, target}})")
    policies, names = [], set()
    for index, item in enumerate(declared):
        field = f"{at}.target_tracking[{index}]"
        _known_keys(item, TARGET_TRACKING_KEYS, field)
        metric = item.get("metric")
        if metric not in METRICS:
            raise ECSValidationError(f"{field}.metric must be one of {', '.join(METRICS)}, got {metric!r}")
        if metric == "alb_requests" and load_balanced is False:
            raise ECSValidationError(
                f"{field}.metric alb_requests counts the requests per target of the service's load balancer, and "
                "the service declares no load_balancer"
            )
        target = item.get("target")
        if isinstance(target, bool) or not isinstance(target, (int, float)):
            raise ECSValidationError(f"{field}.target must be a number, got {target!r}")
        if metric in PERCENT_METRICS and not 0 < target <= 100:
            raise ECSValidationError(f"{field}.target {target} must be above 0 and at most 100 (percent of {metric})")
        if metric not in PERCENT_METRICS and target <= 0:
            raise ECSValidationError(f"{field}.target {target} must be above 0 (requests per target)")
        name = item.get("name") or default_policy_name(service, metric)
        _check_name(name, f"{field}.name")
        if name in names:
            raise ECSValidationError(
                f"{field}.name {name!r} is used by another policy of this service"
                + ("" if item.get("name") else " (it is the default name of the metric): give each one a name")
            )
        names.add(name)
        policy = {"name": name, "metric": metric, "target": float(target)}
        for key in ("scale_in_cooldown", "scale_out_cooldown"):
            if item.get(key) is not None:
                policy[key] = _whole(item[key], f"{field}.{key}")
        if item.get("disable_scale_in") is not None:
            if not isinstance(item["disable_scale_in"], bool):
                raise ECSValidationError(f"{field}.disable_scale_in must be true or false")
            policy["disable_scale_in"] = item["disable_scale_in"]
        policies.append(policy)
    return policies


def _scheduled_actions(declared: Any, at: str) -> list[dict]:
    if declared is None:
        return []
    if not isinstance(declared, list) or not all(isinstance(item, dict) for item in declared):
        raise ECSValidationError(f"{at}.scheduled_actions must be a list of mappings ({{name, schedule, min, max}})")
    actions, names = [], set()
    for index, item in enumerate(declared):
        field = f"{at}.scheduled_actions[{index}]"
        _known_keys(item, SCHEDULED_ACTION_KEYS, field)
        name = item.get("name")
        _check_name(name, f"{field}.name")
        if name in names:
            raise ECSValidationError(f"{field}.name {name!r} is given twice in this service's scheduled actions")
        names.add(name)
        problem = schedule_problem(item.get("schedule"))
        if problem:
            raise ECSValidationError(f"{field}.schedule {item.get('schedule')!r} {problem}")
        action = {"name": name, "schedule": item["schedule"]}
        for key in ("min", "max"):
            if item.get(key) is not None:
                action[key] = _whole(item[key], f"{field}.{key}")
        if "min" not in action and "max" not in action:
            raise ECSValidationError(f"{field} needs min or max (or both): the capacity the action sets")
        if "min" in action and "max" in action and action["min"] > action["max"]:
            raise ECSValidationError(f"{field}.min {action['min']} is above {field}.max {action['max']}")
        timezone = item.get("timezone")
        if timezone is not None:
            if not isinstance(timezone, str) or not re.match(r"^[A-Za-z][A-Za-z0-9_+/-]*$", timezone):
                raise ECSValidationError(f"{field}.timezone must be a time zone name such as Europe/Paris or UTC")
            action["timezone"] = timezone
        actions.append(action)
    return actions


def schedule_problem(schedule: Any) -> str | None:
    """Why Application Auto Scaling would refuse a Schedule, or None: ``at(yyyy-mm-ddThh:mm:ss)``,
    ``rate(N minute|minutes|hour|hours|day|days)`` with N a positive whole number, or ``cron(six fields)``."""
    if not isinstance(schedule, str) or not schedule:
        return "must be at(...), rate(...) or cron(...)"
    at = _AT.match(schedule)
    if at:
        try:
            datetime.strptime(at.group("moment"), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return "is not a moment of the form at(yyyy-mm-ddThh:mm:ss)"
        return None
    if schedule.startswith("rate("):
        rate = _RATE.match(schedule)
        if not rate or int(rate.group("value")) < 1:
            return "must be rate(N unit) with N a positive whole number and unit minute(s), hour(s) or day(s)"
        return None
    cron = _CRON.match(schedule)
    if cron:
        return _cron_problem(cron.group("fields").split())
    return "must be at(yyyy-mm-ddThh:mm:ss), rate(N unit) or cron(minutes hours day-of-month month day-of-week year)"


def _cron_problem(fields: list[str]) -> str | None:
    if len(fields) != 6:
        return f"has {len(fields)} cron fields; six are needed: minutes hours day-of-month month day-of-week year"
    for value, (label, allowed, (lowest, highest)) in zip(fields, _CRON_FIELDS):
        if not allowed.match(value.upper()):
            return f"has a {label} field {value!r} that is not a valid cron value"
        for number in re.findall(r"(?<![/#\d])\d+", value):
            if not lowest <= int(number) <= highest:
                return f"has a {label} value {number} outside {lowest}-{highest}"
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        return "must use ? in exactly one of day-of-month and day-of-week (cron cannot take both, or neither)"
    return None


def _whole(value: Any, field: str, *, required: bool = False) -> int:
    if value is None and required:
        raise ECSValidationError(f"{field} is required")
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ECSValidationError(f"{field} must be a whole number, got {value!r}")
    if value < 0:
        raise ECSValidationError(f"{field} must be 0 or more, got {value}")
    return value


def _check_name(name: Any, field: str) -> None:
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
        raise ECSValidationError(
            f"{field} {name!r} must be 1 to 256 characters without ':', '/', '|', control characters, or a space "
            "at either end"
        )


def _known_keys(block: dict, known: tuple[str, ...], at: str) -> None:
    for key in block:
        if key not in known:
            raise ECSValidationError(f"{at}.{key} is not a known key; known: {', '.join(known)}")


# Requests and comparisons ------------------------------------------------------------------------------------------


def resource_label(target_group_arn: str, load_balancer_arn: str) -> str:
    """ALBRequestCountPerTarget's ResourceLabel: ``app/LB/ID/targetgroup/TG/ID`` from the two ARNs."""
    balancer = load_balancer_arn.split(":loadbalancer/", 1)[-1]
    group = target_group_arn.split(":", 5)[-1]
    return f"{balancer}/{group}"


def is_application_load_balancer(load_balancer_arn: str) -> bool:
    return ":loadbalancer/app/" in load_balancer_arn


def policy_configuration(policy: dict, label: str | None = None) -> dict:
    """TargetTrackingScalingPolicyConfiguration of one checked policy."""
    specification = {"PredefinedMetricType": METRICS[policy["metric"]]}
    if label:
        specification["ResourceLabel"] = label
    configuration: dict[str, Any] = {"TargetValue": policy["target"], "PredefinedMetricSpecification": specification}
    for key, member in (
        ("scale_in_cooldown", "ScaleInCooldown"),
        ("scale_out_cooldown", "ScaleOutCooldown"),
        ("disable_scale_in", "DisableScaleIn"),
    ):
        if key in policy:
            configuration[member] = policy[key]
    return configuration


def policy_differs(live: dict | None, configuration: dict) -> bool:
    """Whether a DescribeScalingPolicies item differs from the declared configuration.

    Only what is declared is compared: a cooldown left out keeps whatever AWS holds. DisableScaleIn left out is
    false, AWS's default.
    """
    if live is None or live.get("PolicyType") != TARGET_TRACKING:
        return True
    held = live.get("TargetTrackingScalingPolicyConfiguration") or {}
    if float(held.get("TargetValue", -1)) != float(configuration["TargetValue"]):
        return True
    if (held.get("PredefinedMetricSpecification") or {}) != configuration["PredefinedMetricSpecification"]:
        return True
    if bool(held.get("DisableScaleIn", False)) != bool(configuration.get("DisableScaleIn", False)):
        return True
    return any(
        configuration.get(member) is not None and held.get(member) != configuration[member]
        for member in ("ScaleInCooldown", "ScaleOutCooldown")
    )


def scheduled_action_request(action: dict) -> dict:
    """The members of PutScheduledAction that describe one checked action (its identity aside)."""
    request: dict[str, Any] = {"Schedule": action["schedule"], "ScalableTargetAction": {}}
    if "min" in action:
        request["ScalableTargetAction"]["MinCapacity"] = action["min"]
    if "max" in action:
        request["ScalableTargetAction"]["MaxCapacity"] = action["max"]
    if action.get("timezone"):
        request["Timezone"] = action["timezone"]
    return request


def scheduled_action_differs(live: dict | None, request: dict) -> bool:
    if live is None:
        return True
    if live.get("Schedule") != request["Schedule"]:
        return True
    if (live.get("ScalableTargetAction") or {}) != request["ScalableTargetAction"]:
        return True
    return (live.get("Timezone") or "UTC") != (request.get("Timezone") or "UTC")


def suspended_state(target: dict) -> dict:
    """A DescribeScalableTargets item's SuspendedState as the module's snake_case flags (absent ones false)."""
    held = target.get("SuspendedState") or {}
    return {flag: bool(held.get(member, False)) for flag, member in SUSPENDED_FLAGS.items()}


def suspended_request(flags: dict) -> dict:
    """SuspendedState of RegisterScalableTarget from snake_case flags: all three, so nothing is left to chance."""
    return {member: bool(flags.get(flag, False)) for flag, member in SUSPENDED_FLAGS.items()}


def with_scale_in_held(flags: dict) -> dict:
    """The flags with dynamic scale-in suspended and the other two as they were."""
    return {**flags, "dynamic_scaling_in_suspended": True}


# What the roles hand ecs_service_scaling ---------------------------------------------------------------------------


def scaling_requests(plans: list[dict]) -> list[dict]:
    """The ``services`` of ecs_service_scaling (state present): every plan that declares autoscaling."""
    requests = []
    for plan in plans:
        scaling = plan.get("autoscaling")
        if not scaling:
            continue
        requests.append({"cluster": plan["cluster"], "service": plan["name"], **scaling})
    return requests


def scale_in_services(
    plans: list[dict], resolved: list[dict], force_new_deployment: bool = False, blocked: list[str] | None = None
) -> list[dict]:
    """The services (``{cluster, service}``) whose rollout starts a new deployment: an existing service whose
    revision moves, or every existing one with ``force_new_deployment``; ``blocked`` (``cluster/name``) ones are
    not rolled out. A service being created has no scalable target yet, and a service that keeps its revision
    replaces no task, so neither is held."""
    held = []
    for plan, taskdef in zip(plans, resolved):
        key = f"{plan['cluster']}/{plan['name']}"
        live = taskdef.get("live_task_definition_arn")
        if not live or key in (blocked or []):
            continue
        if force_new_deployment or taskdef.get("task_definition_arn") != live:
            held.append({"cluster": plan["cluster"], "service": plan["name"]})
    return held


SCALE_IN_HELD = "scale-in suspended during the rollout"


def scale_in_summary(summaries: list[dict], held: dict | None, restored: dict | None) -> list[dict]:
    """The deploy summaries with ``scale_in``: what happened to the scale-in of each service held during the
    rollout (``held``: ecs_service_scaling's suspend_scale_in result; ``restored``: its restore result, a failed
    one too)."""
    if not held or not held.get("previous"):
        return summaries
    restored = restored or {}
    restored_all = bool(restored) and not restored.get("failed") and restored.get("msg") is None
    written = set(restored.get("written") or [])
    previous = {f"{item['cluster']}/{item['service']}": item["suspended_state"] for item in held["previous"]}
    result = []
    for item in summaries:
        key = f"{item['cluster']}/{item['service']}"
        summary = dict(item)
        if key in previous:
            if previous[key].get("dynamic_scaling_in_suspended"):
                summary["scale_in"] = "scale-in was suspended before the deploy and stays so"
            elif restored_all or key in written:
                summary["scale_in"] = f"{SCALE_IN_HELD}, then restored"
            else:
                summary["scale_in"] = f"{SCALE_IN_HELD} and NOT restored: resume it (RegisterScalableTarget)"
        result.append(summary)
    return result
