"""Application Auto Scaling of ECS services: the refusals AWS makes and moto does not, and SuspendedState."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import register

TARGET = {"ServiceNamespace": "ecs", "ScalableDimension": "ecs:service:DesiredCount"}
WEB = {**TARGET, "ResourceId": "service/test/web"}
CPU = {
    "TargetValue": 60.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
}


@pytest.fixture
def scaling(aws, ecs, cluster):
    register(ecs)
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition="web", desiredCount=1)
    return aws("application-autoscaling")


def _refused(call, code="ValidationException", **request) -> str:
    with pytest.raises(ClientError) as error:
        call(**request)
    assert error.value.response["Error"]["Code"] == code
    return error.value.response["Error"]["Message"]


def _target(scaling) -> dict:
    [target] = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=["service/test/web"])[
        "ScalableTargets"
    ]
    return target


def test_min_above_max_is_refused_as_aws_does(scaling):
    assert "cannot be greater" in _refused(scaling.register_scalable_target, **WEB, MinCapacity=5, MaxCapacity=3)
    assert scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"] == []
    scaling.register_scalable_target(**WEB, MinCapacity=1, MaxCapacity=3)
    # An update sending one bound is checked against the other one held.
    assert "cannot be greater" in _refused(scaling.register_scalable_target, **WEB, MinCapacity=4)
    assert (_target(scaling)["MinCapacity"], _target(scaling)["MaxCapacity"]) == (1, 3)


def test_a_new_target_needs_both_bounds_and_an_existing_service(scaling):
    assert "required" in _refused(scaling.register_scalable_target, **WEB, MinCapacity=1)
    for resource in ("service/test/nope", "service/nocluster/web"):
        message = _refused(
            scaling.register_scalable_target, **TARGET, ResourceId=resource, MinCapacity=1, MaxCapacity=2
        )
        assert resource in message


def test_suspended_state_has_every_flag_and_an_update_keeps_those_not_sent(scaling):
    scaling.register_scalable_target(**WEB, MinCapacity=1, MaxCapacity=3)
    assert _target(scaling)["SuspendedState"] == {
        "DynamicScalingInSuspended": False,
        "DynamicScalingOutSuspended": False,
        "ScheduledScalingSuspended": False,
    }
    scaling.register_scalable_target(**WEB, SuspendedState={"ScheduledScalingSuspended": True})
    scaling.register_scalable_target(**WEB, SuspendedState={"DynamicScalingInSuspended": True})
    target = _target(scaling)
    assert target["SuspendedState"] == {
        "DynamicScalingInSuspended": True,
        "DynamicScalingOutSuspended": False,
        "ScheduledScalingSuspended": True,
    }
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 3)


def test_policies_and_scheduled_actions_need_a_registered_target(scaling):
    policy = {**WEB, "PolicyName": "cpu", "PolicyType": "TargetTrackingScaling"}
    _refused(
        scaling.put_scaling_policy, "ObjectNotFoundException", **policy, TargetTrackingScalingPolicyConfiguration=CPU
    )
    action = {**WEB, "ScheduledActionName": "night", "Schedule": "cron(0 22 * * ? *)"}
    _refused(scaling.put_scheduled_action, "ObjectNotFoundException", **action, ScalableTargetAction={"MinCapacity": 1})
    scaling.register_scalable_target(**WEB, MinCapacity=1, MaxCapacity=3)
    scaling.put_scaling_policy(**policy, TargetTrackingScalingPolicyConfiguration=CPU)
    scaling.put_scheduled_action(**action, ScalableTargetAction={"MinCapacity": 1})
    assert [p["PolicyName"] for p in scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]] == [
        "cpu"
    ]


def test_alb_requests_needs_its_resource_label(scaling):
    scaling.register_scalable_target(**WEB, MinCapacity=1, MaxCapacity=3)
    specification = {"PredefinedMetricType": "ALBRequestCountPerTarget"}
    policy = {**WEB, "PolicyName": "requests", "PolicyType": "TargetTrackingScaling"}
    message = _refused(
        scaling.put_scaling_policy,
        **policy,
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 100.0, "PredefinedMetricSpecification": specification},
    )
    assert "ResourceLabel" in message
    label = "app/shop/50dc6c495c0c9188/targetgroup/web/73e2d6bc24d8a067"
    scaling.put_scaling_policy(
        **policy,
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 100.0,
            "PredefinedMetricSpecification": {**specification, "ResourceLabel": label},
        },
    )


@pytest.mark.parametrize(
    ("schedule", "capacity"),
    [
        ("cron(0 22 * * ?)", {"MinCapacity": 1}),
        ("every day", {"MinCapacity": 1}),
        ("rate(0 minutes)", {"MinCapacity": 1}),
        ("at(2026-13-01)", {"MinCapacity": 1}),
        ("cron(0 22 * * ? *)", {}),
        ("cron(0 22 * * ? *)", {"MinCapacity": 4, "MaxCapacity": 2}),
    ],
)
def test_bad_scheduled_actions_are_refused(scaling, schedule, capacity):
    scaling.register_scalable_target(**WEB, MinCapacity=1, MaxCapacity=3)
    _refused(
        scaling.put_scheduled_action,
        **WEB,
        ScheduledActionName="night",
        Schedule=schedule,
        ScalableTargetAction=capacity,
    )
    assert scaling.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"] == []
