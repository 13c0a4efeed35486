"""ecs_service_rollout following a blue/green, linear or canary service deployment: when it stops the deployment
with a rollback itself (the deadline, a failure it sees before ECS acts), and when it leaves the rollback to ECS.

The service deployment is scripted: each DescribeServiceDeployments returns the next state of the script, and what
StopServiceDeployment does is up to each test. A fake clock makes the waits instant.
"""

from __future__ import annotations

import itertools

from botocore.exceptions import ClientError

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import native_deployments as nd
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import service_rollout as rollout
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.waiting import Clock

ARN = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/abc"
LAMBDA = "arn:aws:lambda:eu-west-1:123456789012:function:smoke"

RUNNING = {"status": "IN_PROGRESS", "lifecycleStage": "SCALE_UP"}
ROLLING_BACK = {"status": "ROLLBACK_IN_PROGRESS", "lifecycleStage": "PRODUCTION_TRAFFIC_SHIFT"}
ROLLED_BACK = {
    "status": "ROLLBACK_SUCCESSFUL",
    "lifecycleStage": "CLEAN_UP",
    "rollback": {"reason": "Service deployment rolled back because of a StopServiceDeployment request."},
}
HOOK_FAILED = {
    "status": "IN_PROGRESS",
    "lifecycleStage": "POST_SCALE_UP",
    "lifecycleHookDetails": [
        {"hookId": "h1", "targetType": "AWS_LAMBDA", "targetArn": LAMBDA, "status": "FAILED"},
    ],
}


class ScriptedDeployment:
    """One service deployment: ``script`` before any stop, ``after_stop`` once StopServiceDeployment was called."""

    def __init__(self, script: list[dict], after_stop: list[dict] | None = None, conflict: bool = False) -> None:
        self.script = list(script)
        self.after_stop = list(after_stop or [])
        self.conflict = conflict
        self.stopped = False
        self.calls: list[tuple] = []
        self.time = 0.0

    def describe(self, client, arns):
        self.calls.append(("describe", self.time))
        script = self.after_stop if self.stopped and self.after_stop else self.script
        state = script.pop(0) if len(script) > 1 else script[0]
        return [dict(state, serviceDeploymentArn=ARN)]

    def stop(self, client, arn, stop_type="ROLLBACK"):
        self.calls.append(("stop", arn, stop_type))
        if self.conflict:
            error = ClientError({"Error": {"Code": "ConflictException", "Message": "rolling back"}}, "Stop")
            raise AnsibleECSError(message="stop service deployment", exception=error)
        self.stopped = True
        return arn

    def install(self, monkeypatch) -> None:
        monkeypatch.setattr(api, "describe_service_deployments", self.describe)
        monkeypatch.setattr(api, "stop_service_deployment", self.stop)

    def stops(self) -> list[tuple]:
        return [call for call in self.calls if call[0] == "stop"]

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds


def _follow(fake: ScriptedDeployment, **settings) -> rollout.Target:
    target = rollout.Target(options={"cluster": "prod", "service": "web"}, label="prod/web")
    ticks = itertools.count()
    clock = Clock(now=fake.now, sleep=fake.sleep, wall=lambda: f"t{next(ticks)}")
    run = rollout.RunSettings(wait_timeout=30, poll_interval=1.0, **settings)
    target.tracker = nd.Tracker(ARN, target.label, run.wait_until)
    rollout._follow_native(None, [target], fake.now() + run.wait_timeout, run, clock)
    return target


def test_a_deployment_that_runs_out_of_time_is_stopped_with_a_rollback_and_followed(monkeypatch):
    fake = ScriptedDeployment([RUNNING], after_stop=[ROLLING_BACK, ROLLED_BACK])
    fake.install(monkeypatch)
    target = _follow(fake)
    assert fake.stops() == [("stop", ARN, "ROLLBACK")]
    # The stop comes at the deadline, not before.
    stop_at = next(index for index, call in enumerate(fake.calls) if call[0] == "stop")
    assert fake.calls[stop_at - 1][1] >= 30
    assert target.outcome == rollout.TIMED_OUT
    assert (target.rolled_back, target.rolled_back_by) == (True, "module")
    assert "did not complete in time (at SCALE_UP)" in target.failure
    assert "the module stopped it with a rollback, which ended ROLLBACK_SUCCESSFUL" in target.failure


def test_without_rollback_a_deployment_out_of_time_is_left_running(monkeypatch):
    fake = ScriptedDeployment([RUNNING])
    fake.install(monkeypatch)
    target = _follow(fake, rollback=False)
    assert fake.stops() == []
    assert target.outcome == rollout.TIMED_OUT
    assert target.failure.endswith("not rolled back (rollback is false)")


def test_a_failure_seen_before_ecs_acts_is_rolled_back_at_once(monkeypatch):
    fake = ScriptedDeployment([RUNNING, HOOK_FAILED], after_stop=[ROLLING_BACK, ROLLED_BACK])
    fake.install(monkeypatch)
    target = _follow(fake)
    assert fake.stops() == [("stop", ARN, "ROLLBACK")]
    assert fake.time < 5, "the module must not wait for the deadline once it has seen the failure"
    assert target.outcome == rollout.FAILED
    assert (target.rolled_back, target.rolled_back_by) == (True, "module")
    assert f"failed: lifecycle hook {LAMBDA} FAILED at POST_SCALE_UP" in target.failure
    assert target.tracker.result()["failure_seen"].startswith("lifecycle hook")


def test_a_failure_seen_first_without_rollback_waits_for_what_ecs_does(monkeypatch):
    fake = ScriptedDeployment([RUNNING, HOOK_FAILED, ROLLING_BACK, ROLLED_BACK])
    fake.install(monkeypatch)
    target = _follow(fake, rollback=False)
    assert fake.stops() == []
    assert target.outcome == rollout.FAILED
    assert (target.rolled_back, target.rolled_back_by) == (True, "ecs")
    assert "ended ROLLBACK_SUCCESSFUL" in target.failure


def test_a_stop_refused_because_ecs_already_rolls_back_follows_ecs_rollback(monkeypatch):
    fake = ScriptedDeployment([RUNNING, HOOK_FAILED, ROLLING_BACK, ROLLED_BACK], conflict=True)
    fake.install(monkeypatch)
    target = _follow(fake)
    assert len(fake.stops()) == 1
    assert target.tracker.status == "ROLLBACK_SUCCESSFUL"
    assert (target.rolled_back, target.rolled_back_by) == (True, "ecs")
    assert "ECS rolled it back itself, which ended ROLLBACK_SUCCESSFUL" in target.failure


def test_a_rollback_ecs_starts_itself_is_not_doubled(monkeypatch):
    fake = ScriptedDeployment([RUNNING, ROLLING_BACK, ROLLED_BACK])
    fake.install(monkeypatch)
    target = _follow(fake)
    assert fake.stops() == []
    assert target.outcome == rollout.FAILED
    assert (target.rolled_back, target.rolled_back_by) == (True, "ecs")


def test_a_successful_deployment_makes_no_stop(monkeypatch):
    fake = ScriptedDeployment([RUNNING, {"status": "SUCCESSFUL", "lifecycleStage": "CLEAN_UP"}])
    fake.install(monkeypatch)
    target = _follow(fake)
    assert fake.stops() == []
    assert target.outcome == rollout.COMPLETED
    assert target.failure is None


def test_the_circuit_breaker_and_alarms_count_as_failures_seen():
    running = {"status": "IN_PROGRESS"}
    assert nd.failure_seen(dict(running, deploymentCircuitBreaker={"status": "TRIGGERED", "failureCount": 3}))
    assert "alarm cpu-high" in nd.failure_seen(
        dict(running, alarms={"status": "TRIGGERED", "triggeredAlarmNames": ["cpu-high"]})
    )
    assert nd.failure_seen(dict(running, deploymentCircuitBreaker={"status": "MONITORING"})) is None
    # A pause whose timeout rolls back has failed; one whose timeout continues has not.
    paused = {"hookId": "p1", "targetType": "PAUSE", "status": "TIMED_OUT", "timeoutAction": "ROLLBACK"}
    assert nd.failure_seen(dict(running, lifecycleStage="POST_SCALE_UP", lifecycleHookDetails=[paused])) == (
        "lifecycle hook PAUSE p1 TIMED_OUT at POST_SCALE_UP"
    )
    paused["timeoutAction"] = "CONTINUE"
    assert nd.failure_seen(dict(running, lifecycleHookDetails=[paused])) is None
    # Once ECS rolls back, there is nothing left to ask for.
    assert nd.failure_seen(dict(HOOK_FAILED, status="ROLLBACK_IN_PROGRESS")) is None


def test_every_production_step_is_recorded_with_its_weight():
    tracker = nd.Tracker(ARN)
    for index, (stage, weight) in enumerate(
        [
            ("SCALE_UP", 0.0),
            ("PRE_PRODUCTION_TRAFFIC_SHIFT", 0.0),
            ("PRODUCTION_TRAFFIC_SHIFT", 20.0),
            ("PRODUCTION_TRAFFIC_SHIFT", 20.0),
            ("PRODUCTION_TRAFFIC_SHIFT", 100.0),
            ("POST_PRODUCTION_TRAFFIC_SHIFT", 100.0),
            ("BAKE_TIME", 100.0),
        ]
    ):
        tracker.see(
            {
                "status": "IN_PROGRESS",
                "lifecycleStage": stage,
                "targetServiceRevision": {"requestedProductionTrafficWeight": weight},
            },
            f"t{index}",
        )
    assert [(seen["stage"], seen.get("production_weight")) for seen in tracker.stages] == [
        ("SCALE_UP", None),
        ("PRE_PRODUCTION_TRAFFIC_SHIFT", None),
        ("PRODUCTION_TRAFFIC_SHIFT", 20.0),
        ("PRODUCTION_TRAFFIC_SHIFT", 100.0),
        ("POST_PRODUCTION_TRAFFIC_SHIFT", None),
        ("BAKE_TIME", None),
    ]
    assert [seen["first_seen"] for seen in tracker.stages] == ["t0", "t1", "t2", "t4", "t5", "t6"]


def test_no_production_step_is_recorded_before_anything_shifted_nor_while_rolling_back():
    tracker = nd.Tracker(ARN)
    for index, (status, weight) in enumerate(
        [
            # The stage is already named, its weights not applied yet: nothing shifted, no step.
            ("IN_PROGRESS", 0.0),
            ("IN_PROGRESS", 40.0),
            # A rollback in the middle of the shift puts the weight back to 0: that is no step either.
            ("ROLLBACK_IN_PROGRESS", 0.0),
            ("ROLLBACK_SUCCESSFUL", 0.0),
        ]
    ):
        tracker.see(
            {
                "status": status,
                "lifecycleStage": "PRODUCTION_TRAFFIC_SHIFT",
                "targetServiceRevision": {"requestedProductionTrafficWeight": weight},
            },
            f"t{index}",
        )
    assert tracker.stages == [{"stage": "PRODUCTION_TRAFFIC_SHIFT", "first_seen": "t1", "production_weight": 40.0}]


def test_services_followed_by_their_service_deployment_are_described_again_at_the_end(monkeypatch):
    """The result's service and rollout_state come from DescribeServices after the wait, not from UpdateService."""
    calls = []
    completed = {
        "serviceName": "web",
        "status": "ACTIVE",
        "taskDefinition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2",
        "deployments": [{"id": "ecs-svc/1", "status": "PRIMARY", "rolloutState": "COMPLETED"}],
    }

    def describe_services(client, cluster, names):
        calls.append((cluster, list(names)))
        return [dict(completed, serviceName=name) for name in names]

    monkeypatch.setattr(api, "describe_services", describe_services)
    followed = rollout.Target(options={"cluster": "prod", "service": "web"}, label="prod/web")
    followed.tracker = nd.Tracker(ARN)
    followed.deployment_id = "ecs-svc/1"
    followed.current = {
        "serviceName": "web",
        "deployments": [dict(completed["deployments"][0], rolloutState="IN_PROGRESS")],
    }
    rolling = rollout.Target(options={"cluster": "prod", "service": "worker"}, label="prod/worker")
    rollout._refresh_native(None, [followed, rolling])
    assert calls == [("prod", ["web"])]
    assert followed.current["deployments"][0]["rolloutState"] == "COMPLETED"
    rollout._refresh_native(None, [rolling])
    assert len(calls) == 1, "a run without a followed service deployment makes no extra call"
