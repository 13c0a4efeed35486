# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the data the deploy role passes between its two module calls, and the summary it reports.

The role resolves every service with one ecs_taskdef_live call (``definitions``) and rolls them all out with one
ecs_service_rollout call (``services``), so a deploy of N services starts each module once. These functions build
those two requests from the service plans and read the answers back into one line of summary per service.
"""

from __future__ import annotations

import re

from .exceptions import ECSValidationError
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


def rollout_requests(plans: list[dict], resolved: list[dict], force_new_deployment: bool = False) -> list[dict]:
    """The ``services`` list of ecs_service_rollout: each plan's settings on the task definition it resolved to."""
    if len(plans) != len(resolved):
        raise ECSValidationError(f"{len(plans)} services planned but {len(resolved)} task definitions resolved")
    requests = []
    for plan, result in zip(plans, resolved):
        request = {key: value for key, value in plan["service"].items() if value is not None}
        request.update(
            cluster=plan["cluster"],
            service=plan["name"],
            task_definition=result["task_definition_arn"],
            force_new_deployment=force_new_deployment,
        )
        requests.append(request)
    return requests


def summarize(plans: list[dict], resolved: list[dict], rolled_out: list[dict] | None) -> list[dict]:
    """One summary per service: old and new image, old and new revision, outcome and duration.

    Args:
        plans: the service plans.
        resolved: ecs_taskdef_live's ``results``.
        rolled_out: ecs_service_rollout's ``results`` (also present when it failed), or None if it never ran.
    """
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
            "message": _without_list_label(rollout.get("msg")),
            "put_back": rollout.get("put_back"),
            "duration": rollout.get("duration"),
        }
        summary.update(native_deployment(plan, rollout))
        summaries.append(summary)
    return summaries


_LIST_LABEL = re.compile(r"^services\[\d+\] \([^)]*\): ")


def _without_list_label(message: str | None) -> str | None:
    """A list-mode item's message without its ``services[0] (cluster/service): `` label: the line names both."""
    return _LIST_LABEL.sub("", message) if message else message


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
        if item["message"]:
            line += f" ({item['message']})"
        lines.append(line)
    return lines


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
