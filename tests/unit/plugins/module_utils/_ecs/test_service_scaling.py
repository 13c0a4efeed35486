"""ecs_service_scaling's run with the API faked: only what differs is written, check mode writes nothing, nothing is
written before every service is known, and the suspended state goes back as it was found."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import service_scaling as ss
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError, ECSValidationError

GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-web/73e2d6bc24d8a067"
BALANCER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188"
FREE = {"DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False, "ScheduledScalingSuspended": False}


def _target(service: str, low: int = 1, high: int = 4, **suspended) -> dict:
    return {
        "ServiceNamespace": "ecs",
        "ResourceId": f"service/shop/{service}",
        "ScalableDimension": "ecs:service:DesiredCount",
        "MinCapacity": low,
        "MaxCapacity": high,
        "RoleARN": "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/x",
        "CreationTime": 1.0,
        "SuspendedState": {**FREE, **suspended},
        "ScalableTargetARN": "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123",
    }


class FakeAws:
    """Application Auto Scaling, ECS and ELBv2 as the api functions see them; every write is recorded."""

    def __init__(self, targets=(), policies=(), actions=(), services=("web", "worker")) -> None:
        self.targets = {target["ResourceId"]: copy.deepcopy(target) for target in targets}
        self.policies = list(policies)
        self.actions = list(actions)
        self.services = set(services)
        self.writes: list[tuple] = []
        self.reads: list[str] = []

    def install(self, monkeypatch) -> None:
        monkeypatch.setattr(api, "describe_scalable_targets", self.describe_scalable_targets)
        monkeypatch.setattr(api, "register_scalable_target", self.register)
        monkeypatch.setattr(api, "describe_scaling_policies", lambda c: self._read("policies", self.policies))
        monkeypatch.setattr(api, "describe_scheduled_actions", lambda c: self._read("actions", self.actions))
        monkeypatch.setattr(api, "put_scaling_policy", lambda c, r, n, conf: self.writes.append(("policy", r, n, conf)))
        monkeypatch.setattr(api, "put_scheduled_action", lambda c, r, n, req: self.writes.append(("action", r, n, req)))
        monkeypatch.setattr(api, "delete_scaling_policy", lambda c, r, n: self.writes.append(("delete policy", r, n)))
        monkeypatch.setattr(api, "delete_scheduled_action", lambda c, r, n: self.writes.append(("delete action", r, n)))
        monkeypatch.setattr(api, "describe_services", self.describe_services)
        monkeypatch.setattr(api, "describe_target_groups", self.describe_target_groups)

    def _read(self, what, items):
        self.reads.append(what)
        return copy.deepcopy(items)

    def describe_scalable_targets(self, client, resource_ids):
        self.reads.append("targets")
        return [copy.deepcopy(self.targets[rid]) for rid in resource_ids if rid in self.targets]

    def register(self, client, resource_id, **members):
        self.writes.append(("register", resource_id, members))

    def describe_services(self, client, cluster, names):
        self.reads.append("services")
        return [
            {
                "serviceName": name,
                "status": "ACTIVE",
                "loadBalancers": [{"targetGroupArn": GROUP, "containerName": "app", "containerPort": 80}],
            }
            for name in names
            if name in self.services
        ]

    def describe_target_groups(self, client, arns):
        self.reads.append("target groups")
        return [{"TargetGroupArn": arn, "LoadBalancerArns": [BALANCER]} for arn in arns]


def _run(fake, monkeypatch, services, *, check_mode=False, diff=False, **params):
    fake.install(monkeypatch)
    return ss.run(
        object(),
        {"services": services, **params},
        check_mode=check_mode,
        diff=diff,
        connect_to=lambda service, region=None: service,
    )


WEB = {
    "cluster": "shop",
    "service": "web",
    "min": 2,
    "max": 6,
    "target_tracking": [{"metric": "cpu", "target": 60}, {"metric": "alb_requests", "target": 500}],
    "scheduled_actions": [{"name": "night", "schedule": "cron(0 22 * * ? *)", "min": 1}],
}
LABEL = "app/shop/50dc6c495c0c9188/targetgroup/shop-web/73e2d6bc24d8a067"


def _policy(name: str, metric: str, target: float, label: str | None = None) -> dict:
    specification = {"PredefinedMetricType": metric}
    if label:
        specification["ResourceLabel"] = label
    return {
        "PolicyName": name,
        "ResourceId": "service/shop/web",
        "ScalableDimension": "ecs:service:DesiredCount",
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": target,
            "PredefinedMetricSpecification": specification,
            "ScaleInCooldown": 300,
            "ScaleOutCooldown": 300,
        },
    }


KEPT = {
    "targets": [_target("web", 2, 6)],
    "policies": [
        _policy("web-cpu", "ECSServiceAverageCPUUtilization", 60.0),
        _policy("web-alb_requests", "ALBRequestCountPerTarget", 500.0, LABEL),
    ],
    "actions": [
        {
            "ScheduledActionName": "night",
            "ResourceId": "service/shop/web",
            "ScalableDimension": "ecs:service:DesiredCount",
            "Schedule": "cron(0 22 * * ? *)",
            "ScalableTargetAction": {"MinCapacity": 1},
        }
    ],
}


def test_a_new_service_gets_its_target_policies_and_actions(monkeypatch):
    fake = FakeAws()
    result = _run(fake, monkeypatch, [WEB])
    assert result["changed"]
    assert fake.writes[0] == ("register", "service/shop/web", {"MinCapacity": 2, "MaxCapacity": 6})
    assert [write[:3] for write in fake.writes[1:]] == [
        ("policy", "service/shop/web", "web-cpu"),
        ("policy", "service/shop/web", "web-alb_requests"),
        ("action", "service/shop/web", "night"),
    ]
    assert fake.writes[2][3]["PredefinedMetricSpecification"]["ResourceLabel"] == LABEL
    assert result["services"][0]["actions"][0] == "register scalable target (min 2, max 6)"
    assert result["services"][0]["summary"].startswith(
        "shop/web: register scalable target (min 2, max 6), put policy web-cpu (cpu 60)"
    )


def test_what_is_held_already_is_not_written_and_costs_one_read_of_each_kind(monkeypatch):
    fake = FakeAws(**KEPT)
    result = _run(fake, monkeypatch, [WEB])
    assert not result["changed"] and fake.writes == []
    assert result["services"][0]["summary"] == "shop/web: as declared (min 2, max 6)"
    assert sorted(fake.reads) == ["actions", "policies", "services", "target groups", "targets"]


def test_without_alb_requests_a_kept_service_is_not_even_described(monkeypatch):
    fake = FakeAws(**KEPT)
    declared = {**WEB, "target_tracking": WEB["target_tracking"][:1]}
    _run(fake, monkeypatch, [declared])
    assert "services" not in fake.reads and fake.writes == []


def test_check_mode_and_diff_tell_the_truth_and_write_nothing(monkeypatch):
    fake = FakeAws(**KEPT)
    result = _run(fake, monkeypatch, [{**WEB, "max": 8}], check_mode=True, diff=True)
    assert result["changed"] and fake.writes == []
    assert result["services"][0]["actions"] == ["update scalable target (min 2, max 8)"]
    assert result["diff"]["before"]["shop/web"]["max"] == 6
    assert result["diff"]["after"]["shop/web"]["max"] == 8


def test_an_update_never_touches_the_suspended_state(monkeypatch):
    fake = FakeAws(targets=[_target("web", 2, 6, DynamicScalingInSuspended=True)])
    _run(fake, monkeypatch, [{"cluster": "shop", "service": "web", "min": 3, "max": 6}])
    assert fake.writes == [("register", "service/shop/web", {"MinCapacity": 3, "MaxCapacity": 6})]


def test_undeclared_policies_and_actions_stay_unless_purged(monkeypatch):
    extra = _policy("team-step", "ECSServiceAverageCPUUtilization", 90.0)
    fake = FakeAws(targets=KEPT["targets"], policies=[*KEPT["policies"], extra], actions=KEPT["actions"])
    declared = {**WEB, "scheduled_actions": []}
    assert _run(fake, monkeypatch, [declared])["changed"] is False
    result = _run(fake, monkeypatch, [declared], purge_policies=True, purge_scheduled_actions=True)
    assert fake.writes == [
        ("delete policy", "service/shop/web", "team-step"),
        ("delete action", "service/shop/web", "night"),
    ]
    assert result["services"][0]["policies"] == ["web-alb_requests", "web-cpu"]


def test_a_missing_service_is_refused_before_any_write(monkeypatch):
    fake = FakeAws(services=("web",))
    with pytest.raises(ECSValidationError) as raised:
        _run(fake, monkeypatch, [WEB, {"cluster": "shop", "service": "ghost", "min": 1, "max": 2}])
    assert "services[1] (shop/ghost): the ECS service does not exist" in raised.value.message
    assert fake.writes == []
    preview = _run(fake, monkeypatch, [{"cluster": "shop", "service": "ghost", "min": 1, "max": 2}], check_mode=True)
    assert preview["changed"] and "would be made scalable once the service exists" in preview["warnings"][0]


def test_alb_requests_behind_a_network_load_balancer_is_refused_before_any_write(monkeypatch):
    fake = FakeAws()
    monkeypatch.setattr(
        FakeAws,
        "describe_target_groups",
        lambda self, c, arns: [{"TargetGroupArn": GROUP, "LoadBalancerArns": [BALANCER.replace("/app/", "/net/")]}],
    )
    with pytest.raises(ECSValidationError) as raised:
        _run(fake, monkeypatch, [WEB])
    assert "alb_requests counts requests of an Application Load Balancer" in raised.value.message
    assert fake.writes == []


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ([{"cluster": "shop", "service": "web", "min": 5, "max": 2}], "services[0] (shop/web).min 5 is above"),
        ([{"cluster": "shop", "min": 1, "max": 2}], "services[0].service is required"),
        ([WEB, WEB], "services[1] (shop/web) is given twice"),
    ],
)
def test_bad_items_are_named_before_anything_is_read(monkeypatch, services, message):
    fake = FakeAws()
    with pytest.raises(ECSValidationError) as raised:
        _run(fake, monkeypatch, services)
    assert message in raised.value.message
    assert fake.reads == [] and fake.writes == []


def test_a_failed_write_says_what_was_written_before(monkeypatch):
    fake = FakeAws()
    fake.install(monkeypatch)

    def refuse(client, resource_id, name, configuration):
        raise AnsibleECSError("put scaling policy: throttled")

    monkeypatch.setattr(api, "put_scaling_policy", refuse)
    with pytest.raises(AnsibleECSError) as raised:
        ss.run(object(), {"services": [WEB]}, connect_to=lambda service, region=None: service)
    assert raised.value.kwargs["written"] == ["shop/web: register scalable target (min 2, max 6)"]


def test_suspend_holds_scale_in_keeps_the_other_flags_and_skips_services_without_a_target(monkeypatch):
    fake = FakeAws(
        targets=[_target("web", ScheduledScalingSuspended=True), _target("worker", DynamicScalingInSuspended=True)]
    )
    services = [{"cluster": "shop", "service": name} for name in ("web", "worker", "batch")]
    result = _run(fake, monkeypatch, services, state="suspend_scale_in")
    assert fake.writes == [
        (
            "register",
            "service/shop/web",
            {"SuspendedState": {**FREE, "DynamicScalingInSuspended": True, "ScheduledScalingSuspended": True}},
        )
    ]
    assert result["skipped"] == ["shop/batch"]
    assert [item["suspended_state"]["dynamic_scaling_in_suspended"] for item in result["previous"]] == [False, True]
    assert result["previous"][0]["suspended_state"]["scheduled_scaling_suspended"] is True

    # restore takes `previous` as it is, and writes only where the state differs.
    for rid in ("service/shop/web",):
        fake.targets[rid]["SuspendedState"]["DynamicScalingInSuspended"] = True
    fake.writes.clear()
    restored = _run(fake, monkeypatch, result["previous"], state="restore")
    assert fake.writes == [
        ("register", "service/shop/web", {"SuspendedState": {**FREE, "ScheduledScalingSuspended": True}})
    ]
    assert restored["changed"]


def test_suspend_in_check_mode_reads_only(monkeypatch):
    fake = FakeAws(targets=[_target("web")])
    result = _run(fake, monkeypatch, [{"cluster": "shop", "service": "web"}], state="suspend_scale_in", check_mode=True)
    assert result["changed"] and fake.writes == []


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"cluster": "shop", "service": "web", "min": 1}, "suspend_scale_in takes only cluster and service"),
    ],
)
def test_suspend_takes_only_the_services(monkeypatch, item, message):
    with pytest.raises(ECSValidationError) as raised:
        _run(FakeAws(), monkeypatch, [item], state="suspend_scale_in")
    assert message in raised.value.message


def test_restore_needs_the_flags(monkeypatch):
    with pytest.raises(ECSValidationError) as raised:
        _run(
            FakeAws(),
            monkeypatch,
            [{"cluster": "shop", "service": "web", "suspended_state": {"dynamic_scaling_in_suspended": "yes"}}],
            state="restore",
        )
    assert "services[0] (shop/web).suspended_state takes the booleans" in raised.value.message
