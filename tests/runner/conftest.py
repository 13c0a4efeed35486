"""Run playbooks the way AWX and Tower do: ansible-runner's Python interface over a private data directory.

AWX lays out, for every job, a private data directory:

    inventory/hosts      the job's inventory
    env/extravars        the job template's extra vars and survey answers
    env/envvars          environment variables, among them what credentials inject
    project/             the checked-out project, with the playbook

and calls ``ansible_runner.run()`` on it. These fixtures build the same layout against a private sandbox. The AWS
credentials reach the playbook only through ``env/envvars``, as AWX's AWS credential type injects them
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; AWS_ENDPOINT_URL points at the sandbox, as a custom credential type
would): the test process's own AWS_* variables are removed first.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import yaml

from sandbox.launcher import start_sandbox
from tests.conftest import COLLECTIONS_ROOT, REPO_ROOT

BIN = Path(sys.executable).parent
REGION = "us-east-1"
CLUSTER = "runner"
BOOTSTRAP_IMAGE = "public.ecr.aws/nginx/nginx:1.27"


@pytest.fixture(scope="module")
def sandbox():
    running = start_sandbox(["--task-start-delay", "0.2", "--task-stop-delay", "0.1"])
    yield running
    running.stop()


def ecs_services(subnets: list[str]) -> list[dict]:
    """One Fargate service with the circuit breaker on, in the shape of docs/ecs_services.md."""
    return [
        {
            "name": "web",
            "cluster": CLUSTER,
            "main_container": "app",
            "task_definition": {
                "family": "runner-web",
                "networkMode": "awsvpc",
                "requiresCompatibilities": ["FARGATE"],
                "cpu": "256",
                "memory": "512",
                "containerDefinitions": [
                    {"name": "app", "image": BOOTSTRAP_IMAGE, "portMappings": [{"containerPort": 80}]}
                ],
            },
            "service": {
                "desired_count": 2,
                "launch_type": "FARGATE",
                "network_configuration": {"subnets": subnets},
                "deployment_configuration": {"deployment_circuit_breaker": {"enable": True, "rollback": True}},
            },
        }
    ]


@pytest.fixture(scope="module")
def subnets(sandbox) -> list[str]:
    """What exists before the first job: a VPC, a subnet, the cluster, and the service on its first revision."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    ec2 = session.client("ec2", endpoint_url=sandbox.url)
    vpc = ec2.create_vpc(CidrBlock="10.71.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.71.1.0/24")["Subnet"]["SubnetId"]
    ecs = session.client("ecs", endpoint_url=sandbox.url)
    ecs.create_cluster(clusterName=CLUSTER)
    # The service's execution and task roles, which the deploy checks before it writes (deploy_verify).
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam = session.client("iam", endpoint_url=sandbox.url)
    for suffix in ("exec", "task"):
        iam.create_role(RoleName=f"{CLUSTER}-web-{suffix}", AssumeRolePolicyDocument=json.dumps(trust))
    (service,) = ecs_services([subnet])
    revision = ecs.register_task_definition(**service["task_definition"])["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster=CLUSTER,
        serviceName=service["name"],
        taskDefinition=revision,
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet]}},
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    ecs.get_waiter("services_stable").wait(
        cluster=CLUSTER, services=[service["name"]], WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    return [subnet]


@dataclass
class Job:
    """One finished ansible-runner job, read back from its artifacts directory as AWX reads it."""

    status: str
    rc: int
    artifacts: Path

    def events(self) -> list[dict]:
        folder = self.artifacts / "job_events"
        events = [json.loads(path.read_text()) for path in folder.glob("*.json")]
        return sorted(events, key=lambda event: event["counter"])

    def stats_event(self) -> dict:
        found = [event for event in self.events() if event.get("event") == "playbook_on_stats"]
        assert len(found) == 1, f"{len(found)} playbook_on_stats events"
        return found[0]

    def stdout(self) -> str:
        return (self.artifacts / "stdout").read_text()


class PrivateDataDir:
    """The private data directory of one AWX job."""

    def __init__(self, root: Path, sandbox) -> None:
        self.root = root
        self.sandbox = sandbox
        (root / "inventory").mkdir(parents=True)
        (root / "env").mkdir()
        (root / "project").mkdir()
        # The project AWX checked out: here, the collection's own deploy playbook.
        shutil.copy(REPO_ROOT / "playbooks" / "deploy.yml", root / "project" / "deploy.yml")
        # A dev group with one host that runs on the controller (the execution environment), as in the example
        # inventory: modules run with the interpreter that has boto3.
        inventory = {
            "all": {
                "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
                "children": {"dev": {"hosts": {"shop-dev": {}}}},
            }
        }
        (root / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory))
        envvars = {
            # What the AWS credential injects.
            "AWS_ACCESS_KEY_ID": "AKIARUNNERTEST000001",
            "AWS_SECRET_ACCESS_KEY": "runner-secret-never-printed",
            "AWS_ENDPOINT_URL": sandbox.url,
            # Where the execution environment keeps its collections.
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_ROOT,
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "true",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
        }
        (root / "env" / "envvars").write_text(yaml.safe_dump(envvars))

    def run(self, ident: str, extravars: dict) -> Job:
        import ansible_runner  # noqa: PLC0415  (imported here: collecting the other tests does not need it)

        (self.root / "env" / "extravars").write_text(yaml.safe_dump(extravars))
        runner = ansible_runner.run(
            private_data_dir=str(self.root),
            playbook="deploy.yml",
            ident=ident,
            quiet=True,
            timeout=300,
        )
        return Job(status=runner.status, rc=runner.rc, artifacts=self.root / "artifacts" / ident)


@pytest.fixture
def private_data_dir(tmp_path: Path, sandbox, monkeypatch: pytest.MonkeyPatch) -> PrivateDataDir:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    # ansible-runner starts the ansible-playbook found on PATH: the one of this virtualenv.
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return PrivateDataDir(tmp_path / "job", sandbox)
