"""The deployer's policy for scheduled tasks: exactly GetSchedule and UpdateSchedule on the declared schedules, and
the pass of their roles to EventBridge Scheduler only, only when a service declares schedules."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import policy
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services

REGION = "eu-west-1"
ACCOUNT = "111122223333"


def _service(name: str, schedules: list[dict] | None = None) -> dict:
    item = {
        "name": name,
        "cluster": "shop-dev",
        "task_definition": {"containerDefinitions": [{"name": "app", "image": f"shop/{name}:1"}]},
    }
    if schedules is not None:
        item["schedules"] = schedules
    return item


NIGHTLY = {"name": "nightly-report", "schedule": "cron(0 3 * * ? *)", "command": ["bin/report"]}
HOURLY = {"name": "hourly", "schedule": "rate(1 hour)", "schedule_name": "shop-hourly"}


def _policy(declared: list[dict]) -> dict:
    return policy.deploy_policy(resolve_services(declared, ACCOUNT), REGION, ACCOUNT)


def _sids(document: dict) -> list[str]:
    return [statement["Sid"] for statement in document["Statement"]]


@pytest.mark.parametrize("schedules", [None, []])
def test_no_schedule_no_scheduler_statement(schedules):
    document = _policy([_service("web", schedules)])
    assert not [a for s in document["Statement"] for a in s["Action"] if a.startswith("scheduler:")]
    assert "PassSchedulerRolesToScheduler" not in _sids(document)


def test_the_declared_schedules_only_with_their_roles_passed_to_the_scheduler_only():
    document = _policy([_service("worker", [NIGHTLY, HOURLY]), _service("web"), _service("mailer", [NIGHTLY])])
    moving = next(s for s in document["Statement"] if s["Sid"] == "MoveDeclaredSchedules")
    assert moving == {
        "Sid": "MoveDeclaredSchedules",
        "Effect": "Allow",
        "Action": ["scheduler:GetSchedule", "scheduler:UpdateSchedule"],
        "Resource": [
            f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/shop-dev-mailer-nightly-report",
            f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/shop-dev-worker-nightly-report",
            f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/shop-hourly",
        ],
    }
    passing = next(s for s in document["Statement"] if s["Sid"] == "PassSchedulerRolesToScheduler")
    assert passing == {
        "Sid": "PassSchedulerRolesToScheduler",
        "Effect": "Allow",
        "Action": ["iam:PassRole"],
        "Resource": [
            f"arn:aws:iam::{ACCOUNT}:role/shop-dev-mailer-scheduler",
            f"arn:aws:iam::{ACCOUNT}:role/shop-dev-worker-scheduler",
        ],
        "Condition": {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
    }
    # The scheduler roles are never passable to tasks, and CreateSchedule stays with the bootstrap.
    tasks = next(s for s in document["Statement"] if s["Sid"] == "PassDeclaredRolesToEcsTasks")
    assert not set(tasks["Resource"]) & set(passing["Resource"])
    assert "scheduler:CreateSchedule" in policy.NOT_GRANTED
    assert "scheduler:CreateSchedule" not in {a for s in document["Statement"] for a in s["Action"]}


def test_schedules_add_exactly_the_two_statements():
    without = _policy([_service("worker")])
    with_schedules = _policy([_service("worker", [NIGHTLY])])
    added = [sid for sid in _sids(with_schedules) if sid not in _sids(without)]
    assert added == ["MoveDeclaredSchedules", "PassSchedulerRolesToScheduler"]
    assert [s for s in with_schedules["Statement"] if s["Sid"] in _sids(without)] == without["Statement"]
