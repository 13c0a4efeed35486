"""EventBridge Scheduler refuses what AWS refuses: bad names, bad expressions, a role it may not assume."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/shop"
TASK = "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:1"


@pytest.fixture
def scheduler(aws):
    aws("iam").create_role(RoleName="shop-worker-scheduler", AssumeRolePolicyDocument=json.dumps(TRUST))
    return aws("scheduler")


def _schedule(expression="cron(0 3 * * ? *)", role="shop-worker-scheduler", name="nightly"):
    return {
        "Name": name,
        "ScheduleExpression": expression,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {
            "Arn": CLUSTER,
            "RoleArn": f"arn:aws:iam::123456789012:role/{role}",
            "EcsParameters": {"TaskDefinitionArn": TASK, "TaskCount": 1},
        },
    }


def _refusal(call, **request) -> str:
    with pytest.raises(ClientError) as error:
        call(**request)
    assert error.value.response["Error"]["Code"] == "ValidationException"
    return error.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 3 * * *)",  # five fields
        "cron(0 3 * * * *)",  # no ? in day-of-month or day-of-week
        "cron(0 3 ? * ? *)",  # ? in both
        "cron(0 24 * * ? *)",  # hour out of range
        "cron(60 3 * * ? *)",
        "cron(0 3 * 13 ? *)",
        "cron(0 3 ? * 8 *)",
        "cron(0 3 ? * * 1969)",
        "rate(1 minutes)",
        "rate(5 minute)",
        "rate(0 minutes)",
        "rate(1 week)",
        "every day",
    ],
)
def test_an_expression_eventbridge_refuses_is_refused(scheduler, expression):
    message = _refusal(scheduler.create_schedule, **_schedule(expression))
    assert expression in message
    assert scheduler.list_schedules()["Schedules"] == []


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 3 * * ? *)",
        "cron(0/15 8-18 ? * MON-FRI *)",
        "cron(0 3 L * ? *)",
        "cron(0 3 ? * 6L *)",
        "cron(0 3 ? * 3#2 2030)",
        "cron(30 2 15W JAN,JUL ? *)",
        "rate(1 minute)",
        "rate(12 hours)",
        "at(2030-01-01T00:00:00)",
    ],
)
def test_an_expression_eventbridge_takes_is_taken(scheduler, expression):
    scheduler.create_schedule(**_schedule(expression))
    assert scheduler.get_schedule(Name="nightly")["ScheduleExpression"] == expression


def test_a_role_that_is_missing_or_does_not_trust_the_scheduler_is_refused(scheduler, aws):
    message = _refusal(scheduler.create_schedule, **_schedule(role="no-such-role"))
    assert message == "The execution role you provide must allow AWS EventBridge Scheduler to assume the role."
    ecs_trust = json.loads(json.dumps(TRUST).replace("scheduler.amazonaws.com", "ecs-tasks.amazonaws.com"))
    aws("iam").create_role(RoleName="task-role", AssumeRolePolicyDocument=json.dumps(ecs_trust))
    _refusal(scheduler.create_schedule, **_schedule(role="task-role"))
    assert scheduler.list_schedules()["Schedules"] == []


def test_update_checks_the_same_and_a_missing_schedule_is_not_found(scheduler):
    scheduler.create_schedule(**_schedule())
    _refusal(scheduler.update_schedule, **_schedule("cron(0 3 * * *)"))
    assert scheduler.get_schedule(Name="nightly")["ScheduleExpression"] == "cron(0 3 * * ? *)"
    with pytest.raises(ClientError) as error:
        scheduler.update_schedule(**_schedule(name="other"))
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_bad_name_is_refused(scheduler):
    message = _refusal(scheduler.create_schedule, **_schedule(name="nightly report"))
    assert "[0-9a-zA-Z-_.]+" in message
