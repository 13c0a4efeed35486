"""Rolling deployments, tasks, events, failing images, the circuit breaker and out-of-band scaling."""

from __future__ import annotations

import hashlib
import re
import time

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import completed, describe_service, register, wait_for

DEPLOYMENT_ID = re.compile(r"^ecs-svc/\d{19}$")


def create(ecs, name: str = "svc", desired: int = 2, definition: str = "web", **extra) -> dict:
    return ecs.create_service(
        cluster="test", serviceName=name, taskDefinition=definition, desiredCount=desired, **extra
    )["service"]


def tasks_of(ecs, service: str = "svc", status: str = "RUNNING") -> list[dict]:
    arns = ecs.list_tasks(cluster="test", serviceName=service, desiredStatus=status)["taskArns"]
    return ecs.describe_tasks(cluster="test", tasks=arns)["tasks"] if arns else []


def messages(service: dict) -> list[str]:
    return [event["message"] for event in service["events"]]


@pytest.fixture
def slow_start(sandbox):
    """A start delay long enough to watch a deployment while it runs."""
    sandbox.post("config", {"task_start_delay": 0.3, "task_stop_delay": 0.1})


def test_create_service_starts_the_first_deployment(ecs, cluster):
    definition = register(ecs)
    service = create(ecs)
    (deployment,) = service["deployments"]
    assert DEPLOYMENT_ID.match(deployment["id"])
    assert deployment["status"] == "PRIMARY"
    assert deployment["rolloutState"] == "IN_PROGRESS"
    assert deployment["rolloutStateReason"]
    assert deployment["taskDefinition"] == definition
    assert deployment["desiredCount"] == 2
    assert deployment["failedTasks"] == 0
    assert deployment["launchType"] == "EC2"
    assert deployment["createdAt"] <= deployment["updatedAt"]

    done = wait_for(completed(ecs, "svc"), what="first deployment")
    (final,) = done["deployments"]
    assert final["id"] == deployment["id"]
    assert (final["runningCount"], final["pendingCount"], final["desiredCount"]) == (2, 0, 2)
    assert (done["runningCount"], done["pendingCount"]) == (2, 0)
    assert messages(done)[0] == "(service svc) has reached a steady state."


def test_new_task_definition_rolls_out_within_the_limits(ecs, cluster, slow_start):
    first = register(ecs)
    create(ecs, desired=2)
    old_id = wait_for(completed(ecs, "svc"), what="first deployment")["deployments"][0]["id"]
    second = register(ecs, image="nginx:2")

    updated = ecs.update_service(cluster="test", service="svc", taskDefinition="web")["service"]
    assert updated["taskDefinition"] == second
    new, old = updated["deployments"]
    assert (new["status"], new["rolloutState"], new["taskDefinition"]) == ("PRIMARY", "IN_PROGRESS", second)
    assert (old["status"], old["id"], old["taskDefinition"]) == ("ACTIVE", old_id, first)
    assert DEPLOYMENT_ID.match(new["id"]) and new["id"] != old_id

    samples = []
    while True:
        service = describe_service(ecs, "svc")
        samples.append(service)
        if completed(ecs, "svc")():
            break
        assert len(samples) < 200, "deployment did not finish"
        time.sleep(0.03)
    for sample in samples:
        running = sum(d["runningCount"] for d in sample["deployments"])
        pending = sum(d["pendingCount"] for d in sample["deployments"])
        # maximumPercent 200 caps the tasks at 4; minimumHealthyPercent 100 keeps 2 running.
        assert running + pending <= 4
        assert running >= 2
    assert any(len(sample["deployments"]) == 2 for sample in samples)

    final = wait_for(completed(ecs, "svc"), what="second deployment")
    assert [d["id"] for d in final["deployments"]] == [new["id"]]
    assert final["deployments"][0]["status"] == "PRIMARY"
    assert messages(final)[0] == "(service svc) has reached a steady state."
    assert f"(service svc) (deployment {new['id']}) deployment completed." in messages(final)

    running = tasks_of(ecs)
    assert {t["taskDefinitionArn"] for t in running} == {second}
    assert {t["startedBy"] for t in running} == {new["id"]}
    stopped = tasks_of(ecs, status="STOPPED")
    assert len(stopped) == 2
    for task in stopped:
        assert task["taskDefinitionArn"] == first
        assert task["lastStatus"] == "STOPPED"
        assert task["stoppedReason"] == f"Scaling activity initiated by (deployment {new['id']})"


def test_minimum_healthy_percent_below_100_stops_old_tasks_first(ecs, cluster, slow_start):
    register(ecs)
    create(ecs, desired=2, deploymentConfiguration={"maximumPercent": 100, "minimumHealthyPercent": 50})
    wait_for(completed(ecs, "svc"), what="first deployment")
    register(ecs, image="nginx:2")
    ecs.update_service(cluster="test", service="svc", taskDefinition="web")
    deadline = time.monotonic() + 10
    while not completed(ecs, "svc")():
        service = describe_service(ecs, "svc")
        assert sum(d["runningCount"] + d["pendingCount"] for d in service["deployments"]) <= 2
        assert sum(d["runningCount"] for d in service["deployments"]) >= 1
        assert time.monotonic() < deadline, "deployment did not finish"
        time.sleep(0.03)


def test_update_that_changes_nothing_starts_no_deployment(ecs, cluster):
    definition = register(ecs)
    create(ecs)
    before = wait_for(completed(ecs, "svc"), what="deployment")["deployments"]
    for update in ({"taskDefinition": "web"}, {"taskDefinition": definition, "desiredCount": 2}, {}):
        after = ecs.update_service(cluster="test", service="svc", **update)["service"]["deployments"]
        assert after == before


def test_force_new_deployment_redeploys_the_same_definition(ecs, cluster):
    definition = register(ecs)
    create(ecs)
    old_id = wait_for(completed(ecs, "svc"), what="deployment")["deployments"][0]["id"]
    forced = ecs.update_service(cluster="test", service="svc", forceNewDeployment=True)["service"]
    assert [(d["status"], d["taskDefinition"]) for d in forced["deployments"]] == [
        ("PRIMARY", definition),
        ("ACTIVE", definition),
    ]
    assert forced["deployments"][0]["id"] != old_id
    final = wait_for(completed(ecs, "svc"), what="forced deployment")
    assert final["deployments"][0]["id"] == forced["deployments"][0]["id"]


def test_tasks_go_through_their_lifecycle(sandbox, ecs, cluster):
    sandbox.post("config", {"task_start_delay": 0.8})
    definition = register(ecs)
    service = create(ecs, desired=1)
    (task,) = wait_for(lambda: tasks_of(ecs), what="a task")
    assert task["lastStatus"] in ("PROVISIONING", "PENDING")
    assert task["desiredStatus"] == "RUNNING"
    assert task["taskDefinitionArn"] == definition
    assert task["startedBy"] == service["deployments"][0]["id"]
    assert task["group"] == "service:svc"
    assert task["launchType"] == "EC2"
    assert [(c["name"], c["image"]) for c in task["containers"]] == [("app", "nginx:1")]
    assert describe_service(ecs, "svc")["pendingCount"] == 1

    running = wait_for(lambda: [t for t in tasks_of(ecs) if t["lastStatus"] == "RUNNING"], what="RUNNING")
    assert running[0]["taskArn"] == task["taskArn"]
    assert running[0]["startedAt"] >= running[0]["createdAt"]

    missing = ecs.describe_tasks(cluster="test", tasks=["0123456789abcdef0123456789abcdef"])
    assert missing["tasks"] == []
    assert missing["failures"][0]["reason"] == "MISSING"


def test_a_stopped_task_is_replaced(ecs, cluster):
    register(ecs)
    create(ecs, desired=1)
    wait_for(completed(ecs, "svc"), what="deployment")
    (task,) = tasks_of(ecs)
    ecs.stop_task(cluster="test", task=task["taskArn"], reason="testing")
    replaced = wait_for(
        lambda: [t for t in tasks_of(ecs) if t["lastStatus"] == "RUNNING" and t["taskArn"] != task["taskArn"]],
        what="replacement",
    )
    assert len(replaced) == 1
    (stopped,) = tasks_of(ecs, status="STOPPED")
    assert (stopped["stoppedReason"], stopped["stopCode"]) == ("testing", "UserInitiated")


def test_events_are_newest_first(ecs, cluster):
    register(ecs)
    create(ecs, desired=2)
    service = wait_for(completed(ecs, "svc"), what="deployment")
    events = service["events"]
    assert len(events) >= 3
    times = [event["createdAt"] for event in events]
    assert times == sorted(times, reverse=True)
    assert events[0]["message"] == "(service svc) has reached a steady state."
    assert events[-1]["message"].startswith("(service svc) has started 2 tasks: (task ")
    assert len({event["id"] for event in events}) == len(events)


def test_deployments_progress_without_requests(sandbox, ecs, cluster):
    register(ecs)
    created = create(ecs, desired=2)
    time.sleep(1.0)
    service = describe_service(ecs, "svc")
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"
    steady = next(e for e in service["events"] if e["message"].endswith("has reached a steady state."))
    # The ticker finished the deployment long before this request came.
    assert (steady["createdAt"] - created["createdAt"]).total_seconds() < 0.8


def test_desired_count_change_scales_the_primary_deployment(ecs, cluster):
    register(ecs)
    create(ecs, desired=2)
    deployment_id = wait_for(completed(ecs, "svc"), what="deployment")["deployments"][0]["id"]
    # As Application Auto Scaling does: a plain UpdateService with desiredCount only.
    scaled = ecs.update_service(cluster="test", service="svc", desiredCount=4)["service"]
    assert [d["id"] for d in scaled["deployments"]] == [deployment_id]
    assert scaled["desiredCount"] == 4
    up = wait_for(lambda: (s := describe_service(ecs, "svc"))["runningCount"] == 4 and s, what="4 running")
    assert [d["id"] for d in up["deployments"]] == [deployment_id]
    assert up["deployments"][0]["desiredCount"] == 4
    assert up["deployments"][0]["rolloutState"] == "COMPLETED"
    assert len(tasks_of(ecs)) == 4

    ecs.update_service(cluster="test", service="svc", desiredCount=1)
    down = wait_for(lambda: (s := describe_service(ecs, "svc"))["runningCount"] == 1 and s, what="1 running")
    assert [d["id"] for d in down["deployments"]] == [deployment_id]
    assert len(tasks_of(ecs)) == 1
    assert len(tasks_of(ecs, status="STOPPED")) == 3
    wait_for(
        lambda: messages(describe_service(ecs, "svc")).count("(service svc) has reached a steady state.") >= 3,
        what="a steady state after each scaling",
    )


def test_failing_images_trip_the_circuit_breaker_and_roll_back(sandbox, ecs, cluster):
    sandbox.post("config", {"task_start_delay": 0.2, "task_stop_delay": 0.05})
    good = register(ecs)
    breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
    create(ecs, desired=2, deploymentConfiguration=breaker)
    good_id = wait_for(completed(ecs, "svc"), what="first deployment")["deployments"][0]["id"]
    sandbox.post("failing-images", {"patterns": ["registry.example/bad:*"]})
    bad = register(ecs, image="registry.example/bad:2")
    bad_id = ecs.update_service(cluster="test", service="svc", taskDefinition=bad)["service"]["deployments"][0]["id"]

    def failed_deployment():
        service = describe_service(ecs, "svc")
        return next((d for d in service["deployments"] if d["id"] == bad_id and d["rolloutState"] == "FAILED"), None)

    failed = wait_for(failed_deployment, what="FAILED deployment")
    # Threshold for 2 desired tasks: 3 (both tasks of a round fail together, hence at most 4).
    assert 3 <= failed["failedTasks"] <= 4
    assert failed["status"] == "ACTIVE"

    final = wait_for(completed(ecs, "svc"), what="rollback")
    (rollback,) = final["deployments"]
    assert rollback["id"] not in (good_id, bad_id)
    assert rollback["taskDefinition"] == good
    assert final["taskDefinition"] == good
    log = messages(final)
    assert f"(service svc) (deployment {bad_id}) deployment failed: tasks failed to start." in log
    assert f"(service svc) rolling back to deployment {good_id}." in log
    assert any(m.startswith("(service svc) (task ") and "failed to start" in m for m in log)
    assert any(m.startswith("(service svc) has started 2 tasks") for m in log)

    failed_tasks = [t for t in tasks_of(ecs, status="STOPPED") if t["taskDefinitionArn"] == bad]
    assert len(failed_tasks) == failed["failedTasks"]
    for task in failed_tasks:
        assert task["stoppedReason"] == "Essential container in task exited"
        assert task["containers"][0]["exitCode"] == 1

    history = ecs.list_service_deployments(cluster="test", service="svc")["serviceDeployments"]
    assert [d["status"] for d in history] == ["ROLLBACK_SUCCESSFUL", "SUCCESSFUL"]
    detail = ecs.describe_service_deployments(serviceDeploymentArns=[history[0]["serviceDeploymentArn"]])
    (record,) = detail["serviceDeployments"]
    assert record["deploymentCircuitBreaker"]["status"] == "TRIGGERED"
    assert record["deploymentCircuitBreaker"]["threshold"] == 3
    assert record["rollback"]["serviceRevisionArn"] == history[1]["targetServiceRevisionArn"]
    revisions = ecs.describe_service_revisions(serviceRevisionArns=[history[1]["targetServiceRevisionArn"]])
    assert revisions["serviceRevisions"][0]["taskDefinition"] == good


def test_circuit_breaker_without_rollback_stops_the_deployment(sandbox, ecs, cluster):
    good = register(ecs)
    create(ecs, desired=2, deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": False}})
    wait_for(completed(ecs, "svc"), what="first deployment")
    sandbox.post("failing-images", {"patterns": ["*:broken"]})
    bad = register(ecs, image="nginx:broken")
    ecs.update_service(cluster="test", service="svc", taskDefinition=bad)
    wait_for(lambda: describe_service(ecs, "svc")["deployments"][0]["rolloutState"] == "FAILED", what="FAILED")
    failed = describe_service(ecs, "svc")["deployments"][0]["failedTasks"]
    time.sleep(0.4)
    service = describe_service(ecs, "svc")
    primary, old = service["deployments"]
    # No rollback and no more attempts; the old tasks keep serving.
    assert (primary["rolloutState"], primary["failedTasks"], primary["taskDefinition"]) == ("FAILED", failed, bad)
    assert (old["taskDefinition"], old["runningCount"]) == (good, 2)
    assert service["runningCount"] == 2


def test_without_circuit_breaker_failures_keep_retrying(sandbox, ecs, cluster):
    register(ecs)
    create(ecs, desired=2)
    wait_for(completed(ecs, "svc"), what="first deployment")
    sandbox.post("failing-images", {"patterns": ["nginx:bad"]})
    register(ecs, image="nginx:bad")
    ecs.update_service(cluster="test", service="svc", taskDefinition="web")
    many = wait_for(
        lambda: (d := describe_service(ecs, "svc")["deployments"][0])["failedTasks"] >= 8 and d,
        what="repeated failures",
    )
    assert many["rolloutState"] == "IN_PROGRESS"
    service = describe_service(ecs, "svc")
    assert service["deployments"][1]["runningCount"] == 2

    # Turning failures off lets the same deployment finish.
    sandbox.post("failing-images", {"patterns": []})
    final = wait_for(completed(ecs, "svc"), what="recovery")
    assert final["deployments"][0]["id"] == many["id"]


def test_first_deployment_that_fails_has_nothing_to_roll_back_to(sandbox, ecs, cluster):
    sandbox.post("failing-images", {"patterns": ["bad"]})
    register(ecs, image="bad")
    create(ecs, desired=1, deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    failed = wait_for(
        lambda: (d := describe_service(ecs, "svc")["deployments"])[0]["rolloutState"] == "FAILED" and d,
        what="FAILED",
    )
    assert len(failed) == 1
    assert failed[0]["failedTasks"] == 3


@pytest.mark.parametrize(("desired", "threshold"), [(0, 3), (2, 3), (7, 4), (10, 5), (1000, 200)])
def test_circuit_breaker_threshold(ecs, cluster, desired, threshold):
    register(ecs)
    create(ecs, desired=0)
    ecs.update_service(cluster="test", service="svc", desiredCount=desired)
    arn = ecs.list_service_deployments(cluster="test", service="svc")["serviceDeployments"][0]["serviceDeploymentArn"]
    record = ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]
    assert record["deploymentCircuitBreaker"]["threshold"] == threshold


def test_run_task_tasks_are_not_service_tasks(ecs, cluster):
    definition = register(ecs)
    started = ecs.run_task(cluster="test", taskDefinition="web", count=2, startedBy="migration")["tasks"]
    assert [t["group"] for t in started] == ["family:web", "family:web"]
    assert {t["taskDefinitionArn"] for t in started} == {definition}
    listed = ecs.list_tasks(cluster="test", startedBy="migration")["taskArns"]
    assert sorted(listed) == sorted(t["taskArn"] for t in started)
    assert ecs.list_tasks(cluster="test", serviceName="svc")["taskArns"] == []
    with pytest.raises(ClientError):
        ecs.list_tasks(cluster="missing")


def test_at_most_100_events_are_kept(sandbox, ecs, cluster):
    sandbox.post("config", {"task_start_delay": 0, "task_stop_delay": 0})
    sandbox.post("failing-images", {"patterns": ["crash:*"]})
    register(ecs, image="crash:1")
    create(ecs, desired=2)
    wait_for(lambda: describe_service(ecs, "svc")["deployments"][0]["failedTasks"] >= 80, what="many failures")
    events = describe_service(ecs, "svc")["events"]
    assert len(events) == 100
    times = [event["createdAt"] for event in events]
    assert times == sorted(times, reverse=True)


def test_running_containers_report_the_digest_of_their_image(ecs, cluster):
    register(ecs, image="registry.example/web:1.0")
    create(ecs, desired=1)
    wait_for(completed(ecs, "svc"), what="deployment")
    (task,) = tasks_of(ecs)
    (container,) = task["containers"]
    expected = "sha256:" + hashlib.sha256(b"registry.example/web:1.0").hexdigest()
    assert container["imageDigest"] == expected
    pinned = "registry.example/web@sha256:" + "a" * 64
    register(ecs, family="pinned", image=pinned)
    create(ecs, name="pinned", desired=1, definition="pinned")
    wait_for(completed(ecs, "pinned"), what="pinned deployment")
    (task,) = tasks_of(ecs, "pinned")
    assert task["containers"][0]["imageDigest"] == "sha256:" + "a" * 64


@pytest.mark.parametrize("cleanup", ["DEFERRED", "BLOCKING"])
def test_early_success_completes_once_enough_new_tasks_are_healthy(sandbox, ecs, cluster, cleanup):
    """EarlySuccessCriteria: COMPLETED at healthyPercent of the desired count; DEFERRED before the old tasks are
    gone, BLOCKING only after them."""
    sandbox.post("config", {"task_start_delay": 0.1, "task_stop_delay": 1.5})
    register(ecs, "web", "nginx:1")
    register(ecs, "web", "nginx:2")
    early = {"enable": True, "healthyPercent": 50, "sourceServiceRevisionCleanup": cleanup}
    ecs.create_service(
        cluster=cluster,
        serviceName="svc",
        taskDefinition="web:1",
        desiredCount=4,
        deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 50, "earlySuccessCriteria": early},
    )
    wait_for(completed(ecs, "svc", cluster), timeout=20, what="the first deployment")
    ecs.update_service(cluster=cluster, service="svc", taskDefinition="web:2")

    def primary_completed():
        service = describe_service(ecs, "svc", cluster)
        primary = service["deployments"][0]
        return (
            (len(service["deployments"]), service["runningCount"]) if primary["rolloutState"] == "COMPLETED" else None
        )

    deployments, _running = wait_for(primary_completed, timeout=20, interval=0.02, what="the new deployment completed")
    # DEFERRED: the old deployment is still there, its tasks stopping; BLOCKING: it is gone already.
    assert deployments == (2 if cleanup == "DEFERRED" else 1)
    wait_for(lambda: len(describe_service(ecs, "svc", cluster)["deployments"]) == 1, timeout=20, what="old tasks gone")
