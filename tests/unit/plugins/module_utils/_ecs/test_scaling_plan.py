"""The autoscaling declaration, checked with the path of each field, and the pure comparisons and hand-overs of
ecs_service_scaling and the roles. Payloads are Application Auto Scaling's own shapes."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.filter.service_scaling import FilterModule
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import scaling_plan as sp
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.deploy_plan import rollout_requests, summary_lines
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError

ACCOUNT = "123456789012"
WHERE = "ecs_services[web].autoscaling"


def _item(**autoscaling) -> dict:
    item = {
        "name": "web",
        "cluster": "shop",
        "task_definition": {"containerDefinitions": [{"name": "app", "image": "nginx", "portMappings": []}]},
    }
    if autoscaling:
        item["autoscaling"] = autoscaling
    return item


def _refused(declared: dict, *, load_balanced: bool = False) -> str:
    with pytest.raises(ECSValidationError) as raised:
        sp.resolve_autoscaling(declared, "ecs_services[web]", service="web", load_balanced=load_balanced)
    return raised.value.message


def test_a_plan_without_autoscaling_has_none():
    assert resolve_services([_item()], ACCOUNT)[0]["autoscaling"] is None


def test_the_declaration_is_completed():
    [plan] = resolve_services(
        [
            _item(
                min=2,
                max=10,
                target_tracking=[{"metric": "cpu", "target": 60}, {"metric": "memory", "target": 75.5, "name": "mem"}],
                scheduled_actions=[{"name": "night", "schedule": "cron(0 22 * * ? *)", "min": 1, "max": "2"}],
            )
        ],
        ACCOUNT,
    )
    assert plan["autoscaling"] == {
        "min": 2,
        "max": 10,
        "target_tracking": [
            {"name": "web-cpu", "metric": "cpu", "target": 60.0},
            {"name": "mem", "metric": "memory", "target": 75.5},
        ],
        "scheduled_actions": [{"name": "night", "schedule": "cron(0 22 * * ? *)", "min": 1, "max": 2}],
    }


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ({"min": 5, "max": 3}, f"{WHERE}.min 5 is above {WHERE}.max 3"),
        ({"max": 3}, f"{WHERE}.min is required"),
        ({"min": 1.5, "max": 3}, f"{WHERE}.min must be a whole number, got 1.5"),
        ({"min": -1, "max": 3}, f"{WHERE}.min must be 0 or more"),
        ({"min": True, "max": 3}, f"{WHERE}.min must be a whole number"),
        ({"min": 1, "max": 3, "targets": []}, f"{WHERE}.targets is not a known key"),
        ({"min": 1, "max": 3, "target_tracking": [{"metric": "disk", "target": 5}]}, "target_tracking[0].metric must"),
        ({"min": 1, "max": 3, "target_tracking": [{"metric": "cpu", "target": 0}]}, "target_tracking[0].target 0 must"),
        ({"min": 1, "max": 3, "target_tracking": [{"metric": "cpu", "target": 101}]}, "at most 100"),
        ({"min": 1, "max": 3, "target_tracking": [{"metric": "cpu", "target": "high"}]}, "must be a number"),
        (
            {"min": 1, "max": 3, "target_tracking": [{"metric": "alb_requests", "target": 100}]},
            f"{WHERE}.target_tracking[0].metric alb_requests counts the requests",
        ),
        (
            {"min": 1, "max": 3, "target_tracking": [{"metric": "cpu", "target": 50}, {"metric": "cpu", "target": 70}]},
            f"{WHERE}.target_tracking[1].name 'web-cpu' is used by another policy",
        ),
        (
            {"min": 1, "max": 3, "target_tracking": [{"metric": "cpu", "target": 50, "name": "a/b"}]},
            "target_tracking[0].name 'a/b' must be 1 to 256 characters",
        ),
        (
            {"min": 1, "max": 3, "target_tracking": [{"metric": "cpu", "target": 50, "scale_in_cooldown": -5}]},
            "target_tracking[0].scale_in_cooldown must be 0 or more",
        ),
        (
            {"min": 1, "max": 3, "scheduled_actions": [{"name": "n", "schedule": "cron(0 22 * * * *)", "min": 1}]},
            f"{WHERE}.scheduled_actions[0].schedule 'cron(0 22 * * * *)' must use ? in exactly one",
        ),
        (
            {"min": 1, "max": 3, "scheduled_actions": [{"name": "n", "schedule": "cron(0 22 * * ?)", "min": 1}]},
            "has 5 cron fields",
        ),
        (
            {"min": 1, "max": 3, "scheduled_actions": [{"name": "n", "schedule": "cron(0 25 * * ? *)", "min": 1}]},
            "hours value 25 outside 0-23",
        ),
        (
            {"min": 1, "max": 3, "scheduled_actions": [{"name": "n", "schedule": "rate(0 hours)", "min": 1}]},
            "must be rate(N unit)",
        ),
        (
            {"min": 1, "max": 3, "scheduled_actions": [{"name": "n", "schedule": "at(2026-02-30T10:00:00)", "min": 1}]},
            "is not a moment",
        ),
        (
            {"min": 1, "max": 3, "scheduled_actions": [{"name": "n", "schedule": "daily", "min": 1}]},
            "must be at(yyyy-mm-ddThh:mm:ss), rate(N unit) or cron(",
        ),
        (
            {"min": 1, "max": 3, "scheduled_actions": [{"name": "n", "schedule": "rate(1 day)"}]},
            f"{WHERE}.scheduled_actions[0] needs min or max",
        ),
        (
            {"min": 1, "max": 3, "scheduled_actions": [{"name": "n", "schedule": "rate(1 day)", "min": 4, "max": 2}]},
            f"{WHERE}.scheduled_actions[0].min 4 is above",
        ),
        (
            {
                "min": 1,
                "max": 3,
                "scheduled_actions": [
                    {"name": "n", "schedule": "rate(1 day)", "min": 1},
                    {"name": "n", "schedule": "rate(2 days)", "min": 1},
                ],
            },
            f"{WHERE}.scheduled_actions[1].name 'n' is given twice",
        ),
        (
            {
                "min": 1,
                "max": 3,
                "scheduled_actions": [{"name": "n", "schedule": "rate(1 day)", "min": 1, "timezone": 3}],
            },
            "timezone must be a time zone name",
        ),
    ],
)
def test_bad_input_is_named_by_its_path(declared, message):
    assert message in _refused(declared)


def test_min_above_max_is_refused_through_the_roles_resolution():
    with pytest.raises(ECSValidationError) as raised:
        resolve_services([_item(min=4, max=2)], ACCOUNT)
    assert raised.value.message.startswith("ecs_services[web].autoscaling.min 4 is above")


def test_alb_requests_is_for_a_service_behind_a_load_balancer():
    checked = sp.resolve_autoscaling(
        {"min": 1, "max": 2, "target_tracking": [{"metric": "alb_requests", "target": 1000}]},
        "ecs_services[web]",
        service="web",
        load_balanced=True,
    )
    assert checked["target_tracking"] == [{"name": "web-alb_requests", "metric": "alb_requests", "target": 1000.0}]


@pytest.mark.parametrize(
    "schedule",
    [
        "at(2026-12-31T23:59:00)",
        "rate(1 minute)",
        "rate(5 minutes)",
        "rate(2 days)",
        "cron(0 22 * * ? *)",
        "cron(0/15 8-18 ? * MON-FRI *)",
        "cron(0 3 L * ? 2027)",
        "cron(0 12 ? * 2#1 *)",
    ],
)
def test_schedules_application_auto_scaling_takes(schedule):
    assert sp.schedule_problem(schedule) is None


def test_the_resource_label_of_alb_requests():
    balancer = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188"
    group = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web/73e2d6bc24d8a067"
    assert sp.resource_label(group, balancer) == "app/shop/50dc6c495c0c9188/targetgroup/shop-web/73e2d6bc24d8a067"
    assert sp.is_application_load_balancer(balancer)
    assert not sp.is_application_load_balancer(balancer.replace("/app/", "/net/"))


LIVE_POLICY = {
    "PolicyARN": "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:resource/ecs/service/shop/web"
    ":policyName/web-cpu",
    "PolicyName": "web-cpu",
    "ServiceNamespace": "ecs",
    "ResourceId": "service/shop/web",
    "ScalableDimension": "ecs:service:DesiredCount",
    "PolicyType": "TargetTrackingScaling",
    "TargetTrackingScalingPolicyConfiguration": {
        "TargetValue": 60.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
        "ScaleOutCooldown": 300,
        "ScaleInCooldown": 300,
        "DisableScaleIn": False,
    },
    "Alarms": [],
}


def test_a_policy_differs_only_in_what_is_declared():
    declared = sp.policy_configuration({"name": "web-cpu", "metric": "cpu", "target": 60.0})
    assert declared == {
        "TargetValue": 60.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
    }
    assert not sp.policy_differs(LIVE_POLICY, declared)
    assert sp.policy_differs(None, declared)
    assert sp.policy_differs(LIVE_POLICY, {**declared, "TargetValue": 70.0})
    assert sp.policy_differs(LIVE_POLICY, {**declared, "ScaleInCooldown": 60})
    assert not sp.policy_differs(LIVE_POLICY, {**declared, "ScaleInCooldown": 300})
    assert sp.policy_differs(LIVE_POLICY, {**declared, "DisableScaleIn": True})
    assert sp.policy_differs({**LIVE_POLICY, "PolicyType": "StepScaling"}, declared)


def test_a_scheduled_action_differs_in_schedule_capacity_or_time_zone():
    request = sp.scheduled_action_request({"name": "night", "schedule": "cron(0 22 * * ? *)", "min": 1})
    assert request == {"Schedule": "cron(0 22 * * ? *)", "ScalableTargetAction": {"MinCapacity": 1}}
    live = {
        "ScheduledActionName": "night",
        "Schedule": "cron(0 22 * * ? *)",
        "ScalableTargetAction": {"MinCapacity": 1},
    }
    assert not sp.scheduled_action_differs(live, request)
    assert not sp.scheduled_action_differs({**live, "Timezone": "UTC"}, request)
    assert sp.scheduled_action_differs({**live, "Timezone": "Europe/Paris"}, request)
    assert sp.scheduled_action_differs({**live, "ScalableTargetAction": {"MinCapacity": 2}}, request)
    assert sp.scheduled_action_differs(None, request)


def test_suspended_state_round_trip():
    flags = sp.suspended_state({"SuspendedState": {"ScheduledScalingSuspended": True}})
    assert flags == {
        "dynamic_scaling_in_suspended": False,
        "dynamic_scaling_out_suspended": False,
        "scheduled_scaling_suspended": True,
    }
    held = sp.with_scale_in_held(flags)
    assert sp.suspended_request(held) == {
        "DynamicScalingInSuspended": True,
        "DynamicScalingOutSuspended": False,
        "ScheduledScalingSuspended": True,
    }


PLANS = [{"name": name, "cluster": "shop"} for name in ("web", "worker", "new", "blocked")]
RESOLVED = [
    {"task_definition_arn": "web:2", "live_task_definition_arn": "web:1"},
    {"task_definition_arn": "worker:1", "live_task_definition_arn": "worker:1"},
    {"task_definition_arn": "new:1", "live_task_definition_arn": None},
    {"task_definition_arn": "blocked:2", "live_task_definition_arn": "blocked:1"},
]


def test_only_existing_services_starting_a_deployment_are_held():
    held = FilterModule().filters()["deploy_scale_in_services"]
    assert held(PLANS, RESOLVED, False, ["shop/blocked"]) == [{"cluster": "shop", "service": "web"}]
    assert held(PLANS, RESOLVED, True, ["shop/blocked"]) == [
        {"cluster": "shop", "service": "web"},
        {"cluster": "shop", "service": "worker"},
    ]
    assert held(PLANS[1:3], RESOLVED[1:3]) == []


def test_the_roles_hand_the_plans_that_declare_autoscaling():
    plans = resolve_services([_item(min=1, max=2), {**_item(), "name": "plain"}], ACCOUNT)
    requests = FilterModule().filters()["scaling_requests"](plans)
    assert requests == [
        {"cluster": "shop", "service": "web", "min": 1, "max": 2, "target_tracking": [], "scheduled_actions": []}
    ]


def _summary(service: str) -> dict:
    return {
        "service": service,
        "cluster": "shop",
        "container": "app",
        "old_image": "a",
        "new_image": "b",
        "old_revision": "web:1",
        "new_revision": "web:2",
        "outcome": "deployed",
        "drift": [],
        "duration": 1.0,
        "message": None,
    }


FLAGS_FREE = {
    "dynamic_scaling_in_suspended": False,
    "dynamic_scaling_out_suspended": False,
    "scheduled_scaling_suspended": False,
}
HELD = {
    "previous": [
        {"cluster": "shop", "service": "web", "suspended_state": FLAGS_FREE},
        {
            "cluster": "shop",
            "service": "worker",
            "suspended_state": {**FLAGS_FREE, "dynamic_scaling_in_suspended": True},
        },
    ]
}


def test_the_summary_says_what_happened_to_scale_in():
    summarize = FilterModule().filters()["deploy_scale_in_summary"]
    summaries = [_summary("web"), _summary("worker"), _summary("api")]
    done = summarize(summaries, HELD, {"changed": True, "services": []})
    assert [item.get("scale_in") for item in done] == [
        "scale-in suspended during the rollout, then restored",
        "scale-in was suspended before the deploy and stays so",
        None,
    ]
    lines = summary_lines(done)
    assert lines[0].endswith("; scale-in suspended during the rollout, then restored")
    failed = summarize(summaries, HELD, {"failed": True, "msg": "throttled", "written": []})
    assert failed[0]["scale_in"].startswith("scale-in suspended during the rollout and NOT restored")
    assert summarize(summaries, None, None) == summaries


def test_a_deploy_never_sends_the_count_of_an_autoscaled_service_that_exists():
    declared = _item(min=2, max=6)
    declared["service"] = {"desired_count": 2}
    plain = {**_item(), "name": "plain", "service": {"desired_count": 2}}
    plans = resolve_services([declared, plain], ACCOUNT)
    existing = [
        {"task_definition_arn": "web:2", "live_task_definition_arn": "web:1"},
        {"task_definition_arn": "plain:2", "live_task_definition_arn": "plain:1"},
    ]
    requests = rollout_requests(plans, existing)
    assert "desired_count" not in requests[0]
    # Without autoscaling, a declared count is the declaration's, as before.
    assert requests[1]["desired_count"] == 2
    # A service being created needs a count: the declared one.
    created = rollout_requests(plans, [{"task_definition_arn": "web:1", "live_task_definition_arn": None}] * 2)
    assert created[0]["desired_count"] == 2
