# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: one-off tasks, from what is declared to RunTask requests, and from DescribeTasks to a verdict. Knowledge layer.

A *run* is one declared task (a migration, a smoke check): a revision, its container overrides, a count. Runs that
share a ``group`` (the tasks of one service) go one after the other, in the order written; groups go side by side.

A run succeeds when every task it started stopped with every essential container at exit code 0. Anything else
fails it, with a message that names the task, the container, its exit code or the task's stop reason, and the last
lines the container logged.

Environment overrides are shown by name only unless marked ``safe``; their values are also masked in log lines.
"""

from __future__ import annotations

import copy
from typing import Any

from .exceptions import ECSValidationError
from .vocabulary import ECS_NAME_PATTERN

MASK = "********"
MAX_COUNT = 10  # RunTask: "You can specify up to 10 tasks for each call."
SUCCEEDED = "succeeded"
FAILED = "failed"
TIMED_OUT = "timed_out"
NOT_RUN = "not_run"
RUNNING = "running"


def check_runs(runs: list[dict], params: dict) -> None:
    """Refuse what RunTask would refuse, or what makes no sense, before anything is started.

    Raises:
        ECSValidationError: naming the option by its path (``runs[1] (api/migrate).count``).
    """
    for name in ("wait_timeout", "poll_interval"):
        value = params.get(name)
        if value is not None and value <= 0:
            raise ECSValidationError(f"{name} must be more than 0, got {value}")
    if (params.get("log_lines") or 0) < 0:
        raise ECSValidationError(f"log_lines must be 0 or more, got {params['log_lines']}")
    seen: set = set()
    for index, run in enumerate(runs):
        where = label(run, index)
        if not run.get("name"):
            raise ECSValidationError(f"{where}.name is required: it names the task in the summary")
        key = (run.get("group"), run["name"])
        if key in seen:
            raise ECSValidationError(f"{where}.name: {run['name']!r} is given twice in {run.get('group') or 'the run'}")
        seen.add(key)
        if not run.get("cluster"):
            raise ECSValidationError(f"{where}.cluster is required")
        if not run.get("task_definition") and not run.get("service"):
            raise ECSValidationError(f"{where}: give task_definition, or service to run the revision it runs")
        if run.get("service") and not ECS_NAME_PATTERN.match(str(run["service"])):
            raise ECSValidationError(f"{where}.service {run['service']!r} is not a service name")
        count = run.get("count", 1)
        if not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            raise ECSValidationError(f"{where}.count must be 1 to {MAX_COUNT} (RunTask's limit), got {count!r}")
        for position, override in enumerate(run.get("container_overrides") or []):
            command = override.get("command")
            if command is not None and (
                not isinstance(command, list) or not all(isinstance(part, str) for part in command)
            ):
                raise ECSValidationError(
                    f"{where}.container_overrides[{position}].command must be a list of strings, got {command!r}"
                )


def label(run: dict, index: int) -> str:
    group = f"{run.get('group')}/" if run.get("group") else ""
    return f"runs[{index}] ({group}{run.get('name') or '?'})"


def check_against_definition(run: dict, definition: dict, where: str) -> None:
    """Every overridden container is one of the task definition's."""
    names = [container.get("name") for container in definition.get("containerDefinitions") or []]
    for position, override in enumerate(run.get("container_overrides") or []):
        if override.get("name") not in names:
            raise ECSValidationError(
                f"{where}.container_overrides[{position}].name: {override.get('name')!r} is not a container of "
                f"{definition.get('family')}:{definition.get('revision')}; its containers are {', '.join(names)}"
            )


def placement_of(run: dict, service: dict | None, definition: dict, where: str) -> dict:
    """Launch type or capacity providers, platform version and network: the run's own, else the service's."""
    placement: dict[str, Any] = {}
    strategy = run.get("capacity_provider_strategy")
    if strategy:
        placement["capacityProviderStrategy"] = [
            {
                key: value
                for key, value in (
                    ("capacityProvider", item["capacity_provider"]),
                    ("weight", item.get("weight")),
                    ("base", item.get("base")),
                )
                if value is not None
            }
            for item in strategy
        ]
    elif run.get("launch_type"):
        placement["launchType"] = run["launch_type"]
    elif service and service.get("capacityProviderStrategy"):
        placement["capacityProviderStrategy"] = copy.deepcopy(service["capacityProviderStrategy"])
    elif service and service.get("launchType"):
        placement["launchType"] = service["launchType"]
    platform = run.get("platform_version") or (service or {}).get("platformVersion")
    if platform:
        placement["platformVersion"] = platform
    network = run.get("network_configuration")
    if network:
        awsvpc = {"subnets": list(network.get("subnets") or [])}
        if network.get("security_groups"):
            awsvpc["securityGroups"] = list(network["security_groups"])
        if network.get("assign_public_ip") is not None:
            awsvpc["assignPublicIp"] = "ENABLED" if network["assign_public_ip"] else "DISABLED"
        placement["networkConfiguration"] = {"awsvpcConfiguration": awsvpc}
    elif service and service.get("networkConfiguration"):
        placement["networkConfiguration"] = copy.deepcopy(service["networkConfiguration"])
    if definition.get("networkMode") == "awsvpc" and "networkConfiguration" not in placement:
        raise ECSValidationError(
            f"{where}: {definition.get('family')}:{definition.get('revision')} uses the awsvpc network mode, which "
            "needs network_configuration (subnets), or a service whose network the task can take"
        )
    return placement


def run_task_request(run: dict, definition_arn: str, placement: dict, token: str) -> dict:
    """The RunTask request of one run. ``token`` is RunTask's clientToken: one per run, the same on a retry."""
    request: dict[str, Any] = {
        "cluster": run["cluster"],
        "taskDefinition": definition_arn,
        "count": run.get("count", 1),
        "clientToken": token,
        **copy.deepcopy(placement),
    }
    overrides = [_override(override) for override in run.get("container_overrides") or []]
    if overrides:
        request["overrides"] = {"containerOverrides": overrides}
    request["startedBy"] = (run.get("started_by") or f"driftless.ecs/{run['name']}")[:128]
    if run.get("tags"):
        request["tags"] = [{"key": str(key), "value": str(value)} for key, value in run["tags"].items()]
    if run.get("propagate_tags"):
        request["propagateTags"] = run["propagate_tags"]
    return request


def _override(override: dict) -> dict:
    result: dict[str, Any] = {"name": override["name"]}
    if override.get("command") is not None:
        result["command"] = list(override["command"])
    if override.get("environment"):
        result["environment"] = [
            {"name": item["name"], "value": str(item.get("value", ""))} for item in override["environment"]
        ]
    for option, member in (("cpu", "cpu"), ("memory", "memory")):
        if override.get(option) is not None:
            result[member] = override[option]
    return result


def shown_request(request: dict, run: dict) -> dict:
    """What check mode and the result show of a request: environment values masked unless marked safe."""
    shown = copy.deepcopy(request)
    shown.pop("clientToken", None)
    safe = {
        (override["name"], item["name"])
        for override in run.get("container_overrides") or []
        for item in override.get("environment") or []
        if item.get("safe")
    }
    for override in (shown.get("overrides") or {}).get("containerOverrides") or []:
        for item in override.get("environment") or []:
            if (override["name"], item["name"]) not in safe:
                item["value"] = MASK
    return shown


def secrets_of(runs: list[dict]) -> list[str]:
    """The environment override values not marked safe: masked wherever they would be shown, log lines included."""
    return sorted(
        {
            str(item.get("value"))
            for run in runs
            for override in run.get("container_overrides") or []
            for item in override.get("environment") or []
            if not item.get("safe") and str(item.get("value") or "")
        },
        key=len,
        reverse=True,
    )


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def log_streams(definition: dict, task_arn: str) -> dict[str, dict]:
    """Per container that logs with awslogs: ``{"group", "region", "stream"}`` of this task (``PREFIX/NAME/ID``)."""
    task_id = task_arn.rsplit("/", 1)[-1]
    streams = {}
    for container in definition.get("containerDefinitions") or []:
        configuration = container.get("logConfiguration") or {}
        options = configuration.get("options") or {}
        if configuration.get("logDriver") != "awslogs" or not options.get("awslogs-group"):
            continue
        prefix = options.get("awslogs-stream-prefix")
        streams[container["name"]] = {
            "group": options["awslogs-group"],
            "region": options.get("awslogs-region"),
            "stream": f"{prefix}/{container['name']}/{task_id}" if prefix else task_id,
        }
    return streams


def task_result(task: dict, definition: dict, log_lines: dict[str, list[str]]) -> dict:
    """One task as the module returns it."""
    essential = {
        container.get("name"): container.get("essential", True) is not False
        for container in definition.get("containerDefinitions") or []
    }
    return {
        "task_arn": task.get("taskArn"),
        "last_status": task.get("lastStatus"),
        "stopped_reason": task.get("stoppedReason"),
        "stop_code": task.get("stopCode"),
        "containers": [
            {
                "name": container.get("name"),
                "essential": essential.get(container.get("name"), True),
                "exit_code": container.get("exitCode"),
                "reason": container.get("reason"),
                "log_lines": log_lines.get(container.get("name"), []),
            }
            for container in task.get("containers") or []
        ],
    }


def task_problem(result: dict) -> str | None:
    """Why a stopped task failed (None: every essential container exited 0)."""
    if result["last_status"] != "STOPPED":
        return f"task {_short(result['task_arn'])} did not stop ({result['last_status']})"
    essentials = [container for container in result["containers"] if container["essential"]]
    for container in essentials:
        if container["exit_code"] is None:
            reason = container["reason"] or result["stopped_reason"] or "no exit code"
            return f"task {_short(result['task_arn'])}: container {container['name']} did not run: {reason}"
        if container["exit_code"] != 0:
            return f"task {_short(result['task_arn'])}: container {container['name']} exited {container['exit_code']}"
    if not essentials:
        return f"task {_short(result['task_arn'])}: {result['stopped_reason'] or 'no essential container'}"
    return None


def failure_message(name: str, problem: str, result: dict | None, lines: int) -> str:
    """``migrate: task 1a2b: container app exited 1; last log lines: ...``."""
    message = f"{name}: {problem}"
    if result is None:
        return message
    logged = next(
        (
            c["log_lines"]
            for c in result["containers"]
            if c["essential"] and c["exit_code"] not in (0,) and c["log_lines"]
        ),
        None,
    ) or next((c["log_lines"] for c in result["containers"] if c["log_lines"]), [])
    if logged and lines:
        message += "; last log lines: " + " | ".join(logged[-min(lines, 5) :])
    return message


def _short(task_arn: str | None) -> str:
    return (task_arn or "?").rsplit("/", 1)[-1][:12]
