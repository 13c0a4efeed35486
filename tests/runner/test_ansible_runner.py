"""playbooks/deploy.yml run through ansible-runner, the way an AWX job template runs it."""

from __future__ import annotations

from tests.runner.conftest import BOOTSTRAP_IMAGE, REGION, ecs_services

NEW_IMAGE = "public.ecr.aws/nginx/nginx:1.28"
BROKEN_IMAGE = "public.ecr.aws/nginx/nginx:broken"


def _extravars(subnets: list[str], **more) -> dict:
    return {
        "target": "dev",
        "ecs_region": REGION,
        "ecs_environment": "dev",
        "ecs_services": ecs_services(subnets),
        "deploy_poll_interval": 0.5,
        "deploy_wait_timeout": 120,
        **more,
    }


def test_deploy_succeeds_and_publishes_the_summary_as_artifacts(sandbox, subnets, private_data_dir) -> None:
    # In a workflow, AWX passes the artifacts of earlier jobs as extra vars: here, a stale summary.
    stale = {"deploy_summary": [{"service": "stale", "outcome": "deployed"}], "deploy_failed": True}
    job = private_data_dir.run("deploy", _extravars(subnets, deploy_service="web", deploy_image=NEW_IMAGE, **stale))

    assert (job.status, job.rc) == ("successful", 0), job.stdout()
    # AWX reads the set_stats data of a job from the playbook_on_stats event's artifact_data, stores it as the
    # job's artifacts and passes it to the next nodes of a workflow as extra vars.
    artifacts = job.stats_event()["event_data"]["artifact_data"]
    assert artifacts["deploy_failed"] is False
    (summary,) = artifacts["deploy_summary"]
    assert summary["service"] == "web"
    assert summary["cluster"] == "runner"
    assert summary["old_image"] == BOOTSTRAP_IMAGE
    assert summary["new_image"] == NEW_IMAGE
    assert (summary["old_revision"], summary["new_revision"]) == ("runner-web:1", "runner-web:2")
    assert summary["outcome"] == "deployed"
    assert "runner/web: deployed" in job.stdout()
    # The credentials came from env/envvars and stay out of what the job shows.
    assert "runner-secret-never-printed" not in job.stdout()
    assert "runner-secret-never-printed" not in "".join(str(event) for event in job.events())


def test_failing_rollout_fails_the_job_with_a_readable_reason(sandbox, subnets, private_data_dir) -> None:
    sandbox.control("failing-images", {"patterns": ["*:broken"]})
    try:
        job = private_data_dir.run("broken", _extravars(subnets, deploy_service="web", deploy_image=BROKEN_IMAGE))
    finally:
        sandbox.control("failing-images", {"patterns": []})

    assert job.status == "failed"
    assert job.rc != 0
    stdout = job.stdout()
    assert "runner/web: rolled back" in stdout, stdout
    failed = [event for event in job.events() if event.get("event") == "runner_on_failed"]
    assert failed, "no failed task event"
    # The failed task names the service and what happened to it; the reason is said once, on its summary line.
    headline = failed[-1]["event_data"]["res"]["msg"]
    assert "1 of 1 services did not deploy (runner/web rolled back)" in headline, headline
    assert "runner-secret-never-printed" not in "".join(str(event) for event in job.events())
    # The summary is published even though the job failed: a workflow's failure path can read it, reason included.
    artifacts = job.stats_event()["event_data"]["artifact_data"]
    assert artifacts["deploy_failed"] is True
    web = artifacts["deploy_summary"][0]
    assert web["outcome"] == "rolled back"
    # What happened to its deployment, and where it stands now.
    assert "FAILED" in web["message"] and "rolled back to" in web["message"], web
    assert stdout.count(web["message"]) == 1, stdout
