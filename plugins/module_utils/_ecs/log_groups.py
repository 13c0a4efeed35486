# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_log_groups: every CloudWatch Logs log group of a run, made or given its retention, in one
module call.

Orchestration layer. Steps:
  1. check every declared group (``log_group_plan.check_log_groups``): a bad one fails here, before any call;
  2. read: one paginated DescribeLogGroups per folder of the groups (``log_group_plan.read_prefixes``), eight at a
     time;
  3. plan each group's writes; check mode stops here and reports them;
  4. write, eight groups at a time: CreateLogGroup (with the declared tags), PutRetentionPolicy where the declared
     retention differs. A group whose write fails does not stop the others; the failure then carries every result.
"""

from __future__ import annotations

from typing import Any

from . import api
from .exceptions import AnsibleECSError
from .log_group_plan import check_log_groups, describe_write, plan_log_group, read_prefixes
from .parallel import in_parallel
from .waiting import Clock


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    logs: Any = None,
) -> dict:
    """ecs_log_groups: the module's params in, its result out (raises with the partial result on failure)."""
    groups = check_log_groups(list(params.get("log_groups") or []))
    names = [group["name"] for group in groups]
    found = in_parallel(lambda prefix: api.describe_log_groups(logs, prefix), read_prefixes(names))
    live = {item["logGroupName"]: item for items in found for item in items if item.get("logGroupName") in names}
    plans = [{"group": group, "live": live.get(group["name"]), "writes": []} for group in groups]
    for plan in plans:
        plan["writes"] = plan_log_group(plan["group"], plan["live"])

    if check_mode:
        outcomes = [_outcome(plan, plan["writes"]) for plan in plans]
    else:
        written = iter(in_parallel(lambda plan: _write(logs, plan), [plan for plan in plans if plan["writes"]]))
        outcomes = [next(written) if plan["writes"] else _outcome(plan, []) for plan in plans]
    result: dict[str, Any] = {"changed": any(outcome["changed"] for outcome in outcomes), "log_groups": outcomes}
    if diff:
        changed = [plan for plan in plans if plan["writes"]]
        result["diff"] = {
            "before": {plan["group"]["name"]: _state(plan["live"]) for plan in changed},
            "after": {plan["group"]["name"]: _state_after(plan) for plan in changed},
        }
    failed = [outcome for outcome in outcomes if outcome.get("error")]
    if failed:
        raise AnsibleECSError(
            "; ".join(f"log group {outcome['name']}: {outcome['error']}" for outcome in failed), **result
        )
    return result


def _write(logs: Any, plan: dict) -> dict:
    done: list[dict] = []
    name = plan["group"]["name"]
    try:
        for write in plan["writes"]:
            if write["action"] == "create_log_group":
                if api.create_log_group(logs, name, write["tags"]):
                    done.append(write)
            else:
                api.put_retention_policy(logs, name, write["days"])
                done.append(write)
    except AnsibleECSError as error:
        reason = f"{error.message}: {error.exception}" if error.exception is not None else error.message
        return {**_outcome(plan, done), "error": reason}
    return _outcome(plan, done)


def _outcome(plan: dict, writes: list[dict]) -> dict:
    group, live = plan["group"], plan["live"] or {}
    retention = next((w["days"] for w in writes if w["action"] == "put_retention_policy"), live.get("retentionInDays"))
    outcome = {
        "name": group["name"],
        "created": any(write["action"] == "create_log_group" for write in writes),
        "changed": bool(writes),
        "actions": [describe_write(write) for write in writes],
        "retention_days": retention,
    }
    if live.get("arn"):
        outcome["arn"] = live["arn"]
    return outcome


def _state(live: dict | None) -> dict:
    if live is None:
        return {}
    return {"retention_days": live.get("retentionInDays")}


def _state_after(plan: dict) -> dict:
    after = {"retention_days": (plan["live"] or {}).get("retentionInDays")}
    for write in plan["writes"]:
        if write["action"] == "put_retention_policy":
            after["retention_days"] = write["days"]
    return after
