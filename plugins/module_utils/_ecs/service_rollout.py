# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_service_rollout: validate, read, plan, apply, wait, roll back. Orchestration layer.

One path serves one service and many: a single service is a list of one. Every phase works on all services at
once, so N rollouts cost one wait, not N, and DescribeServices is always batched per cluster.

Nothing is written before every service has been validated and read. Check mode computes the same plans and
stops before the first write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from . import api
from .exceptions import AnsibleECSError, ECSTimeoutError, ECSValidationError
from .failure_reasons import failed_container, stopped_tasks_of, telling_reason, unhealthy_targets
from .following import current_deployment_arn, follow, refresh, stop_for_rollback, traffic_of_services
from .native_deployments import (
    Tracker,
    failure_seen,
    follows_service_deployments,
    is_ended,
    is_failure,
    is_rolling_back,
    rollback_reason,
    validate_wait_until,
)
from .rolling_deployments import (
    circuit_breaker_rolls_back,
    deployment_by_id,
    deployment_settled,
    deployment_state,
    is_gone,
    placement_problem,
    primary_deployment,
    primary_in_progress,
    replacement_settled,
)
from .service_compare import plan_changes, plan_service, predicted_service
from .service_normalize import (
    REVISION_OPTIONS,
    current_revision,
    events_result,
    resolve_items,
    service_result,
    settings_result,
    validate_declared,
)
from .service_rules import (
    check_against_live,
    check_grace_period,
    check_task_definition_names,
    check_wait_options,
    grace_period_needs_a_check,
    names_the_task_definition,
)
from .task_run_plan import log_streams
from .vocabulary import (
    COMPLETED,
    FAILED,
    IN_PROGRESS,
    REPLACED,
    ROLLBACK_SUCCESSFUL,
    TIMED_OUT,
    WAIT_UNTIL_COMPLETED,
    family_of,
    revision_of,
    short_task_definition,
)
from .waiting import Clock, poll


@dataclass
class RunSettings:
    """The run-wide options, as plain values."""

    wait: bool = True
    wait_timeout: float = 600
    poll_interval: float = 5.0
    rollback: bool = True
    check_mode: bool = False
    diff: bool = False
    wait_until: str = WAIT_UNTIL_COMPLETED
    # all_or_nothing: when one service fails, every other one this run moved goes back to where it was.
    release: str = "independent"

    @classmethod
    def from_params(cls, params: dict, check_mode: bool, diff: bool) -> RunSettings:
        return cls(
            wait=params.get("wait", True),
            wait_timeout=params.get("wait_timeout", 600),
            poll_interval=params.get("poll_interval", 5.0),
            rollback=params.get("rollback", True),
            check_mode=check_mode,
            diff=diff,
            wait_until=validate_wait_until(params.get("wait_until")),
            release=params.get("release") or "independent",
        )


@dataclass
class Target:
    """One service of the run, and everything learnt about it along the way."""

    options: dict
    label: str
    # Put before messages about this service: its label when the run manages several.
    prefix: str = ""
    live: dict | None = None
    current: dict | None = None
    plan: dict | None = None
    previous_task_definition: str | None = None
    waited_for_deployment: bool = False
    deployment_id: str | None = None
    outcome: str | None = None
    rolled_back: bool = False
    rolled_back_by: str | None = None
    rollback_deployment_id: str | None = None
    rollback_outcome: str | None = None
    failure: str | None = None
    baseline_event_ids: set = field(default_factory=set)
    events: dict = field(default_factory=dict)
    # The native (blue/green, linear, canary) service deployment this run started, followed by its ARN.
    tracker: Tracker | None = None
    traffic: dict | None = None
    # all_or_nothing: what was done to put this service back because another one failed, and how it ended.
    put_back: dict | None = None
    # Early success criteria: ECS marked the deployment successful while the old tasks were still being removed.
    completed_early: bool = False
    # Why the rollout failed (failure_reasons): stopped tasks, target health, log lines; and the most telling one.
    why: dict | None = None
    # The DescribeServiceRevisions item of the revision the service runs, read only when a setting ECS reports
    # nowhere else (monitoring, gateway_connectors) is declared.
    revision: dict | None = None

    @property
    def cluster(self) -> str:
        return self.options["cluster"]

    @property
    def name(self) -> str:
        return self.options["service"]

    @property
    def present(self) -> bool:
        return (self.options.get("state") or "present") == "present"

    def new_events(self) -> list[dict]:
        """The service events seen since the run read the service first, oldest first."""
        return [event for key, event in self.events.items() if key not in self.baseline_event_ids]

    def see(self, service: dict | None) -> None:
        """Record a fresh DescribeServices item (None: not found) and the events it carries."""
        self.current = None if service is None or service.get("status") == "INACTIVE" else service
        # ECS lists events newest first, and whatever a payload shows that was not seen yet is newer than
        # everything seen before: appending them reversed keeps ``events`` oldest first, ties included.
        fresh = [event for event in (service or {}).get("events") or [] if _event_key(event) not in self.events]
        for event in reversed(fresh):
            self.events[_event_key(event)] = event


def _event_key(event: dict) -> str:
    return event.get("id") or repr(event)


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    elbv2: Any = None,
    connect_to: Callable | None = None,
) -> dict:
    """Run ecs_service_rollout for the params of the module.

    Args:
        client: ECS client from ``api.connect``.
        params: the module params (``services`` or the single-service options, wait/rollback options).
        check_mode: compute and return the plan and the predicted service; write nothing, wait for nothing.
        diff: add before/after of the compared settings.
        clock: time source; the real one by default.
        elbv2: ELBv2 client, to report the production listener rule weights of blue/green, linear and canary
            services (``traffic``) and the health of a failed service's targets; None: not reported.
        connect_to: ``connect_to(service, region)`` builds a client: CloudWatch Logs, for the last log lines of a
            failed container, in the region its log configuration names. None: no log lines.

    Returns:
        The module result. With ``services``, ``results`` holds one result per service.

    Raises:
        ECSValidationError: bad input, found before any write.
        ECSTimeoutError: a wait ran out of time; carries the partial result.
        AnsibleECSError: any other failure, a failed or rolled-back deployment included; carries the result.
    """
    clock = clock or Clock()
    started = clock.now()
    check_wait_options(params)
    settings = RunSettings.from_params(params, check_mode, diff)
    list_mode = bool(params.get("services"))
    targets = _targets(params, list_mode)
    deadline = started + settings.wait_timeout

    _read(client, targets)
    _read_revisions(client, targets)
    for target in targets:
        if target.present:
            check_against_live(target.options, target.live, target.prefix)
    described: dict[str, dict | None] = {}
    _resolve_task_definitions(client, targets, described, settings.check_mode)
    _check_against_task_definitions(client, targets, described)
    if not settings.check_mode:
        _wait_for_running_deployments(client, targets, deadline, settings, clock)
    for target in targets:
        try:
            target.plan = plan_service(target.live, target.options, target.revision)
        except ECSValidationError as error:
            raise ECSValidationError(f"{target.prefix}{error.message}") from error

    if not settings.check_mode:
        _apply(client, targets, settings, started, clock)
        if settings.wait:
            _follow(client, targets, deadline, settings, clock)
            _follow_native(client, targets, deadline, settings, clock)
            _refresh_native(client, targets)
            _roll_back(client, targets, settings, clock)
            if settings.release == "all_or_nothing":
                _put_back_the_others(client, targets, settings, clock)
        _explain_failures(
            client, targets, described, elbv2=elbv2, connect_to=connect_to, log_lines=params.get("log_lines") or 0
        )
        shifted = [target for target in targets if target.tracker is not None]
        for target, weights in zip(shifted, traffic_of_services(elbv2, [target.current for target in shifted])):
            target.traffic = weights
    return _report(targets, list_mode, settings, clock.now() - started)


# Validate and read -----------------------------------------------------------------------------------------


def _targets(params: dict, list_mode: bool) -> list[Target]:
    targets = []
    for index, options in enumerate(resolve_items(params, params.get("services"))):
        label = f"services[{index}] ({options.get('cluster')}/{options.get('service')})" if list_mode else ""
        validate_declared(options, label)
        targets.append(
            Target(
                options=options,
                label=label or f"{options['cluster']}/{options['service']}",
                prefix=f"{label}: " if list_mode else "",
            )
        )
    seen: set = set()
    for target in targets:
        key = (target.cluster, target.name)
        if key in seen:
            raise ECSValidationError(f"services: {target.cluster}/{target.name} is listed more than once")
        seen.add(key)
    return targets


def _describe(client: Any, targets: list[Target]) -> None:
    """Refresh ``current`` of every target with one DescribeServices per cluster and batch of ten."""
    by_cluster: dict[str, list[Target]] = {}
    for target in targets:
        by_cluster.setdefault(target.cluster, []).append(target)
    for cluster, members in by_cluster.items():
        found = api.describe_services(client, cluster, [target.name for target in members])
        by_name: dict[str, dict] = {}
        for service in found:
            # An INACTIVE leftover of a deleted service may share the name of a live one: prefer the live one.
            if service.get("serviceName") not in by_name or service.get("status") != "INACTIVE":
                by_name[service.get("serviceName")] = service
        for target in members:
            target.see(by_name.get(target.name))


def _read(client: Any, targets: list[Target]) -> None:
    _describe(client, targets)
    missing_clusters = set()
    for target in targets:
        target.live = target.current
        target.baseline_event_ids = set(target.events)
        if target.live is None and target.present:
            missing_clusters.add(target.cluster)
    for cluster in sorted(missing_clusters):
        if api.describe_cluster(client, cluster) is None:
            raise ECSValidationError(f"cluster: cluster {cluster!r} does not exist or is not ACTIVE")


def _read_revisions(client: Any, targets: list[Target]) -> None:
    """Read the current service revision of the services that declare a setting ECS reports only there.

    One DescribeServiceRevisions for up to twenty revisions of all such services; none when nothing declares one.
    """
    wanted = [
        target
        for target in targets
        if target.present and target.live and any(target.options.get(name) is not None for name in REVISION_OPTIONS)
    ]
    arns = sorted({item["arn"] for target in wanted for item in target.live.get("currentServiceRevisions") or []})
    if not arns:
        return
    revisions = api.describe_service_revisions(client, arns)
    for target in wanted:
        target.revision = current_revision(target.live, revisions)


def _resolve_task_definitions(
    client: Any, targets: list[Target], described: dict[str, dict | None], check_mode: bool = False
) -> None:
    """Check that declared task definitions exist, and resolve a bare family to its newest revision.

    The one the service already runs is known to exist and to fit the service, so it costs no call: a run that
    changes nothing makes one DescribeServices and nothing else.

    In check mode, ecs_taskdef_live returns the revision it would register: one past the family's newest. That
    revision cannot exist yet, and is accepted so that a whole deploy can be previewed; any other missing one fails.
    What is read is kept in ``described`` (by the reference declared, and by its ARN) for the later checks.
    """
    for target in targets:
        declared = target.options.get("task_definition")
        if not target.present or not declared:
            continue
        running = (target.live or {}).get("taskDefinition")
        already_running = running and short_task_definition(declared) == short_task_definition(running)
        if already_running and revision_of(declared) is not None:
            continue
        if declared not in described:
            described[declared] = api.describe_task_definition(client, declared)
        definition = described[declared]
        if definition is None and check_mode and _is_next_revision(client, declared):
            continue
        if definition is None:
            raise ECSValidationError(f"{target.prefix}task_definition: {declared!r} does not exist")
        if definition.get("status") == "INACTIVE":
            raise ECSValidationError(f"{target.prefix}task_definition: {declared!r} is INACTIVE (deregistered)")
        has_network = target.options.get("network_configuration") or (target.live or {}).get("networkConfiguration")
        if definition.get("networkMode") == "awsvpc" and not has_network:
            raise ECSValidationError(
                f"{target.prefix}network_configuration: task definition {declared!r} uses the awsvpc network mode, "
                "which needs network_configuration (subnets and security_groups)"
            )
        described[definition["taskDefinitionArn"]] = definition
        target.options = dict(target.options, task_definition=definition["taskDefinitionArn"])


def _check_against_task_definitions(client: Any, targets: list[Target], described: dict[str, dict | None]) -> None:
    """Check what a service declares against the task definition it will run, read only when something needs it.

    A grace period without a load balancer needs a container health check; Service Connect, VPC Lattice and gateway
    connectors need named port mappings; volume configurations need volumes configured at launch.
    """
    for target in targets:
        if not target.present:
            continue
        live = target.live or {}
        declared = target.options.get("task_definition")
        reference = declared or live.get("taskDefinition")
        grace = grace_period_needs_a_check(target.options, target.live)
        unchanged = live.get("healthCheckGracePeriodSeconds") == target.options.get("health_check_grace_period_seconds")
        if (
            grace
            and unchanged
            and (not declared or short_task_definition(declared) == short_task_definition(live["taskDefinition"]))
        ):
            # ECS accepted this grace period with this revision already: a run that changes nothing reads nothing.
            grace = False
        names = names_the_task_definition(target.options)
        if not reference or not (grace or names):
            continue
        if reference not in described:
            described[reference] = api.describe_task_definition(client, reference)
        definition = described[reference]
        if definition is None:
            continue
        if grace:
            check_grace_period(target.options, definition, target.prefix)
        if names:
            check_task_definition_names(target.options, definition, target.prefix)


def _is_next_revision(client: Any, declared: str) -> bool:
    """Whether ``declared`` is the revision the next registration of its family would get."""
    revision = revision_of(declared)
    if revision is None:
        return False
    newest = api.describe_task_definition(client, family_of(declared))
    return revision == (newest["revision"] + 1 if newest else 1)


def _wait_for_running_deployments(
    client: Any, targets: list[Target], deadline: float, settings: RunSettings, clock: Clock
) -> None:
    """Let a deployment someone else started finish before stacking ours on top of it."""
    busy = [target for target in targets if target.present and primary_in_progress(target.live)]
    if not busy:
        return
    for target in busy:
        target.waited_for_deployment = True
    ok, _left, elapsed = _poll_targets(
        client, busy, primary_in_progress, deadline=deadline, settings=settings, clock=clock
    )
    for target in busy:
        target.live = target.current
    if not ok:
        stuck = [target.label for target in busy if primary_in_progress(target.current)]
        raise ECSTimeoutError(
            f"Timed out after {elapsed:.0f} s waiting for the deployment already in progress on {', '.join(stuck)} "
            "to finish; nothing was changed",
            waited_for_deployment=True,
            changed=False,
        )


def _poll_targets(
    client: Any,
    targets: list[Target],
    busy: Callable[[dict | None], bool],
    *,
    deadline: float,
    settings: RunSettings,
    clock: Clock,
    follow: Callable[[Target], bool] | None = None,
) -> tuple[bool, list[Target], float]:
    """Poll the targets for which ``follow(target)`` (default: ``busy(target.current)``) is true, together.

    Only the targets still pending are described at each check.
    """
    pending = list(targets)
    is_pending = follow or (lambda target: busy(target.current))

    def fetch() -> list[Target]:
        _describe(client, pending)
        pending[:] = [target for target in pending if is_pending(target)]
        return pending

    return poll(fetch, lambda still: not still, deadline, settings.poll_interval, clock)


# Apply -----------------------------------------------------------------------------------------------------


def _apply(client: Any, targets: list[Target], settings: RunSettings, started: float, clock: Clock) -> None:
    done: list[Target] = []
    for target in targets:
        try:
            _apply_one(client, target, settings.wait_until)
        except AnsibleECSError as error:
            message = f"{target.label}: {error.message}"
            if settings.release == "all_or_nothing" and done:
                # The services after this one were not touched; the ones before it go back.
                target.failure = message
                _put_back_the_others(client, [*done, target], settings, clock)
                message += _put_back_summary(done)
            raise AnsibleECSError(
                message=message,
                exception=error.exception,
                changed=any(plan_changes(written.plan) for written in done),
                results=[_target_result(written, settings, clock.now() - started) for written in done],
            ) from error
        done.append(target)


def _apply_one(client: Any, target: Target, wait_until: str) -> None:
    """Write one target's plan; a service now on a native strategy gets a tracker of the deployment it started."""
    plan = target.plan
    live = target.live
    target.previous_task_definition = (live or {}).get("taskDefinition")
    if plan["action"] == "create":
        target.see(api.create_service(client, plan["request"]))
    elif plan["action"] == "delete":
        target.see(api.delete_service(client, target.cluster, target.name, force=True))
    elif plan["action"] == "update":
        if plan["request"]:
            target.see(api.update_service(client, plan["request"]))
        arn = (target.current or live)["serviceArn"]
        if plan["tags_to_set"]:
            api.tag_resource(client, arn, plan["tags_to_set"])
        if plan["tag_keys_to_remove"]:
            api.untag_resource(client, arn, plan["tag_keys_to_remove"])
    primary = primary_deployment(target.current)
    target.deployment_id = primary.get("id") if primary else None
    if plan["action"] in ("create", "update") and follows_service_deployments(target.current):
        arn = current_deployment_arn(client, target.cluster, target.current)
        if arn and arn != (live or {}).get("currentServiceDeployment"):
            target.tracker = Tracker(arn, target.label, wait_until)


# Wait and roll back ----------------------------------------------------------------------------------------


def _follow(client: Any, targets: list[Target], deadline: float, settings: RunSettings, clock: Clock) -> None:
    """Follow every deployment this run started, together, to COMPLETED, FAILED or the deadline."""
    followed = [target for target in targets if target.plan["action"] != "none"]
    deploying = [
        target
        for target in followed
        if target.plan["action"] != "delete" and target.deployment_id and target.tracker is None
    ]
    deleting = [target for target in followed if target.plan["action"] == "delete"]

    def unsettled(target: Target) -> bool:
        if target.plan["action"] == "delete":
            return not is_gone(target.current)
        return not deployment_settled(target.current, target.deployment_id)

    _poll_targets(
        client,
        deploying + deleting,
        lambda _: True,
        deadline=deadline,
        settings=settings,
        clock=clock,
        follow=unsettled,
    )
    for target in deploying:
        state = deployment_state(target.current, target.deployment_id)
        target.outcome = TIMED_OUT if state == IN_PROGRESS else state
        if target.outcome != COMPLETED:
            target.failure = _failure_message(target)
        elif len((target.current or {}).get("deployments") or []) > 1:
            # Completed under early success criteria: the old revision's tasks go afterwards (DEFERRED).
            target.completed_early = True
    for target in deleting:
        target.outcome = COMPLETED if is_gone(target.current) else TIMED_OUT
        if target.outcome == TIMED_OUT:
            target.failure = f"{target.label}: timed out waiting for the service to be deleted"


def _failure_message(target: Target) -> str:
    ours = target.deployment_id
    if target.outcome == TIMED_OUT:
        message = f"{target.label}: deployment {ours} did not complete in time"
        problem = placement_problem(target.new_events())
        return message + (f"; ECS: {problem}" if problem else "")
    if target.outcome == FAILED:
        reason = (deployment_by_id(target.current, ours) or {}).get("rolloutStateReason")
        return f"{target.label}: deployment {ours} FAILED" + (f" ({reason})" if reason else "")
    if target.outcome == REPLACED:
        primary = primary_deployment(target.current) or {}
        return f"{target.label}: deployment {ours} was replaced by deployment {primary.get('id')} before it completed"
    return f"{target.label}: the service disappeared during deployment {ours}"


def _replaced_by_previous(target: Target) -> bool:
    """Whether the deployment that replaced ours runs the task definition of before this run, as the circuit
    breaker's rollback does. Any other replacement is someone else's deploy (a concurrent run, a pipeline)."""
    primary = primary_deployment(target.current) or {}
    previous = target.previous_task_definition or ""
    return short_task_definition(primary.get("taskDefinition") or "") == short_task_definition(previous)


def _roll_back(client: Any, targets: list[Target], settings: RunSettings, clock: Clock) -> None:
    """Put every failed service back on the task definition it ran before this run, then wait for all of them.

    A rollback that ECS's circuit breaker already started is followed and reported, not doubled, whatever
    ``rollback`` says; the module starts one of its own only when ``rollback`` is true.
    """
    failed = [
        target
        for target in targets
        if target.failure and target.plan["action"] in ("create", "update") and target.tracker is None
    ]
    by_ecs: list[Target] = []
    by_module: list[Target] = []
    for target in failed:
        previous = target.previous_task_definition
        if previous is None:
            target.failure += "; nothing to roll back to: the service did not exist before this run"
        elif circuit_breaker_rolls_back(target.current) and (
            target.outcome == FAILED or (target.outcome == REPLACED and _replaced_by_previous(target))
        ):
            target.rolled_back_by = "ecs"
            by_ecs.append(target)
        elif target.outcome == REPLACED:
            target.failure += "; not rolled back: the deployment that replaced it is someone else's"
        elif not settings.rollback:
            target.failure += "; not rolled back (rollback is false)"
        elif target.current is None:
            target.failure += "; nothing to roll back: the service is gone"
        elif short_task_definition(previous) == short_task_definition(target.current.get("taskDefinition", "")):
            target.failure += "; not rolled back: the service ran the same task definition before this run"
        else:
            # One UpdateService at a time; the waits below are shared.
            _update_to_previous(client, target)
            target.rolled_back_by = "module"
            by_module.append(target)
    if not by_ecs and not by_module:
        return
    # The rollback has a deadline of its own: the run's is spent when the rollout timed out.
    deadline = clock.now() + settings.wait_timeout

    def unsettled(target: Target) -> bool:
        if target.rolled_back_by == "ecs":
            return not replacement_settled(target.current, target.deployment_id)
        return not deployment_settled(target.current, target.rollback_deployment_id)

    _poll_targets(
        client, by_ecs + by_module, lambda _: True, deadline=deadline, settings=settings, clock=clock, follow=unsettled
    )
    for target in by_ecs + by_module:
        if target.rolled_back_by == "ecs":
            primary = primary_deployment(target.current) or {}
            if primary.get("id") != target.deployment_id:
                target.rollback_deployment_id = primary.get("id")
        state = (
            deployment_state(target.current, target.rollback_deployment_id) if target.rollback_deployment_id else None
        )
        target.rollback_outcome = TIMED_OUT if state in (None, IN_PROGRESS) else state
        target.rolled_back = target.rollback_outcome == COMPLETED
        who = "ECS's circuit breaker" if target.rolled_back_by == "ecs" else "the module"
        if target.rolled_back:
            target.failure += (
                f"; {who} rolled back to {target.previous_task_definition} (deployment {target.rollback_deployment_id})"
            )
        else:
            target.failure += f"; the rollback by {who} ended {target.rollback_outcome}"


def _update_to_previous(client: Any, target: Target) -> None:
    """UpdateService back to the revision the service ran before this run; remember the deployment it starts."""
    target.see(
        api.update_service(
            client,
            {"cluster": target.cluster, "service": target.name, "taskDefinition": target.previous_task_definition},
        )
    )
    target.rollback_deployment_id = (primary_deployment(target.current) or {}).get("id")


def _put_back_the_others(client: Any, targets: list[Target], settings: RunSettings, clock: Clock) -> None:
    """all_or_nothing: one service failed, so every other service this run moved goes back where it was.

    A blue/green, linear or canary deployment still running (in its bake time, or left at ``wait_until``) is
    stopped with a rollback; any other moved service is updated back to the revision it ran before, and followed
    like any rollout. Services the run did not move are not touched. A put-back that fails says so.
    """
    if not any(target.failure for target in targets):
        return
    moved = [
        target
        for target in targets
        if not target.failure and target.plan and target.plan["action"] == "update" and _moved(target)
    ]
    stopping: list[Target] = []
    updating: list[Target] = []
    for target in moved:
        tracker = target.tracker
        if tracker is not None and not is_ended(tracker.detail):
            stop_for_rollback(client, tracker)
            target.put_back = {"action": "stopped its service deployment with a rollback", "outcome": None}
            stopping.append(target)
        else:
            _update_to_previous(client, target)
            target.put_back = {
                "action": f"rolled back to {short_task_definition(target.previous_task_definition)}",
                "outcome": None,
            }
            updating.append(target)
    if not moved:
        return
    deadline = clock.now() + settings.wait_timeout
    if stopping:
        follow(
            client,
            [target.tracker for target in stopping],
            lambda tracker: is_ended(tracker.detail),
            deadline=deadline,
            interval=settings.poll_interval,
            clock=clock,
        )
    _poll_targets(
        client,
        updating,
        lambda _: True,
        deadline=deadline,
        settings=settings,
        clock=clock,
        follow=lambda target: not deployment_settled(target.current, target.rollback_deployment_id),
    )
    for target in stopping:
        status = target.tracker.status
        target.put_back["outcome"] = status
        target.rolled_back = status == ROLLBACK_SUCCESSFUL
    for target in updating:
        state = deployment_state(target.current, target.rollback_deployment_id)
        target.put_back["outcome"] = TIMED_OUT if state in (None, IN_PROGRESS) else state
        target.rolled_back = state == COMPLETED
    for target in moved:
        target.rolled_back_by = "module"
        if not target.rolled_back:
            target.failure = (
                f"{target.label}: put back because another service failed (all_or_nothing), but "
                f"{target.put_back['action']} ended {target.put_back['outcome']}"
            )


def _moved(target: Target) -> bool:
    """Whether this run started a deployment of the service (a new revision or a setting that redeploys)."""
    if target.tracker is not None:
        return True
    before = primary_deployment(target.live) or {}
    return bool(target.deployment_id) and target.deployment_id != before.get("id")


def _put_back_summary(targets: list[Target]) -> str:
    back = [target for target in targets if target.put_back]
    if not back:
        return ""
    return "; all_or_nothing put back " + ", ".join(
        f"{target.label} ({target.put_back['action']}: {target.put_back['outcome']})" for target in back
    )


def _follow_native(client: Any, targets: list[Target], deadline: float, settings: RunSettings, clock: Clock) -> None:
    """Follow blue/green, linear and canary deployments by their ARN, together, to their end (or ``wait_until``).

    SUCCESSFUL is success; ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED and STOPPED are failures however the service ends
    up. On timeout, or on a failure the module sees before ECS acts on it (a FAILED hook, a triggered circuit
    breaker or alarm), with ``rollback``, the module stops the deployment with a rollback (StopServiceDeployment
    ROLLBACK, nothing registered or deployed) and waits for it; a rollback ECS started itself is waited for too.
    """
    trackers = [target.tracker for target in targets if target.tracker is not None]
    if not trackers:
        return

    def settled_or_failing(tracker: Tracker) -> bool:
        return tracker.settled() or (settings.rollback and failure_seen(tracker.detail) is not None)

    follow(client, trackers, settled_or_failing, deadline=deadline, interval=settings.poll_interval, clock=clock)
    unsettled = [tracker for tracker in trackers if not tracker.settled()]
    for tracker in unsettled:
        # A failure seen before ECS acted on it, or the deadline: roll back (nothing registered, nothing deployed).
        tracker.failure = failure_seen(tracker.detail) if settings.rollback else None
        tracker.timed_out = tracker.failure is None
        tracker.stage_at_stop = tracker.stage
        if settings.rollback and not is_rolling_back(tracker.detail) and not is_ended(tracker.detail):
            stop_for_rollback(client, tracker)
    if unsettled:
        # What the stops did, or what ECS did meanwhile (a stop refused because ECS already rolls back).
        refresh(client, unsettled, clock.wall())
    # A rollback (ECS's or ours) is followed to its end, on a deadline of its own when the run's is spent.
    rolling_back = [tracker for tracker in trackers if is_rolling_back(tracker.detail) and not is_ended(tracker.detail)]
    if rolling_back or any(tracker.stopped_by_module for tracker in trackers):
        follow(
            client,
            trackers,
            lambda tracker: (
                is_ended(tracker.detail) or not (tracker.stopped_by_module or is_rolling_back(tracker.detail))
            ),
            deadline=max(deadline, clock.now() + settings.wait_timeout),
            interval=settings.poll_interval,
            clock=clock,
        )
    for target in targets:
        if target.tracker is not None:
            _native_outcome(target, settings)


def _refresh_native(client: Any, targets: list[Target]) -> None:
    """Describe the services whose service deployment was followed once more, batched as always.

    They were followed through DescribeServiceDeployments only, so ``current`` still is the UpdateService or
    CreateService answer: the rollout state, the counts, and after a rollback the task definition, are stale.
    """
    _describe(client, [target for target in targets if target.tracker is not None])


def _native_outcome(target: Target, settings: RunSettings) -> None:
    tracker = target.tracker
    arn = tracker.arn
    target.rolled_back = tracker.rolled_back
    if tracker.rolled_back or tracker.stopped_by_module:
        target.rolled_back_by = "module" if tracker.stopped_by_module else "ecs"
    if tracker.succeeded() and not tracker.timed_out:
        target.outcome = COMPLETED
        return
    reason = rollback_reason(tracker.detail)
    if tracker.failure is not None:
        target.outcome = FAILED
        message = f"{target.label}: service deployment {arn} failed: {tracker.failure}"
        if tracker.stopped_by_module:
            message += f"; the module stopped it with a rollback, which ended {tracker.status}"
        elif is_ended(tracker.detail):
            message += f"; ECS rolled it back itself, which ended {tracker.status}"
        else:
            message += f"; ECS is rolling it back: {tracker.status}"
        target.failure = message
        return
    if tracker.timed_out:
        target.outcome = TIMED_OUT
        wanted = "complete" if tracker.wait_until == WAIT_UNTIL_COMPLETED else f"reach {tracker.wait_until}"
        message = f"{target.label}: service deployment {arn} did not {wanted} in time (at {tracker.stage_at_stop})"
        if tracker.stopped_by_module:
            message += f"; the module stopped it with a rollback, which ended {tracker.status}"
        elif is_rolling_back(tracker.detail):
            message += f"; ECS is rolling it back: {tracker.status}"
        elif not settings.rollback:
            message += "; not rolled back (rollback is false)"
    elif is_failure(tracker.detail):
        target.outcome = FAILED
        message = f"{target.label}: service deployment {arn} ended {tracker.status}"
    else:
        target.outcome = FAILED
        message = (
            f"{target.label}: service deployment {arn} is rolling back ({tracker.status}) before {tracker.wait_until}"
        )
    target.failure = message + (f" ({reason})" if reason else "")


# Why it failed --------------------------------------------------------------------------------------------


def _explain_failures(
    client: Any,
    targets: list[Target],
    described: dict[str, dict | None],
    *,
    elbv2: Any,
    connect_to: Callable | None,
    log_lines: int,
) -> None:
    """Read why each failed rollout failed; a run where nothing failed makes no call here.

    A read that fails (a deployer whose policy leaves the diagnosis out) costs the reason, never the failure itself:
    the rollout's own message stands, and ``failure_details.unreadable`` says what could not be read.
    """
    for target in targets:
        if not target.failure or not target.present:
            continue
        try:
            _explain(client, target, described, elbv2=elbv2, connect_to=connect_to, log_lines=log_lines)
        except AnsibleECSError as error:
            target.why = {
                "reason": None,
                "stopped_tasks": [],
                "unhealthy_targets": [],
                "log_lines": [],
                "unreadable": error.message,
            }


def _explain(
    client: Any,
    target: Target,
    described: dict[str, dict | None],
    *,
    elbv2: Any,
    connect_to: Callable | None,
    log_lines: int,
) -> None:
    """Why one rollout failed: its stopped tasks, their containers' last lines, its targets' health."""
    revision = target.options.get("task_definition")
    stopped_arns = api.list_tasks(client, target.cluster, target.name, desired_status="STOPPED")
    tasks = api.describe_tasks(client, target.cluster, stopped_arns[-100:]) if stopped_arns else []
    stopped = stopped_tasks_of(tasks, revision)
    if revision and revision not in described:
        described[revision] = api.describe_task_definition(client, revision)
    definition = described.get(revision or "") or {}
    essential = {
        c.get("name"): c.get("essential", True) is not False for c in definition.get("containerDefinitions") or []
    }
    lines: list[str] = []
    failed = failed_container(stopped, essential)
    if failed and connect_to is not None and log_lines > 0:
        task, container = failed
        stream = log_streams(definition, task["task_arn"]).get(container["name"])
        if stream:
            logs = connect_to("logs", stream["region"])
            lines = api.last_log_lines(logs, stream["group"], stream["stream"], log_lines)
    health: list[dict] = []
    if elbv2 is not None:
        for balancer in (target.current or target.live or {}).get("loadBalancers") or []:
            arn = balancer.get("targetGroupArn")
            if arn:
                health += [{**item, "TargetGroupArn": arn} for item in api.describe_target_health(elbv2, arn)]
    unhealthy = unhealthy_targets(health)
    events = target.new_events()
    reason = telling_reason(stopped, essential, lines, unhealthy, events)
    target.why = {
        "reason": reason,
        "stopped_tasks": stopped,
        "unhealthy_targets": unhealthy,
        "log_lines": lines,
    }
    if reason:
        target.failure += f"; why: {reason}"


# Report ----------------------------------------------------------------------------------------------------


def _target_result(target: Target, settings: RunSettings, duration: float) -> dict:
    plan = target.plan or {}
    if settings.check_mode:
        service = predicted_service(target.live, plan, target.cluster, target.name)
    else:
        service = target.current
    ours = deployment_by_id(target.current, target.deployment_id) if target.deployment_id else None
    if target.deployment_id is None and not settings.check_mode and plan.get("action") == "none":
        ours = primary_deployment(target.live)
    result = {
        "cluster": target.cluster,
        "service_name": target.name,
        "changed": plan_changes(plan) if plan else False,
        "action": plan.get("action"),
        "differences": plan.get("differences", []),
        "service": service_result(service),
        "deployment_id": (ours or {}).get("id", target.deployment_id),
        "rollout_state": (ours or {}).get("rolloutState") if ours else _rollout_state_fallback(target),
        "previous_task_definition_arn": (target.live or {}).get("taskDefinition"),
        "rolled_back": target.rolled_back,
        "rolled_back_by": target.rolled_back_by,
        "rollback_deployment_id": target.rollback_deployment_id,
        "rollback_rollout_state": target.rollback_outcome,
        "waited_for_deployment": target.waited_for_deployment,
        "events": events_result(target.new_events()),
        "duration": round(duration, 3),
        "failed": bool(target.failure),
    }
    if target.tracker is not None:
        result.update(target.tracker.result())
        result["traffic"] = target.traffic
    if target.put_back is not None:
        result["put_back"] = dict(target.put_back)
    if target.completed_early:
        result["completed_early"] = True
        result["completed_at"] = (ours or {}).get("updatedAt")
    if target.why is not None:
        result["failure_reason"] = target.why["reason"]
        result["failure_details"] = target.why
    if target.failure:
        result["msg"] = target.failure
    if settings.diff:
        result["diff"] = {
            "before": settings_result(plan.get("before", {})),
            "after": settings_result(plan.get("after", {})),
            "before_header": target.label,
            "after_header": target.label,
        }
    return result


def _rollout_state_fallback(target: Target) -> str | None:
    if target.outcome == TIMED_OUT:
        return IN_PROGRESS
    if target.outcome in (FAILED, REPLACED):
        return FAILED
    return None


def _report(targets: list[Target], list_mode: bool, settings: RunSettings, duration: float) -> dict:
    results = [_target_result(target, settings, duration) for target in targets]
    failed = [result for result in results if result["failed"]]
    timed_out = any(TIMED_OUT in (target.outcome, target.rollback_outcome) for target in targets)
    if list_mode:
        report: dict[str, Any] = {
            "changed": any(result["changed"] for result in results),
            "results": results,
            "duration": round(duration, 3),
        }
        if settings.diff:
            report["diff"] = [result.pop("diff") for result in results]
        if failed:
            summary = "; ".join(result["msg"] for result in failed) + _put_back_summary(targets)
            error = ECSTimeoutError if timed_out else AnsibleECSError
            raise error(message=f"{len(failed)} of {len(results)} services failed: {summary}", **report)
        return report
    report = results[0]
    message = report.pop("msg", None)
    report.pop("failed")
    if message:
        error = ECSTimeoutError if timed_out else AnsibleECSError
        raise error(message=message, **report)
    return report
