"""Native blue/green, linear and canary deployments: the new settings' normalisation, the pure predicates, and
scripted service-deployment progress followed with a fake clock. Nothing sleeps."""

from __future__ import annotations

import itertools

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api, following
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import native_deployments as nd
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import service_deployment as sd
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import (
    AnsibleECSError,
    ECSTimeoutError,
    ECSValidationError,
)
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_compare import plan_service
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_normalize import declared_settings
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.waiting import Clock

ARN = "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc"
BLUE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/1"
GREEN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-green/2"
RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/1/2/3"
ROLE = "arn:aws:iam::123456789012:role/ecs-infrastructure"


def _options(**changes) -> dict:
    options = {
        "cluster": "prod",
        "service": "web",
        "task_definition": "web:1",
        "deployment_configuration": {
            "strategy": "CANARY",
            "bake_time_in_minutes": 5,
            "canary_configuration": {"canary_percent": 10, "canary_bake_time_in_minutes": None},
            "lifecycle_hooks": [
                {
                    "target_type": "PAUSE",
                    "hook_target_arn": None,
                    "role_arn": None,
                    "lifecycle_stages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
                    "hook_details": {"Suite": "smoke"},
                    "timeout_configuration": {"timeout_in_minutes": 60, "action": None},
                }
            ],
        },
        "deployment_controller": {"type": "ECS"},
        "load_balancers": [
            {
                "target_group_arn": BLUE,
                "container_name": "app",
                "container_port": 80,
                "advanced_configuration": {
                    "alternate_target_group_arn": GREEN,
                    "production_listener_rule": RULE,
                    "test_listener_rule": None,
                    "role_arn": ROLE,
                },
            }
        ],
    }
    options.update(changes)
    return options


LIVE = {
    "serviceName": "web",
    "serviceArn": "arn:aws:ecs:us-east-1:123456789012:service/prod/web",
    "status": "ACTIVE",
    "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
    "deploymentController": {"type": "ECS"},
    "deploymentConfiguration": {
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
        "strategy": "CANARY",
        "bakeTimeInMinutes": 5,
        "canaryConfiguration": {"canaryPercent": 10.0},
        "lifecycleHooks": [
            {
                "targetType": "PAUSE",
                "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
                "hookDetails": {"Suite": "smoke"},
                "timeoutConfiguration": {"timeoutInMinutes": 60},
            }
        ],
    },
    "loadBalancers": [
        {
            "targetGroupArn": BLUE,
            "containerName": "app",
            "containerPort": 80,
            "advancedConfiguration": {
                "roleArn": ROLE,
                "productionListenerRule": RULE,
                "alternateTargetGroupArn": GREEN,
            },
        }
    ],
}


# Normalisation and comparison ------------------------------------------------------------------------------------


def test_declared_blue_green_settings_take_ecs_names_and_keep_user_data():
    declared = declared_settings(_options())
    config = declared["deploymentConfiguration"]
    assert config["strategy"] == "CANARY"
    assert config["canaryConfiguration"] == {"canaryPercent": 10}
    assert config["lifecycleHooks"] == LIVE["deploymentConfiguration"]["lifecycleHooks"]
    assert declared["deploymentController"] == {"type": "ECS"}
    assert declared["loadBalancers"][0]["advancedConfiguration"] == LIVE["loadBalancers"][0]["advancedConfiguration"]


def test_same_blue_green_settings_as_live_plan_nothing():
    assert plan_service(LIVE, _options())["action"] == "none"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            {"strategy": "LINEAR", "linear_configuration": {"step_percent": 25, "step_bake_time_in_minutes": 1}},
            "strategy",
        ),
        ({"bake_time_in_minutes": 6}, "bakeTimeInMinutes"),
        ({"canary_configuration": {"canary_percent": 20, "canary_bake_time_in_minutes": None}}, "canaryPercent"),
        ({"lifecycle_hooks": []}, "lifecycleHooks"),
    ],
)
def test_each_blue_green_setting_changed_alone_is_an_update(change, path):
    options = _options()
    options["deployment_configuration"] = dict(options["deployment_configuration"], **change)
    plan = plan_service(LIVE, options)
    assert plan["action"] == "update"
    assert any(path in item["path"] for item in plan["differences"]), plan["differences"]
    assert "deploymentConfiguration" in plan["request"]


def test_a_changed_listener_rule_is_an_update_of_the_load_balancers():
    options = _options()
    options["load_balancers"][0]["advanced_configuration"]["production_listener_rule"] = RULE + "9"
    plan = plan_service(LIVE, options)
    assert plan["request"]["loadBalancers"][0]["advancedConfiguration"]["productionListenerRule"] == RULE + "9"


def test_strategy_rolling_is_the_default_so_declaring_it_is_no_change():
    live = {key: value for key, value in LIVE.items() if key not in ("deploymentController",)}
    live["deploymentConfiguration"] = {"maximumPercent": 200}
    options = {"cluster": "prod", "service": "web", "task_definition": "web:1"}
    options["deployment_configuration"] = {"strategy": "ROLLING"}
    options["deployment_controller"] = {"type": "ECS"}
    assert plan_service(live, options)["action"] == "none"


# Pure predicates ---------------------------------------------------------------------------------------------------


ROLLING_LIVE = dict(
    LIVE,
    deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 100},
    loadBalancers=[{"targetGroupArn": BLUE, "containerName": "app", "containerPort": 80}],
)


def test_a_rolling_service_moved_to_canary_without_a_second_target_group_is_refused_before_any_write():
    options = _options()
    del options["load_balancers"]
    with pytest.raises(ECSValidationError) as error:
        plan_service(ROLLING_LIVE, options)
    assert error.value.message.startswith(
        f"deployment_configuration.strategy: CANARY shifts traffic between two target groups, but load_balancers[0] "
        f"({BLUE}) has no advanced_configuration alternate_target_group_arn, production_listener_rule, role_arn."
    )


@pytest.mark.parametrize("missing", ["production_listener_rule", "role_arn"])
def test_a_declared_load_balancer_missing_part_of_its_advanced_configuration_is_refused(missing):
    options = _options()
    options["load_balancers"][0]["advanced_configuration"][missing] = None
    with pytest.raises(ECSValidationError, match=f"has no advanced_configuration {missing}"):
        plan_service(None, options)


def test_the_same_move_with_advanced_configuration_declared_is_an_update():
    assert plan_service(ROLLING_LIVE, _options())["action"] == "update"


def test_a_blue_green_service_without_load_balancers_is_not_checked():
    options = _options()
    del options["load_balancers"]
    live = dict(ROLLING_LIVE, loadBalancers=[])
    assert plan_service(live, options)["action"] == "update"


def test_followed_strategies():
    assert nd.follows_service_deployments(LIVE)
    assert not nd.follows_service_deployments({"deploymentConfiguration": {"strategy": "ROLLING"}})
    assert not nd.follows_service_deployments({})
    assert not nd.follows_service_deployments(dict(LIVE, deploymentController={"type": "CODE_DEPLOY"}))


@pytest.mark.parametrize(
    ("status", "ended", "failure", "rolling_back"),
    [
        ("IN_PROGRESS", False, False, False),
        ("SUCCESSFUL", True, False, False),
        ("ROLLBACK_IN_PROGRESS", False, False, True),
        ("ROLLBACK_SUCCESSFUL", True, True, True),
        ("ROLLBACK_FAILED", True, True, True),
        ("STOPPED", True, True, False),
        ("SOMETHING_NEW", False, False, False),
    ],
)
def test_status_predicates(status, ended, failure, rolling_back):
    detail = {"status": status}
    assert (nd.is_ended(detail), nd.is_failure(detail), nd.is_rolling_back(detail)) == (ended, failure, rolling_back)


def test_a_stage_counts_as_reached_when_a_later_one_was_seen():
    assert nd.stage_reached(["SCALE_UP", "CLEAN_UP"], "BAKE_TIME")
    assert not nd.stage_reached(["SCALE_UP"], "BAKE_TIME")
    assert nd.stage_reached(["NEW_STAGE"], "NEW_STAGE")
    assert not nd.stage_reached(["CLEAN_UP"], "NEW_STAGE")


@pytest.mark.parametrize("value", ["completed", "BAKE_TIME", "SOME_FUTURE_STAGE"])
def test_wait_until_accepts_completed_and_stage_names(value):
    assert nd.validate_wait_until(value) == value


@pytest.mark.parametrize("value", ["bake_time", "BAKE TIME", "done"])
def test_wait_until_rejects_anything_else(value):
    with pytest.raises(ECSValidationError, match="wait_until"):
        nd.validate_wait_until(value)


def test_rule_weights_read_forward_actions():
    rules = [
        {
            "Actions": [
                {
                    "Type": "forward",
                    "ForwardConfig": {
                        "TargetGroups": [
                            {"TargetGroupArn": BLUE, "Weight": 90},
                            {"TargetGroupArn": GREEN, "Weight": 10},
                        ]
                    },
                }
            ]
        }
    ]
    assert nd.rule_weights(rules) == {BLUE: 90, GREEN: 10}
    assert nd.production_rules(LIVE) == [RULE]


def test_the_traffic_of_many_services_is_read_with_one_describe_rules(monkeypatch):
    other_rule, other_blue, other_green = RULE + "9", BLUE + "9", GREEN + "9"

    def rule(arn, blue, green, blue_weight):
        groups = [
            {"TargetGroupArn": blue, "Weight": blue_weight},
            {"TargetGroupArn": green, "Weight": 100 - blue_weight},
        ]
        return {"RuleArn": arn, "Actions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": groups}}]}

    calls = []

    def describe_rules(elbv2, arns):
        calls.append(list(arns))
        return [rule(RULE, BLUE, GREEN, 0), rule(other_rule, other_blue, other_green, 100)]

    monkeypatch.setattr(api, "describe_rules", describe_rules)
    other = {"loadBalancers": [{"advancedConfiguration": {"productionListenerRule": other_rule}}]}
    rolling = {"loadBalancers": [{"targetGroupArn": BLUE}]}
    assert following.traffic_of_services("elbv2", [LIVE, rolling, other]) == [
        {BLUE: 0, GREEN: 100},
        None,
        {other_blue: 100, other_green: 0},
    ]
    assert calls == [[RULE, other_rule]]
    assert following.traffic_of_services(None, [LIVE]) == [None]


def test_awaiting_hook_picks_the_one_awaiting_action():
    detail = {
        "lifecycleHookDetails": [{"hookId": "a", "status": "SUCCEEDED"}, {"hookId": "b", "status": "AWAITING_ACTION"}]
    }
    assert nd.awaiting_hook(detail)["hookId"] == "b"
    assert nd.awaiting_hook(detail, "a") is None


# Scripted progress with a fake clock -------------------------------------------------------------------------------


class FakeDeployments:
    """A scripted service deployment: each DescribeServiceDeployments returns the next scripted state."""

    def __init__(self, script: list[dict], service: dict | None = None) -> None:
        self.script = list(script)
        self.calls: list[tuple] = []
        self.service = service if service is not None else dict(LIVE, currentServiceDeployment=ARN)
        self.time = 0.0

    def describe(self, client, arns):
        self.calls.append(("describe_service_deployments", tuple(arns)))
        state = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        return [dict(state, serviceDeploymentArn=ARN)]

    def install(self, monkeypatch):
        monkeypatch.setattr(api, "describe_service_deployments", self.describe)
        monkeypatch.setattr(api, "describe_service", lambda client, cluster, name: self.service)
        monkeypatch.setattr(api, "list_service_deployments", lambda *args, **kwargs: [])
        monkeypatch.setattr(
            api, "stop_service_deployment", lambda client, arn, stop_type: self.calls.append(("stop", arn, stop_type))
        )
        monkeypatch.setattr(
            api,
            "continue_service_deployment",
            lambda client, arn, hook, action: self.calls.append(("continue", arn, hook, action)),
        )
        monkeypatch.setattr(api, "describe_rules", lambda elbv2, rules: [])

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds


def _run(fake, **params):
    ticks = itertools.count()
    base = {"cluster": "prod", "service": "web", "action": "status", "wait": False, "wait_until": "completed"}
    base.update({"wait_timeout": 60, "poll_interval": 1.0})
    base.update(params)
    check_mode = base.pop("check_mode", False)
    clock = Clock(now=fake.now, sleep=fake.sleep, wall=lambda: f"t{next(ticks)}")
    return sd.run(None, base, check_mode=check_mode, clock=clock)


PAUSED = {
    "status": "IN_PROGRESS",
    "lifecycleStage": "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "lifecycleHookDetails": [{"hookId": "h1", "targetType": "PAUSE", "status": "AWAITING_ACTION"}],
}


def test_status_reports_without_writing(monkeypatch):
    fake = FakeDeployments([PAUSED])
    fake.install(monkeypatch)
    result = _run(fake)
    assert result["changed"] is False
    assert result["awaiting_hook"]["hook_id"] == "h1"
    assert [call[0] for call in fake.calls] == ["describe_service_deployments"]


def test_continue_answers_the_hook_awaiting_action_and_follows_to_the_end(monkeypatch):
    later = [
        {"status": "IN_PROGRESS", "lifecycleStage": "PRODUCTION_TRAFFIC_SHIFT"},
        {"status": "IN_PROGRESS", "lifecycleStage": "BAKE_TIME"},
        {"status": "SUCCESSFUL", "lifecycleStage": "CLEAN_UP"},
    ]
    fake = FakeDeployments([PAUSED, *later])
    fake.install(monkeypatch)
    result = _run(fake, action="continue", wait=True)
    assert ("continue", ARN, "h1", "CONTINUE") in fake.calls
    assert result["status"] == "SUCCESSFUL"
    assert [seen["stage"] for seen in result["lifecycle_stages"]] == [
        "PRE_PRODUCTION_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "BAKE_TIME",
        "CLEAN_UP",
    ]
    assert result["lifecycle_stages"][0]["first_seen"] == "t0"
    assert fake.time == 2.0  # first check immediate, then one per interval


def test_check_mode_continue_makes_no_change_call(monkeypatch):
    fake = FakeDeployments([PAUSED])
    fake.install(monkeypatch)
    result = _run(fake, action="continue", check_mode=True, wait=True)
    assert result["changed"] is True
    assert all(call[0] == "describe_service_deployments" for call in fake.calls)


def test_continue_without_a_hook_awaiting_action_fails_clearly(monkeypatch):
    fake = FakeDeployments([{"status": "IN_PROGRESS", "lifecycleStage": "BAKE_TIME"}])
    fake.install(monkeypatch)
    with pytest.raises(ECSValidationError, match="no lifecycle hook is awaiting action"):
        _run(fake, action="continue")


@pytest.mark.parametrize("action", ["continue", "rollback"])
def test_acting_on_an_ended_deployment_fails_clearly(monkeypatch, action):
    fake = FakeDeployments([{"status": "SUCCESSFUL", "lifecycleStage": "CLEAN_UP"}])
    fake.install(monkeypatch)
    with pytest.raises(ECSValidationError, match="no service deployment in progress"):
        _run(fake, action=action)


def test_rollback_stops_and_waits_for_rollback_successful(monkeypatch):
    script = [
        {"status": "IN_PROGRESS", "lifecycleStage": "BAKE_TIME"},
        {"status": "ROLLBACK_IN_PROGRESS", "lifecycleStage": "BAKE_TIME"},
        {"status": "ROLLBACK_SUCCESSFUL", "lifecycleStage": "BAKE_TIME", "rollback": {"reason": "asked"}},
    ]
    fake = FakeDeployments(script)
    fake.install(monkeypatch)
    result = _run(fake, action="rollback", wait=True)
    assert ("stop", ARN, "ROLLBACK") in fake.calls
    assert result["rolled_back"] is True
    assert result["rollback_reason"] == "asked"


def test_continue_then_a_rollback_by_ecs_is_a_failure(monkeypatch):
    script = [PAUSED, {"status": "ROLLBACK_SUCCESSFUL", "lifecycleStage": "PRODUCTION_TRAFFIC_SHIFT"}]
    fake = FakeDeployments(script)
    fake.install(monkeypatch)
    with pytest.raises(AnsibleECSError, match="ended ROLLBACK_SUCCESSFUL") as error:
        _run(fake, action="continue", wait=True)
    assert error.value.kwargs["rolled_back"] is True


def test_wait_until_a_stage_returns_there(monkeypatch):
    script = [
        {"status": "IN_PROGRESS", "lifecycleStage": "SCALE_UP"},
        {"status": "IN_PROGRESS", "lifecycleStage": "BAKE_TIME"},
        {"status": "SUCCESSFUL", "lifecycleStage": "CLEAN_UP"},
    ]
    fake = FakeDeployments(script)
    fake.install(monkeypatch)
    result = _run(fake, wait=True, wait_until="BAKE_TIME")
    assert (result["status"], result["lifecycle_stage"]) == ("IN_PROGRESS", "BAKE_TIME")


def test_a_wait_that_runs_out_is_a_timeout_with_the_result(monkeypatch):
    fake = FakeDeployments([{"status": "IN_PROGRESS", "lifecycleStage": "BAKE_TIME"}])
    fake.install(monkeypatch)
    with pytest.raises(ECSTimeoutError) as error:
        _run(fake, wait=True, wait_timeout=5)
    assert error.value.kwargs["status"] == "IN_PROGRESS"
    assert fake.time == 5.0
    assert not [call for call in fake.calls if call[0] != "describe_service_deployments"]


def test_stages_other_than_the_production_shift_are_recorded_once():
    tracker = nd.Tracker(ARN)
    for index, stage in enumerate(
        ["SCALE_UP", "PRE_PRODUCTION_TRAFFIC_SHIFT", "SCALE_UP", "PRE_PRODUCTION_TRAFFIC_SHIFT"]
    ):
        tracker.see({"status": "IN_PROGRESS", "lifecycleStage": stage}, str(index))
        tracker.see({"status": "IN_PROGRESS", "lifecycleStage": stage}, "again")
    assert tracker.stage_names() == ["SCALE_UP", "PRE_PRODUCTION_TRAFFIC_SHIFT"]
    assert "again" not in [seen["first_seen"] for seen in tracker.stages]
