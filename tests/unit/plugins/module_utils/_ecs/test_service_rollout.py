"""Orchestration of ecs_service_rollout against a scripted ECS: calls made, waits, rollbacks. Nothing sleeps."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.args import service_rollout_argument_spec
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import (
    AnsibleECSError,
    ECSTimeoutError,
    ECSValidationError,
)
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_rollout import run as run_rollout

from .conftest import FakeClock

FIXTURE = Path(__file__).parent / "fixtures" / "service_web_described.json"
ARN_PREFIX = "arn:aws:ecs:eu-west-1:123456789012:task-definition/"
WRITES = ("create_service", "update_service", "delete_service", "tag_resource", "untag_resource")


class FakeECS:
    """A scripted ECS. Each DescribeServices advances the PRIMARY deployment of every service it names.

    ``behaviour[revision]`` says what a deployment of ``web:<revision>`` does: ("complete", n) completes at the
    n-th look, ("fail", n) fails at the n-th look (ECS then rolls back if the circuit breaker says so), ("never",)
    stays IN_PROGRESS.
    """

    def __init__(self) -> None:
        self.services: dict[tuple[str, str], dict] = {}
        self.calls: list[tuple[str, object]] = []
        self.behaviour: dict[str, tuple] = {}
        self.countdown: dict[str, int] = {}
        self.clusters = {"prod"}
        self.task_definitions = {f"web:{n}": {"networkMode": "awsvpc"} for n in range(1, 20)}
        self.ids = itertools.count(100)
        self.events = itertools.count(1)
        # Task ARN -> DescribeTasks item of the tasks that stopped, as a failed deployment leaves them.
        self.stopped: dict[str, dict] = {}
        # What a failing revision's tasks stop with: (stoppedReason, exit code of container "web" or None).
        self.stop_with: tuple[str, int | None] = ("Essential container in task exited", 1)

    # Setup ---------------------------------------------------------------------------------------------------

    def add_web(self, name: str = "web", revision: int = 7, **changes) -> dict:
        described = json.loads(FIXTURE.read_text())["services"][0]
        described["serviceName"] = name
        described["serviceArn"] = described["serviceArn"].replace("/web", f"/{name}")
        described["taskDefinition"] = f"{ARN_PREFIX}web:{revision}"
        described["deployments"][0]["taskDefinition"] = described["taskDefinition"]
        described.update(changes)
        self.services[("prod", name)] = described
        return described

    def count(self, call: str) -> int:
        return sum(1 for name, _args in self.calls if name == call)

    def writes(self) -> list[str]:
        return [name for name, _args in self.calls if name in WRITES]

    # api stand-ins -------------------------------------------------------------------------------------------

    def describe_services(self, client, cluster, names):
        self.calls.append(("describe_services", (cluster, list(names))))
        found = []
        for name in names:
            service = self.services.get((cluster, name))
            if service is not None:
                self._advance(service)
                found.append(copy.deepcopy(service))
        return found

    def describe_cluster(self, client, cluster):
        self.calls.append(("describe_cluster", cluster))
        return {"clusterName": cluster, "status": "ACTIVE"} if cluster in self.clusters else None

    def describe_task_definition(self, client, task_definition):
        self.calls.append(("describe_task_definition", task_definition))
        short = task_definition.rsplit("/", 1)[-1]
        if ":" not in short:
            short = f"{short}:{max(int(k.split(':')[1]) for k in self.task_definitions if k.startswith(short + ':'))}"
        found = self.task_definitions.get(short)
        if found is None:
            return None
        return {"taskDefinitionArn": ARN_PREFIX + short, "status": "ACTIVE", **found}

    def create_service(self, client, request):
        self.calls.append(("create_service", request))
        service = {
            "serviceArn": f"arn:aws:ecs:eu-west-1:123456789012:service/{request['cluster']}/{request['serviceName']}",
            "serviceName": request["serviceName"],
            "status": "ACTIVE",
            "desiredCount": request["desiredCount"],
            "taskDefinition": ARN_PREFIX + request["taskDefinition"].rsplit("/", 1)[-1],
            "deploymentConfiguration": request.get(
                "deploymentConfiguration",
                {
                    "maximumPercent": 200,
                    "minimumHealthyPercent": 100,
                    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
                },
            ),
            "deployments": [],
            "events": [],
            "tags": request.get("tags", []),
        }
        self._deploy(service, service["taskDefinition"])
        self.services[(request["cluster"], request["serviceName"])] = service
        return copy.deepcopy(service)

    def update_service(self, client, request):
        self.calls.append(("update_service", request))
        service = self.services[(request["cluster"], request["service"])]
        for field, value in request.items():
            if field not in ("cluster", "service", "forceNewDeployment", "taskDefinition"):
                service[field] = copy.deepcopy(value)
        if "taskDefinition" in request or request.get("forceNewDeployment"):
            service["taskDefinition"] = (
                ARN_PREFIX + request.get("taskDefinition", service["taskDefinition"]).rsplit("/", 1)[-1]
            )
            self._deploy(service, service["taskDefinition"])
        return copy.deepcopy(service)

    def delete_service(self, client, cluster, name, force=True):
        self.calls.append(("delete_service", name))
        service = self.services[(cluster, name)]
        service["status"] = "DRAINING"
        self.behaviour[f"delete:{name}"] = ("complete", 2)
        return copy.deepcopy(service)

    def tag_resource(self, client, arn, tags):
        self.calls.append(("tag_resource", tags))

    def untag_resource(self, client, arn, keys):
        self.calls.append(("untag_resource", keys))

    # Simulation ----------------------------------------------------------------------------------------------

    def _deploy(self, service: dict, task_definition: str, rollback_of: str | None = None) -> str:
        for deployment in service["deployments"]:
            deployment["status"] = "ACTIVE"
        deployment_id = f"ecs-svc/{next(self.ids)}"
        service["deployments"].insert(
            0,
            {
                "id": deployment_id,
                "status": "PRIMARY",
                "taskDefinition": task_definition,
                "rolloutState": "IN_PROGRESS",
            },
        )
        service["taskDefinition"] = task_definition
        revision = task_definition.rsplit("/", 1)[-1]
        behaviour = ("complete", 1) if rollback_of else self.behaviour.get(revision, ("complete", 2))
        self.behaviour[deployment_id] = behaviour
        self.countdown[deployment_id] = behaviour[1] if len(behaviour) > 1 else -1
        return deployment_id

    def _event(self, service: dict, message: str) -> None:
        service["events"].insert(
            0,
            {
                "id": f"new-{next(self.events)}",
                "createdAt": f"2025-03-02T10:00:{next(self.events):02d}",
                "message": message,
            },
        )

    def list_tasks(self, client, cluster, service=None, desired_status="RUNNING"):
        self.calls.append(("list_tasks", service))
        return [arn for arn, task in self.stopped.items() if task["group"] == f"service:{service}"]

    def describe_tasks(self, client, cluster, arns):
        self.calls.append(("describe_tasks", tuple(arns)))
        return [self.stopped[arn] for arn in arns if arn in self.stopped]

    def _advance(self, service: dict) -> None:
        if service["status"] == "DRAINING":
            self.countdown.setdefault("delete", 2)
            self.countdown["delete"] -= 1
            if self.countdown["delete"] <= 0:
                service["status"] = "INACTIVE"
            return
        primary = service["deployments"][0]
        if primary["rolloutState"] != "IN_PROGRESS" or self.countdown.get(primary["id"], 0) < 0:
            return
        self.countdown[primary["id"]] -= 1
        if self.countdown[primary["id"]] > 0:
            return
        outcome = self.behaviour[primary["id"]][0]
        if outcome == "complete":
            primary["rolloutState"] = "COMPLETED"
            service["deployments"] = [primary]
            self._event(service, f"(service {service['serviceName']}) has reached a steady state.")
            return
        primary["rolloutState"] = "FAILED"
        reason, exit_code = self.stop_with
        arn = f"arn:aws:ecs:eu-west-1:123456789012:task/prod/{next(self.ids):032x}"
        container = {"name": "web", "lastStatus": "STOPPED"}
        if exit_code is not None:
            container["exitCode"] = exit_code
        self.stopped[arn] = {
            "taskArn": arn,
            "taskDefinitionArn": primary["taskDefinition"],
            "group": f"service:{service['serviceName']}",
            "lastStatus": "STOPPED",
            "stoppedReason": reason,
            "stopCode": "TaskFailedToStart" if exit_code is None else "EssentialContainerExited",
            "containers": [container],
        }
        self._event(service, f"(service {service['serviceName']}) (deployment {primary['id']}) deployment failed")
        breaker = service["deploymentConfiguration"].get("deploymentCircuitBreaker", {})
        completed = [d for d in service["deployments"][1:] if d.get("rolloutState") == "COMPLETED"]
        if breaker.get("rollback") and completed:
            self._deploy(service, completed[0]["taskDefinition"], rollback_of=primary["id"])


@pytest.fixture
def ecs(monkeypatch) -> FakeECS:
    fake = FakeECS()
    for name in (
        "describe_services",
        "describe_cluster",
        "describe_task_definition",
        "list_tasks",
        "describe_tasks",
        *WRITES,
    ):
        monkeypatch.setattr(api, name, getattr(fake, name))
    return fake


def params(**given) -> dict:
    """Module params as AnsibleModule would pass them: every option present, defaults applied."""
    values = {name: spec.get("default") for name, spec in service_rollout_argument_spec().items()}
    values.update(cluster="prod", service="web", poll_interval=5.0, wait_timeout=60)
    values.update(given)
    return values


def run(ecs, clock=None, check_mode=False, diff=False, **given):
    return run_rollout(object(), params(**given), check_mode=check_mode, diff=diff, clock=clock or FakeClock())


# No-op ---------------------------------------------------------------------------------------------------------


def test_noop_makes_one_describe_services_and_nothing_else(ecs):
    ecs.add_web()
    result = run(
        ecs,
        task_definition=f"{ARN_PREFIX}web:7",
        desired_count=3,
        network_configuration={
            "subnets": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
            "security_groups": None,
            "assign_public_ip": None,
        },
    )
    assert ecs.calls == [("describe_services", ("prod", ["web"]))]
    assert result["changed"] is False
    assert result["deployment_id"] == "ecs-svc/7000000000000000007"
    assert result["rollout_state"] == "COMPLETED"
    assert result["events"] == []


def test_noop_of_many_services_costs_only_the_batched_describe(ecs):
    names = [f"svc{n:02d}" for n in range(20)]
    for name in names:
        ecs.add_web(name)
    items = [{"service": name, "task_definition": "web:7"} for name in names]
    result = run(ecs, service=None, services=items)
    assert [name for name, _args in ecs.calls] == ["describe_services"]  # one api call; api.py batches it by ten
    assert result["changed"] is False
    assert len(result["results"]) == 20


# Rollouts --------------------------------------------------------------------------------------------------------


def test_image_rollout_waits_for_completed_and_keeps_the_live_count(ecs):
    ecs.add_web(desiredCount=9)
    clock = FakeClock()
    result = run(ecs, clock, task_definition="web:8")
    update = next(request for name, request in ecs.calls if name == "update_service")
    assert update == {"cluster": "prod", "service": "web", "taskDefinition": f"{ARN_PREFIX}web:8"}
    assert result["changed"] is True
    assert result["rollout_state"] == "COMPLETED"
    assert result["previous_task_definition_arn"] == f"{ARN_PREFIX}web:7"
    assert result["rolled_back"] is False
    assert [event["message"] for event in result["events"]] == ["(service web) has reached a steady state."]
    assert clock.sleeps == [5.0]  # completed at the second look


def test_circuit_breaker_rollback_by_ecs_is_a_failure(ecs):
    ecs.add_web(
        deploymentConfiguration={
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        }
    )
    ecs.behaviour["web:8"] = ("fail", 2)
    with pytest.raises(AnsibleECSError) as raised:
        run(ecs, task_definition="web:8")
    result = raised.value.kwargs
    assert result["rolled_back"] is True
    assert result["rolled_back_by"] == "ecs"
    assert result["rollout_state"] == "FAILED"
    assert result["service"]["task_definition"] == f"{ARN_PREFIX}web:7"
    assert result["rollback_rollout_state"] == "COMPLETED"
    assert ecs.count("update_service") == 1  # the module did not stack a rollback on ECS's
    assert "FAILED" in raised.value.message and "rolled back" in raised.value.message


BREAKER = {
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
    "deploymentCircuitBreaker": {"enable": True, "rollback": True},
}


def test_a_failed_rollout_says_why_from_the_stopped_tasks(ecs):
    ecs.add_web(deploymentConfiguration=BREAKER)
    ecs.behaviour["web:8"] = ("fail", 2)
    with pytest.raises(AnsibleECSError) as raised:
        run(ecs, task_definition="web:8")
    result = raised.value.kwargs
    assert result["failure_reason"] == "container web exited 1"
    assert raised.value.message.endswith("; why: container web exited 1")
    [task] = result["failure_details"]["stopped_tasks"]
    assert task["containers"] == [{"name": "web", "exit_code": 1, "reason": None}]


def test_a_pull_error_is_the_reason_before_any_exit_code(ecs):
    pulled = "CannotPullContainerError: failed to resolve ref registry/web:broken: not found"
    ecs.stop_with = (pulled, None)
    ecs.add_web(deploymentConfiguration=BREAKER)
    ecs.behaviour["web:8"] = ("fail", 2)
    with pytest.raises(AnsibleECSError) as raised:
        run(ecs, task_definition="web:8")
    assert raised.value.kwargs["failure_reason"] == pulled


def test_a_diagnosis_the_policy_denies_costs_the_reason_not_the_failure(ecs, monkeypatch):
    def denied(*_args, **_kwargs):
        raise AnsibleECSError(message="Failed to list tasks: AccessDeniedException: not authorized to ecs:ListTasks")

    monkeypatch.setattr(api, "list_tasks", denied)
    ecs.add_web(deploymentConfiguration=BREAKER)
    ecs.behaviour["web:8"] = ("fail", 2)
    with pytest.raises(AnsibleECSError) as raised:
        run(ecs, task_definition="web:8")
    assert "ECS's circuit breaker rolled back" in raised.value.message
    assert "why:" not in raised.value.message
    details = raised.value.kwargs["failure_details"]
    assert "AccessDeniedException" in details["unreadable"] and details["reason"] is None


def test_a_successful_rollout_reads_no_task(ecs):
    ecs.add_web()
    ecs.behaviour["web:8"] = ("complete", 2)
    result = run(ecs, task_definition="web:8")
    assert "failure_reason" not in result
    assert ecs.count("list_tasks") == ecs.count("describe_tasks") == 0


def test_ecs_rollback_is_reported_even_when_the_module_may_not_roll_back(ecs):
    ecs.add_web(
        deploymentConfiguration={
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        }
    )
    ecs.behaviour["web:8"] = ("fail", 1)
    with pytest.raises(AnsibleECSError) as raised:
        run(ecs, task_definition="web:8", rollback=False)
    assert raised.value.kwargs["rolled_back"] is True
    assert raised.value.kwargs["rolled_back_by"] == "ecs"
    assert ecs.count("update_service") == 1


def test_failed_deployment_without_ecs_rollback_is_rolled_back_by_the_module(ecs):
    ecs.add_web(
        deploymentConfiguration={
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
            "deploymentCircuitBreaker": {"enable": True, "rollback": False},
        }
    )
    ecs.behaviour["web:8"] = ("fail", 1)
    with pytest.raises(AnsibleECSError) as raised:
        run(ecs, task_definition="web:8")
    result = raised.value.kwargs
    assert result["rolled_back_by"] == "module"
    assert result["rolled_back"] is True
    rollback = [request for name, request in ecs.calls if name == "update_service"][-1]
    assert rollback == {"cluster": "prod", "service": "web", "taskDefinition": f"{ARN_PREFIX}web:7"}
    assert result["deployment_id"] != result["rollback_deployment_id"]


def test_timeout_rolls_back_and_raises_a_timeout_with_the_result(ecs):
    ecs.add_web()
    ecs.behaviour["web:8"] = ("never",)
    clock = FakeClock()
    with pytest.raises(ECSTimeoutError) as raised:
        run(ecs, clock, task_definition="web:8", wait_timeout=20)
    result = raised.value.kwargs
    assert result["rollout_state"] == "IN_PROGRESS"
    assert result["rolled_back"] is True
    assert result["service"]["task_definition"] == f"{ARN_PREFIX}web:7"
    assert "did not complete in time" in raised.value.message


def test_timeout_without_rollback_leaves_the_service_alone(ecs):
    ecs.add_web()
    ecs.behaviour["web:8"] = ("never",)
    with pytest.raises(ECSTimeoutError) as raised:
        run(ecs, task_definition="web:8", wait_timeout=20, rollback=False)
    assert raised.value.kwargs["rolled_back"] is False
    assert ecs.count("update_service") == 1


def test_a_deployment_already_in_progress_is_waited_for_first(ecs):
    live = ecs.add_web()
    live["deployments"].insert(
        0,
        {
            "id": "ecs-svc/theirs",
            "status": "PRIMARY",
            "rolloutState": "IN_PROGRESS",
            "taskDefinition": f"{ARN_PREFIX}web:6",
        },
    )
    live["deployments"][1]["status"] = "ACTIVE"
    live["taskDefinition"] = f"{ARN_PREFIX}web:6"
    ecs.behaviour["ecs-svc/theirs"] = ("complete",)
    ecs.countdown["ecs-svc/theirs"] = 2
    result = run(ecs, task_definition="web:8")
    assert result["waited_for_deployment"] is True
    names = [name for name, _args in ecs.calls]
    assert names.index("update_service") > 1  # two looks at their deployment before ours
    assert result["previous_task_definition_arn"] == f"{ARN_PREFIX}web:6"


def test_wait_false_returns_once_the_deployment_started(ecs):
    ecs.add_web()
    result = run(ecs, task_definition="web:8", wait=False)
    assert result["rollout_state"] == "IN_PROGRESS"
    assert ecs.count("describe_services") == 1


def test_create_defaults_to_one_task(ecs):
    result = run(
        ecs,
        task_definition="web:7",
        network_configuration={"subnets": ["subnet-1"], "security_groups": ["sg-1"], "assign_public_ip": None},
    )
    create = next(request for name, request in ecs.calls if name == "create_service")
    assert create["desiredCount"] == 1
    assert result["changed"] is True
    assert result["previous_task_definition_arn"] is None
    assert result["rollout_state"] == "COMPLETED"


def test_tags_only_change_makes_no_update_service(ecs):
    ecs.add_web()
    result = run(ecs, task_definition="web:7", tags={"team": "web", "tier": "1"})
    assert ecs.writes() == ["tag_resource"]
    assert result["changed"] is True


def test_delete_waits_until_the_service_is_gone(ecs):
    ecs.add_web()
    result = run(ecs, state="absent", task_definition=None)
    assert ecs.writes() == ["delete_service"]
    assert result["changed"] is True
    assert result["service"] is None


# Many services ---------------------------------------------------------------------------------------------------


def test_many_services_are_applied_first_then_waited_for_together(ecs):
    names = [f"svc{n:02d}" for n in range(12)]
    for name in names:
        ecs.add_web(name)
    ecs.behaviour["web:9"] = ("fail", 1)
    items = [{"service": name, "task_definition": "web:9" if name == "svc03" else "web:8"} for name in names]
    with pytest.raises(AnsibleECSError) as raised:
        run(ecs, service=None, services=items)
    names_called = [name for name, _args in ecs.calls]
    first_wait = names_called.index("describe_services", 1)
    assert names_called[1:first_wait] == ["describe_task_definition"] * 2 + ["update_service"] * 12
    results = raised.value.kwargs["results"]
    assert [r["failed"] for r in results].count(True) == 1
    assert results[3]["rolled_back"] is True and results[3]["rolled_back_by"] == "module"
    assert all(r["rollout_state"] == "COMPLETED" for i, r in enumerate(results) if i != 3)
    assert raised.value.message.startswith("1 of 12 services failed")
    # Each wait re-describes only the services still rolling out, in one call.
    waits = [args for name, args in ecs.calls[first_wait:] if name == "describe_services"]
    assert len(waits[0][1]) == 12
    assert all(len(described) <= 12 for _cluster, described in waits)


def test_items_inherit_top_level_settings(ecs):
    ecs.add_web("a")
    ecs.add_web("b")
    run(
        ecs,
        service=None,
        desired_count=4,
        services=[
            {"service": "a", "task_definition": "web:7"},
            {"service": "b", "task_definition": "web:7", "desired_count": 2},
        ],
    )
    counts = {request["service"]: request["desiredCount"] for name, request in ecs.calls if name == "update_service"}
    assert counts == {"a": 4, "b": 2}


# Check mode and diff ---------------------------------------------------------------------------------------------


def test_check_mode_plans_the_same_and_writes_nothing(ecs):
    ecs.add_web()
    result = run(ecs, check_mode=True, diff=True, task_definition="web:8", desired_count=5)
    assert ecs.writes() == []
    assert result["changed"] is True
    assert result["service"]["desired_count"] == 5
    assert result["service"]["task_definition"] == f"{ARN_PREFIX}web:8"
    assert result["diff"]["before"] == {"task_definition": "web:7", "desired_count": 3}
    assert result["diff"]["after"] == {"task_definition": "web:8", "desired_count": 5}


def test_check_mode_of_a_create_predicts_the_service(ecs):
    result = run(
        ecs,
        check_mode=True,
        task_definition="web:7",
        network_configuration={"subnets": ["subnet-1"], "security_groups": None, "assign_public_ip": None},
    )
    assert ecs.writes() == []
    assert result["changed"] is True
    assert result["service"]["desired_count"] == 1


# Bad input fails before any write --------------------------------------------------------------------------------

BAD_INPUT = [
    ("unknown cluster", {"cluster": "nope", "task_definition": "web:7"}, "cluster: cluster 'nope' does not exist"),
    (
        "missing task definition",
        {"service": "new", "task_definition": "nope:1"},
        "task_definition: 'nope:1' does not exist",
    ),
    ("awsvpc without network", {"service": "new", "task_definition": "web:7"}, "network_configuration:"),
    ("negative count", {"task_definition": "web:7", "desired_count": -1}, "desired_count must be 0 or more"),
    (
        "launch type and capacity providers",
        {
            "task_definition": "web:7",
            "launch_type": "FARGATE",
            "capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": None, "base": None}],
        },
        "launch_type and capacity_provider_strategy",
    ),
    ("launch type change", {"task_definition": "web:8", "launch_type": "EC2"}, "launch_type cannot be changed"),
    ("no task definition", {"task_definition": None}, "task_definition is required"),
    ("bad item", {"service": None, "services": [{"service": "web", "desired_count": "many"}]}, r"services\[0\]"),
    (
        "duplicate item",
        {"service": None, "services": [{"service": "web", "task_definition": "web:7"}] * 2},
        "more than once",
    ),
]


@pytest.mark.parametrize(("case", "given", "message"), BAD_INPUT, ids=[case for case, _given, _message in BAD_INPUT])
def test_bad_input_fails_naming_the_field_before_any_write(ecs, case, given, message):
    ecs.add_web()
    with pytest.raises(ECSValidationError, match=message):
        run(ecs, **given)
    assert ecs.writes() == [], case


def test_the_failed_result_reaches_fail_json_through_kwargs(ecs):
    """main() passes ``error.kwargs`` on; make sure they are plain data a module can return."""
    ecs.add_web()
    ecs.behaviour["web:8"] = ("never",)
    with pytest.raises(ECSTimeoutError) as raised:
        run(ecs, task_definition="web:8", wait_timeout=10)
    assert json.loads(json.dumps(raised.value.kwargs))["rollback_rollout_state"] == "COMPLETED"
