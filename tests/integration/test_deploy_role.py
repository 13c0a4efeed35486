"""The deploy role through ansible-playbook: check mode, a real deploy, a rolled-back one, and bad input."""

from __future__ import annotations

import json

import boto3

from tests.integration.conftest import TARGETS, run_playbook

WRITE_PREFIXES = ("Create", "Register", "Update", "Delete", "Deregister", "Put", "Tag", "Untag")


def _writes(calls: dict) -> dict:
    return {
        key: value
        for key, value in calls.items()
        if ":" in key and key.split(":", 1)[1].startswith(WRITE_PREFIXES) and isinstance(value, int)
    }


def _live_image(sandbox, service: str) -> str:
    ecs = boto3.client("ecs", **_client_args(sandbox))
    arn = ecs.describe_services(cluster="it-deploy", services=[service])["services"][0]["taskDefinition"]
    return ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["containerDefinitions"][0]["image"]


def _client_args(sandbox) -> dict:
    env = sandbox.env()
    return {
        "endpoint_url": sandbox.url,
        "region_name": "us-east-1",
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
    }


def test_deploy_role(clean_sandbox, tmp_path):
    network_file = tmp_path / "network.json"
    setup = run_playbook(clean_sandbox, "deploy_role_setup.yml", {"network_file": str(network_file)})
    assert setup.rc == 0, setup.output
    network = json.loads(network_file.read_text())

    first = run_playbook(clean_sandbox, "deploy_role.yml", network)
    assert first.rc == 0, first.output
    assert "it-deploy/web: created" in first.output
    assert "it-deploy/worker: created" in first.output

    # Check mode previews a new image: the summary tells it, and nothing is written.
    before = _writes(clean_sandbox.calls())
    preview = run_playbook(
        clean_sandbox,
        "deploy_role.yml",
        {**network, "deploy_service": "web", "deploy_image": "public.ecr.aws/nginx/nginx:1.28"},
        args=["--check"],
    )
    assert preview.rc == 0, preview.output
    assert "it-deploy/web: updated; app public.ecr.aws/nginx/nginx:1.27 -> public.ecr.aws/nginx/nginx:1.28" in (
        preview.output
    )
    assert _writes(clean_sandbox.calls()) == before
    assert _live_image(clean_sandbox, "web") == "public.ecr.aws/nginx/nginx:1.27"

    # The real deploy, then a run with nothing to do: changed=0 for every task.
    report = tmp_path / "report.json"
    deployed = run_playbook(
        clean_sandbox,
        "deploy_role.yml",
        {
            **network,
            "deploy_service": "web",
            "deploy_image": "public.ecr.aws/nginx/nginx:1.28",
            "deploy_report_file": str(report),
        },
    )
    assert deployed.rc == 0, deployed.output
    assert _live_image(clean_sandbox, "web") == "public.ecr.aws/nginx/nginx:1.28"
    document = json.loads(report.read_text())
    assert document["failed"] is False
    assert [(item["service"], item["outcome"]) for item in document["services"]] == [("web", "deployed")]
    again = run_playbook(clean_sandbox, "deploy_role.yml", network)
    assert again.rc == 0, again.output
    assert "changed=0" in again.output, again.output

    # A failing image: rolled back, reported, and the run fails. The report's path is relative: it lands in the
    # directory ansible-playbook was started in, not beside the playbook, and the path written is printed.
    clean_sandbox.control("failing-images", {"patterns": ["*:broken"]})
    report.unlink()
    broken = run_playbook(
        clean_sandbox,
        "deploy_role.yml",
        {
            **network,
            "deploy_service": "web",
            "deploy_image": "public.ecr.aws/nginx/nginx:broken",
            "deploy_report_file": "report.json",
        },
        cwd=tmp_path,
    )
    assert broken.rc != 0, broken.output
    assert "it-deploy/web: rolled back" in broken.output
    # The reason is on web's summary line only; the closing error names the service and points there.
    assert broken.output.count("circuit breaker: tasks failed to start") == 1, broken.output
    assert "1 of 1 services did not deploy (it-deploy/web rolled back)" in broken.output
    assert json.loads(report.read_text())["services"][0]["rolled_back"] is True
    assert f"Deploy report written to {report}" in broken.output
    assert not (TARGETS / "report.json").exists()
    assert _live_image(clean_sandbox, "web") == "public.ecr.aws/nginx/nginx:1.28"


def test_deploy_role_rejects_an_unknown_service_before_any_write(clean_sandbox):
    run = run_playbook(clean_sandbox, "deploy_role.yml", {"it_subnets": ["subnet-1"], "deploy_service": "api"})
    assert run.rc != 0
    assert "no service named 'api' in ecs_services; declared: web, worker" in run.output
    assert _writes(clean_sandbox.calls()) == {}
