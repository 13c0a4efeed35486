"""The deploy role's requests and summary."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.common import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.deploy_plan import (
    rollout_requests,
    summarize,
    summary_lines,
    taskdef_requests,
)

ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/"
PLANS = [
    {
        "name": "web",
        "cluster": "shop",
        "main_container": "app",
        "task_definition": {"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:1"}]},
        "service": {"desired_count": 2, "launch_type": "FARGATE", "platform_version": None},
    },
    {
        "name": "worker",
        "cluster": "shop",
        "main_container": "worker",
        "task_definition": {"family": "worker", "containerDefinitions": [{"name": "worker", "image": "py:3"}]},
        "service": {},
    },
]


def test_deploy_image_goes_to_the_main_container_and_deploy_images_to_the_rest():
    requests = taskdef_requests(PLANS, "nginx:2", {"sidecar": "envoy:2"})
    assert requests[0]["images"] == {"sidecar": "envoy:2", "app": "nginx:2"}
    assert requests[1]["images"] == {"sidecar": "envoy:2", "worker": "nginx:2"}
    assert [request["service"] for request in requests] == ["web", "worker"]


def test_per_service_images_win_and_must_name_deployed_services():
    requests = taskdef_requests(PLANS, "ignored:1", None, {"web": {"app": "nginx@sha256:" + "a" * 64}})
    assert requests[0]["images"] == {"app": "nginx@sha256:" + "a" * 64}
    assert requests[1]["images"] == {"worker": "ignored:1"}
    with pytest.raises(ECSValidationError, match="not deployed: api"):
        taskdef_requests(PLANS, service_images={"api": {}})


def test_no_image_keeps_the_live_ones():
    assert [request["images"] for request in taskdef_requests(PLANS)] == [{}, {}]


def test_rollout_requests_carry_the_settings_and_the_resolved_revision():
    resolved = [{"task_definition_arn": ARN + "web:3"}, {"task_definition_arn": ARN + "worker:1"}]
    requests = rollout_requests(PLANS, resolved)
    assert requests[0] == {
        "cluster": "shop",
        "service": "web",
        "task_definition": ARN + "web:3",
        "desired_count": 2,
        "launch_type": "FARGATE",
        "force_new_deployment": False,
    }
    assert "desired_count" not in requests[1], "an undeclared count is never sent"
    with pytest.raises(ECSValidationError):
        rollout_requests(PLANS, resolved[:1])


def _taskdef(name, container, live_image, image, arn, live_arn, changed):
    return {
        "images": [{"container": container, "image": image, "live_image": live_image, "source": "images"}],
        "task_definition_arn": arn,
        "live_task_definition_arn": live_arn,
        "registered": changed,
        "changed": changed,
        "drift": [],
    }


def test_summary_tells_each_service_outcome():
    resolved = [
        _taskdef("web", "app", "nginx:1", "nginx:2", ARN + "web:4", ARN + "web:3", True),
        _taskdef("worker", "worker", "py:3", "py:3", ARN + "worker:1", ARN + "worker:1", False),
    ]
    rolled = [
        {
            "cluster": "shop",
            "service_name": "web",
            "changed": True,
            "action": "update",
            "deployment_id": "ecs-svc/1",
            "rollout_state": "COMPLETED",
            "previous_task_definition_arn": ARN + "web:3",
            "rolled_back": False,
            "duration": 12.5,
            "failed": False,
        },
        {
            "cluster": "shop",
            "service_name": "worker",
            "changed": False,
            "action": "none",
            "failed": False,
            "duration": 0.4,
        },
    ]
    summary = summarize(PLANS, resolved, rolled)
    assert [item["outcome"] for item in summary] == ["deployed", "unchanged"]
    assert summary[0]["old_image"] == "nginx:1"
    assert summary[0]["new_image"] == "nginx:2"
    assert (summary[0]["old_revision"], summary[0]["new_revision"]) == ("web:3", "web:4")
    lines = summary_lines(summary)
    assert lines[0] == "shop/web: deployed; app nginx:1 -> nginx:2; web:3 -> web:4; 12.5 s"
    assert lines[1] == "shop/worker: unchanged; worker py:3; worker:1"


def test_summary_of_a_rolled_back_service():
    resolved = [_taskdef("web", "app", "nginx:1", "nginx:bad", ARN + "web:5", ARN + "web:4", True)]
    rolled = [
        {
            "cluster": "shop",
            "service_name": "web",
            "changed": True,
            "failed": True,
            "rolled_back": True,
            "msg": "circuit breaker",
            "previous_task_definition_arn": ARN + "web:4",
            "duration": 30.0,
        }
    ]
    summary = summarize(PLANS[:1], resolved, rolled)
    assert summary[0]["outcome"] == "rolled back"
    assert summary_lines(summary)[0].endswith("(circuit breaker)")
    assert summarize(PLANS[:1], resolved, None)[0]["outcome"] == "not rolled out"
