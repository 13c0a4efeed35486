# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_service_deployment: report on, continue or roll back a service's current deployment.

Orchestration layer: reads with ``api``, follows with ``following``, decides with ``native_deployments``.
"""

from __future__ import annotations

from typing import Any

from . import api
from .exceptions import AnsibleECSError, ECSTimeoutError, ECSValidationError
from .following import current_deployment_arn, follow, refresh, stop_for_rollback, traffic
from .native_deployments import (
    Tracker,
    awaiting_hook,
    deployment_result,
    is_ended,
    is_failure,
    is_running,
    rollback_reason,
    validate_wait_until,
)
from .service_rules import check_wait_options
from .vocabulary import ROLLBACK_SUCCESSFUL
from .waiting import Clock


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    elbv2: Any = None,
) -> dict:
    """Report on, continue or roll back the current service deployment of one service.

    Args:
        client: ECS client.
        params: the module params (cluster, service, action, hook_id, wait, wait_until, wait_timeout, poll_interval).
        check_mode: make no call that changes anything; report what would be done.
        diff: unused: the result already says what changed.
        clock: the time sources; the real ones by default.
        elbv2: ELBv2 client to read the production listener rule weights (``traffic``); None: not read.

    Returns:
        The module result.

    Raises:
        ECSValidationError: no such service, no deployment, none in progress, no hook awaiting action.
        ECSTimeoutError: the wait ran out; carries the result.
        AnsibleECSError: the deployment ended in a way the action did not ask for (rolled back, stopped).
    """
    clock = clock or Clock()
    started = clock.now()
    action = params.get("action") or "status"
    wait_until = validate_wait_until(params.get("wait_until"))
    check_wait_options(params)
    cluster, name = params["cluster"], params["service"]
    service = api.describe_service(client, cluster, name)
    if service is None:
        raise ECSValidationError(f"service: {cluster}/{name} does not exist")
    arn = current_deployment_arn(client, cluster, service)
    if arn is None:
        raise ECSValidationError(f"{cluster}/{name} has no service deployment")
    tracker = Tracker(arn, f"{cluster}/{name}", wait_until)
    refresh(client, [tracker], clock.wall())
    if tracker.detail is None:
        raise ECSValidationError(f"{cluster}/{name}: service deployment {arn} could not be described")

    changed, answered = _act(client, tracker, action, params.get("hook_id"), check_mode)
    ok = True
    if params.get("wait") and not check_mode:
        answered_id = (answered or {}).get("hookId")

        def done(followed: Tracker) -> bool:
            if action == "rollback":
                return is_ended(followed.detail)
            if followed.settled():
                return True
            # A PAUSE hook that pauses again (a canary pauses before each production step) needs another approval.
            fresh = awaiting_hook(followed.detail)
            return fresh is not None and fresh.get("hookId") != answered_id

        deadline = clock.now() + float(params.get("wait_timeout") or 0)
        interval = float(params.get("poll_interval") or 5.0)
        ok = follow(client, [tracker], done, deadline=deadline, interval=interval, clock=clock)

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
            "duration": round(clock.now() - started, 3),
        }
    )
    if not ok:
        raise ECSTimeoutError(
            f"{tracker.label}: timed out waiting for service deployment {arn} "
            f"({'to end' if action == 'rollback' else tracker.wait_until}); it is {tracker.status} at {tracker.stage}",
            **result,
        )
    if params.get("wait") and not check_mode:
        if action == "rollback" and tracker.status != ROLLBACK_SUCCESSFUL:
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
