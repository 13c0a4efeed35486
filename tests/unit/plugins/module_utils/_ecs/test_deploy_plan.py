"""The deploy role's requests and summary."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.deploy_plan import (
    failure_headline,
    production_weights,
    rollout_requests,
    service_deployment_line,
    service_deployment_summary,
    stage_names,
    summarize,
    summary_lines,
    target_group_name,
    taskdef_requests,
    traffic_by_name,
)
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError

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
    assert lines[2] == "2 services: 1 changed (1 deployed), 1 unchanged, 0 failed"


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


def test_a_failed_deploy_says_its_reason_once_on_the_service_line_and_names_the_service_at_the_end():
    resolved = [_taskdef("web", "app", "nginx:1", "nginx:bad", ARN + "web:5", ARN + "web:4", True)]
    reason = "deployment ecs-svc/1 FAILED (ECS deployment circuit breaker: tasks failed to start.)"
    rolled = [
        {
            "cluster": "shop",
            "service_name": "web",
            "changed": True,
            "failed": True,
            "rolled_back": True,
            "msg": f"services[0] (shop/web): {reason}",
            "duration": 30.0,
        }
    ]
    failure = f"1 of 1 services failed: services[0] (shop/web): {reason}"
    summary = summarize(PLANS[:1], resolved, rolled)
    # The line names cluster and service already: the list label would say them twice.
    assert summary_lines(summary)[0].endswith(f"; 30.0 s ({reason})")
    headline = failure_headline(summary, failure)
    assert headline == "1 of 1 services did not deploy (shop/web rolled back); the summary above says why"
    assert reason not in headline


def test_a_service_put_back_with_the_others_says_so_and_counts_as_not_deployed():
    resolved = [_taskdef("web", "app", "nginx:1", "nginx:2", ARN + "web:5", ARN + "web:4", True)]
    put_back = {"action": "rolled back to web:4", "outcome": "COMPLETED"}
    rolled = [
        {
            "cluster": "shop",
            "service_name": "web",
            "changed": True,
            "rolled_back": True,
            "put_back": put_back,
            "duration": 12.0,
        }
    ]
    summary = summarize(PLANS[:1], resolved, rolled)
    assert (summary[0]["outcome"], summary[0]["put_back"]) == ("rolled back", put_back)
    assert summary_lines(summary)[0].endswith(
        "; put back with the others (all_or_nothing): rolled back to web:4, COMPLETED"
    )
    assert failure_headline(summary, "x").startswith("1 of 1 services did not deploy (shop/web rolled back)")


def test_a_failure_no_service_line_explains_is_the_closing_error_as_it_is():
    resolved = [_taskdef("web", "app", "nginx:1", "nginx:1", ARN + "web:4", ARN + "web:4", False)]
    assert failure_headline(summarize(PLANS[:1], resolved, []), "cluster shop not found") == "cluster shop not found"


# Blue/green, linear and canary ----------------------------------------------------------------------------

ELB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
BLUE = ELB + "targetgroup/shop-dev-web/0123456789abcdef"
GREEN = ELB + "targetgroup/shop-dev-web-g/fedcba9876543210"
RULE = ELB + "listener-rule/app/shop-dev/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
SERVICE_DEPLOYMENT = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/shop/web/8gJgyhjXKmBD3kDbLfVjX"
BLUE_GREEN_PLAN = {
    **PLANS[0],
    "service": {
        "desired_count": 2,
        "deployment_configuration": {"strategy": "BLUE_GREEN", "bake_time_in_minutes": 5},
        "load_balancers": [
            {
                "target_group_arn": BLUE,
                "container_name": "app",
                "container_port": 80,
                "advanced_configuration": {"alternate_target_group_arn": GREEN, "production_listener_rule": RULE},
            }
        ],
    },
}


def _seen(*stages):
    """lifecycle_stages as ecs_service_rollout returns them; a (stage, weight) pair is a production shift step."""
    result = []
    for second, stage in enumerate(stages):
        name, weight = stage if isinstance(stage, tuple) else (stage, None)
        item = {"stage": name, "first_seen": f"2025-06-01T12:00:{second:02d}+00:00"}
        if name == "PRODUCTION_TRAFFIC_SHIFT":
            item["production_weight"] = weight
        result.append(item)
    return result


def _native_rollout(status, stages, traffic, strategy="BLUE_GREEN", **more):
    return {
        "cluster": "shop",
        "service_name": "web",
        "changed": True,
        "action": "update",
        "deployment_id": "ecs-svc/5544332211",
        "rollout_state": "IN_PROGRESS" if status == "IN_PROGRESS" else "COMPLETED",
        "previous_task_definition_arn": ARN + "web:3",
        "rolled_back": False,
        "rolled_back_by": None,
        "service": {"service_name": "web", "deployment_configuration": {"strategy": strategy}},
        "service_deployment_arn": SERVICE_DEPLOYMENT,
        "status": status,
        "lifecycle_stage": stages[-1]["stage"] if stages else None,
        "lifecycle_stages": stages,
        "traffic": traffic,
        "rollback_reason": None,
        "duration": 41.2,
        "failed": False,
        **more,
    }


def test_target_group_name_comes_from_the_arn():
    assert target_group_name(GREEN) == "shop-dev-web-g"
    assert target_group_name("arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:targetgroup/a/1") == "a"
    assert target_group_name("not-an-arn") == "not-an-arn"
    assert target_group_name(ELB + "loadbalancer/app/shop-dev/50dc6c495c0c9188") == (
        ELB + "loadbalancer/app/shop-dev/50dc6c495c0c9188"
    )
    assert traffic_by_name({BLUE: 0, GREEN: 100}) == {"shop-dev-web": 0, "shop-dev-web-g": 100}
    assert traffic_by_name(None) is None


def test_stage_names_once_each_and_the_production_weight_steps():
    seen = _seen(
        "SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "PRE_PRODUCTION_TRAFFIC_SHIFT",
        ("PRODUCTION_TRAFFIC_SHIFT", 10.0),
        ("PRODUCTION_TRAFFIC_SHIFT", 55.0),
        ("PRODUCTION_TRAFFIC_SHIFT", 100.0),
        "POST_PRODUCTION_TRAFFIC_SHIFT",
        "BAKE_TIME",
    )
    assert stage_names(seen) == [
        "SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "PRE_PRODUCTION_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
        "BAKE_TIME",
    ]
    assert production_weights(seen) == [10.0, 55.0, 100.0]
    # A module that does not report the weight yet: the stage is listed without steps.
    assert production_weights(_seen(("PRODUCTION_TRAFFIC_SHIFT", None))) == []


def test_summary_of_a_blue_green_deploy_shows_stages_and_the_flipped_traffic():
    resolved = [_taskdef("web", "app", "nginx:1", "nginx:2", ARN + "web:4", ARN + "web:3", True)]
    stages = _seen(
        "RECONCILE_SERVICE",
        "SCALE_UP",
        "PRE_PRODUCTION_TRAFFIC_SHIFT",
        ("PRODUCTION_TRAFFIC_SHIFT", 100.0),
        "BAKE_TIME",
        "CLEAN_UP",
    )
    rolled = [_native_rollout("SUCCESSFUL", stages, {BLUE: 0, GREEN: 100})]
    (summary,) = summarize([BLUE_GREEN_PLAN], resolved, rolled)
    assert summary["outcome"] == "deployed"
    assert summary["strategy"] == "BLUE_GREEN"
    assert summary["service_deployment_arn"] == SERVICE_DEPLOYMENT
    assert summary["service_deployment_status"] == "SUCCESSFUL"
    assert summary["traffic"] == {"shop-dev-web": 0, "shop-dev-web-g": 100}
    assert summary_lines([summary])[0] == (
        "shop/web: deployed; app nginx:1 -> nginx:2; web:3 -> web:4; BLUE_GREEN deployment 8gJgyhjXKmBD3kDbLfVjX "
        "SUCCESSFUL; stages RECONCILE_SERVICE, SCALE_UP, PRE_PRODUCTION_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT 100%, "
        "BAKE_TIME, CLEAN_UP; traffic shop-dev-web 0 / shop-dev-web-g 100; 41.2 s"
    )


def test_a_linear_deploy_left_in_its_bake_time_is_deploying():
    resolved = [_taskdef("web", "app", "nginx:1", "nginx:2", ARN + "web:4", ARN + "web:3", True)]
    stages = _seen("SCALE_UP", ("PRODUCTION_TRAFFIC_SHIFT", 10.0), ("PRODUCTION_TRAFFIC_SHIFT", 100.0), "BAKE_TIME")
    rolled = [_native_rollout("IN_PROGRESS", stages, {BLUE: 0, GREEN: 100}, strategy="LINEAR")]
    (summary,) = summarize([BLUE_GREEN_PLAN], resolved, rolled)
    assert summary["outcome"] == "deploying"
    assert summary["strategy"] == "LINEAR", "the strategy ECS reports wins over the declared one"
    line = summary_lines([summary])[0]
    assert line.startswith("shop/web: deploying (reached BAKE_TIME); ")
    assert "LINEAR deployment 8gJgyhjXKmBD3kDbLfVjX IN_PROGRESS" in line
    assert "PRODUCTION_TRAFFIC_SHIFT 10% -> 100%, BAKE_TIME;" in line


def test_a_canary_rolled_back_by_ecs_says_so_with_the_reason():
    resolved = [_taskdef("web", "app", "nginx:1", "nginx:bad", ARN + "web:5", ARN + "web:4", True)]
    stages = _seen("SCALE_UP", ("PRODUCTION_TRAFFIC_SHIFT", 5.0))
    reason = "Service deployment rolled back because the lifecycle hook failed"
    rolled = [
        _native_rollout(
            "ROLLBACK_SUCCESSFUL",
            stages,
            {BLUE: 100, GREEN: 0},
            strategy="CANARY",
            rolled_back=True,
            rolled_back_by="ecs",
            previous_task_definition_arn=ARN + "web:4",
            rollback_reason=reason,
            failed=True,
            msg=f"shop/web: service deployment {SERVICE_DEPLOYMENT} ended ROLLBACK_SUCCESSFUL ({reason})",
        )
    ]
    (summary,) = summarize([BLUE_GREEN_PLAN], resolved, rolled)
    assert (summary["outcome"], summary["rolled_back"], summary["rollback_reason"]) == ("rolled back", True, reason)
    line = summary_lines([summary])[0]
    assert line.startswith("shop/web: rolled back; app nginx:1 -> nginx:bad; web:4 -> web:5; CANARY deployment ")
    assert "stages SCALE_UP, PRODUCTION_TRAFFIC_SHIFT 5%; traffic shop-dev-web 100 / shop-dev-web-g 0" in line
    assert f"; rollback reason: {reason}" in line


def test_a_blue_green_service_with_nothing_to_do_names_its_strategy_only():
    resolved = [_taskdef("web", "app", "nginx:2", "nginx:2", ARN + "web:4", ARN + "web:4", False)]
    rolled = [
        {
            "cluster": "shop",
            "service_name": "web",
            "changed": False,
            "action": "none",
            "service": {"service_name": "web", "deployment_configuration": {"strategy": "BLUE_GREEN"}},
            "failed": False,
            "duration": 0.3,
        }
    ]
    (summary,) = summarize([BLUE_GREEN_PLAN], resolved, rolled)
    assert summary["outcome"] == "unchanged"
    assert summary["service_deployment_arn"] is None
    assert (summary["stages"], summary["traffic"]) == ([], None)
    assert summary_lines([summary]) == ["shop/web: unchanged; app nginx:2; web:4; BLUE_GREEN"]


def test_rolling_services_keep_their_line_and_say_rolling():
    resolved = [_taskdef("worker", "worker", "py:3", "py:3", ARN + "worker:1", ARN + "worker:1", False)]
    rolled = [{"cluster": "shop", "service_name": "worker", "changed": False, "action": "none", "failed": False}]
    (summary,) = summarize(PLANS[1:], resolved, rolled)
    assert summary["strategy"] == "ROLLING"
    assert summary["service_deployment_status"] is None
    assert summary_lines([summary]) == ["shop/worker: unchanged; worker py:3; worker:1"]


SD_ARN = "arn:aws:ecs:us-east-1:123456789012:service-deployment/shop/api/Xy12"
TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/"
API = {"name": "api", "cluster": "shop"}


def test_a_continued_canary_reads_as_one_line_with_its_steps_and_traffic():
    result = {
        "changed": True,
        "action": "continue",
        "service_deployment_arn": SD_ARN,
        "status": "SUCCESSFUL",
        "lifecycle_stage": "CLEAN_UP",
        "lifecycle_stages": [
            {"stage": "PRE_PRODUCTION_TRAFFIC_SHIFT", "first_seen": "t0"},
            {"stage": "PRODUCTION_TRAFFIC_SHIFT", "first_seen": "t1", "production_weight": 10.0},
            {"stage": "PRODUCTION_TRAFFIC_SHIFT", "first_seen": "t2", "production_weight": 100.0},
            {"stage": "CLEAN_UP", "first_seen": "t3"},
        ],
        "traffic": {TG + "shop-api/1": 0, TG + "shop-api-alt/2": 100},
        "answered_hook_id": "h1",
        "awaiting_hook": None,
        "rolled_back": False,
        "rollback_reason": None,
    }
    summary = service_deployment_summary(result, "prod", API, "continue")
    assert summary["deployment_id"] == "Xy12"
    assert summary["stages"] == ["PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "CLEAN_UP"]
    assert summary["production_weights"] == [10.0, 100.0]
    assert (summary["failed"], summary["message"], summary["changed"]) == (False, None, True)
    assert service_deployment_line(summary) == (
        "shop/api: continue hook h1; deployment Xy12 SUCCESSFUL; stages PRE_PRODUCTION_TRAFFIC_SHIFT, "
        "PRODUCTION_TRAFFIC_SHIFT 10% -> 100%, CLEAN_UP; traffic shop-api 0 / shop-api-alt 100"
    )


def test_a_paused_canary_shows_the_hook_awaiting_action_and_a_failure_its_message():
    result = {
        "service_deployment_arn": SD_ARN,
        "status": "IN_PROGRESS",
        "lifecycle_stage": "PRE_PRODUCTION_TRAFFIC_SHIFT",
        "awaiting_hook": {"hook_id": "h2", "target_type": "PAUSE", "status": "AWAITING_ACTION", "expires_at": "later"},
    }
    paused = service_deployment_summary(result, "prod", API, "status", check_mode=True)
    assert paused["awaiting_hook"]["timeout_action"] is None
    assert service_deployment_line(paused) == (
        "shop/api: status (check mode); deployment Xy12 IN_PROGRESS; "
        "awaiting hook h2 (PAUSE) at PRE_PRODUCTION_TRAFFIC_SHIFT until later"
    )
    failed = service_deployment_summary({}, "prod", API, "continue", failure="shop/api has no service deployment")
    assert failed["failed"] is True
    assert service_deployment_line(failed) == "shop/api: continue (shop/api has no service deployment)"
