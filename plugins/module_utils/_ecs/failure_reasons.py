# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: why a rollout failed, from what ECS and ELB report. Knowledge layer.

"ECS deployment circuit breaker: tasks failed to start" is true and does not help. What a person needs is in the API:
the stopped tasks' ``stoppedReason``, each container's exit code, the targets' health reasons, the service events,
and the application's last log lines. This module shapes them and picks the most telling one for the summary line:

1. a stop reason that is not the generic "Essential container in task exited" (``CannotPullContainerError: ...``,
   ``ResourceInitializationError: unable to pull secrets ...``);
2. an essential container that exited non-zero, with its last log line;
3. a target that failed its health checks, with ELB's reason;
4. the service's own last event.
"""

from __future__ import annotations

from typing import Any

MAX_STOPPED_TASKS = 5
GENERIC_STOP = "Essential container in task exited"


def stopped_tasks_of(tasks: list[dict], task_definition: str | None) -> list[dict]:
    """The newest stopped tasks (at most five) of the revision that failed, shaped for the result."""
    chosen = [
        task
        for task in tasks
        if task.get("lastStatus") == "STOPPED"
        and (not task_definition or task.get("taskDefinitionArn") == task_definition)
    ]
    chosen.sort(key=lambda task: str(task.get("stoppedAt") or task.get("createdAt") or ""), reverse=True)
    return [
        {
            "task_arn": task.get("taskArn"),
            "stopped_reason": task.get("stoppedReason"),
            "stop_code": task.get("stopCode"),
            "containers": [
                {"name": c.get("name"), "exit_code": c.get("exitCode"), "reason": c.get("reason")}
                for c in task.get("containers") or []
            ],
        }
        for task in chosen[:MAX_STOPPED_TASKS]
    ]


def failed_container(stopped: list[dict], essential: dict[str, bool]) -> tuple[dict, dict] | None:
    """The first (task, container) whose essential container exited non-zero."""
    for task in stopped:
        for container in task["containers"]:
            if essential.get(container["name"], True) and container["exit_code"] not in (None, 0):
                return task, container
    return None


def unhealthy_targets(descriptions: list[dict]) -> list[dict]:
    """ELB DescribeTargetHealth answers (with ``TargetGroupArn`` added), the targets that are not healthy."""
    found = []
    for description in descriptions:
        health = description.get("TargetHealth") or {}
        if health.get("State") in ("healthy", None):
            continue
        target = description.get("Target") or {}
        found.append(
            {
                "target_group_arn": description.get("TargetGroupArn"),
                "target": f"{target.get('Id')}:{target.get('Port')}" if target.get("Port") else target.get("Id"),
                "state": health.get("State"),
                "reason": health.get("Reason"),
                "description": health.get("Description"),
            }
        )
    return found


def telling_reason(
    stopped: list[dict], essential: dict[str, bool], log_lines: list[str], targets: list[dict], events: list[Any]
) -> str | None:
    """The one reason the summary line names (see the module docstring for the order)."""
    for task in stopped:
        reason = task.get("stopped_reason") or ""
        if reason and not reason.startswith(GENERIC_STOP):
            return reason
    failed = failed_container(stopped, essential)
    if failed:
        container = failed[1]
        text = f"container {container['name']} exited {container['exit_code']}"
        if log_lines:
            text += f': "{log_lines[-1]}"'
        elif container.get("reason"):
            text += f" ({container['reason']})"
        return text
    for target in targets:
        detail = target.get("reason") or target.get("state")
        if target.get("description"):
            detail += f" ({target['description']})"
        return f"target {target['target']} {target['state']}: {detail}"
    if stopped and stopped[0].get("stopped_reason"):
        return stopped[0]["stopped_reason"]
    if events:
        last = events[-1]
        return last.get("message") if isinstance(last, dict) else str(last)
    return None
