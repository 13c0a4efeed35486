# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_task_run: start one-off tasks, follow them to STOPPED, judge them by their exit codes.

Orchestration layer. Steps:
  1. check every run (``task_run_plan.check_runs``), read the services they take their revision and network from
     (DescribeServices, ten a call) and their task definitions (one DescribeTaskDefinition each), and build every
     RunTask request: a bad run fails here, before any task starts;
  2. check mode stops there and returns what would run;
  3. start the first run of every group (RunTask, with a clientToken); then poll: one DescribeTasks per cluster for
     every task still running, and when a run's tasks have all stopped, read their containers' last log lines and
     judge it. A run that succeeds starts the next one of its group; a run that fails leaves the rest of its group
     unstarted;
  4. at the deadline, StopTask every task still running, with a reason that says why, and fail with the partial
     result.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from . import api
from .args import TASK_RUN_ITEM_ARG_SPEC
from .exceptions import AnsibleECSError, ECSTimeoutError, ECSValidationError
from .rolling_deployments import primary_deployment
from .task_run_plan import (
    FAILED,
    NOT_RUN,
    RUNNING,
    SUCCEEDED,
    TIMED_OUT,
    check_against_definition,
    check_runs,
    failure_message,
    label,
    log_streams,
    placement_of,
    redact,
    run_task_request,
    secrets_of,
    shown_request,
    task_problem,
    task_result,
)
from .waiting import Clock, poll

RUN_KEYS = (
    "name",
    "cluster",
    "service",
    "task_definition",
    "container_overrides",
    "count",
    "started_by",
    "tags",
    "propagate_tags",
    "launch_type",
    "capacity_provider_strategy",
    "platform_version",
    "network_configuration",
    "group",
)


@dataclass
class Run:
    """One declared run and what became of it."""

    options: dict
    where: str
    definition: dict = field(default_factory=dict)
    request: dict = field(default_factory=dict)
    task_arns: list[str] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    status: str = NOT_RUN
    message: str | None = None
    started: float | None = None
    duration: float | None = None

    @property
    def group(self) -> str:
        return self.options.get("group") or ""


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    connect_to: Callable | None = None,
) -> dict:
    """ecs_task_run: the module's params in, its result out (raises with the partial result on failure)."""
    clock = clock or Clock()
    declared = _declared_runs(params)
    check_runs(declared, params)
    runs = [Run(options=options, where=label(options, index)) for index, options in enumerate(declared)]
    _prepare(client, runs)
    secrets = secrets_of(declared)
    if check_mode:
        return {
            "changed": False,
            "runs": [_run_result(item, secrets, would_run=True) for item in runs],
            "tasks": [],
        }
    deadline = clock.now() + params["wait_timeout"]
    _execute(client, runs, params, deadline, clock=clock, connect_to=connect_to)
    result = {
        "changed": any(item.task_arns for item in runs),
        "runs": [_run_result(item, secrets) for item in runs],
        "tasks": [_redacted(task, secrets) for item in runs for task in item.tasks],
    }
    timed_out = [item for item in runs if item.status == TIMED_OUT]
    if timed_out:
        raise ECSTimeoutError(redact("; ".join(item.message or item.where for item in timed_out), secrets), **result)
    failed = [item for item in runs if item.status == FAILED]
    if failed:
        raise AnsibleECSError(redact("; ".join(item.message or item.where for item in failed), secrets), **result)
    return result


def _declared_runs(params: dict) -> list[dict]:
    if not params.get("runs"):
        return [{key: params.get(key) for key in RUN_KEYS if params.get(key) is not None}]
    validator = ArgumentSpecValidator(TASK_RUN_ITEM_ARG_SPEC)
    runs = []
    for index, item in enumerate(params["runs"]):
        checked = validator.validate(copy.deepcopy(item))
        if checked.error_messages:
            raise ECSValidationError(f"runs[{index}]: {'; '.join(checked.error_messages)}")
        runs.append({key: value for key, value in checked.validated_parameters.items() if value is not None})
    return runs


def _prepare(client: Any, runs: list[Run]) -> None:
    """Read services and task definitions, check each run against them, and build its RunTask request."""
    services: dict[tuple[str, str], dict | None] = {}
    wanted: dict[str, list[str]] = {}
    for item in runs:
        if item.options.get("service"):
            wanted.setdefault(item.options["cluster"], []).append(item.options["service"])
    for cluster, names in wanted.items():
        found = {
            service["serviceName"]: service
            for service in api.describe_services(client, cluster, sorted(set(names)))
            if service.get("status") != "INACTIVE"
        }
        for name in names:
            services[(cluster, name)] = found.get(name)
    definitions: dict[str, dict | None] = {}
    for item in runs:
        service = None
        if item.options.get("service"):
            service = services.get((item.options["cluster"], item.options["service"]))
            if service is None:
                raise ECSValidationError(
                    f"{item.where}.service: {item.options['cluster']}/{item.options['service']} is not an ACTIVE "
                    "service"
                )
        reference = item.options.get("task_definition") or (
            (primary_deployment(service) or {}).get("taskDefinition") or service.get("taskDefinition")
        )
        if reference not in definitions:
            definitions[reference] = api.describe_task_definition(client, reference)
        definition = definitions[reference]
        if definition is None:
            raise ECSValidationError(f"{item.where}.task_definition: {reference!r} does not exist")
        check_against_definition(item.options, definition, item.where)
        placement = placement_of(item.options, service, definition, item.where)
        item.definition = definition
        item.request = run_task_request(item.options, definition["taskDefinitionArn"], placement, uuid.uuid4().hex)


def _execute(
    client: Any, runs: list[Run], params: dict, deadline: float, *, clock: Clock, connect_to: Callable | None
) -> None:
    groups: dict[str, list[Run]] = {}
    for item in runs:
        groups.setdefault(item.group, []).append(item)
    active: list[Run] = []
    for members in groups.values():
        _start_next(client, members, active, clock)

    def step() -> list[Run]:
        _observe(client, active, params["log_lines"], clock, connect_to)
        for item in [item for item in active if item.status != RUNNING]:
            active.remove(item)
            if item.status == SUCCEEDED:
                _start_next(client, groups[item.group], active, clock)
        return active

    finished = poll(step, lambda still: not still, deadline, params["poll_interval"], clock)[0]
    if not finished:
        for item in active:
            _stop(client, item, params["wait_timeout"])
            item.status = TIMED_OUT
            item.duration = clock.now() - (item.started or clock.now())
            item.message = (
                f"{item.options['name']}: still running after wait_timeout ({params['wait_timeout']} s); stopped "
                f"{len(item.task_arns)} task(s) with StopTask"
            )


def _start_next(client: Any, members: list[Run], active: list[Run], clock: Clock) -> None:
    """Start the first run of a group that has not run yet, unless one of the group failed."""
    if any(item.status in (FAILED, TIMED_OUT) for item in members):
        return
    pending = next((item for item in members if item.status == NOT_RUN), None)
    if pending is None:
        return
    pending.started = clock.now()
    try:
        started = api.run_task(client, pending.request)
    except AnsibleECSError as error:
        # ECS refused to start it (a bad subnet, no container instance): this run fails with ECS's reason, and the
        # other groups go on.
        pending.status = FAILED
        pending.message = f"{pending.options['name']}: ECS could not start the task: {error.message}"
        return
    pending.task_arns = [task["taskArn"] for task in started["tasks"]]
    if started["failures"] or not pending.task_arns:
        reasons = ", ".join(
            f"{failure.get('reason')}{' (' + failure['detail'] + ')' if failure.get('detail') else ''}"
            for failure in started["failures"]
        )
        pending.status = FAILED
        pending.message = f"{pending.options['name']}: ECS could not start the task: {reasons or 'no task started'}"
        pending.tasks = [task_result(task, pending.definition, {}) for task in started["tasks"]]
        return
    pending.status = RUNNING
    active.append(pending)


def _observe(client: Any, active: list[Run], log_lines: int, clock: Clock, connect_to: Callable | None) -> None:
    by_cluster: dict[str, list[Run]] = {}
    for item in active:
        by_cluster.setdefault(item.options["cluster"], []).append(item)
    for cluster, members in by_cluster.items():
        arns = [arn for item in members for arn in item.task_arns]
        seen = {task["taskArn"]: task for task in api.describe_tasks(client, cluster, arns)}
        for item in members:
            tasks = [seen[arn] for arn in item.task_arns if arn in seen]
            if len(tasks) < len(item.task_arns) or any(task.get("lastStatus") != "STOPPED" for task in tasks):
                continue
            item.duration = clock.now() - (item.started or clock.now())
            item.tasks = [
                task_result(task, item.definition, _logs(task, item.definition, log_lines, connect_to))
                for task in tasks
            ]
            problems = [problem for problem in (task_problem(result) for result in item.tasks) if problem]
            if problems:
                failed = next(result for result in item.tasks if task_problem(result))
                item.status = FAILED
                item.message = failure_message(item.options["name"], problems[0], failed, log_lines)
            else:
                item.status = SUCCEEDED


def _logs(task: dict, definition: dict, count: int, connect_to: Callable | None) -> dict[str, list[str]]:
    if not count or connect_to is None:
        return {}
    lines = {}
    for container, where in log_streams(definition, task["taskArn"]).items():
        lines[container] = api.last_log_lines(
            connect_to("logs", where["region"]), where["group"], where["stream"], count
        )
    return lines


def _stop(client: Any, item: Run, wait_timeout: float) -> None:
    reason = f"Stopped by driftless.ecs: {item.options['name']} was still running after wait_timeout ({wait_timeout} s)"
    for arn in item.task_arns:
        api.stop_task(client, item.options["cluster"], arn, reason)
    item.tasks = [
        {
            "task_arn": arn,
            "last_status": "STOPPING",
            "stopped_reason": reason,
            "stop_code": "UserInitiated",
            "containers": [],
        }
        for arn in item.task_arns
    ]


def _run_result(item: Run, secrets: list[str], would_run: bool = False) -> dict:
    result = {
        "name": item.options["name"],
        "group": item.group or None,
        "task_definition": item.definition.get("taskDefinitionArn"),
        "status": "would_run" if would_run else item.status,
        "duration": None if item.duration is None else round(item.duration, 1),
        "request": shown_request(item.request, item.options),
        "message": None if item.message is None else redact(item.message, secrets),
        "task_arns": list(item.task_arns),
    }
    if not would_run:
        result["tasks"] = [_redacted(task, secrets) for task in item.tasks]
    return result


def _redacted(task: dict, secrets: list[str]) -> dict:
    if not secrets:
        return task
    cleaned = dict(task)
    cleaned["containers"] = [
        {**container, "log_lines": [redact(line, secrets) for line in container.get("log_lines") or []]}
        for container in task.get("containers") or []
    ]
    return cleaned
