"""Rolling deployment predicates over real DescribeServices shapes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.rolling_deployments import (
    circuit_breaker_rolls_back,
    deployment_state,
    placement_problem,
    primary_in_progress,
    replacement_settled,
)
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.vocabulary import (
    COMPLETED,
    FAILED,
    IN_PROGRESS,
    MISSING,
    REPLACED,
)

FIXTURE = Path(__file__).parent / "fixtures" / "service_web_described.json"
OLD = "ecs-svc/7000000000000000007"
OURS = "ecs-svc/8000000000000000008"
ROLLBACK = "ecs-svc/9000000000000000009"


def deployment(deployment_id: str, status: str, rollout: str | None, revision: int, running: int = 3) -> dict:
    found = {
        "id": deployment_id,
        "status": status,
        "taskDefinition": f"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:{revision}",
        "desiredCount": 3,
        "pendingCount": 0,
        "runningCount": running,
        "failedTasks": 0,
    }
    if rollout:
        found["rolloutState"] = rollout
    return found


def service(*deployments: dict, status: str = "ACTIVE", breaker: tuple[bool, bool] = (False, False)) -> dict:
    described = copy.deepcopy(json.loads(FIXTURE.read_text())["services"][0])
    described["deployments"] = list(deployments)
    described["status"] = status
    described["deploymentConfiguration"]["deploymentCircuitBreaker"] = {"enable": breaker[0], "rollback": breaker[1]}
    return described


STATES = [
    (
        "ours rolling out, old still serving",
        service(deployment(OURS, "PRIMARY", "IN_PROGRESS", 8, 1), deployment(OLD, "ACTIVE", "COMPLETED", 7)),
        IN_PROGRESS,
    ),
    ("ours completed", service(deployment(OURS, "PRIMARY", "COMPLETED", 8)), COMPLETED),
    (
        "circuit breaker failed ours, no rollback",
        service(deployment(OURS, "PRIMARY", "FAILED", 8, 0), deployment(OLD, "ACTIVE", "COMPLETED", 7)),
        FAILED,
    ),
    (
        "circuit breaker failed ours and ECS rolls back: ours is ACTIVE and FAILED",
        service(
            deployment(ROLLBACK, "PRIMARY", "IN_PROGRESS", 7, 1),
            deployment(OURS, "ACTIVE", "FAILED", 8, 0),
            deployment(OLD, "ACTIVE", "COMPLETED", 7),
        ),
        FAILED,
    ),
    (
        "ECS's rollback finished and ours is gone from the list",
        service(deployment(ROLLBACK, "PRIMARY", "COMPLETED", 7)),
        REPLACED,
    ),
    (
        "someone else deployed over ours",
        service(deployment(ROLLBACK, "PRIMARY", "IN_PROGRESS", 9, 0), deployment(OURS, "ACTIVE", "IN_PROGRESS", 8, 1)),
        REPLACED,
    ),
    (
        "ours completed, then someone else deployed over it",
        service(deployment(ROLLBACK, "PRIMARY", "IN_PROGRESS", 9, 0), deployment(OURS, "ACTIVE", "COMPLETED", 8)),
        COMPLETED,
    ),
    ("service deleted", service(deployment(OURS, "PRIMARY", "IN_PROGRESS", 8), status="INACTIVE"), MISSING),
    ("service not found", None, MISSING),
    ("no rolloutState, one deployment at its count", service(deployment(OURS, "PRIMARY", None, 8)), COMPLETED),
    (
        "no rolloutState, old deployment still there",
        service(deployment(OURS, "PRIMARY", None, 8), deployment(OLD, "ACTIVE", None, 7)),
        IN_PROGRESS,
    ),
]


@pytest.mark.parametrize(
    ("case", "described", "expected"), STATES, ids=[case for case, _described, _expected in STATES]
)
def test_deployment_state_follows_our_deployment_by_id(case, described, expected):
    assert deployment_state(described, OURS) == expected, case


def test_steady_service_is_not_success_for_a_deployment_ecs_rolled_back():
    """What botocore's services_stable would call success: one deployment, running == desired."""
    rolled_back = service(deployment(ROLLBACK, "PRIMARY", "COMPLETED", 7))
    assert rolled_back["runningCount"] == rolled_back["desiredCount"]
    assert deployment_state(rolled_back, OURS) != COMPLETED


def test_someone_elses_deployment_in_progress_is_seen():
    assert primary_in_progress(service(deployment(OURS, "PRIMARY", "IN_PROGRESS", 8, 1)))
    assert not primary_in_progress(service(deployment(OLD, "PRIMARY", "COMPLETED", 7)))
    assert not primary_in_progress(None)


@pytest.mark.parametrize(
    ("described", "settled"),
    [
        (service(deployment(OURS, "PRIMARY", "FAILED", 8)), False),  # ECS has not started its rollback yet
        (service(deployment(ROLLBACK, "PRIMARY", "IN_PROGRESS", 7), deployment(OURS, "ACTIVE", "FAILED", 8)), False),
        (service(deployment(ROLLBACK, "PRIMARY", "COMPLETED", 7)), True),
        (service(deployment(ROLLBACK, "PRIMARY", "FAILED", 7)), True),
    ],
)
def test_replacement_settled(described, settled):
    assert replacement_settled(described, OURS) is settled


def test_circuit_breaker_rollback_needs_both_flags():
    assert circuit_breaker_rolls_back(service(breaker=(True, True)))
    assert not circuit_breaker_rolls_back(service(breaker=(True, False)))
    assert not circuit_breaker_rolls_back(None)


def test_the_newest_placement_problem_is_the_reason_a_rollout_cannot_progress():
    older = {
        "id": "1",
        "createdAt": "2026-12-05T10:00:00+00:00",
        "message": "(service web) was unable to place a task because no container instance met all of its "
        "requirements. Reason: No Container Instances were found in your cluster.",
    }
    newer = {
        "id": "2",
        "createdAt": "2026-12-05T10:05:00+00:00",
        "message": "(service web) was unable to place a task because no container instance met all of its "
        "requirements. The closest matching (container-instance 1a2b) has insufficient memory available.",
    }
    started = {"id": "3", "createdAt": "2026-12-05T10:06:00+00:00", "message": "(service web) has started 1 tasks."}
    assert placement_problem([started, older, newer]) == newer["message"]
    assert placement_problem([started]) is None
    assert placement_problem([]) is None
