"""Application Auto Scaling refusing what AWS refuses, and answering SuspendedState as AWS does.

moto stores whatever RegisterScalableTarget, PutScalingPolicy and PutScheduledAction are sent. AWS (Application Auto
Scaling API reference) refuses, with ``ValidationException``:

* a minimum capacity above the maximum, also when an update sends one of the two against the stored other;
* a new scalable target without both MinCapacity and MaxCapacity;
* an ECS service that does not exist (moto answers ClusterNotFoundException for an unknown cluster);
* a target-tracking policy without TargetValue, and ALBRequestCountPerTarget without its ResourceLabel;
* a scheduled action whose Schedule is not ``at(...)``, ``rate(...)`` or ``cron(...)`` of six fields, without a
  minimum or maximum, or with a minimum above its maximum;

and with ``ObjectNotFoundException`` a policy or scheduled action of a scalable target that is not registered.
DescribeScalableTargets always has all three SuspendedState flags (false unless set); an update keeps the flags it
does not send.

``install()`` wraps moto's response handlers once per process.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.exceptions import JsonRESTError

SUSPENDED_FLAGS = ("DynamicScalingInSuspended", "DynamicScalingOutSuspended", "ScheduledScalingSuspended")
_SCHEDULE = re.compile(
    r"^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)|rate\([1-9]\d* (minutes?|hours?|days?)\)|cron\(\S+( \S+){5}\))$"
)
_installed = False


class ValidationException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


class ObjectNotFoundException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("ObjectNotFoundException", message)


def _params(response: ApplicationAutoScalingResponse) -> dict:
    try:
        return json.loads(response.body or "{}")
    except ValueError:
        return {}


def _target(response: ApplicationAutoScalingResponse, params: dict) -> Any:
    backend = response.applicationautoscaling_backend
    return backend.targets.get(params.get("ScalableDimension") or "", {}).get(params.get("ResourceId") or "")


def _check_register(response: ApplicationAutoScalingResponse) -> None:
    params = _params(response)
    existing = _target(response, params)
    low = params.get("MinCapacity", existing.min_capacity if existing else None)
    high = params.get("MaxCapacity", existing.max_capacity if existing else None)
    if existing is None and (params.get("MinCapacity") is None or params.get("MaxCapacity") is None):
        raise ValidationException("MinCapacity and MaxCapacity are required for registering a new scalable target")
    if low is not None and high is not None and low > high:
        raise ValidationException(f"Minimum capacity ({low}) cannot be greater than maximum capacity ({high})")
    resource = params.get("ResourceId") or ""
    if params.get("ServiceNamespace") == "ecs" and existing is None:
        parts = resource.split("/")
        backend = response.applicationautoscaling_backend.ecs_backend
        if len(parts) != 3 or f"{parts[1]}:{parts[2]}" not in backend.services:
            raise ValidationException(f"ECS service doesn't exist: {resource}")


def _merge_suspended_state(response: ApplicationAutoScalingResponse) -> None:
    """Flags not sent keep their value; a new target starts with all three false."""
    params = _params(response)
    existing = _target(response, params)
    held = dict((existing.suspended_state if existing else None) or {})
    merged = {flag: bool(held.get(flag, False)) for flag in SUSPENDED_FLAGS}
    merged.update({flag: bool(value) for flag, value in (params.get("SuspendedState") or {}).items()})
    params["SuspendedState"] = merged
    response.body = json.dumps(params)


def _check_policy(response: ApplicationAutoScalingResponse) -> None:
    params = _params(response)
    _require_target(response, params)
    if params.get("PolicyType") != "TargetTrackingScaling":
        return
    configuration = params.get("TargetTrackingScalingPolicyConfiguration") or {}
    if configuration.get("TargetValue") is None:
        raise ValidationException("TargetValue is required for a target tracking scaling policy")
    predefined = configuration.get("PredefinedMetricSpecification") or {}
    if predefined.get("PredefinedMetricType") == "ALBRequestCountPerTarget" and not predefined.get("ResourceLabel"):
        raise ValidationException("ResourceLabel is required for the predefined metric type ALBRequestCountPerTarget")


def _check_scheduled_action(response: ApplicationAutoScalingResponse) -> None:
    params = _params(response)
    _require_target(response, params)
    schedule = params.get("Schedule")
    if schedule is not None and not _SCHEDULE.match(schedule):
        raise ValidationException(f"Unsupported schedule expression: {schedule}")
    action = params.get("ScalableTargetAction") or {}
    low, high = action.get("MinCapacity"), action.get("MaxCapacity")
    if low is None and high is None:
        raise ValidationException("At least one of minimum capacity and maximum capacity should be provided")
    if low is not None and high is not None and low > high:
        raise ValidationException(f"Minimum capacity ({low}) cannot be greater than maximum capacity ({high})")


def _require_target(response: ApplicationAutoScalingResponse, params: dict) -> None:
    if _target(response, params) is None:
        raise ObjectNotFoundException(
            f"No scalable target registered for service namespace: {params.get('ServiceNamespace')}, resource ID: "
            f"{params.get('ResourceId')}, scalable dimension: {params.get('ScalableDimension')}"
        )


def _with_defaults(answer: str) -> str:
    document = json.loads(answer)
    for target in document.get("ScalableTargets") or []:
        held = target.get("SuspendedState") or {}
        target["SuspendedState"] = {flag: bool(held.get(flag, False)) for flag in SUSPENDED_FLAGS}
    return json.dumps(document)


def _wrap(name: str, before: Callable | None = None, after: Callable | None = None) -> None:
    original = getattr(ApplicationAutoScalingResponse, name)

    def handler(self: ApplicationAutoScalingResponse) -> str:
        if before is not None:
            before(self)
        answer = original(self)
        return after(answer) if after is not None else answer

    setattr(ApplicationAutoScalingResponse, name, handler)


def _register(response: ApplicationAutoScalingResponse) -> None:
    _check_register(response)
    _merge_suspended_state(response)


def install() -> None:
    global _installed  # noqa: PLW0603 - the patch is process-wide and must happen once
    if _installed:
        return
    _wrap("register_scalable_target", before=_register)
    _wrap("describe_scalable_targets", after=_with_defaults)
    _wrap("put_scaling_policy", before=_check_policy)
    _wrap("put_scheduled_action", before=_check_scheduled_action)
    _installed = True
