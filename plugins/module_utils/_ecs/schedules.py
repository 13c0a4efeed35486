# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_schedules: the EventBridge Scheduler schedules that run a service's tasks.

Orchestration layer. One call for every schedule of the run. Steps:
  1. check every item (``schedule_plan``): a bad expression or a missing field fails here, before any read;
  2. mode ``present`` (bootstrap): read the services the schedules run (DescribeServices, ten a call, per cluster)
     for their revision, network, launch type or capacity providers and platform version, as ecs_task_run takes them;
     mode ``follow`` (deploy): nothing to read but the schedules;
  3. read each schedule (GetSchedule, eight at a time) and compare it with what it should be;
  4. check mode stops there; otherwise CreateSchedule what is missing, UpdateSchedule what differs. UpdateSchedule
     replaces the whole schedule, so every field it is sent is the one read, but for what the run changes.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from . import api
from .args import SCHEDULE_ITEM_ARG_SPEC
from .exceptions import ECSValidationError
from .parallel import in_parallel
from .rolling_deployments import primary_deployment
from .schedule_plan import (
    MAX_TASK_COUNT,
    SCHEDULE_NAME_PATTERN,
    as_request,
    comparable,
    declared_request,
    expression_problem,
    moved_request,
    target_revision,
)
from .task_run_plan import placement_of
from .waiting import Clock

PRESENT = "present"
FOLLOW = "follow"
_PRESENT_REQUIRED = ("schedule", "container", "role_arn")


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    scheduler: Any = None,
) -> dict:
    """ecs_schedules: the module's params in, its result out."""
    mode = params.get("mode") or PRESENT
    items = _checked_items(params.get("schedules") or [], mode)
    if mode == PRESENT:
        targets = _service_targets(client, items, check_mode)
    else:
        targets = {index: (item["task_definition"], None) for index, item in enumerate(items)}
    lives = in_parallel(lambda item: api.get_schedule(scheduler, item["name"], item["group"]), items)
    results, warnings, before, after = [], [], {}, {}
    for index, (item, live) in enumerate(zip(items, lives)):
        result = _result(item, live)
        revision, placement = targets[index]
        if revision is None:
            # Check mode, a service bootstrap has not made yet: nothing to compare with.
            result["action"] = "would create"
            results.append(result)
            continue
        if mode == FOLLOW:
            if live is None:
                result["action"] = "missing"
                warnings.append(
                    f"schedule {item['group']}/{item['name']} of {item['cluster']}/{item['service']} does not exist, "
                    "so it cannot follow the deploy: run the bootstrap role to make it"
                )
                results.append(result)
                continue
            wanted = moved_request(live, revision) if target_revision(live) != revision else as_request(live)
        else:
            wanted = declared_request(item, revision, placement, live)
        result["task_definition"] = target_revision(wanted)
        current = comparable(as_request(live)) if live else None
        if current == comparable(wanted):
            result["action"] = "unchanged"
        else:
            result["action"] = _verb(mode, live, check_mode)
            if diff:
                key = f"{item['group']}/{item['name']}"
                before[key] = current or {}
                after[key] = comparable(wanted)
            if not check_mode:
                token = uuid.uuid4().hex
                if live is None:
                    result["arn"] = api.create_schedule(scheduler, wanted, token)
                else:
                    result["arn"] = api.update_schedule(scheduler, wanted, token)
        results.append(result)
    answer: dict[str, Any] = {
        "changed": any(result["action"] not in ("unchanged", "missing") for result in results),
        "schedules": results,
    }
    if diff:
        answer["diff"] = {"before": before, "after": after}
    if warnings:
        answer["warnings"] = warnings
    return answer


def _verb(mode: str, live: dict | None, check_mode: bool) -> str:
    verb = "created" if live is None else ("moved" if mode == FOLLOW else "updated")
    if not check_mode:
        return verb
    return {"created": "would create", "moved": "would move", "updated": "would update"}[verb]


def _result(item: dict, live: dict | None) -> dict:
    return {
        "name": item["name"],
        "group": item["group"],
        "label": item.get("label") or item["name"],
        "cluster": item["cluster"],
        "service": item["service"],
        "arn": (live or {}).get("Arn"),
        "previous_task_definition": target_revision(live),
        "task_definition": target_revision(live),
    }


def _checked_items(declared: list, mode: str) -> list[dict]:
    """Every item validated against its spec and the rules of its mode, each error named by its place."""
    validator = ArgumentSpecValidator(SCHEDULE_ITEM_ARG_SPEC)
    items: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(declared):
        where = f"schedules[{index}]"
        if not isinstance(raw, dict):
            raise ECSValidationError(f"{where} must be a mapping")
        checked = validator.validate(copy.deepcopy(raw))
        if checked.error_messages:
            raise ECSValidationError(f"{where}: {'; '.join(checked.error_messages)}")
        item = checked.validated_parameters
        where = f"schedules[{index}] ({item['name']})"
        for key in ("name", "group"):
            if not SCHEDULE_NAME_PATTERN.match(item[key]):
                raise ECSValidationError(
                    f"{where}.{key} must be 1 to 64 letters, digits, hyphens, underscores or periods"
                )
        if (item["group"], item["name"]) in seen:
            raise ECSValidationError(f"{where}.name: {item['group']}/{item['name']} is given twice")
        seen.add((item["group"], item["name"]))
        if mode == FOLLOW:
            if not item.get("task_definition"):
                raise ECSValidationError(f"{where}.task_definition is required to follow a deploy")
        else:
            for key in _PRESENT_REQUIRED:
                if not item.get(key):
                    raise ECSValidationError(f"{where}.{key} is required")
            problem = expression_problem(item["schedule"])
            if problem:
                raise ECSValidationError(f"{where}.schedule {item['schedule']!r} {problem}")
            if not 1 <= item["count"] <= MAX_TASK_COUNT:
                raise ECSValidationError(f"{where}.count must be 1 to {MAX_TASK_COUNT}, got {item['count']}")
        items.append(item)
    return items


def _service_targets(client: Any, items: list[dict], check_mode: bool) -> dict[int, tuple[str | None, dict | None]]:
    """For each item: the revision it runs (its own, else the service's) and the service's placement.

    A service that does not exist fails the run before any write, except in check mode, where bootstrap has not made
    it yet: its schedules would be created with it.
    """
    wanted: dict[str, set[str]] = {}
    for item in items:
        wanted.setdefault(item["cluster"], set()).add(item["service"])
    found: dict[tuple[str, str], dict] = {}
    for cluster, names in wanted.items():
        for service in api.describe_services(client, cluster, sorted(names)):
            if service.get("status") != "INACTIVE":
                found[(cluster, service["serviceName"])] = service
    targets: dict[int, tuple[str | None, dict | None]] = {}
    for index, item in enumerate(items):
        where = f"schedules[{index}] ({item['name']})"
        service = found.get((item["cluster"], item["service"]))
        if service is None:
            if check_mode:
                targets[index] = (None, None)
                continue
            raise ECSValidationError(
                f"{where}.service: {item['cluster']}/{item['service']} is not an ACTIVE service; a schedule takes its "
                "revision and network from it (the bootstrap role makes the services first)"
            )
        revision = item.get("task_definition") or (
            (primary_deployment(service) or {}).get("taskDefinition") or service.get("taskDefinition")
        )
        # The service runs, so its network fits its task definition: no need to read the revision to check it.
        targets[index] = (revision, placement_of({}, service, {}, where))
    return targets
