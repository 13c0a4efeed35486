"""Scheduled tasks: the declaration resolved and checked, expressions as EventBridge Scheduler takes them, the
requests of ecs_schedules, and its run against fake API functions shaped like GetSchedule's answer."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api, schedules
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import schedule_plan as sp
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.deploy_plan import summarize, summary_lines
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError

ACCOUNT = "123456789012"
TASKDEF = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition/worker"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/shop-worker-scheduler"


def _worker(schedules=None, **changes) -> dict:
    item = {
        "name": "worker",
        "cluster": "shop",
        "task_definition": {
            "containerDefinitions": [{"name": "app", "image": "x"}, {"name": "log-router", "image": "y"}]
        },
        "schedules": schedules
        if schedules is not None
        else [{"name": "nightly-report", "schedule": "cron(0 3 * * ? *)", "command": ["bin/report"]}],
    }
    item.update(changes)
    return item


def _resolve(*items) -> list[dict]:
    return resolve_services(list(items), ACCOUNT)


# Expressions ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 3 * * ? *)",
        "cron(0/15 8-18 ? * MON-FRI *)",
        "cron(0 3 L * ? *)",
        "cron(0 3 LW * ? *)",
        "cron(0 3 15W * ? *)",
        "cron(0 3 ? * 6L *)",
        "cron(0 3 ? * 3#2 2030)",
        "cron(30 2 1,15 JAN-MAR ? 2026-2030)",
        "rate(1 minute)",
        "rate(1 hour)",
        "rate(1 day)",
        "rate(15 minutes)",
        "rate(2 days)",
    ],
)
def test_expressions_eventbridge_takes(expression):
    assert sp.expression_problem(expression) is None


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("cron(0 3 * * *)", "cron has 5 fields; EventBridge takes six"),
        ("cron(0 3 * * ? * *)", "cron has 7 fields"),
        ("cron(0 3 * * * *)", "exactly one of them must be '?'"),
        ("cron(0 3 ? * ? *)", "exactly one of them must be '?'"),
        ("cron(60 3 * * ? *)", "minutes field '60': '60' is out of range: values are 0-59"),
        ("cron(0 24 * * ? *)", "hours field '24'"),
        ("cron(0 3 32 * ? *)", "day-of-month field '32'"),
        ("cron(0 3 * 13 ? *)", "values are 1-12 or JAN-DEC"),
        ("cron(0 3 ? * 8 *)", "values are 1-7 or SUN-SAT"),
        ("cron(0 3 ? * * 2200)", "year field '2200'"),
        ("cron(? 3 * * ? *)", "'?' is allowed only in day-of-month and day-of-week"),
        ("cron(0 3 3#2 * ? *)", "'#' is allowed only in day-of-week"),
        ("cron(0 3 ? * 3#1,6#3 *)", "only one expression"),
        ("cron(0/0 3 * * ? *)", "increment '0' must be a positive number"),
        ("rate(1 minutes)", "must use the singular unit: rate(1 minute)"),
        ("rate(5 hour)", "must use the plural unit: rate(5 hours)"),
        ("rate(0 days)", "must be a positive whole number"),
        ("rate(1 week)", "must be one of minute, minutes, hour, hours, day, days"),
        ("rate(5)", "must be rate(VALUE UNIT)"),
        ("at(2030-01-01T00:00:00)", "one-time at() expression"),
        ("0 3 * * *", "must be a cron(...) or rate(...) expression"),
        (None, "must be a cron(...) or rate(...) expression"),
    ],
)
def test_expressions_eventbridge_refuses(expression, problem):
    assert problem in sp.expression_problem(expression)


# Declaration ------------------------------------------------------------------------------------------------


def test_a_declared_schedule_is_resolved_with_its_role():
    (plan,) = _resolve(_worker())
    assert plan["schedules"] == [
        {
            "name": "nightly-report",
            "schedule_name": "shop-worker-nightly-report",
            "group": "default",
            "schedule": "cron(0 3 * * ? *)",
            "timezone": "UTC",
            "enabled": True,
            "container": "app",
            "command": ["bin/report"],
            "count": 1,
            "description": "nightly-report of service worker in cluster shop (driftless.ecs)",
            "flexible_window_minutes": None,
        }
    ]
    assert plan["scheduler_role_arn"] == ROLE
    (role,) = plan["extra_roles"]
    assert role["name"] == "shop-worker-scheduler"
    assert role["trust_policy"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ]
    run, passing = role["inline_policies"]["run-scheduled-tasks"]["Statement"]
    assert run["Action"] == "ecs:RunTask"
    assert run["Resource"] == [f"arn:aws:ecs:*:{ACCOUNT}:task-definition/worker:*"]
    assert run["Condition"] == {"ArnLike": {"ecs:cluster": f"arn:aws:ecs:*:{ACCOUNT}:cluster/shop"}}
    assert passing["Resource"] == [f"arn:aws:iam::{ACCOUNT}:role/shop-worker-exec"]
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}


def test_a_service_without_schedules_has_no_scheduler_role_and_keeps_others_roles():
    (plan,) = _resolve(_worker(schedules=[]))
    assert (plan["schedules"], plan["scheduler_role_arn"], plan["extra_roles"]) == ([], None, [])
    other = {"name": "shop-push"}
    assert sp.resolve({}, "w", {"extra_roles": [other]}, ["app"], account_id=ACCOUNT, partition="aws")[
        "extra_roles"
    ] == [other]


@pytest.mark.parametrize(
    ("schedules", "message"),
    [
        ("nightly", "ecs_services[worker].schedules must be a list of schedules"),
        ([{"schedule": "rate(1 day)"}], "ecs_services[worker].schedules[0].name must be 1 to 64"),
        ([{"name": "nightly report", "schedule": "rate(1 day)"}], "schedules[0].name must be 1 to 64"),
        (
            [{"name": "n" * 60, "schedule": "rate(1 day)"}],
            "ecs_services[worker].schedules[0].name: the schedule's name in EventBridge Scheduler",
        ),
        (
            [{"name": "nightly", "schedule": "cron(0 3 * * *)"}],
            "ecs_services[worker].schedules[0].schedule 'cron(0 3 * * *)' cron has 5 fields",
        ),
        (
            [{"name": "nightly", "schedule": "rate(1 days)"}],
            "ecs_services[worker].schedules[0].schedule 'rate(1 days)' rate(1 days) must use the singular unit",
        ),
        (
            [{"name": "nightly", "schedule": "rate(1 day)", "container": "sidecar"}],
            "ecs_services[worker].schedules[0].container 'sidecar' is not a container of the task definition",
        ),
        (
            [{"name": "nightly", "schedule": "rate(1 day)", "command": "bin/report"}],
            "ecs_services[worker].schedules[0].command must be a list of strings",
        ),
        (
            [{"name": "nightly", "schedule": "rate(1 day)", "command": ["bin/report", 1]}],
            "schedules[0].command must be a list of strings",
        ),
        ([{"name": "nightly", "schedule": "rate(1 day)", "enabled": "yes"}], "schedules[0].enabled must be true"),
        ([{"name": "nightly", "schedule": "rate(1 day)", "count": 11}], "schedules[0].count must be 1 to 10"),
        ([{"name": "nightly", "schedule": "rate(1 day)", "timezone": "Mars/Olympus"}], "not an IANA time zone"),
        ([{"name": "nightly", "schedule": "rate(1 day)", "cron": "x"}], "schedules[0].cron is not a known key"),
        (
            [{"name": "nightly", "schedule": "rate(1 day)"}, {"name": "nightly", "schedule": "rate(2 days)"}],
            "ecs_services[worker].schedules[1].name: 'nightly' is given twice",
        ),
        (
            [{"name": "nightly", "schedule": "rate(1 day)", "flexible_window_minutes": 0}],
            "schedules[0].flexible_window_minutes must be 1 to 1440",
        ),
    ],
)
def test_bad_schedules_are_refused_with_their_path(schedules, message):
    with pytest.raises(ECSValidationError) as raised:
        _resolve(_worker(schedules=schedules))
    assert message in raised.value.message


def test_a_scheduler_role_name_too_long_is_refused():
    with pytest.raises(ECSValidationError) as raised:
        schedules = [{"name": "nightly", "schedule": "rate(1 day)", "schedule_name": "nightly"}]
        _resolve(_worker(schedules, cluster="c" * 40, name="w" * 15, execution_role_name="worker-exec"))
    assert "ecs_services[" + "w" * 15 + "].schedules: the scheduler role name" in raised.value.message


# Requests ---------------------------------------------------------------------------------------------------


def test_bootstrap_requests_name_the_schedule_and_its_role():
    plans = _resolve(_worker(), {**_worker(schedules=[]), "name": "web"})
    assert sp.bootstrap_requests(plans) == [
        {
            "name": "shop-worker-nightly-report",
            "label": "nightly-report",
            "cluster": "shop",
            "service": "worker",
            "schedule": "cron(0 3 * * ? *)",
            "timezone": "UTC",
            "enabled": True,
            "container": "app",
            "count": 1,
            "description": "nightly-report of service worker in cluster shop (driftless.ecs)",
            "role_arn": ROLE,
            "command": ["bin/report"],
        }
    ]


def _resolved(new: str, live: str | None) -> dict:
    return {"task_definition_arn": new, "live_task_definition_arn": live}


@pytest.mark.parametrize(
    ("taskdef", "rollout", "put_back", "moves"),
    [
        (_resolved(f"{TASKDEF}:13", f"{TASKDEF}:12"), {"changed": True}, [], True),
        (_resolved(f"{TASKDEF}:12", f"{TASKDEF}:12"), {"changed": True}, [], False),  # forced, same revision
        (_resolved(f"{TASKDEF}:13", f"{TASKDEF}:12"), {"failed": True}, [], False),
        (_resolved(f"{TASKDEF}:13", f"{TASKDEF}:12"), {"rolled_back": True, "failed": True}, [], False),
        (_resolved(f"{TASKDEF}:13", f"{TASKDEF}:12"), None, [], False),  # not rolled out (its migration failed)
        (_resolved(f"{TASKDEF}:13", f"{TASKDEF}:12"), {"changed": True}, ["shop/worker"], False),
    ],
)
def test_a_deploy_moves_the_schedules_of_a_released_revision_only(taskdef, rollout, put_back, moves):
    plans = _resolve(_worker())
    rolled_out = [] if rollout is None else [{"cluster": "shop", "service_name": "worker", **rollout}]
    found = sp.follow_requests(plans, [taskdef], rolled_out, put_back)
    expected = [
        {
            "name": "shop-worker-nightly-report",
            "label": "nightly-report",
            "cluster": "shop",
            "service": "worker",
            "task_definition": f"{TASKDEF}:13",
        }
    ]
    assert found == (expected if moves else [])
    assert sp.follow_requests(plans, [taskdef], None) == []


# The run, against fake API functions ------------------------------------------------------------------------

SERVICE = {
    "serviceName": "worker",
    "status": "ACTIVE",
    "taskDefinition": f"{TASKDEF}:12",
    "launchType": "FARGATE",
    "platformVersion": "LATEST",
    "networkConfiguration": {
        "awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}
    },
    "deployments": [{"status": "PRIMARY", "taskDefinition": f"{TASKDEF}:12"}],
}
LIVE = {
    "Arn": f"arn:aws:scheduler:eu-west-1:{ACCOUNT}:schedule/default/shop-worker-nightly-report",
    "Name": "shop-worker-nightly-report",
    "GroupName": "default",
    "ScheduleExpression": "cron(0 3 * * ? *)",
    "ScheduleExpressionTimezone": "UTC",
    "Description": "nightly-report of service worker in cluster shop (driftless.ecs)",
    "State": "ENABLED",
    "CreationDate": "2026-01-01T00:00:00Z",
    "LastModificationDate": "2026-01-01T00:00:00Z",
    "FlexibleTimeWindow": {"Mode": "OFF"},
    "Target": {
        "Arn": f"arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/shop",
        "RoleArn": ROLE,
        "Input": json.dumps({"containerOverrides": [{"command": ["bin/report"], "name": "app"}]}),
        "RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3},
        "EcsParameters": {
            "TaskDefinitionArn": f"{TASKDEF}:12",
            "TaskCount": 1,
            "LaunchType": "FARGATE",
            "PlatformVersion": "LATEST",
            "NetworkConfiguration": {
                "awsvpcConfiguration": {
                    "Subnets": ["subnet-1"],
                    "SecurityGroups": ["sg-1"],
                    "AssignPublicIp": "DISABLED",
                }
            },
        },
    },
}


@pytest.fixture
def aws(monkeypatch):
    state = {"schedules": {}, "writes": [], "services": [SERVICE]}
    monkeypatch.setattr(api, "describe_services", lambda client, cluster, names: copy.deepcopy(state["services"]))
    monkeypatch.setattr(
        api, "get_schedule", lambda s, name, group="default": copy.deepcopy(state["schedules"].get(name))
    )

    def write(kind):
        def call(scheduler, request, token):
            state["writes"].append((kind, copy.deepcopy(request)))
            state["schedules"][request["Name"]] = {**copy.deepcopy(request), "Arn": LIVE["Arn"]}
            return LIVE["Arn"]

        return call

    monkeypatch.setattr(api, "create_schedule", write("create"))
    monkeypatch.setattr(api, "update_schedule", write("update"))
    return state


def _params(mode="present", **changes) -> dict:
    (item,) = sp.bootstrap_requests(_resolve(_worker()))
    item = {**dict.fromkeys(("task_definition", "flexible_window_minutes")), "group": "default", **item}
    item.update(changes)
    return {"mode": mode, "schedules": [item]}


def test_present_creates_a_missing_schedule_with_the_services_placement(aws):
    result = schedules.run(None, _params(), scheduler="scheduler")
    assert result["changed"] and result["schedules"][0]["action"] == "created"
    ((kind, request),) = aws["writes"]
    assert kind == "create"
    assert request["Target"]["EcsParameters"] == LIVE["Target"]["EcsParameters"]
    assert json.loads(request["Target"]["Input"]) == json.loads(LIVE["Target"]["Input"])
    assert request["FlexibleTimeWindow"] == {"Mode": "OFF"}


def test_present_writes_nothing_when_the_schedule_is_as_declared_and_keeps_what_is_not_declared(aws):
    aws["schedules"][LIVE["Name"]] = copy.deepcopy(LIVE)
    result = schedules.run(None, _params(), scheduler="scheduler")
    assert (result["changed"], result["schedules"][0]["action"], aws["writes"]) == (False, "unchanged", [])

    result = schedules.run(None, _params(schedule="cron(0 4 * * ? *)"), scheduler="scheduler", diff=True)
    ((kind, request),) = aws["writes"]
    assert (kind, result["schedules"][0]["action"]) == ("update", "updated")
    assert request["ScheduleExpression"] == "cron(0 4 * * ? *)"
    # The retry policy someone set is kept; AWS's own fields are not sent back.
    assert request["Target"]["RetryPolicy"] == LIVE["Target"]["RetryPolicy"]
    assert "Arn" not in request and "CreationDate" not in request
    assert result["diff"]["after"]["default/shop-worker-nightly-report"]["ScheduleExpression"] == "cron(0 4 * * ? *)"


def test_check_mode_writes_nothing_and_previews_a_service_not_made_yet(aws):
    aws["services"] = []
    result = schedules.run(None, _params(), check_mode=True, scheduler="scheduler")
    assert result["schedules"][0]["action"] == "would create" and aws["writes"] == []
    with pytest.raises(ECSValidationError, match=r"schedules\[0\] \(shop-worker-nightly-report\).service"):
        schedules.run(None, _params(), scheduler="scheduler")
    assert aws["writes"] == []


def test_follow_moves_the_revision_and_nothing_else(aws):
    aws["schedules"][LIVE["Name"]] = copy.deepcopy(LIVE)
    params = {"mode": "follow", "schedules": [{**_params()["schedules"][0], "task_definition": f"{TASKDEF}:13"}]}
    result = schedules.run(None, params, scheduler="scheduler")
    ((kind, request),) = aws["writes"]
    expected = sp.as_request(LIVE)
    expected["Target"]["EcsParameters"]["TaskDefinitionArn"] = f"{TASKDEF}:13"
    assert (kind, request) == ("update", expected)
    moved = result["schedules"][0]
    assert (moved["action"], moved["previous_task_definition"], moved["task_definition"]) == (
        "moved",
        f"{TASKDEF}:12",
        f"{TASKDEF}:13",
    )
    # Once moved, the same call writes nothing.
    assert schedules.run(None, params, scheduler="scheduler")["schedules"][0]["action"] == "unchanged"
    assert len(aws["writes"]) == 1
    summaries = summarize(
        _resolve(_worker()),
        [
            {
                "task_definition_arn": f"{TASKDEF}:13",
                "live_task_definition_arn": f"{TASKDEF}:12",
                "registered": True,
                "images": [],
                "changed": True,
            }
        ],
        [{"cluster": "shop", "service_name": "worker", "changed": True}],
        schedules=result,
    )
    assert summaries[0]["schedules_moved"] == ["nightly-report -> worker:13"]
    assert summary_lines(summaries)[0].endswith("; schedules: nightly-report -> worker:13")


def test_follow_leaves_a_missing_schedule_with_a_warning(aws):
    params = {"mode": "follow", "schedules": [{**_params()["schedules"][0], "task_definition": f"{TASKDEF}:13"}]}
    result = schedules.run(None, params, scheduler="scheduler")
    assert result["schedules"][0]["action"] == "missing" and not result["changed"] and aws["writes"] == []
    assert "does not exist" in result["warnings"][0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"schedule": "cron(0 3 * * *)"}, "schedules[0] (shop-worker-nightly-report).schedule 'cron(0 3 * * *)'"),
        ({"role_arn": None}, "schedules[0] (shop-worker-nightly-report).role_arn is required"),
        ({"name": "bad name"}, "name must be 1 to 64"),
        ({"count": 0}, "count must be 1 to 10"),
    ],
)
def test_a_bad_item_is_refused_before_any_read(aws, monkeypatch, changes, message):
    monkeypatch.setattr(api, "describe_services", lambda *args: pytest.fail("read before the check"))
    with pytest.raises(ECSValidationError) as raised:
        schedules.run(None, _params(**changes), scheduler="scheduler")
    assert message in raised.value.message
    assert aws["writes"] == []
