"""Interrupted and concurrent deploys: a killed run is finished by the next one; two racing runs never lie."""

from __future__ import annotations

import itertools
import os
import signal
import time

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_normalize import normalize_task_definition
from tests.reliability.conftest import (
    CLUSTER,
    FAST,
    finish,
    performed,
    reset_calls,
    run_playbook,
    service_declaration,
    start_playbook,
    wait_until,
)
from tests.support.aws import client

OLD_IMAGE = "public.ecr.aws/nginx/nginx:1.27"
ROLLOUT = "Roll the services out together"


def _service(sandbox, name: str) -> dict:
    return client(sandbox, "ecs").describe_services(cluster=CLUSTER, services=[name])["services"][0]


def _image(sandbox, arn: str) -> str:
    definition = client(sandbox, "ecs").describe_task_definition(taskDefinition=arn)["taskDefinition"]
    return definition["containerDefinitions"][0]["image"]


def _active_revisions(sandbox, family: str) -> list[dict]:
    ecs = client(sandbox, "ecs")
    arns = ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")["taskDefinitionArns"]
    return [ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"] for arn in arns]


def _steady(sandbox, name: str) -> dict:
    def settled():
        service = _service(sandbox, name)
        deployments = service["deployments"]
        return service if len(deployments) == 1 and deployments[0]["rolloutState"] != "IN_PROGRESS" else None

    return wait_until(settled, timeout=120, interval=0.2, what=f"{name} to settle")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_run_killed_during_its_rollout_is_finished_by_the_next_run(clean_sandbox, network, tmp_path, sig):
    services = [service_declaration("cut", network, desired_count=2)]
    assert run_playbook(clean_sandbox, "deploy.yml", {"ecs_services": services}).rc == 0
    variables = {"ecs_services": services, "deploy_service": "cut", "deploy_image": "public.ecr.aws/nginx/nginx:1.28"}

    # Slow tasks: the rollout takes 12 s, the run is killed in the middle of it, and the next run starts well
    # before it ends (the sandbox fixes a task's start time when it places the task).
    clean_sandbox.control("config", {"task_start_delay": 12.0, "task_stop_delay": 0.2})
    reset_calls(clean_sandbox)
    process = start_playbook(clean_sandbox, "deploy.yml", variables, log=tmp_path / "killed.log")
    try:
        wait_until(lambda: clean_sandbox.calls().get("ecs:UpdateService"), timeout=120, what="the UpdateService call")
        time.sleep(0.5)  # into the wait for the rollout
        assert process.poll() is None, (tmp_path / "killed.log").read_text()
        os.killpg(process.pid, sig)
    finally:
        killed = finish(process, tmp_path / "killed.log", timeout=60)
    assert killed.rc != 0, killed.output
    interrupted = _service(clean_sandbox, "cut")
    primary = next(d for d in interrupted["deployments"] if d["status"] == "PRIMARY")
    assert primary["rolloutState"] == "IN_PROGRESS", interrupted["deployments"]
    assert len(interrupted["deployments"]) == 2, "killed while old and new tasks were both there"

    # The same deploy again: it registers and updates nothing, waits for the rollout it found, and reports it.
    reset_calls(clean_sandbox)
    again = run_playbook(clean_sandbox, "deploy.yml", variables, json_output=True)
    calls = clean_sandbox.calls()
    assert again.rc == 0, again.output[-5000:]
    (rollout,) = again.results(ROLLOUT)
    (result,) = rollout["results"]
    assert result["waited_for_deployment"] is True, result
    assert result["deployment_id"] == primary["id"], (result["deployment_id"], primary["id"])
    assert result["rollout_state"] == "COMPLETED", result
    assert performed(calls, "ecs:RegisterTaskDefinition") == 0, calls
    assert performed(calls, "ecs:UpdateService") == 0, calls

    final = _service(clean_sandbox, "cut")
    assert [d["rolloutState"] for d in final["deployments"]] == ["COMPLETED"], final["deployments"]
    assert final["runningCount"] == 2
    assert _image(clean_sandbox, final["taskDefinition"]) == "public.ecr.aws/nginx/nginx:1.28"
    assert len(_active_revisions(clean_sandbox, "rel-cut")) == 2


def test_a_run_killed_between_registering_and_rolling_out_leaves_no_duplicate(clean_sandbox, network, tmp_path):
    services = [service_declaration("gap", network)]
    assert run_playbook(clean_sandbox, "deploy.yml", {"ecs_services": services}).rc == 0
    variables = {"ecs_services": services, "deploy_service": "gap", "deploy_image": "public.ecr.aws/nginx/nginx:1.28"}

    # Every UpdateService fails with a server error (which the module retries): the run is killed while it
    # retries, after it registered the new revision and before the service moved to it.
    clean_sandbox.control("faults", {"faults": [{"action": "ecs:UpdateService", "mode": "error", "count": 100}]})
    reset_calls(clean_sandbox)
    process = start_playbook(clean_sandbox, "deploy.yml", variables, log=tmp_path / "killed.log")
    try:
        wait_until(
            lambda: clean_sandbox.calls().get("faulted", {}).get("ecs:UpdateService"), timeout=120, what="UpdateService"
        )
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        killed = finish(process, tmp_path / "killed.log", timeout=60)
    assert killed.rc != 0, killed.output
    assert performed(clean_sandbox.calls(), "ecs:RegisterTaskDefinition") == 1
    assert len(_active_revisions(clean_sandbox, "rel-gap")) == 2
    assert _image(clean_sandbox, _service(clean_sandbox, "gap")["taskDefinition"]) == OLD_IMAGE

    clean_sandbox.control("faults", {"faults": []})
    reset_calls(clean_sandbox)
    again = run_playbook(clean_sandbox, "deploy.yml", variables)
    calls = clean_sandbox.calls()
    assert again.rc == 0, again.output[-3000:]
    assert performed(calls, "ecs:RegisterTaskDefinition") == 0, "the revision the stopped run made is reused"
    assert performed(calls, "ecs:UpdateService") == 1, calls
    revisions = _active_revisions(clean_sandbox, "rel-gap")
    assert len(revisions) == 2
    assert _service(clean_sandbox, "gap")["taskDefinition"] == revisions[1]["taskDefinitionArn"]


def test_two_deploys_of_one_service_at_once_end_on_one_of_them_and_neither_lies(clean_sandbox, network, tmp_path):
    services = [service_declaration("race", network, desired_count=2)]
    assert run_playbook(clean_sandbox, "deploy.yml", {"ecs_services": services}).rc == 0
    images = {"a": "public.ecr.aws/nginx/nginx:1.28", "b": "public.ecr.aws/nginx/nginx:1.29"}

    clean_sandbox.control("config", {"task_start_delay": 1.0, "task_stop_delay": 0.2})
    reset_calls(clean_sandbox)
    processes = {
        key: start_playbook(
            clean_sandbox,
            "deploy.yml",
            {"ecs_services": services, "deploy_service": "race", "deploy_image": image},
            json_output=True,
            log=tmp_path / f"{key}.log",
        )
        for key, image in images.items()
    }
    runs = {key: finish(process, tmp_path / f"{key}.log") for key, process in processes.items()}
    clean_sandbox.control("config", FAST)
    final = _steady(clean_sandbox, "race")

    # The service runs one of the two requested images, on a revision one of the runs registered.
    revisions = _active_revisions(clean_sandbox, "rel-race")
    by_image = {revision["containerDefinitions"][0]["image"]: revision["taskDefinitionArn"] for revision in revisions}
    assert set(by_image) == {OLD_IMAGE, *images.values()}, by_image
    assert final["taskDefinition"] in (by_image[images["a"]], by_image[images["b"]]), final["taskDefinition"]
    assert final["deployments"][0]["rolloutState"] == "COMPLETED"
    # No two ACTIVE revisions hold the same content.
    canonical = [normalize_task_definition(revision) for revision in revisions]
    assert all(left != right for left, right in itertools.combinations(canonical, 2))

    # A run that succeeded saw its own deployment complete: ECS says so in its events and its deployment history.
    ecs = client(clean_sandbox, "ecs")
    events = [event["message"] for event in final["events"]]
    history_arns = [
        item["serviceDeploymentArn"]
        for item in ecs.list_service_deployments(cluster=CLUSTER, service="race")["serviceDeployments"]
    ]
    history = ecs.describe_service_deployments(serviceDeploymentArns=history_arns)["serviceDeployments"]
    successful = {item["targetServiceRevision"]["arn"]: item["status"] for item in history}
    succeeded = [key for key, run in runs.items() if run.rc == 0]
    assert succeeded, {key: run.output[-3000:] for key, run in runs.items()}
    for key, run in runs.items():
        (rollout,) = run.results(ROLLOUT)
        (result,) = rollout["results"]
        if run.rc == 0:
            assert result["rollout_state"] == "COMPLETED", result
            assert f"(service race) (deployment {result['deployment_id']}) deployment completed." in events, events
        else:
            # It says that another deployment replaced its own, and does not claim a rollback that nobody made.
            assert result["failed"] is True and result["rollout_state"] != "COMPLETED", result
            (other,) = [runs[k].results(ROLLOUT)[0]["results"][0] for k in runs if k != key]
            assert f"was replaced by deployment {other['deployment_id']} before it completed" in result["msg"], result
            assert "the deployment that replaced it is someone else's" in result["msg"], result
            assert result["rolled_back"] is False, result
    assert "SUCCESSFUL" in successful.values(), history
