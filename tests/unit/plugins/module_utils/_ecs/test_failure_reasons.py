"""The most telling reason a rollout failed, from DescribeTasks and DescribeTargetHealth answers."""

from __future__ import annotations

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.failure_reasons import (
    stopped_tasks_of,
    telling_reason,
    unhealthy_targets,
)

REVISION = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8"
GROUP = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef"


def _task(number: int, reason: str, exit_code, stopped_at: float, revision: str = REVISION) -> dict:
    container = {"name": "app", "lastStatus": "STOPPED"}
    if exit_code is not None:
        container["exitCode"] = exit_code
    return {
        "taskArn": f"arn:aws:ecs:eu-west-1:123456789012:task/prod/{number:032x}",
        "taskDefinitionArn": revision,
        "lastStatus": "STOPPED",
        "stoppedReason": reason,
        "stopCode": "EssentialContainerExited",
        "stoppedAt": stopped_at,
        "containers": [container],
    }


def test_the_newest_five_stopped_tasks_of_the_failed_revision():
    tasks = [_task(n, "Essential container in task exited", 1, float(n)) for n in range(8)]
    tasks.append(_task(99, "Scaling activity initiated by (deployment ecs-svc/1)", 0, 50.0, revision="web:7"))
    stopped = stopped_tasks_of(tasks, REVISION)
    assert [task["task_arn"][-1] for task in stopped] == ["7", "6", "5", "4", "3"]


def test_a_specific_stop_reason_wins_then_the_exit_code_with_the_last_log_line_then_the_targets():
    pulled = stopped_tasks_of([_task(1, "CannotPullContainerError: ref web:broken: not found", None, 1.0)], REVISION)
    assert telling_reason(pulled, {"app": True}, [], [], []) == "CannotPullContainerError: ref web:broken: not found"
    crashed = stopped_tasks_of([_task(2, "Essential container in task exited", 1, 1.0)], REVISION)
    assert telling_reason(crashed, {"app": True}, ["boot", "KeyError: 'X'"], [], []) == (
        "container app exited 1: \"KeyError: 'X'\""
    )
    health = unhealthy_targets(
        [
            {
                "Target": {"Id": "10.0.1.7", "Port": 8080},
                "TargetHealth": {"State": "unhealthy", "Reason": "Target.ResponseCodeMismatch", "Description": "500"},
                "TargetGroupArn": GROUP,
            },
            {"Target": {"Id": "10.0.1.8", "Port": 8080}, "TargetHealth": {"State": "healthy"}, "TargetGroupArn": GROUP},
        ]
    )
    assert telling_reason([], {}, [], health, []) == (
        "target 10.0.1.7:8080 unhealthy: Target.ResponseCodeMismatch (500)"
    )
    assert telling_reason([], {}, [], [], [{"message": "(service web) deployment failed"}]) == (
        "(service web) deployment failed"
    )
    assert telling_reason([], {}, [], [], []) is None
