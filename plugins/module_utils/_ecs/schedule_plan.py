# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: scheduled tasks of a service (``ecs_services[].schedules``) as EventBridge Scheduler schedules.

Knowledge layer. Three jobs, each before any AWS call:

- resolve a service's ``schedules`` declaration into checked entries of its plan, and the IAM role EventBridge
  Scheduler assumes to start the tasks (an ``extra_roles`` entry, made with the other roles of bootstrap);
- check a schedule expression the way EventBridge Scheduler does (six cron fields, ``?`` in exactly one of
  day-of-month and day-of-week, values in their ranges; ``rate(1 minute)`` singular, ``rate(5 minutes)`` plural);
- build and compare the CreateSchedule / UpdateSchedule requests of ecs_schedules, and pick which schedules a deploy
  moves to the revision it released.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

try:
    import zoneinfo
except ImportError:  # Python 3.8
    zoneinfo = None

from .exceptions import ECSValidationError
from .vocabulary import ECS_TASKS_PRINCIPAL, MAX_IAM_ROLE_NAME, SCHEDULER_PRINCIPAL

SCHEDULE_KEYS = (
    "name",
    "schedule",
    "command",
    "container",
    "enabled",
    "timezone",
    "count",
    "description",
    "schedule_name",
    "flexible_window_minutes",
)
# EventBridge Scheduler's limits on Name (and GroupName) and Description.
SCHEDULE_NAME_PATTERN = re.compile(r"^[0-9a-zA-Z_.-]{1,64}$")
MAX_SCHEDULE_NAME = 64
MAX_DESCRIPTION = 512
MAX_TIMEZONE = 50
# RunTask starts 1 to 10 tasks (EcsParameters.TaskCount).
MAX_TASK_COUNT = 10
MAX_FLEXIBLE_WINDOW_MINUTES = 1440
DEFAULT_GROUP = "default"
DEFAULT_TIMEZONE = "UTC"
SCHEDULER_ROLE_SUFFIX = "-scheduler"
SCHEDULER_POLICY_NAME = "run-scheduled-tasks"

_RATE = re.compile(r"^rate\((?P<value>\S+) (?P<unit>\S+)\)$")
_RATE_UNITS = {"minute": "minutes", "hour": "hours", "day": "days"}
_CRON = re.compile(r"^cron\((?P<fields>.*)\)$")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# name, lowest, highest, names, wildcards beyond "," "-" "*" "/"
_CRON_FIELDS = (
    ("minutes", 0, 59, (), ""),
    ("hours", 0, 23, (), ""),
    ("day-of-month", 1, 31, (), "?LW"),
    ("month", 1, 12, _MONTHS, ""),
    ("day-of-week", 1, 7, _DAYS, "?L#"),
    ("year", 1970, 2199, (), ""),
)


# Expressions ---------------------------------------------------------------------------------------------------


def expression_problem(expression: Any) -> str | None:
    """Why EventBridge Scheduler would refuse ``expression`` as a recurring schedule, or None when it takes it."""
    if not isinstance(expression, str) or not expression:
        return "must be a cron(...) or rate(...) expression"
    if expression.startswith("at("):
        return "is a one-time at() expression; a scheduled task recurs: use cron(...) or rate(...)"
    rate = _RATE.match(expression)
    if rate:
        return _rate_problem(rate.group("value"), rate.group("unit"))
    if expression.startswith("rate("):
        return "must be rate(VALUE UNIT), such as rate(1 hour) or rate(15 minutes)"
    cron = _CRON.match(expression)
    if cron:
        return _cron_problem(cron.group("fields"))
    return "must be a cron(...) or rate(...) expression, such as cron(0 3 * * ? *) or rate(1 day)"


def _rate_problem(value: str, unit: str) -> str | None:
    if not value.isdigit() or int(value) < 1:
        return f"rate value {value!r} must be a positive whole number"
    plural = _RATE_UNITS.get(unit)
    singular = next((one for one, many in _RATE_UNITS.items() if many == unit), None)
    if plural is None and singular is None:
        return f"rate unit {unit!r} must be one of minute, minutes, hour, hours, day, days"
    if int(value) == 1 and singular is not None:
        return f"rate(1 {unit}) must use the singular unit: rate(1 {singular})"
    if int(value) > 1 and plural is not None:
        return f"rate({value} {unit}) must use the plural unit: rate({value} {plural})"
    return None


def _cron_problem(text: str) -> str | None:
    fields = text.split()
    if len(fields) != 6:
        return (
            f"cron has {len(fields)} fields; EventBridge takes six: minutes hours day-of-month month day-of-week year "
            "(cron(0 3 * * ? *))"
        )
    for value, field in zip(fields, _CRON_FIELDS):
        problem = _field_problem(value, field)
        if problem:
            return f"cron {field[0]} field {value!r}: {problem}"
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        return (
            f"cron day-of-month {day_of_month!r} and day-of-week {day_of_week!r}: exactly one of them must be '?' "
            "(a value or * in one needs ? in the other)"
        )
    return None


def _field_problem(value: str, field: tuple) -> str | None:
    _name, lowest, highest, names, extra = field
    if value == "?":
        return None if "?" in extra else "'?' is allowed only in day-of-month and day-of-week"
    if "#" in value:
        if "#" not in extra:
            return "'#' is allowed only in day-of-week"
        if "," in value:
            return "a day-of-week with '#' may hold only one expression"
        day, nth = value.split("#", 1)
        if _number(day, lowest, highest, names) is None or not (nth.isdigit() and 1 <= int(nth) <= 5):
            return f"'#' takes a day {lowest}-{highest} and a week 1-5 (3#2: the second Tuesday)"
        return None
    for item in value.split(","):
        problem = _item_problem(item, field)
        if problem:
            return problem
    return None


def _item_problem(item: str, field: tuple) -> str | None:
    _name, lowest, highest, names, extra = field
    allowed = f"{lowest}-{highest}" + (f" or {names[0]}-{names[-1]}" if names else "")
    if "L" in extra and item == "L":
        return None
    if "W" in extra and (item == "LW" or (item.endswith("W") and _number(item[:-1], lowest, highest, ()) is not None)):
        return None
    if "#" in extra and item.endswith("L") and _number(item[:-1], lowest, highest, names) is not None:
        # 6L in day-of-week: the last Friday of the month.
        return None
    base, slash, step = item.partition("/")
    if slash and not (step.isdigit() and int(step) >= 1):
        return f"increment {step!r} must be a positive number"
    if base == "*":
        return None
    start, dash, end = base.partition("-")
    for part in (start, end) if dash else (start,):
        if _number(part, lowest, highest, names) is None:
            return f"{part!r} is out of range: values are {allowed}"
    return None


def _number(text: str, lowest: int, highest: int, names: tuple) -> int | None:
    if text.upper() in names:
        return lowest + names.index(text.upper())
    if text.isdigit() and lowest <= int(text) <= highest:
        return int(text)
    return None


# Declaration ---------------------------------------------------------------------------------------------------


def resolve(item: dict, where: str, plan: dict, container_names: list[str], *, account_id: str, partition: str) -> dict:
    """The plan keys of a service's schedules: ``schedules``, ``scheduler_role_name`` and ``scheduler_role_arn``
    (None without schedules), and ``extra_roles`` with, when it has schedules, the role EventBridge Scheduler assumes
    to run the service's tasks added.

    Raises:
        ECSValidationError: naming the field, ``ecs_services[worker].schedules[0].schedule ...``.
    """
    declared = item.get("schedules")
    if declared is None:
        declared = []
    if not isinstance(declared, list) or not all(isinstance(entry, dict) for entry in declared):
        raise ECSValidationError(f"{where}.schedules must be a list of schedules (mappings)")
    schedules: list[dict] = []
    for index, entry in enumerate(declared):
        checked = _schedule(entry, f"{where}.schedules[{index}]", plan, container_names)
        for earlier in schedules:
            if checked["name"] == earlier["name"]:
                raise ECSValidationError(f"{where}.schedules[{index}].name: {checked['name']!r} is given twice")
            if checked["schedule_name"] == earlier["schedule_name"]:
                raise ECSValidationError(
                    f"{where}.schedules[{index}].schedule_name: {checked['schedule_name']!r} is given twice"
                )
        schedules.append(checked)
    # Other kinds add their roles to extra_roles too: keep theirs, whichever resolved first.
    extra_roles = list(plan.get("extra_roles") or [])
    if not schedules:
        return {"schedules": [], "scheduler_role_name": None, "scheduler_role_arn": None, "extra_roles": extra_roles}
    role_name = f"{plan['cluster']}-{plan['name']}{SCHEDULER_ROLE_SUFFIX}"
    if len(role_name) > MAX_IAM_ROLE_NAME:
        raise ECSValidationError(
            f"{where}.schedules: the scheduler role name {role_name!r} is {len(role_name)} characters; IAM allows "
            f"{MAX_IAM_ROLE_NAME}. Shorten the cluster or service name"
        )
    role_arn = f"arn:{partition}:iam::{account_id}:role/{role_name}"
    return {
        "schedules": schedules,
        "scheduler_role_name": role_name,
        "scheduler_role_arn": role_arn,
        "extra_roles": [*extra_roles, scheduler_role(plan, role_name, account_id, partition)],
    }


def _schedule(entry: dict, at: str, plan: dict, container_names: list[str]) -> dict:
    for key in entry:
        if key not in SCHEDULE_KEYS:
            raise ECSValidationError(f"{at}.{key} is not a known key; a schedule takes {', '.join(SCHEDULE_KEYS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not SCHEDULE_NAME_PATTERN.match(name):
        raise ECSValidationError(
            f"{at}.name must be 1 to 64 letters, digits, hyphens, underscores or periods, got {name!r}"
        )
    schedule_name = entry.get("schedule_name") or f"{plan['cluster']}-{plan['name']}-{name}"
    if not isinstance(schedule_name, str) or not SCHEDULE_NAME_PATTERN.match(schedule_name):
        where = f"{at}.schedule_name" if entry.get("schedule_name") else f"{at}.name"
        raise ECSValidationError(
            f"{where}: the schedule's name in EventBridge Scheduler, {schedule_name!r}, must be 1 to "
            f"{MAX_SCHEDULE_NAME} letters, digits, hyphens, underscores or periods (it is CLUSTER-SERVICE-NAME unless "
            "schedule_name is set): shorten it or set schedule_name"
        )
    expression = entry.get("schedule")
    problem = expression_problem(expression)
    if problem:
        raise ECSValidationError(f"{at}.schedule {expression!r} {problem}")
    container = entry.get("container") or plan["main_container"]
    if container not in container_names:
        raise ECSValidationError(
            f"{at}.container {container!r} is not a container of the task definition; its containers are "
            f"{', '.join(repr(c) for c in container_names)}"
        )
    command = entry.get("command")
    if command is not None and (
        not isinstance(command, list) or not command or not all(isinstance(part, str) for part in command)
    ):
        raise ECSValidationError(f"{at}.command must be a list of strings ([bin/report, --daily]), got {command!r}")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ECSValidationError(f"{at}.enabled must be true or false, got {enabled!r}")
    count = entry.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_TASK_COUNT:
        raise ECSValidationError(f"{at}.count must be 1 to {MAX_TASK_COUNT} (RunTask's limit), got {count!r}")
    timezone = entry.get("timezone") or DEFAULT_TIMEZONE
    if not isinstance(timezone, str) or len(timezone) > MAX_TIMEZONE or not _known_timezone(timezone):
        raise ECSValidationError(f"{at}.timezone {timezone!r} is not an IANA time zone (Europe/Paris, UTC)")
    description = entry.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > MAX_DESCRIPTION):
        raise ECSValidationError(f"{at}.description must be a string of at most {MAX_DESCRIPTION} characters")
    window = entry.get("flexible_window_minutes")
    if window is not None and (
        not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= MAX_FLEXIBLE_WINDOW_MINUTES
    ):
        raise ECSValidationError(
            f"{at}.flexible_window_minutes must be 1 to {MAX_FLEXIBLE_WINDOW_MINUTES}, got {window!r}"
        )
    return {
        "name": name,
        "schedule_name": schedule_name,
        "group": DEFAULT_GROUP,
        "schedule": expression,
        "timezone": timezone,
        "enabled": enabled,
        "container": container,
        "command": copy.deepcopy(command),
        "count": count,
        "description": description
        if description is not None
        else f"{name} of service {plan['name']} in cluster {plan['cluster']} (driftless.ecs)",
        "flexible_window_minutes": window,
    }


def _known_timezone(name: str) -> bool:
    if zoneinfo is None:
        return True
    zones = zoneinfo.available_timezones()
    # Without a time zone database on the controller (or Python 3.8), EventBridge is the judge.
    return not zones or name in zones or name == DEFAULT_TIMEZONE


def scheduler_role(plan: dict, role_name: str, account_id: str, partition: str) -> dict:
    """The ``extra_roles`` entry of a service with schedules: EventBridge Scheduler may start the service's family
    in the service's cluster, and pass the task's execution and task roles to ECS tasks, nothing else.

    The trust policy names this account as the source (``aws:SourceAccount``), so that no other account's schedule can
    make EventBridge Scheduler assume the role (the confused deputy).
    """
    family_arn = f"arn:{partition}:ecs:*:{account_id}:task-definition/{plan['family']}:*"
    cluster_arn = f"arn:{partition}:ecs:*:{account_id}:cluster/{plan['cluster']}"
    passed = [arn for arn in (plan.get("execution_role_arn"), plan.get("task_role_arn")) if arn]
    statements: list[dict] = [
        {
            "Sid": "RunTheServiceFamily",
            "Effect": "Allow",
            "Action": "ecs:RunTask",
            "Resource": [family_arn],
            "Condition": {"ArnLike": {"ecs:cluster": cluster_arn}},
        }
    ]
    if passed:
        statements.append(
            {
                "Sid": "PassTheTaskRoles",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": sorted(set(passed)),
                "Condition": {"StringEquals": {"iam:PassedToService": ECS_TASKS_PRINCIPAL}},
            }
        )
    return {
        "name": role_name,
        "description": f"EventBridge Scheduler runs the scheduled tasks of service {plan['name']} in cluster "
        f"{plan['cluster']}",
        "trust_policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": SCHEDULER_PRINCIPAL},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                }
            ],
        },
        "inline_policies": {SCHEDULER_POLICY_NAME: {"Version": "2012-10-17", "Statement": statements}},
        "managed_policy_arns": [],
        "tags": {},
    }


# Module requests -----------------------------------------------------------------------------------------------


def bootstrap_requests(plans: list[dict]) -> list[dict]:
    """The ``schedules`` of ecs_schedules for bootstrap: every schedule of every plan, as declared."""
    requests = []
    for plan in plans:
        for schedule in plan.get("schedules") or []:
            request = {
                "name": schedule["schedule_name"],
                "label": schedule["name"],
                "cluster": plan["cluster"],
                "service": plan["name"],
                "schedule": schedule["schedule"],
                "timezone": schedule["timezone"],
                "enabled": schedule["enabled"],
                "container": schedule["container"],
                "count": schedule["count"],
                "description": schedule["description"],
                "role_arn": plan["scheduler_role_arn"],
            }
            for optional in ("command", "flexible_window_minutes"):
                if schedule.get(optional) is not None:
                    request[optional] = schedule[optional]
            requests.append(request)
    return requests


def follow_requests(
    plans: list[dict], resolved: list[dict], rolled_out: list[dict] | None, put_back: list[str] | None = None
) -> list[dict]:
    """The ``schedules`` of ecs_schedules in follow mode: the schedules of each service whose revision changed and
    whose rollout went through, to that revision. A failed or rolled-back service keeps its schedules where they are.

    Args:
        plans: the service plans.
        resolved: ecs_taskdef_live's ``results``, in plan order.
        rolled_out: ecs_service_rollout's ``results`` (None when no rollout ran: nothing moves).
        put_back: the services (``cluster/name``) rolled back after their checks failed: theirs stay too.
    """
    rollouts = {(item.get("cluster"), _service_name(item)): item for item in rolled_out or []}
    requests = []
    for plan, taskdef in zip(plans, resolved):
        if not plan.get("schedules"):
            continue
        new = taskdef.get("task_definition_arn")
        if not new or new == taskdef.get("live_task_definition_arn"):
            continue
        rollout = rollouts.get((plan["cluster"], plan["name"]))
        if rollout is None or rollout.get("failed") or rollout.get("rolled_back"):
            continue
        if f"{plan['cluster']}/{plan['name']}" in (put_back or []):
            continue
        requests += [
            {
                "name": schedule["schedule_name"],
                "label": schedule["name"],
                "cluster": plan["cluster"],
                "service": plan["name"],
                "task_definition": new,
            }
            for schedule in plan["schedules"]
        ]
    return requests


def _service_name(result: dict) -> str | None:
    return result.get("service_name") or (result.get("service") or {}).get("service_name")


def cluster_arn(task_definition_arn: str, cluster: str) -> str:
    """The cluster's ARN, in the partition, region and account of a task definition ARN."""
    prefix = task_definition_arn.split(":task-definition/", 1)[0]
    return f"{prefix}:cluster/{cluster}"


def ecs_parameters(task_definition_arn: str, count: int, placement: dict) -> dict:
    """EcsParameters from a RunTask placement (``launchType`` or ``capacityProviderStrategy``, ``platformVersion``,
    ``networkConfiguration`` in ECS's own spelling): EventBridge Scheduler capitalises the network's keys."""
    parameters: dict[str, Any] = {"TaskDefinitionArn": task_definition_arn, "TaskCount": count}
    if placement.get("capacityProviderStrategy"):
        parameters["CapacityProviderStrategy"] = [
            {key: item[key] for key in ("capacityProvider", "weight", "base") if item.get(key) is not None}
            for item in placement["capacityProviderStrategy"]
        ]
    elif placement.get("launchType"):
        parameters["LaunchType"] = placement["launchType"]
    if placement.get("platformVersion"):
        parameters["PlatformVersion"] = placement["platformVersion"]
    awsvpc = (placement.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    if awsvpc:
        network: dict[str, Any] = {"Subnets": list(awsvpc.get("subnets") or [])}
        if awsvpc.get("securityGroups"):
            network["SecurityGroups"] = list(awsvpc["securityGroups"])
        if awsvpc.get("assignPublicIp"):
            network["AssignPublicIp"] = awsvpc["assignPublicIp"]
        parameters["NetworkConfiguration"] = {"awsvpcConfiguration": network}
    return parameters


def task_input(container: str, command: list[str] | None) -> str | None:
    """The target's Input: the RunTask ``overrides`` EventBridge Scheduler sends, as JSON; None without a command."""
    if not command:
        return None
    return json.dumps({"containerOverrides": [{"name": container, "command": list(command)}]}, sort_keys=True)


# Fields of GetSchedule that UpdateSchedule takes back; the others (Arn, dates of creation) are AWS's own.
UPDATABLE_FIELDS = (
    "Name",
    "GroupName",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "StartDate",
    "EndDate",
    "Description",
    "State",
    "KmsKeyArn",
    "Target",
    "FlexibleTimeWindow",
    "ActionAfterCompletion",
)


def as_request(live: dict) -> dict:
    """A described schedule as the UpdateSchedule request that leaves it as it is (UpdateSchedule replaces all)."""
    return {key: copy.deepcopy(live[key]) for key in UPDATABLE_FIELDS if live.get(key) is not None}


def declared_request(item: dict, task_definition_arn: str, placement: dict, live: dict | None) -> dict:
    """The CreateSchedule / UpdateSchedule request of a declared schedule, on ``task_definition_arn``.

    What the declaration does not name (a retry policy, a dead-letter queue, start and end dates, a KMS key, a
    flexible window set by hand) is kept as read from ``live``.
    """
    request = as_request(live) if live else {}
    request.update(
        Name=item["name"],
        GroupName=item.get("group") or DEFAULT_GROUP,
        ScheduleExpression=item["schedule"],
        ScheduleExpressionTimezone=item.get("timezone") or DEFAULT_TIMEZONE,
        State="ENABLED" if item.get("enabled", True) else "DISABLED",
    )
    if item.get("description") is not None:
        request["Description"] = item["description"]
    if item.get("flexible_window_minutes"):
        request["FlexibleTimeWindow"] = {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": item["flexible_window_minutes"]}
    else:
        request.setdefault("FlexibleTimeWindow", {"Mode": "OFF"})
    target = copy.deepcopy(request.get("Target") or {})
    target.update(
        Arn=cluster_arn(task_definition_arn, item["cluster"]),
        RoleArn=item["role_arn"],
        EcsParameters={
            **(target.get("EcsParameters") or {}),
            **ecs_parameters(task_definition_arn, item.get("count", 1), placement),
        },
    )
    command_input = task_input(item["container"], item.get("command"))
    if command_input:
        target["Input"] = command_input
    else:
        target.pop("Input", None)
    request["Target"] = target
    return request


def moved_request(live: dict, task_definition_arn: str) -> dict:
    """The UpdateSchedule request that moves a schedule to another revision and changes nothing else."""
    request = as_request(live)
    request["Target"]["EcsParameters"]["TaskDefinitionArn"] = task_definition_arn
    return request


def comparable(request: dict) -> dict:
    """A request in a shape two of which compare equal when EventBridge would keep the same schedule."""
    shown = copy.deepcopy(request)
    target = shown.get("Target") or {}
    if isinstance(target.get("Input"), str):
        try:
            target["Input"] = json.loads(target["Input"])
        except ValueError:
            pass
    retry = target.get("RetryPolicy")
    if retry is not None and not retry:
        target.pop("RetryPolicy")
    return shown


def target_revision(schedule: dict | None) -> str | None:
    """The task definition ARN a described schedule runs."""
    return (((schedule or {}).get("Target") or {}).get("EcsParameters") or {}).get("TaskDefinitionArn")


def revision_name(arn: str | None) -> str | None:
    """``worker:13`` from a task definition ARN."""
    return arn.rsplit("/", 1)[-1] if arn else None


def moved_lines(result: dict | None) -> dict[str, list[str]]:
    """ecs_schedules' follow result, by service (``cluster/name``): ``nightly-report -> worker:13`` per schedule
    moved."""
    found: dict[str, list[str]] = {}
    for schedule in (result or {}).get("schedules") or []:
        if schedule.get("action") not in ("moved", "would move"):
            continue
        key = f"{schedule.get('cluster')}/{schedule.get('service')}"
        found.setdefault(key, []).append(
            f"{schedule.get('label') or schedule.get('name')} -> {revision_name(schedule.get('task_definition'))}"
        )
    return found
