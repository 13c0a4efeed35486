"""The service_deployment playbook (and role) on a CANARY service held by a PAUSE lifecycle hook before its
production traffic shift: ``status`` shows the hook and writes nothing, ``continue`` in check mode writes nothing,
``continue`` lets the canary complete, ``rollback`` rolls the next one back, and ``continue`` with nothing in
progress fails with the module's message.

The network, the load balancer (two target groups, a production rule forwarding 100/0), the cluster and the service
on its first revision (a first deployment runs no hook) are made with plain boto3; the deploys that stop at the
pause use the deploy playbook with ``deploy_wait_until: PRE_PRODUCTION_TRAFFIC_SHIFT``. To keep the test short, a
deploy and the role's runs after it share one ansible-playbook run where the test needs no look in between.
"""

from __future__ import annotations

from tests.integration.conftest import run_playbook
from tests.support.aws import client
from tests.support.blue_green import create_service, load_balancer

CLUSTER = "it-sd"
FIRST_IMAGE = "public.ecr.aws/nginx/nginx:1.27"
WRITES = ("Create", "Register", "Update", "Delete", "Deregister", "Put", "Tag", "Untag", "Stop", "Continue", "Modify")
# A deployment minute lasts 0.1 s: the hook's timeout (1000 minutes) outlasts the test, the bake times do not. The
# canary step bakes 0.5 s, five polls, so that the role cannot step over it.
DEPLOYMENT = {
    "strategy": "CANARY",
    "canaryConfiguration": {"canaryPercent": 10, "canaryBakeTimeInMinutes": 5},
    "bakeTimeInMinutes": 1,
    "lifecycleHooks": [
        {
            "targetType": "PAUSE",
            "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
            "timeoutConfiguration": {"timeoutInMinutes": 1000, "action": "ROLLBACK"},
        }
    ],
}


def _setup(sandbox) -> dict:
    """The load balancer and the service on its first revision; returns ecs_services declaring it."""
    made = load_balancer(sandbox, CLUSTER, {"api": ("it-sd-api", "it-sd-api-g")}, octet=73, first_priority=5)
    subnets, api = made["subnets"], made["api"]
    ecs = client(sandbox, "ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    task_definition = {
        "family": "it-sd-api",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [{"name": "api", "image": FIRST_IMAGE, "portMappings": [{"containerPort": 80}]}],
    }
    registered = ecs.register_task_definition(**task_definition)["taskDefinition"]["taskDefinitionArn"]
    create_service(
        sandbox,
        CLUSTER,
        "api",
        registered,
        api,
        container="api",
        subnets=subnets,
        desired_count=1,
        deployment_configuration=DEPLOYMENT,
    )
    hook = DEPLOYMENT["lifecycleHooks"][0]
    return {
        "target": "localhost",
        "ecs_region": "us-east-1",
        "ecs_services": [
            {
                "name": "api",
                "cluster": CLUSTER,
                "task_definition": task_definition,
                "service": {
                    "launch_type": "FARGATE",
                    "desired_count": 1,
                    "network_configuration": {"subnets": subnets},
                    "deployment_configuration": {
                        "strategy": "CANARY",
                        "canary_configuration": {"canary_percent": 10, "canary_bake_time_in_minutes": 5},
                        "bake_time_in_minutes": 1,
                        "lifecycle_hooks": [
                            {
                                "target_type": "PAUSE",
                                "lifecycle_stages": hook["lifecycleStages"],
                                "timeout_configuration": {"timeout_in_minutes": 1000, "action": "ROLLBACK"},
                            }
                        ],
                    },
                    "load_balancers": [
                        {
                            "target_group_arn": api["blue"],
                            "container_name": "api",
                            "container_port": 80,
                            "advanced_configuration": {
                                "alternate_target_group_arn": api["green"],
                                "production_listener_rule": api["production"],
                                "role_arn": api["role"],
                            },
                        }
                    ],
                },
            }
        ],
        "deploy_poll_interval": 0.1,
        "deploy_wait_timeout": 60,
        "service_deployment_service": "api",
        "service_deployment_poll_interval": 0.1,
        "service_deployment_wait_timeout": 60,
    }


def _writes(sandbox) -> dict:
    return {
        key: value
        for key, value in sandbox.calls().items()
        if ":" in key and key.split(":", 1)[1].startswith(WRITES) and isinstance(value, int)
    }


def _lines(output: str) -> list[str]:
    """The role's summary lines, in order."""
    marker = '"msg": "'
    return [
        line.split(marker, 1)[1].rstrip().rstrip('",')
        for line in output.splitlines()
        if f"{marker}{CLUSTER}/api: " in line
    ]


def test_service_deployment_playbook_on_a_paused_canary(clean_sandbox):
    clean_sandbox.control("clock", {"minute_seconds": 0.1})
    declared = _setup(clean_sandbox)

    # Deployed to the pause, status shows the hook awaiting action; the playbook checks that it wrote nothing.
    paused = run_playbook(
        clean_sandbox, "service_deployment_pause.yml", {**declared, "deploy_image": "public.ecr.aws/nginx/nginx:1.28"}
    )
    assert paused.rc == 0, paused.output
    assert "deploying (reached PRE_PRODUCTION_TRAFFIC_SHIFT)" in paused.output, paused.output
    (line,) = _lines(paused.output)
    assert line.startswith(f"{CLUSTER}/api: status; deployment "), line
    assert " IN_PROGRESS; " in line, line
    assert "; traffic it-sd-api 100 / it-sd-api-g 0; awaiting hook " in line, line
    assert " (PAUSE) at PRE_PRODUCTION_TRAFFIC_SHIFT until " in line, line

    # continue in check mode: it would answer the hook, and writes nothing.
    before = _writes(clean_sandbox)
    continuing = {**declared, "service_deployment_action": "continue"}
    checked = run_playbook(clean_sandbox, "service_deployment_playbook.yml", continuing, args=("--check",))
    assert checked.rc == 0, checked.output
    (line,) = _lines(checked.output)
    assert line.startswith(f"{CLUSTER}/api: continue (check mode) hook "), line
    assert "; awaiting hook " in line, line
    assert _writes(clean_sandbox) == before

    # continue: the canary goes on to the end; traffic on the new target group.
    continued = run_playbook(clean_sandbox, "service_deployment_playbook.yml", continuing)
    assert continued.rc == 0, continued.output
    (line,) = _lines(continued.output)
    assert line.startswith(f"{CLUSTER}/api: continue hook "), line
    # Polling may step over a short stage (the step to 100 % lasts a moment): the canary's step and the end are seen.
    assert " SUCCESSFUL; stages PRE_PRODUCTION_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT 10%" in line, line
    assert line.endswith(", CLEAN_UP; traffic it-sd-api 0 / it-sd-api-g 100"), line
    after = _writes(clean_sandbox)
    assert after.get("ecs:ContinueServiceDeployment", 0) == before.get("ecs:ContinueServiceDeployment", 0) + 1

    # A second deploy to the pause, rolled back: traffic stays on the group the first one moved it to. Then
    # continue finds nothing in progress and fails, after its line, with the module's message naming the service.
    rolled_back = run_playbook(
        clean_sandbox,
        "service_deployment_rollback.yml",
        {**declared, "deploy_image": "public.ecr.aws/nginx/nginx:1.29"},
    )
    assert rolled_back.rc != 0, rolled_back.output
    rollback, nothing = _lines(rolled_back.output)
    assert rollback.startswith(f"{CLUSTER}/api: rollback; deployment "), rollback
    assert " ROLLBACK_SUCCESSFUL; " in rollback, rollback
    assert "; traffic it-sd-api 0 / it-sd-api-g 100" in rollback, rollback
    assert rollback.endswith("; rollback reason: Service deployment rolled back by StopServiceDeployment."), rollback
    message = f"{CLUSTER}/api has no service deployment in progress: "
    assert nothing.startswith(f"{CLUSTER}/api: continue ({message}"), nothing
    assert nothing.endswith("; nothing to continue)"), nothing
    assert "fatal: [localhost]: FAILED! => " in rolled_back.output and message in rolled_back.output.split("fatal:")[-1]
    # The rollback stopped the deployment once; the failed continue answered nothing.
    final = _writes(clean_sandbox)
    assert final.get("ecs:StopServiceDeployment", 0) == after.get("ecs:StopServiceDeployment", 0) + 1
    assert final.get("ecs:ContinueServiceDeployment", 0) == after.get("ecs:ContinueServiceDeployment", 0)
