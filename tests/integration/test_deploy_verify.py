"""The deploy's checks before it writes: each missing resource is refused, naming it, with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.integration.conftest import run_playbook
from tests.support.aws import client
from tests.support.playbooks import ansible_playbook_env

REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
GOOD = {
    "verify_execution_role": "arn:aws:iam::123456789012:role/it-verify-exec",
    "verify_parameter": "arn:aws:ssm:us-east-1:123456789012:parameter/it-verify/database-url",
    "verify_log_group": "/ecs/it-verify/api",
}
TRUST_ECS_TASKS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
WRITE_PREFIXES = ("Create", "Register", "Update", "Delete", "Deregister", "Put", "Tag", "Untag")


def _writes(calls: dict) -> dict:
    return {
        key: value
        for key, value in calls.items()
        if key.startswith("ecs:") and key.split(":", 1)[1].startswith(WRITE_PREFIXES) and isinstance(value, int)
    }


def _push(ecr, tag: str) -> None:
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json", "tag": tag}
    ecr.put_image(repositoryName="shop/api", imageManifest=json.dumps(manifest), imageTag=tag)


@pytest.fixture
def needs(clean_sandbox):
    """What api's revisions need, all there: the cluster with room, the image, roles, parameter, secret, log group."""
    clean_sandbox.control("config", {"ec2_capacity": "unlimited"})
    client(clean_sandbox, "ecs").create_cluster(clusterName="it-verify")
    ecr = client(clean_sandbox, "ecr")
    ecr.create_repository(repositoryName="shop/api")
    _push(ecr, "1.0")
    iam = client(clean_sandbox, "iam")
    for name in ("it-verify-exec", "it-verify-task"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_ECS_TASKS)
    iam.create_role(
        RoleName="it-verify-lambda", AssumeRolePolicyDocument=TRUST_ECS_TASKS.replace("ecs-tasks", "lambda")
    )
    client(clean_sandbox, "ssm").put_parameter(
        Name="/it-verify/database-url", Value="postgres://secret", Type="SecureString"
    )
    client(clean_sandbox, "secretsmanager").create_secret(Name="it-verify/api-key", SecretString="never-printed")
    client(clean_sandbox, "logs").create_log_group(logGroupName="/ecs/it-verify/api")
    return clean_sandbox


def _secret_arn(sandbox) -> str:
    return client(sandbox, "secretsmanager").describe_secret(SecretId="it-verify/api-key")["ARN"]


def _deploy(sandbox, **variables):
    values = {**GOOD, **variables}
    if "verify_secret" not in values:
        values["verify_secret"] = _secret_arn(sandbox)
    return run_playbook(sandbox, "deploy_verify.yml", values)


MISSING = [
    (
        "an image tag never pushed",
        {"deploy_image": f"{REGISTRY}/shop/api:9.9"},
        f"(it-verify/api) container app image {REGISTRY}/shop/api:9.9: shop/api:9.9 is not in ECR",
    ),
    (
        "an SSM parameter that does not exist",
        {"verify_parameter": "arn:aws:ssm:us-east-1:123456789012:parameter/it-verify/nope"},
        "container app secrets[0] (DATABASE_URL): SSM parameter /it-verify/nope does not exist in us-east-1",
    ),
    (
        "an execution role that does not exist",
        {"verify_execution_role": "arn:aws:iam::123456789012:role/it-verify-gone"},
        "executionRoleArn arn:aws:iam::123456789012:role/it-verify-gone: role it-verify-gone does not exist",
    ),
    (
        "an execution role ECS tasks cannot assume",
        {"verify_execution_role": "arn:aws:iam::123456789012:role/it-verify-lambda"},
        "role it-verify-lambda does not trust ecs-tasks.amazonaws.com",
    ),
    (
        "a log group that does not exist",
        {"verify_log_group": "/ecs/it-verify/typo"},
        "logConfiguration awslogs-group: log group /ecs/it-verify/typo does not exist in us-east-1",
    ),
    (
        "a misspelled cluster",
        {"verify_cluster": "it-verfy"},
        "cluster 'it-verfy' does not exist or is not ACTIVE",
    ),
]


def test_a_deploy_with_everything_there_is_verified_and_a_no_op_checks_nothing(needs):
    first = _deploy(needs)
    assert first.rc == 0, first.output
    # roles 2, image 1, parameter 1, secret 1, log group 1, and the cluster of a service to create.
    assert "Verified before writing: 7 resources with 7 calls, nothing missing" in first.output, first.output
    secret = _secret_arn(needs)
    needs.control("calls/reset", {})
    again = _deploy(needs, verify_secret=secret)
    assert again.rc == 0, again.output
    calls = needs.calls()
    checked = [key for key in calls if key.split(":")[0] in ("ecr", "iam", "ssm", "secretsmanager", "logs")]
    assert checked == [] and "ecs:DescribeClusters" not in calls, calls
    assert "Verified before writing" not in again.output


@pytest.mark.parametrize(("label", "variables", "message"), MISSING, ids=[case[0] for case in MISSING])
def test_each_missing_need_is_refused_naming_it_and_nothing_is_written(needs, label, variables, message):
    secret = _secret_arn(needs)
    needs.control("calls/reset", {})
    run = _deploy(needs, verify_secret=secret, **variables)
    assert run.rc != 0, run.output
    assert message in run.output, run.output
    assert "verify found what the new revisions need missing, and wrote nothing" in run.output
    assert _writes(needs.calls()) == {}, needs.calls()
    assert "postgres://secret" not in run.output and "never-printed" not in run.output


def _other_account(sandbox, service: str):
    """A client of account 222222222222 (prod in the example inventory), reached as the demo does: an assumed role."""
    sts = client(sandbox, "sts")
    credentials = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/it-verify", RoleSessionName="it")[
        "Credentials"
    ]
    return boto3.client(
        service,
        endpoint_url=sandbox.url,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def test_an_image_of_another_account_needs_its_repository_to_let_this_one_pull(needs):
    dev_ecr = _other_account(needs, "ecr")
    dev_ecr.create_repository(repositoryName="shop/api")
    _push(dev_ecr, "2.0")
    image = "222222222222.dkr.ecr.us-east-1.amazonaws.com/shop/api:2.0"

    needs.control("calls/reset", {})
    refused = _deploy(needs, deploy_image=image, deploy_verify_only=True)
    assert refused.rc != 0, refused.output
    assert "repository shop/api of account 222222222222 does not let account 123456789012 pull" in refused.output, (
        refused.output
    )
    assert _writes(needs.calls()) == {}

    pull = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ProdPulls",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            }
        ],
    }
    dev_ecr.set_repository_policy(repositoryName="shop/api", policyText=json.dumps(pull))
    allowed = _deploy(needs, deploy_image=image, deploy_verify_only=True)
    assert allowed.rc == 0, allowed.output
    assert "nothing missing" in allowed.output
    missing = _deploy(needs, deploy_image=image.replace(":2.0", ":2.1"), deploy_verify_only=True)
    assert "shop/api:2.1 is not in ECR (repository shop/api of account 222222222222" in missing.output, missing.output
    assert _writes(needs.calls()) == {}


def test_the_verify_playbook_runs_the_checks_alone_and_writes_nothing(needs, tmp_path):
    """``ansible-playbook driftless.ecs.verify -i INVENTORY -e target=ENV``, as CI's first stage runs it."""
    services = [
        {
            "name": "api",
            "cluster": "it-verify",
            "task_definition": {
                "family": "it-verify-api",
                "executionRoleArn": GOOD["verify_execution_role"],
                "containerDefinitions": [
                    {"name": "app", "image": f"{REGISTRY}/shop/api:1.0", "memory": 128},
                ],
            },
            "service": {"launch_type": "EC2", "desired_count": 1},
        }
    ]
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "vars": {"ansible_connection": "local", "ecs_region": "us-east-1"},
                    "children": {"ci": {"hosts": {"ci-env": {}}, "vars": {"ecs_services": services}}},
                }
            }
        )
    )
    env = ansible_playbook_env(needs)
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "driftless.ecs.verify", "-i", str(inventory)]
    needs.control("calls/reset", {})
    good = subprocess.run([*command, "-e", "target=ci"], env=env, capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stdout[-4000:] + good.stderr[-2000:]
    assert "Verified before writing: 3 resources with 3 calls, nothing missing" in good.stdout, good.stdout[-3000:]
    bad = subprocess.run(
        [*command, "-e", "target=ci", "-e", f"deploy_image={REGISTRY}/shop/api:404"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0
    assert "shop/api:404 is not in ECR" in bad.stdout, bad.stdout[-3000:]
    assert _writes(needs.calls()) == {}, needs.calls()
