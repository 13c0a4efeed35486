"""EventBridge Scheduler's refusals on CreateSchedule and UpdateSchedule, where moto takes anything.

moto stores any schedule it is sent. EventBridge Scheduler refuses, with ``ValidationException``:

- a Name or GroupName that is not 1 to 64 of ``[0-9a-zA-Z-_.]``;
- a ScheduleExpression that is not ``at(...)``, ``rate(VALUE UNIT)`` (singular unit for 1, plural above) or
  ``cron(...)`` of six fields with ``?`` in exactly one of day-of-month and day-of-week and values in range;
- a target role that EventBridge Scheduler may not assume ("The execution role you provide must allow AWS
  EventBridge Scheduler to assume the role."): a role missing from IAM, or whose trust policy does not let
  ``scheduler.amazonaws.com`` call ``sts:AssumeRole``.

Written apart from the collection's own checks (``schedule_plan``), so that a mistake there is not repeated here.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from moto.iam.models import iam_backends
from moto.scheduler.exceptions import ValidationException
from moto.scheduler.models import EventBridgeSchedulerBackend

NAME = re.compile(r"^[0-9a-zA-Z_.-]{1,64}$")
RATE = re.compile(r"^rate\(([1-9][0-9]*) (minute|minutes|hour|hours|day|days)\)$")
AT = re.compile(r"^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$")
CRON = re.compile(r"^cron\(([^)]*)\)$")
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
# (lowest, highest, names) of minutes, hours, day-of-month, month, day-of-week, year.
RANGES = ((0, 59, []), (0, 23, []), (1, 31, []), (1, 12, MONTHS), (1, 7, DAYS), (1970, 2199, []))
PRINCIPAL = "scheduler.amazonaws.com"

_installed = False


def _value_ok(text: str, lowest: int, highest: int, names: list[str]) -> bool:
    if text.upper() in names:
        return True
    return text.isdigit() and lowest <= int(text) <= highest


def _field_ok(field: str, position: int) -> bool:
    lowest, highest, names = RANGES[position]
    if field == "?":
        return position in (2, 4)
    if position == 2 and (field in ("L", "LW") or (field.endswith("W") and _value_ok(field[:-1], 1, 31, []))):
        return True
    if position == 4:
        if field == "L" or (field.endswith("L") and _value_ok(field[:-1], 1, 7, DAYS)):
            return True
        if "#" in field:
            day, _, week = field.partition("#")
            return "," not in field and _value_ok(day, 1, 7, DAYS) and week in ("1", "2", "3", "4", "5")
    for part in field.split(","):
        body, slash, step = part.partition("/")
        if slash and not (step.isdigit() and int(step) > 0):
            return False
        if body == "*":
            continue
        bounds = body.split("-")
        if len(bounds) > 2 or not all(_value_ok(bound, lowest, highest, names) for bound in bounds):
            return False
    return True


def expression_ok(expression: str | None) -> bool:
    if not expression:
        return False
    rate = RATE.match(expression)
    if rate:
        return (rate.group(1) == "1") == (not rate.group(2).endswith("s"))
    if AT.match(expression):
        return True
    cron = CRON.match(expression)
    if not cron:
        return False
    fields = cron.group(1).split()
    if len(fields) != 6 or (fields[2] == "?") == (fields[4] == "?"):
        return False
    return all(_field_ok(field, position) for position, field in enumerate(fields))


def role_trusts_scheduler(account_id: str, role_arn: str | None) -> bool:
    name = (role_arn or "").rsplit("/", 1)[-1]
    role = next((role for role in iam_backends[account_id]["global"].roles.values() if role.name == name), None)
    if role is None or f":{account_id}:" not in (role_arn or ""):
        return False
    document = role.assume_role_policy_document
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    for statement in document.get("Statement") or []:
        services = (statement.get("Principal") or {}).get("Service") or []
        services = [services] if isinstance(services, str) else services
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if statement.get("Effect") == "Allow" and PRINCIPAL in services and "sts:AssumeRole" in actions:
            return True
    return False


def check(backend: EventBridgeSchedulerBackend, name: str, group: str | None, expression: str, target: dict) -> None:
    for label, value in (("name", name), ("groupName", group or "default")):
        if not NAME.match(value or ""):
            raise ValidationException(
                f"1 validation error detected: Value '{value}' at '{label}' failed to satisfy constraint: Member must "
                "satisfy regular expression pattern: [0-9a-zA-Z-_.]+"
            )
    if not expression_ok(expression):
        raise ValidationException(f"Invalid Schedule Expression {expression}.")
    if not role_trusts_scheduler(backend.account_id, (target or {}).get("RoleArn")):
        raise ValidationException(
            "The execution role you provide must allow AWS EventBridge Scheduler to assume the role."
        )


def install() -> None:
    """Patch moto's Scheduler backend (once) so that CreateSchedule and UpdateSchedule refuse what AWS refuses."""
    global _installed  # noqa: PLW0603 - the patch is process-wide and must happen once
    if _installed:
        return
    create = EventBridgeSchedulerBackend.create_schedule
    update = EventBridgeSchedulerBackend.update_schedule

    def create_schedule(self: EventBridgeSchedulerBackend, **kwargs: Any) -> Any:
        check(self, kwargs["name"], kwargs.get("group_name"), kwargs["schedule_expression"], kwargs["target"])
        return create(self, **kwargs)

    def update_schedule(self: EventBridgeSchedulerBackend, **kwargs: Any) -> Any:
        # A schedule that does not exist is ResourceNotFoundException first, as on AWS.
        self.get_schedule(group_name=kwargs.get("group_name"), name=kwargs["name"])
        check(self, kwargs["name"], kwargs.get("group_name"), kwargs["schedule_expression"], kwargs["target"])
        return update(self, **kwargs)

    EventBridgeSchedulerBackend.create_schedule = create_schedule
    EventBridgeSchedulerBackend.update_schedule = update_schedule
    _installed = True
