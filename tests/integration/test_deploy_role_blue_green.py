"""The deploy role on a service on the BLUE_GREEN strategy: the summary line tells the lifecycle stages and the
flipped traffic split, ``deploy_wait_until: BAKE_TIME`` returns while the bake time runs, and a deploy with nothing
to change writes nothing.

The network, the load balancer (blue and green target groups, a production listener rule forwarding 100/0), the
cluster and the service on its first revision are made with plain boto3: that is setup, not what is tested, and it
takes a fraction of a second where a playbook of amazon.aws modules takes many.
"""

from __future__ import annotations

import json

from tests.integration.conftest import run_playbook
from tests.integration.test_deploy_role import _writes
from tests.support.aws import client
from tests.support.blue_green import STAGES, create_service, load_balancer

CLUSTER = "it-bg"
FIRST_IMAGE = "public.ecr.aws/nginx/nginx:1.27"


def _setup(sandbox) -> dict:
    """What deploy_role_blue_green.yml needs: subnets, target groups, the production rule; the service on web:1."""
    made = load_balancer(sandbox, "it-bg", {"web": ("it-bg-web", "it-bg-web-g")}, octet=72)
    ecs = client(sandbox, "ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    task_definition = ecs.register_task_definition(
        family="it-bg-web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn="arn:aws:iam::123456789012:role/it-bg-web-exec",
        containerDefinitions=[{"name": "app", "image": FIRST_IMAGE, "portMappings": [{"containerPort": 80}]}],
    )["taskDefinition"]["taskDefinitionArn"]
    web = made["web"]
    create_service(
        sandbox,
        CLUSTER,
        "web",
        task_definition,
        web,
        container="app",
        subnets=made["subnets"],
        desired_count=2,
        deployment_configuration={"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5},
    )
    return {
        "it_subnets": made["subnets"],
        "it_blue": web["blue"],
        "it_green": web["green"],
        "it_rule": web["production"],
        "it_role": web["role"],
    }


def _summary_line(output: str) -> str:
    return next(line.strip().strip('",') for line in output.splitlines() if f"{CLUSTER}/web: " in line)


def test_deploy_role_on_a_blue_green_service(clean_sandbox, tmp_path):
    # A deployment minute lasts 0.05 s: the 5-minute bake time takes a quarter of a second.
    clean_sandbox.control("clock", {"minute_seconds": 0.05})
    network = _setup(clean_sandbox)
    report = tmp_path / "report.json"

    # A new image: ECS shifts production traffic from blue to green; the line tells the stages and the split.
    deployed = run_playbook(
        clean_sandbox,
        "deploy_role_blue_green.yml",
        {**network, "deploy_image": "public.ecr.aws/nginx/nginx:1.28", "deploy_report_file": str(report)},
    )
    assert deployed.rc == 0, deployed.output
    line = _summary_line(deployed.output)
    assert line.startswith(
        "it-bg/web: deployed; app public.ecr.aws/nginx/nginx:1.27 -> public.ecr.aws/nginx/nginx:1.28"
    ), line
    assert "; BLUE_GREEN deployment " in line and " SUCCESSFUL; " in line, line
    # Polling may step over a short stage: the line lists those seen, in ECS's order, up to the last two.
    assert "; stages " in line and "BAKE_TIME, CLEAN_UP; " in line, line
    assert "; traffic it-bg-web 0 / it-bg-web-g 100" in line, line
    (item,) = json.loads(report.read_text())["services"]
    assert (item["outcome"], item["strategy"], item["service_deployment_status"]) == (
        "deployed",
        "BLUE_GREEN",
        "SUCCESSFUL",
    )
    assert item["service_deployment_arn"].startswith("arn:aws:ecs:us-east-1:123456789012:service-deployment/it-bg/web/")
    assert item["stages"][-2:] == ["BAKE_TIME", "CLEAN_UP"]
    assert [STAGES.index(stage) for stage in item["stages"]] == sorted(STAGES.index(stage) for stage in item["stages"])
    assert item["traffic"] == {"it-bg-web": 0, "it-bg-web-g": 100}

    # Nothing to change: no write at all, and changed=0.
    before = _writes(clean_sandbox.calls())
    again = run_playbook(clean_sandbox, "deploy_role_blue_green.yml", network)
    assert again.rc == 0, again.output
    assert "changed=0" in again.output, again.output
    assert _summary_line(again.output).startswith("it-bg/web: unchanged; "), again.output
    assert _writes(clean_sandbox.calls()) == before

    # A deployment minute now lasts 2 s, so the bake time lasts 10 s: the role returns once it started, the line
    # says so, and the deployment is still running when the role is done.
    clean_sandbox.control("clock", {"minute_seconds": 2})
    early = run_playbook(
        clean_sandbox,
        "deploy_role_blue_green.yml",
        {
            **network,
            "deploy_image": "public.ecr.aws/nginx/nginx:1.29",
            "deploy_wait_until": "BAKE_TIME",
            "deploy_report_file": str(report),
        },
    )
    assert early.rc == 0, early.output
    (item,) = json.loads(report.read_text())["services"]
    ecs = client(clean_sandbox, "ecs")
    (deployment,) = ecs.describe_service_deployments(serviceDeploymentArns=[item["service_deployment_arn"]])[
        "serviceDeployments"
    ]
    assert (deployment["status"], deployment["lifecycleStage"]) == ("IN_PROGRESS", "BAKE_TIME")
    line = _summary_line(early.output)
    assert line.startswith("it-bg/web: deploying (reached BAKE_TIME); "), line
    assert " IN_PROGRESS; " in line, line
    # Traffic went back to blue, where the new revision runs this time.
    assert "; traffic it-bg-web 100 / it-bg-web-g 0" in line, line
    assert (item["outcome"], json.loads(report.read_text())["failed"]) == ("deploying", False)


def test_a_check_that_fails_during_the_bake_time_stops_the_deployment_with_a_rollback_when_asked(clean_sandbox):
    clean_sandbox.control("clock", {"minute_seconds": 0.05})
    clean_sandbox.control(
        "task-results", {"results": [{"match": {"command": "bin/smoke"}, "exit_code": 3, "seconds": 0.1}]}
    )
    network = _setup(clean_sandbox)
    # A 5-minute bake time of 10 s: the check runs while it lasts.
    clean_sandbox.control("clock", {"minute_seconds": 2})
    checked = {**network, "deploy_wait_until": "BAKE_TIME", "it_after": [{"name": "smoke", "command": ["bin/smoke"]}]}

    kept = run_playbook(
        clean_sandbox, "deploy_role_blue_green.yml", {**checked, "deploy_image": "public.ecr.aws/nginx/nginx:1.28"}
    )
    assert kept.rc != 0
    line = _summary_line(kept.output)
    assert "run_after_deploy smoke failed, the service was left on the new revision" in line, line
    assert clean_sandbox.calls().get("ecs:StopServiceDeployment", 0) == 0

    stopped = run_playbook(
        clean_sandbox,
        "deploy_role_blue_green.yml",
        {**checked, "deploy_image": "public.ecr.aws/nginx/nginx:1.29", "deploy_rollback_on_check_failure": True},
    )
    assert stopped.rc != 0
    line = _summary_line(stopped.output)
    assert line.startswith("it-bg/web: rolled back"), line
    assert "run_after_deploy smoke failed, the service was rolled back" in line, line
    assert clean_sandbox.calls().get("ecs:StopServiceDeployment", 0) == 1
