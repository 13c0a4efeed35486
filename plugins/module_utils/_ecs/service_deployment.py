# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Native ECS blue/green, linear and canary deployments: followed by their service deployment ARN.

Pure predicates over DescribeServiceDeployments items, a ``Tracker`` that remembers the lifecycle stages seen, the
polling of many trackers with batched DescribeServiceDeployments, and ``run_service_deployment``, the orchestration
of ecs_service_deployment (status, continue a PAUSE hook, roll back). ecs_service_rollout uses the same pieces.

Stage and status names this code does not know are accepted: AWS adds them. An unknown status counts as still
running; an unknown stage is recorded like any other.
"""

from __future__ import annotations

import datetime
import time
from typing import Any, Callable

from . import api
from .common import AnsibleECSError, ECSTimeoutError, ECSValidationError
from .service_normalize import events_result
from .service_waiter import poll

STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
)
PRODUCTION_TRAFFIC_SHIFT = "PRODUCTION_TRAFFIC_SHIFT"
FOLLOWED_STRATEGIES = ("BLUE_GREEN", "LINEAR", "CANARY")
SUCCESSFUL = "SUCCESSFUL"
FAILED_STATUSES = ("ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED", "STOPPED")
ENDED_STATUSES = (SUCCESSFUL, *FAILED_STATUSES)
ROLLING_BACK_STATUSES = ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
# Statuses a deployment can still be continued or stopped in.
RUNNING_STATUSES = ("PENDING", "IN_PROGRESS")
AWAITING_ACTION = "AWAITING_ACTION"
WAIT_UNTIL_COMPLETED = "completed"


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


# Pure predicates -------------------------------------------------------------------------------------------


def strategy_of(service: dict | None) -> str:
    return ((service or {}).get("deploymentConfiguration") or {}).get("strategy") or "ROLLING"


def follows_service_deployments(service: dict | None) -> bool:
    """Whether a service's deployments are native blue/green, linear or canary ones (ECS controller)."""
    controller = ((service or {}).get("deploymentController") or {}).get("type") or "ECS"
    return controller == "ECS" and strategy_of(service) in FOLLOWED_STRATEGIES


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
    if wanted not in STAGES:
        return False
    position = STAGES.index(wanted)
    return any(stage in STAGES and STAGES.index(stage) > position for stage in seen)


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


# Following one deployment ----------------------------------------------------------------------------------


class Tracker:
    """One service deployment, and every lifecycle stage seen of it with the time it was first seen."""

    def __init__(self, arn: str, label: str = "") -> None:
        self.arn = arn
        self.label = label or arn
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

    def settled(self, wait_until: str) -> bool:
        """Done waiting: the deployment ended, or reached ``wait_until`` without rolling back."""
        if is_ended(self.detail):
            return True
        if wait_until == WAIT_UNTIL_COMPLETED or is_rolling_back(self.detail):
            return False
        return stage_reached(self.stage_names(), wait_until)

    def succeeded(self, wait_until: str) -> bool:
        if self.status == SUCCESSFUL:
            return True
        return self.settled(wait_until) and not is_ended(self.detail) and not is_rolling_back(self.detail)

    @property
    def rolled_back(self) -> bool:
        return self.status == "ROLLBACK_SUCCESSFUL"

    def result(self) -> dict:
        return {
            "service_deployment_arn": self.arn,
            "status": self.status,
            "lifecycle_stage": self.stage,
            "lifecycle_stages": [dict(seen) for seen in self.stages],
            "rollback_reason": rollback_reason(self.detail) if is_rolling_back(self.detail) else None,
            "failure_seen": self.failure,
        }


def refresh(client: Any, trackers: list[Tracker], seen_at: str) -> None:
    """One batched DescribeServiceDeployments for all ``trackers``."""
    if not trackers:
        return
    found = {
        item.get("serviceDeploymentArn"): item
        for item in api.describe_service_deployments(client, [t.arn for t in trackers])
    }
    for tracker in trackers:
        tracker.see(found.get(tracker.arn), seen_at)


def current_deployment_arn(client: Any, cluster: str, service: dict) -> str | None:
    """The service's current service deployment: ``currentServiceDeployment``, else the newest listed."""
    arn = service.get("currentServiceDeployment")
    if arn:
        return arn
    rows = api.list_service_deployments(client, cluster, service.get("serviceArn") or service.get("serviceName"))
    return rows[0].get("serviceDeploymentArn") if rows else None


def follow(
    client: Any,
    trackers: list[Tracker],
    done: Callable[[Tracker], bool],
    deadline: float,
    interval: float,
    *,
    now: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    wall: Callable[[], str] = utc_now,
) -> bool:
    """Poll the trackers not ``done`` yet, together, until all are or ``deadline`` passes. True: all done."""
    pending = list(trackers)

    def fetch() -> list[Tracker]:
        refresh(client, pending, wall())
        pending[:] = [tracker for tracker in pending if not done(tracker)]
        return pending

    ok, _left, _elapsed = poll(fetch, lambda still: not still, deadline, interval, clock=now, sleep=sleep)
    return ok


def stop_for_rollback(client: Any, tracker: Tracker) -> None:
    """StopServiceDeployment ROLLBACK. A deployment that ended meanwhile (ConflictException) is left as it is."""
    try:
        api.stop_service_deployment(client, tracker.arn, "ROLLBACK")
    except AnsibleECSError as error:
        if "ConflictException" not in str(error.exception or ""):
            raise
        return
    tracker.stopped_by_module = True


def traffic(elbv2: Any, service: dict | None) -> dict[str, int] | None:
    """Target group ARN -> weight, read from the service's production listener rules; None when unreadable."""
    return traffic_of_services(elbv2, [service])[0]


def traffic_of_services(elbv2: Any, services: list[dict | None]) -> list[dict[str, int] | None]:
    """``traffic`` of each service, in order, with one DescribeRules for all of them."""
    rules_of = [production_rules(service) for service in services]
    wanted = list(dict.fromkeys(rule for rules in rules_of for rule in rules))
    if elbv2 is None or not wanted:
        return [None] * len(services)
    try:
        described = {rule.get("RuleArn"): rule for rule in api.describe_rules(elbv2, wanted)}
    except AnsibleECSError:
        return [None] * len(services)
    return [
        rule_weights([described[rule] for rule in rules if rule in described]) if rules else None for rules in rules_of
    ]


# ecs_service_deployment ------------------------------------------------------------------------------------


def run_service_deployment(
    client: Any,
    params: dict,
    check_mode: bool = False,
    elbv2: Any = None,
    *,
    now: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    wall: Callable[[], str] = utc_now,
) -> dict:
    """Report on, continue or roll back the current service deployment of one service.

    Args:
        client: ECS client.
        params: the module params (cluster, service, action, hook_id, wait, wait_until, wait_timeout, poll_interval).
        check_mode: make no call that changes anything; report what would be done.
        elbv2: ELBv2 client to read the production listener rule weights (``traffic``); None: not read.
        now, sleep, wall: time sources, injected by tests.

    Returns:
        The module result.

    Raises:
        ECSValidationError: no such service, no deployment, none in progress, no hook awaiting action.
        ECSTimeoutError: the wait ran out; carries the result.
        AnsibleECSError: the deployment ended in a way the action did not ask for (rolled back, stopped).
    """
    started = now()
    action = params.get("action") or "status"
    wait_until = validate_wait_until(params.get("wait_until"))
    cluster, name = params["cluster"], params["service"]
    service = api.describe_service(client, cluster, name)
    if service is None:
        raise ECSValidationError(f"service: {cluster}/{name} does not exist")
    arn = current_deployment_arn(client, cluster, service)
    if arn is None:
        raise ECSValidationError(f"{cluster}/{name} has no service deployment")
    tracker = Tracker(arn, f"{cluster}/{name}")
    refresh(client, [tracker], wall())
    if tracker.detail is None:
        raise ECSValidationError(f"{cluster}/{name}: service deployment {arn} could not be described")

    changed, answered = _act(client, tracker, action, params.get("hook_id"), check_mode)
    ok = True
    if params.get("wait") and not check_mode:
        answered_id = (answered or {}).get("hookId")

        def done(followed: Tracker) -> bool:
            if action == "rollback":
                return is_ended(followed.detail)
            if followed.settled(wait_until):
                return True
            # A PAUSE hook that pauses again (a canary pauses before each production step) needs another approval.
            fresh = awaiting_hook(followed.detail)
            return fresh is not None and fresh.get("hookId") != answered_id

        deadline = now() + float(params.get("wait_timeout") or 0)
        interval = float(params.get("poll_interval") or 5.0)
        ok = follow(client, [tracker], done, deadline, interval, now=now, sleep=sleep, wall=wall)

    result = tracker.result()
    hook = awaiting_hook(tracker.detail)
    result.update(
        {
            "changed": changed,
            "action": action,
            "answered_hook_id": (answered or {}).get("hookId"),
            "awaiting_hook": deployment_result(hook) if hook else None,
            "rolled_back": tracker.rolled_back,
            "traffic": traffic(elbv2, service),
            "service_deployment": deployment_result(tracker.detail),
            "duration": round(now() - started, 3),
        }
    )
    if not ok:
        raise ECSTimeoutError(
            f"{tracker.label}: timed out waiting for service deployment {arn} "
            f"({'to end' if action == 'rollback' else wait_until}); it is {tracker.status} at {tracker.stage}",
            **result,
        )
    if params.get("wait") and not check_mode:
        if action == "rollback" and tracker.status != "ROLLBACK_SUCCESSFUL":
            raise AnsibleECSError(f"{tracker.label}: the rollback of {arn} ended {tracker.status}", **result)
        if action != "rollback" and is_failure(tracker.detail):
            reason = rollback_reason(tracker.detail)
            raise AnsibleECSError(
                f"{tracker.label}: service deployment {arn} ended {tracker.status}"
                + (f" ({reason})" if reason else ""),
                **result,
            )
    return result


def _act(client: Any, tracker: Tracker, action: str, hook_id: str | None, check_mode: bool) -> tuple[bool, dict | None]:
    """Continue or roll back the tracked deployment (nothing in check mode). Returns (changed, hook answered)."""
    arn = tracker.arn
    if action in ("continue", "rollback") and not is_running(tracker.detail):
        raise ECSValidationError(
            f"{tracker.label} has no service deployment in progress: {arn} is {tracker.status}; nothing to {action}"
        )
    if action == "continue":
        answered = awaiting_hook(tracker.detail, hook_id)
        if answered is None:
            which = f" with hookId {hook_id}" if hook_id else ""
            raise ECSValidationError(
                f"{tracker.label}: no lifecycle hook{which} is awaiting action on {arn} "
                f"(stage {tracker.stage}); nothing to continue"
            )
        if not check_mode:
            api.continue_service_deployment(client, arn, answered["hookId"], "CONTINUE")
        return True, answered
    if action == "rollback":
        if not check_mode:
            stop_for_rollback(client, tracker)
        return True, None
    return False, None
