"""Release tasks in the deploy role: which runs, on which revision, what blocks a rollout, what goes back."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.deploy_plan import (
    check_rollbacks,
    failed_services,
    rollout_requests,
    summarize,
    summary_lines,
    task_runs,
)
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError

ACCOUNT = "123456789012"
ARN = f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/"


def _declared(name: str, **more) -> dict:
    return {
        "name": name,
        "cluster": "prod",
        "task_definition": {"containerDefinitions": [{"name": "app", "image": f"shop/{name}:1"}]},
        "service": {"launch_type": "EC2"},
        "run_before_deploy": [{"name": "migrate", "command": ["bin/migrate"]}],
        "run_after_deploy": [{"name": "smoke", "command": ["bin/smoke"], "environment": [{"name": "X", "value": "1"}]}],
        **more,
    }


def _resolved(name: str, revision: int, live: int | None) -> dict:
    return {
        "task_definition_arn": f"{ARN}{name}:{revision}",
        "live_task_definition_arn": f"{ARN}{name}:{live}" if live else None,
        "registered": revision != live,
        "changed": revision != live,
        "images": [{"container": "app", "image": f"shop/{name}:{revision}", "live_image": f"shop/{name}:{live}"}],
        "drift": [],
    }


PLANS = resolve_services([_declared("web"), _declared("api")], ACCOUNT)


def test_migrations_run_on_the_new_revision_of_the_services_that_change_only():
    resolved = [_resolved("web", 8, 7), _resolved("api", 3, 3)]
    runs = task_runs(PLANS, resolved, "before")
    assert runs == [
        {
            "name": "migrate",
            "group": "prod/web",
            "cluster": "prod",
            "task_definition": f"{ARN}web:8",
            "count": 1,
            "container_overrides": [{"name": "app", "command": ["bin/migrate"]}],
            "started_by": "driftless.ecs/web/migrate",
            "service": "web",
            "launch_type": "EC2",
        }
    ]
    assert [run["group"] for run in task_runs(PLANS, resolved, "before", "always")] == ["prod/web", "prod/api"]
    with pytest.raises(ECSValidationError, match="deploy_run_tasks must be one of changed, always"):
        task_runs(PLANS, resolved, "before", "sometimes")


def test_a_new_service_takes_its_declared_network_not_a_service_that_does_not_exist_yet():
    runs = task_runs(PLANS, [_resolved("web", 1, None), _resolved("api", 1, None)], "before")
    assert all("service" not in run for run in runs)


def test_checks_run_after_a_rollout_that_did_not_fail_only():
    resolved = [_resolved("web", 8, 7), _resolved("api", 3, 2)]
    rolled = [
        {"cluster": "prod", "service_name": "web", "changed": True, "failed": False},
        {"cluster": "prod", "service_name": "api", "changed": True, "failed": True, "rolled_back": True},
    ]
    runs = task_runs(PLANS, resolved, "after", "changed", rolled)
    assert [(run["group"], run["name"]) for run in runs] == [("prod/web", "smoke")]
    assert runs[0]["container_overrides"][0]["environment"] == [{"name": "X", "value": "1"}]


def test_a_failed_migration_blocks_its_service_and_decides_its_line():
    before = {
        "runs": [
            {"name": "migrate", "group": "prod/web", "status": "succeeded", "duration": 3.0, "tasks": []},
            {
                "name": "migrate",
                "group": "prod/api",
                "status": "failed",
                "duration": 2.0,
                "message": "migrate: task 1a2b: container app exited 1; last log lines: boom",
                "tasks": [{"containers": [{"name": "app", "essential": True, "exit_code": 1, "log_lines": ["boom"]}]}],
            },
        ]
    }
    assert failed_services(before) == ["prod/api"]
    resolved = [_resolved("web", 8, 7), _resolved("api", 3, 2)]
    requests = rollout_requests(PLANS, resolved, blocked=failed_services(before))
    assert [request["service"] for request in requests] == ["web"]
    rolled = [
        {"cluster": "prod", "service_name": "web", "changed": True, "deployment_id": "d", "rollout_state": "COMPLETED"}
    ]
    summaries = summarize(PLANS, resolved, rolled, before=before)
    assert summaries[1]["outcome"] == "failed"
    assert summaries[1]["message"].startswith("run_before_deploy migrate failed, the service was not touched")
    assert summaries[1]["tasks"][0]["exit_codes"] == {"app": 1}
    lines = summary_lines(summaries)
    assert "tasks: migrate ok 3.0 s" in lines[0]
    assert "tasks: migrate exit 1 2.0 s" in lines[1]


def test_a_failed_check_puts_back_a_baking_deployment_by_stopping_it_and_a_rolling_one_by_its_old_revision():
    after = {"runs": [{"name": "smoke", "group": g, "status": "failed", "tasks": []} for g in ("prod/web", "prod/api")]}
    rolled = [
        {"cluster": "prod", "service_name": "web", "previous_task_definition_arn": f"{ARN}web:7"},
        {
            "cluster": "prod",
            "service_name": "api",
            "service_deployment_arn": "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/api/x",
            "status": "IN_PROGRESS",
            "previous_task_definition_arn": f"{ARN}api:2",
        },
    ]
    assert check_rollbacks(PLANS, rolled, after) == {
        "stop": [{"cluster": "prod", "service": "api"}],
        "rollout": [{"cluster": "prod", "service": "web", "task_definition": f"{ARN}web:7"}],
    }


@pytest.mark.parametrize(
    ("more", "message"),
    [
        ({"run_before_deploy": [{"command": ["x"]}]}, "ecs_services[web].run_before_deploy[0].name is required"),
        (
            {"run_after_deploy": [{"name": "migrate"}]},
            "ecs_services[web].run_after_deploy[0].name: 'migrate' is given twice in this service's tasks",
        ),
        (
            {"run_before_deploy": [{"name": "m", "container": "db"}]},
            "ecs_services[web].run_before_deploy[0].container 'db' is not a container",
        ),
        (
            {"run_before_deploy": [{"name": "m", "command": "bin/migrate"}]},
            "ecs_services[web].run_before_deploy[0].command must be a list of strings",
        ),
        ({"run_before_deploy": [{"name": "m", "count": 11}]}, "count must be 1 to 10"),
        ({"run_before_deploy": [{"name": "m", "comand": ["x"]}]}, "run_before_deploy[0].comand is not a known key"),
    ],
)
def test_bad_release_tasks_are_named_by_their_path(more, message):
    with pytest.raises(ECSValidationError) as error:
        resolve_services([_declared("web", **more)], ACCOUNT)
    assert message in str(error.value)


def test_awsvpc_tasks_need_the_service_s_subnets():
    declared = _declared("web")
    declared["task_definition"]["networkMode"] = "awsvpc"
    with pytest.raises(ECSValidationError, match=r"need subnets: declare service\.network_configuration"):
        resolve_services([declared], ACCOUNT)
