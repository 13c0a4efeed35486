# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the data the deploy role passes between its two module calls, and the summary it reports.

The role resolves every service with one ecs_taskdef_live call (``definitions``) and rolls them all out with one
ecs_service_rollout call (``services``), so a deploy of N services starts each module once. These functions build
those two requests from the service plans and read the answers back into one line of summary per service.
"""

from __future__ import annotations

import re

from .exceptions import ECSValidationError
from .schedule_plan import moved_lines
from .vocabulary import PRODUCTION_TRAFFIC_SHIFT, RUNNING_STATUSES, TRAFFIC_SHIFT_STRATEGIES


def images_for(plan: dict, deploy_image: str | None, deploy_images: dict | None, service_images: dict | None) -> dict:
    """The images to deploy to one service: per-service images win, then deploy_images, then deploy_image.

    ``deploy_image`` names the image of the service's main container. A container not named keeps its live image.
    """
    if service_images and plan["name"] in service_images:
        return dict(service_images[plan["name"]] or {})
    images = dict(deploy_images or {})
    if deploy_image:
        images[plan["main_container"]] = deploy_image
    return images


def taskdef_requests(
    plans: list[dict],
    deploy_image: str | None = None,
    deploy_images: dict | None = None,
    service_images: dict | None = None,
    force_bootstrap_image: bool = False,
) -> list[dict]:
    """The ``definitions`` list of ecs_taskdef_live, one item per plan, in plan order."""
    unknown = sorted(set(service_images or {}) - {plan["name"] for plan in plans})
    if unknown:
        raise ECSValidationError(f"deploy_service_images names services that are not deployed: {', '.join(unknown)}")
    return [
        {
            "cluster": plan["cluster"],
            "service": plan["name"],
            "task_definition": plan["task_definition"],
            "images": images_for(plan, deploy_image, deploy_images, service_images),
            "force_bootstrap_image": force_bootstrap_image,
        }
        for plan in plans
    ]


def rollout_requests(
    plans: list[dict], resolved: list[dict], force_new_deployment: bool = False, blocked: list[str] | None = None
) -> list[dict]:
    """The ``services`` list of ecs_service_rollout: each plan's settings on the task definition it resolved to.

    ``blocked``: the services (``cluster/name``) whose tasks before the rollout failed; they are not touched.
    """
    if len(plans) != len(resolved):
        raise ECSValidationError(f"{len(plans)} services planned but {len(resolved)} task definitions resolved")
    requests = []
    for plan, result in zip(plans, resolved):
        if service_key(plan) in (blocked or []):
            continue
        request = {key: value for key, value in plan["service"].items() if value is not None}
        if plan.get("autoscaling") and result.get("live_task_definition_arn"):
            # Application Auto Scaling owns the count of an autoscaled service that exists: sending the declared
            # one would undo its last scaling.
            request.pop("desired_count", None)
        request.update(
            cluster=plan["cluster"],
            service=plan["name"],
            task_definition=result["task_definition_arn"],
            force_new_deployment=force_new_deployment,
        )
        requests.append(request)
    return requests


# Release tasks ---------------------------------------------------------------------------------------------

RUN_TASKS_WHEN = ("changed", "always")
_OVERRIDE_KEYS = ("command", "environment", "cpu", "memory")
_PLACEMENT_OPTIONS = ("network_configuration", "launch_type", "capacity_provider_strategy", "platform_version")


def service_key(plan: dict) -> str:
    """``cluster/name``: a service's key among the runs' groups and the blocked services."""
    return f"{plan['cluster']}/{plan['name']}"


def task_runs(
    plans: list[dict],
    resolved: list[dict],
    phase: str,
    run_tasks: str = "changed",
    rolled_out: list[dict] | None = None,
) -> list[dict]:
    """The ``runs`` of ecs_task_run for one phase of the release, every service together.

    Args:
        phase: ``before`` (run_before_deploy: on the revision about to be released, before the service is touched)
            or ``after`` (run_after_deploy: once the rollout completed or reached ``deploy_wait_until``).
        run_tasks: ``changed`` runs a service's tasks only when its revision (or, after, the service) changed;
            ``always`` runs them on every deploy.
        rolled_out: ecs_service_rollout's ``results`` (phase ``after``): a service that failed or rolled back runs
            no task after.
    """
    if phase not in ("before", "after"):
        raise ECSValidationError(f"task runs: phase must be before or after, got {phase!r}")
    if run_tasks not in RUN_TASKS_WHEN:
        raise ECSValidationError(f"deploy_run_tasks must be one of {', '.join(RUN_TASKS_WHEN)}, got {run_tasks!r}")
    rollouts = {(item.get("cluster"), _service_name(item)): item for item in rolled_out or []}
    runs = []
    for plan, taskdef in zip(plans, resolved):
        tasks = plan.get("run_before_deploy" if phase == "before" else "run_after_deploy") or []
        if not tasks:
            continue
        moved = taskdef["task_definition_arn"] != taskdef.get("live_task_definition_arn")
        if phase == "after":
            rollout = rollouts.get((plan["cluster"], plan["name"]))
            if rollout is None or rollout.get("failed") or rollout.get("rolled_back"):
                continue
            moved = moved or bool(rollout.get("changed"))
        if not moved and run_tasks != "always":
            continue
        runs += [_run_of(plan, taskdef, task) for task in tasks]
    return runs


def _run_of(plan: dict, taskdef: dict, task: dict) -> dict:
    override = {"name": task["container"]}
    override.update({key: task[key] for key in _OVERRIDE_KEYS if task.get(key) not in (None, [])})
    run = {
        "name": task["name"],
        "group": service_key(plan),
        "cluster": plan["cluster"],
        "task_definition": taskdef["task_definition_arn"],
        "count": task.get("count", 1),
        "container_overrides": [override],
        "started_by": f"driftless.ecs/{plan['name']}/{task['name']}",
    }
    if taskdef.get("live_task_definition_arn"):
        # The service exists: its network and launch settings by default.
        run["service"] = plan["name"]
    declared = plan.get("service") or {}
    run.update({option: declared[option] for option in _PLACEMENT_OPTIONS if declared.get(option) is not None})
    return run


def task_outcomes(result: dict | None, phase: str) -> dict[str, list[dict]]:
    """ecs_task_run's result (a failed one too), by service: each run's phase, name, status, duration, exit codes."""
    found: dict[str, list[dict]] = {}
    for run in (result or {}).get("runs") or []:
        exits = {
            container["name"]: container.get("exit_code")
            for task in run.get("tasks") or []
            for container in task.get("containers") or []
            if container.get("essential", True)
        }
        found.setdefault(run.get("group") or "", []).append(
            {
                "phase": phase,
                "name": run.get("name"),
                "status": run.get("status"),
                "duration": run.get("duration"),
                "exit_codes": exits,
                "message": run.get("message"),
                "log_lines": _failed_lines(run) if run.get("status") != "succeeded" else [],
            }
        )
    return found


def _failed_lines(run: dict) -> list[str]:
    for task in run.get("tasks") or []:
        for container in task.get("containers") or []:
            if container.get("exit_code") not in (0,) and container.get("log_lines"):
                return list(container["log_lines"])
    return []


def failed_services(result: dict | None) -> list[str]:
    """The services (``cluster/name``) with a run that did not succeed."""
    return sorted(
        {
            run.get("group") or ""
            for run in (result or {}).get("runs") or []
            if run.get("status") in ("failed", "timed_out", "not_run")
        }
    )


def check_rollbacks(plans: list[dict], rolled_out: list[dict] | None, after: dict | None) -> dict:
    """How to put back the services whose tasks after the rollout failed.

    Returns:
        ``{"stop": [{cluster, service}], "rollout": [{cluster, service, task_definition}]}``: a blue/green, linear or
        canary deployment still running (its bake time) is stopped with a rollback; any other service is rolled out
        to the revision it ran before.
    """
    failed = failed_services(after)
    rollouts = {(item.get("cluster"), _service_name(item)): item for item in rolled_out or []}
    stop, rollout = [], []
    for plan in plans:
        if service_key(plan) not in failed:
            continue
        result = rollouts.get((plan["cluster"], plan["name"])) or {}
        if result.get("service_deployment_arn") and result.get("status") in RUNNING_STATUSES:
            stop.append({"cluster": plan["cluster"], "service": plan["name"]})
        elif result.get("previous_task_definition_arn"):
            rollout.append(
                {
                    "cluster": plan["cluster"],
                    "service": plan["name"],
                    "task_definition": result["previous_task_definition_arn"],
                }
            )
    return {"stop": stop, "rollout": rollout}


def summarize(
    plans: list[dict],
    resolved: list[dict],
    rolled_out: list[dict] | None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    put_back: list[str] | None = None,
    schedules: dict | None = None,
) -> list[dict]:
    """One summary per service: old and new image, old and new revision, outcome and duration.

    Args:
        plans: the service plans.
        resolved: ecs_taskdef_live's ``results``.
        rolled_out: ecs_service_rollout's ``results`` (also present when it failed), or None if it never ran.
        before: ecs_task_run's result for run_before_deploy (a failed one too), or None.
        after: ecs_task_run's result for run_after_deploy, or None.
        put_back: the services (``cluster/name``) rolled back because a task after the rollout failed.
        schedules: ecs_schedules' result (mode follow), or None when no schedule moved.
    """
    outcomes = task_outcomes(before, "before")
    for key, runs in task_outcomes(after, "after").items():
        outcomes.setdefault(key, []).extend(runs)
    rollouts = {(result.get("cluster"), _service_name(result)): result for result in rolled_out or []}
    summaries = []
    for plan, taskdef in zip(plans, resolved):
        rollout = rollouts.get((plan["cluster"], plan["name"]), {})
        main = next((image for image in taskdef["images"] if image["container"] == plan["main_container"]), {})
        previous = rollout.get("previous_task_definition_arn") or taskdef.get("live_task_definition_arn")
        summary = {
            "service": plan["name"],
            "cluster": plan["cluster"],
            "container": plan["main_container"],
            "old_image": main.get("live_image"),
            "new_image": main.get("image"),
            "old_revision": _revision(previous),
            "new_revision": _revision(taskdef["task_definition_arn"]),
            "old_task_definition_arn": previous,
            "new_task_definition_arn": taskdef["task_definition_arn"],
            "registered": taskdef["registered"],
            "drift": taskdef.get("drift", []),
            "outcome": outcome(taskdef, rollout, rolled_out is not None),
            "rolled_back": bool(rollout.get("rolled_back")),
            "deployment_id": rollout.get("deployment_id"),
            "rollout_state": rollout.get("rollout_state"),
            "message": _without_reason(_without_list_label(rollout.get("msg")), rollout.get("failure_reason")),
            "put_back": rollout.get("put_back"),
            "duration": rollout.get("duration"),
            "failure_reason": rollout.get("failure_reason"),
        }
        summary.update(native_deployment(plan, rollout))
        summary["tasks"] = outcomes.get(service_key(plan), [])
        summary["schedules_moved"] = moved_lines(schedules).get(service_key(plan), [])
        _with_task_failures(summary, service_key(plan) in (put_back or []))
        summaries.append(summary)
    return summaries


def _with_task_failures(summary: dict, put_back: bool) -> None:
    """A failed task decides the service's outcome and message: the rollout was never started, or it was undone."""
    failed = next((task for task in summary["tasks"] if task["status"] not in ("succeeded",)), None)
    if failed is None:
        return
    what = f"{'run_before_deploy' if failed['phase'] == 'before' else 'run_after_deploy'} {failed['name']}"
    detail = failed.get("message") or failed["status"]
    if failed["phase"] == "before":
        summary["outcome"] = "failed"
        summary["message"] = f"{what} failed, the service was not touched: {detail}"
    elif put_back:
        summary["outcome"] = "rolled back"
        summary["message"] = f"{what} failed, the service was rolled back: {detail}"
    else:
        summary["outcome"] = "failed"
        summary["message"] = f"{what} failed, the service was left on the new revision: {detail}"


_LIST_LABEL = re.compile(r"^services\[\d+\] \([^)]*\): ")


def _without_list_label(message: str | None) -> str | None:
    """A list-mode item's message without its ``services[0] (cluster/service): `` label: the line names both."""
    return _LIST_LABEL.sub("", message) if message else message


def _without_reason(message: str | None, reason: str | None) -> str | None:
    """The rollout's message without its closing ``; why: ...``: the line names the reason first, once."""
    suffix = f"; why: {reason}"
    if message and reason and message.endswith(suffix):
        return message[: -len(suffix)]
    return message


def failure_headline(summaries: list[dict], failure: str) -> str:
    """The deploy's closing error: which services did not deploy, not why again, since each line above says why.

    ``failure`` (ecs_service_rollout's own message) is the answer when no service's line carries the reason.
    """
    failed = [
        item
        for item in summaries
        if item["outcome"] in ("rolled back", "failed") and (item.get("message") or item.get("put_back"))
    ]
    if not failed:
        return failure
    names = ", ".join(f"{item['cluster']}/{item['service']} {item['outcome']}" for item in failed)
    return f"{len(failed)} of {len(summaries)} services did not deploy ({names}); the summary above says why"


def strategy_of(plan: dict, rollout: dict) -> str:
    """The service's deployment strategy: as ECS reports it after the run, else as declared, else ROLLING."""
    live = ((rollout.get("service") or {}).get("deployment_configuration") or {}).get("strategy")
    declared = ((plan.get("service") or {}).get("deployment_configuration") or {}).get("strategy")
    return live or declared or "ROLLING"


def native_deployment(plan: dict, rollout: dict) -> dict:
    """The summary fields of a blue/green, linear or canary deployment (None or empty for a rolling service).

    ``stages`` lists the lifecycle stage names seen, each once, in order; ``production_weights`` the percent of
    production traffic on the new revision at each PRODUCTION_TRAFFIC_SHIFT step; ``traffic`` the final weights of
    the production listener rule by target group name.
    """
    strategy = strategy_of(plan, rollout)
    seen = rollout.get("lifecycle_stages") or []
    return {
        "strategy": strategy,
        "service_deployment_arn": rollout.get("service_deployment_arn"),
        "service_deployment_status": rollout.get("status") if rollout.get("service_deployment_arn") else None,
        "lifecycle_stage": rollout.get("lifecycle_stage"),
        "stages": stage_names(seen),
        "production_weights": production_weights(seen),
        "traffic": traffic_by_name(rollout.get("traffic")),
        "rollback_reason": rollout.get("rollback_reason"),
    }


def stage_names(lifecycle_stages: list[dict]) -> list[str]:
    """Each lifecycle stage name once, in the order first seen (the production shift comes round per step)."""
    names: list[str] = []
    for seen in lifecycle_stages:
        if seen.get("stage") and seen["stage"] not in names:
            names.append(seen["stage"])
    return names


def production_weights(lifecycle_stages: list[dict]) -> list[float]:
    """The production traffic percent of each PRODUCTION_TRAFFIC_SHIFT step seen, in order, repeats dropped."""
    weights: list[float] = []
    for seen in lifecycle_stages:
        weight = seen.get("production_weight") if seen.get("stage") == PRODUCTION_TRAFFIC_SHIFT else None
        if weight is not None and (not weights or weights[-1] != weight):
            weights.append(weight)
    return weights


def target_group_name(arn: str) -> str:
    """``web-green`` from ``arn:aws:elasticloadbalancing:...:targetgroup/web-green/0123456789abcdef``; else the ARN."""
    resource = arn.split(":", 5)[-1]
    parts = resource.split("/")
    if len(parts) == 3 and parts[0] == "targetgroup" and parts[1]:
        return parts[1]
    return arn


def traffic_by_name(traffic: dict | None) -> dict | None:
    """Target group ARN -> weight, keyed by target group name instead, in the listener rule's order."""
    if not traffic:
        return None
    return {target_group_name(arn): weight for arn, weight in traffic.items()}


def outcome(taskdef: dict, rollout: dict, rollout_ran: bool) -> str:
    """A word for what happened to a service: unchanged, created, deployed, deploying, updated, rolled back or failed.

    ``deploying``: a blue/green, linear or canary deployment was left running, reached the stage the deploy waited
    for (``wait_until``) without rolling back, but not ended yet.
    """
    if not rollout_ran:
        return "not rolled out"
    if rollout.get("rolled_back"):
        return "rolled back"
    if rollout.get("failed"):
        return "failed"
    if not rollout.get("changed") and not taskdef.get("changed"):
        return "unchanged"
    if rollout.get("action") == "create":
        return "created"
    if rollout.get("service_deployment_arn"):
        if rollout.get("status") == "SUCCESSFUL":
            return "deployed"
        if rollout.get("status") in RUNNING_STATUSES:
            return "deploying"
    if rollout.get("deployment_id") and rollout.get("rollout_state") == "COMPLETED":
        return "deployed"
    return "updated"


def summary_lines(summaries: list[dict]) -> list[str]:
    """Readable lines, one per service, for the deploy log."""
    lines = []
    for item in summaries:
        image = item["new_image"] if item["old_image"] in (None, item["new_image"]) else None
        image_text = image or f"{item['old_image']} -> {item['new_image']}"
        revision = (
            item["new_revision"]
            if item["old_revision"] in (None, item["new_revision"])
            else f"{item['old_revision']} -> {item['new_revision']}"
        )
        state = item["outcome"]
        if state == "deploying" and item.get("lifecycle_stage"):
            state += f" (reached {item['lifecycle_stage']})"
        if item.get("failure_reason"):
            # The one telling reason first: "rolled back: CannotPullContainerError: ... not found".
            state += f": {item['failure_reason']}"
        line = f"{item['cluster']}/{item['service']}: {state}; {item['container']} {image_text}; {revision}"
        if item.get("strategy") in TRAFFIC_SHIFT_STRATEGIES:
            line += native_line(item)
        if item["drift"]:
            line += f"; kept live {', '.join(d['container'] + ' ' + d['live'] for d in item['drift'])}"
        if item["duration"] is not None and item["outcome"] not in ("unchanged",):
            line += f"; {item['duration']:.1f} s"
        if item.get("put_back"):
            back = item["put_back"]
            line += f"; put back with the others (all_or_nothing): {back['action']}, {back['outcome']}"
        if item.get("tasks"):
            line += "; tasks: " + ", ".join(_task_word(task) for task in item["tasks"])
        if item.get("schedules_moved"):
            line += "; schedules: " + ", ".join(item["schedules_moved"])
        if item.get("scale_in"):
            line += f"; {item['scale_in']}"
        if item["message"]:
            line += f" ({item['message']})"
        lines.append(line)
    if len(summaries) > 1:
        lines.append(count_line(summaries))
    return lines


CHANGED_OUTCOMES = ("created", "deployed", "deploying", "updated")
FAILED_OUTCOMES = ("rolled back", "failed")


def count_line(summaries: list[dict]) -> str:
    """``100 services: 3 changed (2 deployed, 1 created), 96 unchanged, 1 failed (1 rolled back)``."""
    counts: dict[str, int] = {}
    for item in summaries:
        counts[item["outcome"]] = counts.get(item["outcome"], 0) + 1

    def group(name: str, outcomes: tuple[str, ...]) -> str:
        total = sum(counts.get(outcome, 0) for outcome in outcomes)
        detail = ", ".join(f"{counts[outcome]} {outcome}" for outcome in outcomes if counts.get(outcome))
        return f"{total} {name}" + (f" ({detail})" if total else "")

    parts = [
        group("changed", CHANGED_OUTCOMES),
        f"{counts.get('unchanged', 0)} unchanged",
        group("failed", FAILED_OUTCOMES),
    ]
    others = sum(
        count for outcome, count in counts.items() if outcome not in (*CHANGED_OUTCOMES, *FAILED_OUTCOMES, "unchanged")
    )
    if others:
        parts.append(f"{others} not rolled out")
    return f"{len(summaries)} services: " + ", ".join(parts)


def _task_word(task: dict) -> str:
    """``migrate ok 12.0 s`` or ``smoke exit 1`` or ``migrate timed out``."""
    duration = f" {task['duration']:.1f} s" if task.get("duration") is not None else ""
    if task["status"] == "succeeded":
        return f"{task['name']} ok{duration}"
    codes = [str(code) for code in (task.get("exit_codes") or {}).values() if code not in (None, 0)]
    if task["status"] == "failed" and codes:
        return f"{task['name']} exit {'/'.join(codes)}{duration}"
    return f"{task['name']} {task['status'].replace('_', ' ')}{duration}"


def native_line(item: dict) -> str:
    """The blue/green, linear or canary part of a summary line, starting with "; "."""
    parts = [item["strategy"]]
    arn = item.get("service_deployment_arn")
    if arn:
        # Cluster and service lead the line already: the deployment's own id is enough to find it.
        parts[0] += f" deployment {arn.rsplit('/', 1)[-1]} {item.get('service_deployment_status') or 'UNKNOWN'}"
    parts += _stages_and_traffic(item)
    if item.get("rollback_reason"):
        parts.append(f"rollback reason: {item['rollback_reason']}")
    return "".join("; " + part for part in parts)


def service_deployment_summary(
    result: dict,
    environment: str,
    plan: dict,
    action: str,
    *,
    check_mode: bool = False,
    failure: str | None = None,
) -> dict:
    """What the service_deployment role reports of one ecs_service_deployment result (also a failed one).

    ``stages``, ``production_weights`` and ``traffic`` are read as for the deploy summary.
    """
    arn = result.get("service_deployment_arn")
    seen = result.get("lifecycle_stages") or []
    hook = result.get("awaiting_hook")
    keys = ("hook_id", "target_type", "status", "expires_at", "timeout_action")
    return {
        "environment": environment,
        "service": plan["name"],
        "cluster": plan["cluster"],
        "action": action,
        "check_mode": bool(check_mode),
        "changed": bool(result.get("changed")),
        "failed": failure is not None,
        "message": failure,
        "service_deployment_arn": arn,
        "deployment_id": arn.rsplit("/", 1)[-1] if arn else None,
        "status": result.get("status"),
        "lifecycle_stage": result.get("lifecycle_stage"),
        "stages": stage_names(seen),
        "production_weights": production_weights(seen),
        "traffic": traffic_by_name(result.get("traffic")),
        "answered_hook_id": result.get("answered_hook_id"),
        "awaiting_hook": {key: hook.get(key) for key in keys} if hook else None,
        "rolled_back": bool(result.get("rolled_back")),
        "rollback_reason": result.get("rollback_reason"),
    }


def service_deployment_line(summary: dict) -> str:
    """The one readable line of a ``service_deployment_summary``."""
    line = f"{summary['cluster']}/{summary['service']}: {summary['action']}"
    if summary.get("check_mode"):
        line += " (check mode)"
    if summary.get("answered_hook_id"):
        line += f" hook {summary['answered_hook_id']}"
    parts = []
    if summary.get("deployment_id"):
        parts.append(f"deployment {summary['deployment_id']} {summary.get('status') or 'UNKNOWN'}")
    parts += _stages_and_traffic(summary)
    hook = summary.get("awaiting_hook")
    if hook:
        waiting = f"awaiting hook {hook.get('hook_id')} ({hook.get('target_type')}) at {summary.get('lifecycle_stage')}"
        parts.append(waiting + (f" until {hook['expires_at']}" if hook.get("expires_at") else ""))
    if summary.get("rollback_reason"):
        parts.append(f"rollback reason: {summary['rollback_reason']}")
    line += "".join("; " + part for part in parts)
    if summary.get("message"):
        line += f" ({summary['message']})"
    return line


def _stages_and_traffic(item: dict) -> list[str]:
    """The "stages ..." and "traffic ..." parts of a line, for those the item has."""
    parts = []
    if item.get("stages"):
        weights = item.get("production_weights") or []
        parts.append("stages " + ", ".join(_stage_text(name, weights) for name in item["stages"]))
    if item.get("traffic"):
        parts.append("traffic " + " / ".join(f"{name} {_number(weight)}" for name, weight in item["traffic"].items()))
    return parts


def _stage_text(name: str, weights: list) -> str:
    if name == PRODUCTION_TRAFFIC_SHIFT and weights:
        return name + " " + " -> ".join(f"{_number(weight)}%" for weight in weights)
    return name


def _number(value) -> str:
    """10.0 as 10, 12.5 as 12.5."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _service_name(result: dict) -> str | None:
    return result.get("service_name") or (result.get("service") or {}).get("service_name")


def _revision(arn: str | None) -> str | None:
    return arn.rsplit("/", 1)[-1] if arn else None
