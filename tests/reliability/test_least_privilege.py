"""The deploy playbook with only the policy the iam_policy role produces, under moto's IAM enforcement."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import botocore.session
import pytest
from parliament import analyze_policy_string

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.policy import deploy_policy
from sandbox.launcher import AWS_TEST_ENV, Sandbox, free_port
from tests.conftest import REPO_ROOT
from tests.reliability.conftest import (
    CLUSTER,
    FAST,
    SETUP_PLAYBOOK,
    run_playbook,
    service_declaration,
)
from tests.support.aws import client
from tests.unit.plugins.module_utils._ecs.test_policy import ACCOUNT, CANARY, DECLARED, REGION

DEPLOY_PLAYBOOK = REPO_ROOT / "playbooks" / "deploy.yml"


# What parliament reports of the produced policies and is accepted, each for the reason given in the first test.
ACCEPTED_FINDINGS = [("RESOURCE_STAR", ["ecs:RegisterTaskDefinition"]), ("RESOURCE_STAR", ["ecs:ListTasks"])]


def _set_free_calls(sandbox: Sandbox, count: float) -> None:
    """moto's own switch: the next ``count`` calls are not checked, every later one is (0: all are)."""
    request = urllib.request.Request(
        sandbox.url + "/moto-api/reset-auth",
        data=str(count).encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["status"] == "ok"


@pytest.fixture(scope="module")
def enforcing_sandbox():
    """A sandbox with IAM enforcement (and ECS's resource-level checks), free for the first million calls."""
    port = free_port()
    env = {**os.environ, **AWS_TEST_ENV, "INITIAL_NO_AUTH_ACTION_COUNT": "1000000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.iam_sandbox", "--port", str(port), "--ec2-capacity", "unlimited"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sandbox = Sandbox(port, process)
    deadline = time.monotonic() + 30
    while True:
        try:
            sandbox._call("GET", "/_sandbox/health")
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "the IAM sandbox did not start"
            time.sleep(0.1)
    sandbox.control("config", FAST)
    yield sandbox
    sandbox.stop()


def _deploy(sandbox, keys: dict, services: list[dict], image: str):
    return run_playbook(
        sandbox,
        DEPLOY_PLAYBOOK,
        {
            "target": "all",
            "ecs_region": "us-east-1",
            "ecs_services": services,
            "deploy_service": "tight",
            "deploy_image": image,
            "deploy_poll_interval": 0.2,
        },
        env={"AWS_ACCESS_KEY_ID": keys["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": keys["SecretAccessKey"]},
    )


def test_the_deploy_playbook_runs_with_only_the_produced_policy(enforcing_sandbox, tmp_path):
    sandbox = enforcing_sandbox
    # Setup, with free calls: network, the service, a CI user and the policy the iam_policy role attaches to it.
    network_file = tmp_path / "network.json"
    assert run_playbook(sandbox, SETUP_PLAYBOOK, {"network_file": str(network_file)}).rc == 0
    services = [service_declaration("tight", json.loads(network_file.read_text()))]
    assert run_playbook(sandbox, "deploy.yml", {"ecs_services": services}).rc == 0
    iam = client(sandbox, "iam")
    # The deploy checks its roles before writing (deploy_verify): make them, as the bootstrap role would.
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}
        ],
    }
    for suffix in ("exec", "task"):
        iam.create_role(RoleName=f"{CLUSTER}-tight-{suffix}", AssumeRolePolicyDocument=json.dumps(trust))
    iam.create_user(UserName="ci-deployer")
    keys = iam.create_access_key(UserName="ci-deployer")["AccessKey"]
    policy_file = tmp_path / "policy.json"
    # A relative output file lands where ansible-playbook started, and the path written is printed.
    attached = run_playbook(
        sandbox,
        "iam_policy.yml",
        {
            "ecs_services": services,
            "iam_policy_user": "ci-deployer",
            # With the checks before deploying, the policy is too large for a user's inline policy (2048).
            "iam_policy_type": "managed",
            "iam_policy_output_file": policy_file.name,
        },
        cwd=tmp_path,
    )
    assert attached.rc == 0, attached.output[-3000:]
    assert f"Policy document written to {policy_file}" in attached.output
    document = json.loads(policy_file.read_text())
    (attached_policy,) = iam.list_attached_user_policies(UserName="ci-deployer")["AttachedPolicies"]
    policy_arn = attached_policy["PolicyArn"]
    version = iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"]
    stored = iam.get_policy_version(PolicyArn=policy_arn, VersionId=version)["PolicyVersion"]["Document"]
    assert (json.loads(stored) if isinstance(stored, str) else stored) == document

    # From here on every call is checked against the user's policy.
    _set_free_calls(sandbox, 0)
    try:
        ecs_as_user = client(sandbox, "ecs", access_key=keys["AccessKeyId"], secret_key=keys["SecretAccessKey"])
        with pytest.raises(ecs_as_user.exceptions.ClientError, match="not authorized to perform: ecs:ListClusters"):
            ecs_as_user.list_clusters()  # enforcement is on: anything the policy does not grant is refused

        run = _deploy(sandbox, keys, services, "public.ecr.aws/nginx/nginx:1.28")
        assert run.rc == 0, run.output[-5000:]
        assert "it-deploy/tight: deployed; app public.ecr.aws/nginx/nginx:1.27 -> public.ecr.aws/nginx/nginx:1.28" in (
            run.output
        )
        assert "AccessDenied" not in run.output.replace("iam:ListAccountAliases", "")

        # The same policy less ecs:UpdateService: the deploy fails, and says which action was refused.
        reduced = json.loads(json.dumps(document))
        for statement in reduced["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            statement["Action"] = [action for action in actions if action != "ecs:UpdateService"]
        _set_free_calls(sandbox, 2)
        iam.detach_user_policy(UserName="ci-deployer", PolicyArn=policy_arn)
        iam.put_user_policy(
            UserName="ci-deployer", PolicyName="driftless-ecs-deploy", PolicyDocument=json.dumps(reduced)
        )
        denied = _deploy(sandbox, keys, services, "public.ecr.aws/nginx/nginx:1.29")
        assert denied.rc != 0, denied.output[-5000:]
        assert "AccessDeniedException" in denied.output, denied.output[-5000:]
        assert "is not authorized to perform: ecs:UpdateService" in denied.output, denied.output[-5000:]
    finally:
        _set_free_calls(sandbox, 1000000)
    service = client(sandbox, "ecs").describe_services(cluster=CLUSTER, services=["tight"])["services"][0]
    image = client(sandbox, "ecs").describe_task_definition(taskDefinition=service["taskDefinition"])
    assert image["taskDefinition"]["containerDefinitions"][0]["image"] == "public.ecr.aws/nginx/nginx:1.28"

    # parliament, offline, audits the produced policy. What it reports, and why each is accepted:
    # - RESOURCE_STAR on ecs:RegisterTaskDefinition: parliament's copy of AWS's Service Authorization Reference gives
    #   RegisterTaskDefinition a task-definition resource, while the project's ECS facts say it takes only "*".
    # - RESOURCE_STAR on ecs:ListTasks (reading why a rollout failed): the reference gives it a container-instance
    #   resource, but ECS authorizes it against "*", with the cluster as condition; it is granted only with
    #   ArnEquals ecs:cluster on the declared clusters.
    # - UNKNOWN_ACTION for ECS actions newer than parliament's data (1.6.4, no update offline), such as
    #   ContinueServiceDeployment: accepted only for operations that the installed botocore's ECS model has.
    # Any other finding fails the test.
    findings = [(finding.issue, finding.detail) for finding in analyze_policy_string(json.dumps(document)).findings]
    ecs_operations = set(botocore.session.get_session().get_service_model("ecs").operation_names)
    unknown = [detail.rsplit(" ", 1)[-1] for issue, detail in findings if issue == "UNKNOWN_ACTION"]
    assert all(action.startswith("ecs:") and action[4:] in ecs_operations for action in unknown), unknown
    assert [finding for finding in findings if finding[0] != "UNKNOWN_ACTION"] == ACCEPTED_FINDINGS


def test_parliament_finds_nothing_new_in_a_blue_green_policy():
    """A canary service adds elasticloadbalancing:DescribeRules on "*" and iam:PassRole of the roles ECS itself
    assumes (infrastructure and hook roles), passed to ecs.amazonaws.com only: parliament reports nothing for either,
    so the findings accepted above stay the only ones."""
    document = deploy_policy(resolve_services([*DECLARED, CANARY], ACCOUNT), REGION, ACCOUNT)
    sids = [statement["Sid"] for statement in document["Statement"]]
    assert "ReadListenerRuleWeights" in sids and "PassDeclaredRolesToEcs" in sids
    findings = [(finding.issue, finding.detail) for finding in analyze_policy_string(json.dumps(document)).findings]
    assert [finding for finding in findings if finding[0] != "UNKNOWN_ACTION"] == ACCEPTED_FINDINGS
    unknown = [detail.rsplit(" ", 1)[-1] for issue, detail in findings if issue == "UNKNOWN_ACTION"]
    assert all(action.startswith("ecs:") for action in unknown), unknown
