# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_iam_roles: every IAM role of a run, made or brought to its declaration, in one module call.

Orchestration layer. Steps:
  1. check every declared role (``iam_role_plan.check_roles``): a bad one fails here, before any call;
  2. read, eight roles at a time: GetRole of each role, then, if it exists, one GetRolePolicy per declared inline
     policy, and ListAttachedRolePolicies only when managed policies are declared (ListRolePolicies only to purge);
  3. plan each role's writes (``iam_role_plan.plan_role``); check mode stops here and reports them;
  4. write, one write after the other within a role, eight roles with writes at a time. A role whose write fails
     does not stop the others; the failure then carries every role's result.
"""

from __future__ import annotations

from typing import Any

from . import api
from .exceptions import AnsibleECSError
from .iam_role_plan import check_roles, describe_write, plan_role, reads_of, role_state, state_after
from .parallel import in_parallel
from .waiting import Clock


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    iam: Any = None,
) -> dict:
    """ecs_iam_roles: the module's params in, its result out (raises with the partial result on failure)."""
    roles = check_roles(list(params.get("roles") or []))
    purge_inline = bool(params.get("purge_inline_policies"))
    purge_managed = bool(params.get("purge_managed_policies"))
    purge_tags = bool(params.get("purge_tags"))

    def read_role(role: dict) -> tuple[dict | None, list[tuple[str, str, Any]]]:
        # A role, then what its plan needs of it (its policies), in one go: one pool for the whole read.
        live = api.get_role(iam, role["name"])
        reads = reads_of(role, live, purge_inline=purge_inline, purge_managed=purge_managed)
        return live, [(kind, argument, _read(iam, role["name"], kind, argument)) for kind, argument in reads]

    found = in_parallel(read_role, roles)
    live_roles = [live for live, _answers in found]
    inline: list[dict[str, Any]] = [{} for role in roles]
    inline_names: list[list[str] | None] = [None] * len(roles)
    attached: list[list[str] | None] = [None] * len(roles)
    for index, (_live, answers) in enumerate(found):
        for kind, argument, answer in answers:
            if kind == "policy":
                inline[index][argument] = answer
            elif kind == "inline_names":
                inline_names[index] = answer
            else:
                attached[index] = answer

    plans = []
    for index, (role, live) in enumerate(zip(roles, live_roles)):
        writes = plan_role(
            role,
            live,
            inline[index],
            inline_names=inline_names[index],
            attached=attached[index],
            purge_inline=purge_inline,
            purge_managed=purge_managed,
            purge_tags=purge_tags,
        )
        before = role_state(role, live, inline[index], attached[index])
        plans.append(
            {
                "role": role,
                "live": live,
                "writes": writes,
                "before": before,
                "after": state_after(role, before, writes),
            }
        )

    if check_mode:
        outcomes = [_outcome(plan, done=[], would=True) for plan in plans]
    else:
        # Only the roles with writes go to the pool: a run that finds every role in place starts no thread for them.
        written = iter(in_parallel(lambda plan: _write(iam, plan), [plan for plan in plans if plan["writes"]]))
        outcomes = [next(written) if plan["writes"] else _outcome(plan, done=[], would=False) for plan in plans]
    result: dict[str, Any] = {
        "changed": any(outcome["changed"] for outcome in outcomes),
        "roles": outcomes,
    }
    if diff:
        result["diff"] = _diff(plans)
    failed = [outcome for outcome in outcomes if outcome.get("error")]
    if failed:
        raise AnsibleECSError("; ".join(f"role {outcome['name']}: {outcome['error']}" for outcome in failed), **result)
    return result


def _read(iam: Any, name: str, kind: str, argument: str) -> Any:
    if kind == "policy":
        return api.get_role_policy(iam, name, argument)
    if kind == "inline_names":
        return api.list_role_policies(iam, name)
    return api.list_attached_role_policies(iam, name)


def _write(iam: Any, plan: dict) -> dict:
    """Make a role's writes in order; a failure stops this role only, and is told in its outcome."""
    name = plan["role"]["name"]
    done: list[dict] = []
    arn = (plan["live"] or {}).get("Arn")
    try:
        for write in plan["writes"]:
            action = write["action"]
            if action == "create_role":
                arn = api.create_role(iam, write["request"])["Arn"]
            elif action == "update_assume_role_policy":
                api.update_assume_role_policy(iam, name, write["document"])
            elif action == "update_role":
                api.update_role(iam, name, write["settings"])
            elif action == "put_role_policy":
                api.put_role_policy(iam, name, write["policy_name"], write["document"])
            elif action == "delete_role_policy":
                api.delete_role_policy(iam, name, write["policy_name"])
            elif action == "attach_role_policy":
                api.attach_role_policy(iam, name, write["policy_arn"])
            elif action == "detach_role_policy":
                api.detach_role_policy(iam, name, write["policy_arn"])
            elif action == "tag_role":
                api.tag_role(iam, name, write["tags"])
            else:
                api.untag_role(iam, name, write["keys"])
            done.append(write)
    except AnsibleECSError as error:
        reason = f"{error.message}: {error.exception}" if error.exception is not None else error.message
        return {**_outcome(plan, done=done, would=False, arn=arn), "error": reason}
    return _outcome(plan, done=done, would=False, arn=arn)


def _outcome(plan: dict, *, done: list[dict], would: bool, arn: str | None = None) -> dict:
    writes = plan["writes"] if would else done
    outcome = {
        "name": plan["role"]["name"],
        "arn": arn or (plan["live"] or {}).get("Arn"),
        "created": any(write["action"] == "create_role" for write in writes),
        "changed": bool(writes),
        "actions": [describe_write(write) for write in writes],
    }
    if not would and len(done) < len(plan["writes"]):
        outcome["not_done"] = [describe_write(write) for write in plan["writes"][len(done) :]]
    return outcome


def _diff(plans: list[dict]) -> dict:
    changed = [plan for plan in plans if plan["writes"]]
    return {
        "before": {plan["role"]["name"]: plan["before"] for plan in changed},
        "after": {plan["role"]["name"]: plan["after"] for plan in changed},
    }
