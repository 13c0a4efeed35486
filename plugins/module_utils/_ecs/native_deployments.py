# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: what is known of a native (blue/green, linear, canary) service deployment. Knowledge layer.

Predicates over DescribeServiceDeployments items, the validation of ``wait_until``, the weights of the listener
rules ECS shifts, and the ``Tracker`` that remembers the lifecycle stages seen of one deployment. Nothing here calls
AWS: ``following`` feeds trackers with what the API answers.

Stage and status names this code does not know are accepted: AWS adds them. An unknown status counts as still
running; an unknown stage is recorded like any other.
"""

from __future__ import annotations

from .exceptions import ECSValidationError
from .service_normalize import events_result
from .vocabulary import (
    AWAITING_ACTION,
    ECS_CONTROLLER,
    ENDED_STATUSES,
    FAILED_STATUSES,
    LIFECYCLE_STAGES,
    PRODUCTION_TRAFFIC_SHIFT,
    ROLLBACK_SUCCESSFUL,
    ROLLING,
    ROLLING_BACK_STATUSES,
    RUNNING_STATUSES,
    SUCCESSFUL,
    TRAFFIC_SHIFT_STRATEGIES,
    WAIT_UNTIL_COMPLETED,
)

# Predicates ------------------------------------------------------------------------------------------------


def strategy_of(service: dict | None) -> str:
    return ((service or {}).get("deploymentConfiguration") or {}).get("strategy") or ROLLING


def follows_service_deployments(service: dict | None) -> bool:
    """Whether a service's deployments are native blue/green, linear or canary ones (ECS controller)."""
    controller = ((service or {}).get("deploymentController") or {}).get("type") or ECS_CONTROLLER
    return controller == ECS_CONTROLLER and strategy_of(service) in TRAFFIC_SHIFT_STRATEGIES


def is_ended(detail: dict | None) -> bool:
    return (detail or {}).get("status") in ENDED_STATUSES


def is_failure(detail: dict | None) -> bool:
    return (detail or {}).get("status") in FAILED_STATUSES


def is_running(detail: dict | None) -> bool:
    return (detail or {}).get("status") in RUNNING_STATUSES


def is_rolling_back(detail: dict | None) -> bool:
    detail = detail or {}
    return detail.get("status") in ROLLING_BACK_STATUSES or (
        bool(detail.get("rollback")) and detail.get("status") != SUCCESSFUL
    )


def failure_seen(detail: dict | None) -> str | None:
    """Why a deployment that is still running has failed already, or None.

    A lifecycle hook that answered FAILED or timed out with the ROLLBACK action, a circuit breaker or a CloudWatch
    alarm that TRIGGERED: ECS rolls back on each of these, but the module may see it before ECS acts, and then asks
    for the rollback itself.
    """
    detail = detail or {}
    if not is_running(detail) or is_rolling_back(detail):
        return None
    for hook in detail.get("lifecycleHookDetails") or []:
        status = hook.get("status")
        # A hook that timed out rolls back unless its timeout action is CONTINUE (ECS's default is ROLLBACK).
        if status == "FAILED" or (status == "TIMED_OUT" and hook.get("timeoutAction") != "CONTINUE"):
            target = hook.get("targetArn") or f"{hook.get('targetType') or ''} {hook.get('hookId')}".strip()
            return f"lifecycle hook {target} {status} at {detail.get('lifecycleStage')}"
    breaker = detail.get("deploymentCircuitBreaker") or {}
    if breaker.get("status") == "TRIGGERED":
        return f"the deployment circuit breaker triggered ({breaker.get('failureCount')} failed tasks)"
    alarms = detail.get("alarms") or {}
    if alarms.get("status") == "TRIGGERED":
        names = ", ".join(alarms.get("triggeredAlarmNames") or []) or "an alarm"
        return f"CloudWatch alarm {names} triggered"
    return None


def production_weight(detail: dict | None) -> float | None:
    """The production traffic percentage ECS asked for the new revision (targetServiceRevision)."""
    weight = ((detail or {}).get("targetServiceRevision") or {}).get("requestedProductionTrafficWeight")
    return None if weight is None else float(weight)


def rollback_reason(detail: dict | None) -> str | None:
    detail = detail or {}
    return (detail.get("rollback") or {}).get("reason") or detail.get("statusReason")


def awaiting_hook(detail: dict | None, hook_id: str | None = None) -> dict | None:
    """The lifecycle hook run that waits for ContinueServiceDeployment (``hook_id``: that one only)."""
    for hook in (detail or {}).get("lifecycleHookDetails") or []:
        if hook.get("status") == AWAITING_ACTION and (hook_id is None or hook.get("hookId") == hook_id):
            return hook
    return None


def stage_reached(seen: list[str], wanted: str) -> bool:
    """Whether ``wanted`` was seen, or a stage that comes after it: polling may step over a short stage."""
    if wanted in seen:
        return True
    if wanted not in LIFECYCLE_STAGES:
        return False
    position = LIFECYCLE_STAGES.index(wanted)
    return any(stage in LIFECYCLE_STAGES and LIFECYCLE_STAGES.index(stage) > position for stage in seen)


def validate_wait_until(value: str | None) -> str:
    """``completed`` or a lifecycle stage name (upper case; names ECS adds later are accepted).

    Raises:
        ECSValidationError: anything else.
    """
    value = value or WAIT_UNTIL_COMPLETED
    if value == WAIT_UNTIL_COMPLETED:
        return value
    if not value.replace("_", "").isalpha() or value.upper() != value:
        raise ECSValidationError(
            f"wait_until: expected 'completed' or a lifecycle stage name such as BAKE_TIME, got {value!r}"
        )
    return value


def production_rules(service: dict | None) -> list[str]:
    """The production listener rules of a service's load balancers, where ECS shifts traffic."""
    rules = []
    for balancer in (service or {}).get("loadBalancers") or []:
        rule = (balancer.get("advancedConfiguration") or {}).get("productionListenerRule")
        if rule and rule not in rules:
            rules.append(rule)
    return rules


def rule_weights(rules: list[dict]) -> dict[str, int]:
    """Target group ARN -> weight of the forward actions of ELBv2 listener rules."""
    weights: dict[str, int] = {}
    for rule in rules:
        for action in rule.get("Actions") or []:
            if action.get("Type") != "forward":
                continue
            groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or []
            if not groups and action.get("TargetGroupArn"):
                groups = [{"TargetGroupArn": action["TargetGroupArn"], "Weight": 100}]
            for group in groups:
                weights[group["TargetGroupArn"]] = int(group.get("Weight", 1))
    return weights


def deployment_result(detail: dict | None) -> dict | None:
    """A DescribeServiceDeployments item in snake_case, times as ISO strings."""
    if detail is None:
        return None
    return events_result([detail])[0]


# The record of one deployment ------------------------------------------------------------------------------


class Tracker:
    """One service deployment, every lifecycle stage seen of it with the time it was first seen, and how long to
    wait for it: ``wait_until`` is ``completed`` or a lifecycle stage, as ``validate_wait_until`` returns it."""

    def __init__(self, arn: str, label: str = "", wait_until: str = WAIT_UNTIL_COMPLETED) -> None:
        self.arn = arn
        self.label = label or arn
        self.wait_until = wait_until
        self.detail: dict | None = None
        self.stages: list[dict] = []
        self.stopped_by_module = False
        self.timed_out = False
        # Why the module stopped the deployment before ECS rolled it back (a failure it saw first).
        self.failure: str | None = None
        # The stage it was at when the module gave up waiting (the stage moves on while it rolls back).
        self.stage_at_stop: str | None = None

    def see(self, detail: dict | None, seen_at: str) -> None:
        if detail is None:
            return
        self.detail = detail
        stage = detail.get("lifecycleStage")
        if not stage:
            return
        last = self.stages[-1] if self.stages else {}
        if stage == PRODUCTION_TRAFFIC_SHIFT:
            # The production shift comes round once per LINEAR or CANARY step: a step is told by its weight. Weights
            # going back to the old revision during a rollback, or none shifted yet (0), are not steps.
            weight = production_weight(detail)
            if is_rolling_back(detail) or weight == 0:
                return
            if last.get("stage") != stage or last.get("production_weight") != weight:
                self.stages.append({"stage": stage, "first_seen": seen_at, "production_weight": weight})
        elif last.get("stage") != stage and all(seen["stage"] != stage for seen in self.stages):
            self.stages.append({"stage": stage, "first_seen": seen_at})

    @property
    def status(self) -> str | None:
        return (self.detail or {}).get("status")

    @property
    def stage(self) -> str | None:
        return (self.detail or {}).get("lifecycleStage")

    def stage_names(self) -> list[str]:
        return [seen["stage"] for seen in self.stages]

    def settled(self) -> bool:
        """Done waiting: the deployment ended, or reached ``wait_until`` without rolling back."""
        if is_ended(self.detail):
            return True
        if self.wait_until == WAIT_UNTIL_COMPLETED or is_rolling_back(self.detail):
            return False
        return stage_reached(self.stage_names(), self.wait_until)

    def succeeded(self) -> bool:
        if self.status == SUCCESSFUL:
            return True
        return self.settled() and not is_ended(self.detail) and not is_rolling_back(self.detail)

    @property
    def rolled_back(self) -> bool:
        return self.status == ROLLBACK_SUCCESSFUL

    def result(self) -> dict:
        return {
            "service_deployment_arn": self.arn,
            "status": self.status,
            "lifecycle_stage": self.stage,
            "lifecycle_stages": [dict(seen) for seen in self.stages],
            "rollback_reason": rollback_reason(self.detail) if is_rolling_back(self.detail) else None,
            "failure_seen": self.failure,
        }
