"""Every command of the role READMEs runs as written, on a copy of the example inventory prepared as the demo does.

The commands name ``inventories/example``, whose network and load balancer IDs are placeholders for a team's own:
demo/prepare.yml makes them in a private sandbox and writes the example hosts' host_vars, as it does for
``make demo``. Between the commands, the steps a team takes anyway are made here too (its environments bootstrapped,
the image CI pushed, the role CI assumes); what each command prints and writes is checked against its README.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from sandbox.launcher import start_sandbox
from tests.support.aws import client
from tests.support.playbooks import ansible_playbook_env

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
ENVIRONMENTS = [
    {"name": "dev", "host": "shop-dev", "cidr": "10.20", "assume_role": ""},
    {"name": "staging", "host": "shop-staging", "cidr": "10.25", "assume_role": ""},
    {
        "name": "prod",
        "host": "shop-prod",
        "cidr": "10.30",
        "assume_role": "arn:aws:iam::222222222222:role/shop-deployer",
    },
]


def readme_commands(role: str) -> list[str]:
    """The shell commands of a role README, continuation lines joined and comments dropped, in order."""
    text = (REPO_ROOT / "roles" / role / "README.md").read_text()
    commands = []
    for block in re.findall(r"^```(?:sh|bash|shell)\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                commands.append(command)
    return commands


class Workspace:
    """A directory holding ``inventories/example`` prepared for the sandbox, where the commands run."""

    def __init__(self, root: Path, sandbox) -> None:
        self.root = root
        self.sandbox = sandbox
        shutil.copytree(REPO_ROOT / "inventories", root / "inventories")
        (root / "inventories" / "example" / "host_vars").mkdir()
        bin_dir = str(Path(sys.executable).parent)
        self.env = ansible_playbook_env(
            sandbox,
            extra={
                "PATH": bin_dir + os.pathsep + os.environ["PATH"],
                "ANSIBLE_DISPLAY_SKIPPED_HOSTS": "false",
                "ANSIBLE_DEPRECATION_WARNINGS": "false",
            },
        )

    def run(self, command: str, *, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            ["bash", "-c", command], cwd=self.root, env=self.env, capture_output=True, text=True, check=False
        )
        if check:
            assert done.returncode == 0, f"{command}\n{done.stdout[-6000:]}{done.stderr[-3000:]}"
        return done

    def prepare(self) -> None:
        variables = json.dumps(
            {
                "environments": ENVIRONMENTS,
                "demo_inventory_dir": str(self.root / "inventories" / "example"),
                "ansible_python_interpreter": sys.executable,
            }
        )
        self.run(f"ansible-playbook -i localhost, -c local -e '{variables}' {REPO_ROOT / 'demo' / 'prepare.yml'}")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    sandbox = start_sandbox(["--task-start-delay", "0.2", "--ec2-capacity", "unlimited"])
    try:
        space = Workspace(tmp_path_factory.mktemp("readmes"), sandbox)
        space.prepare()
        yield space
    finally:
        sandbox.stop()


def test_the_role_readmes_commands_run_as_written(workspace):
    bootstrap = readme_commands("bootstrap")
    deploy = readme_commands("deploy")
    iam_policy = readme_commands("iam_policy")
    promote = readme_commands("promote")
    service_deployment = readme_commands("service_deployment")
    adopt = readme_commands("adopt")
    assert [len(commands) for commands in (bootstrap, deploy, iam_policy, promote, service_deployment, adopt)] == [
        2,
        2,
        2,
        3,
        3,
        3,
    ]

    # bootstrap: dev, then a check-mode look at web that changes nothing.
    first = workspace.run(bootstrap[0])
    assert re.search(r"shop-dev\s+: ok=\d+\s+changed=[1-9]", first.stdout), first.stdout[-3000:]
    look = workspace.run(bootstrap[1])
    assert re.search(r"shop-dev\s+: ok=\d+\s+changed=0 ", look.stdout), look.stdout[-3000:]

    # deploy: keep live images (nothing to do), then the image CI pushed to ECR (eu-west-1, as the README names it).
    kept = workspace.run(deploy[0])
    assert "shop-dev/web: unchanged" in kept.stdout, kept.stdout[-3000:]
    eu_ecr = _regional(workspace.sandbox, "ecr", "eu-west-1")
    eu_ecr.create_repository(repositoryName="web")
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"})
    eu_ecr.put_image(repositoryName="web", imageManifest=manifest, imageTag="1.4.2")
    new_image = workspace.run(deploy[1])
    assert "shop-dev/web: deployed; app" in new_image.stdout, new_image.stdout[-3000:]
    assert "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2" in new_image.stdout

    # iam_policy: attach to the role CI assumes, then only build it into a file beside the inventory.
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    client(workspace.sandbox, "iam").create_role(RoleName="shop-deployer", AssumeRolePolicyDocument=json.dumps(trust))
    workspace.run(iam_policy[0])
    policies = client(workspace.sandbox, "iam").list_role_policies(RoleName="shop-deployer")["PolicyNames"]
    assert policies == ["driftless-ecs-deploy"]
    built = workspace.run(iam_policy[1])
    written = workspace.root / "deployer-policy.json"
    assert f"Policy document written to {written}" in built.stdout, built.stdout[-3000:]
    assert json.loads(written.read_text())["Statement"]

    # promote: prod and staging exist first (their bootstrap is the team's own step).
    workspace.run("ansible-playbook driftless.ecs.bootstrap -i inventories/example -e target=prod")
    workspace.run("ansible-playbook driftless.ecs.bootstrap -i inventories/example -e target=staging")
    asked = workspace.run(promote[0], check=False)
    assert asked.returncode != 0, asked.stdout[-3000:]
    assert "Without a terminal nobody can answer" in asked.stdout + asked.stderr, asked.stdout[-3000:]
    workspace.run(promote[1])
    read = workspace.run(promote[2])
    assert "web" in read.stdout and "shop-prod" in read.stdout, read.stdout[-3000:]

    # service_deployment: the canary api in prod returns at its pause; look; let it go on.
    paused = workspace.run(service_deployment[0])
    assert "shop-prod/api: deploying (reached PRE_PRODUCTION_TRAFFIC_SHIFT)" in paused.stdout, paused.stdout[-3000:]
    status = workspace.run(service_deployment[1])
    assert "shop-prod/api" in status.stdout, status.stdout[-3000:]
    continued = workspace.run(service_deployment[2])
    assert "shop-prod/api" in continued.stdout and "continue" in continued.stdout, continued.stdout[-3000:]

    _adopt_then_deploy(workspace, adopt)


def _adopt_then_deploy(workspace, adopt: list[str]) -> None:
    """adopt: dev's services as they run now (web on the image CI pushed); a look, the files, a deploy of them."""
    preview = workspace.run(adopt[0])
    assert "shop-dev-web" in preview.stdout and not (workspace.root / "adopted").exists(), preview.stdout[-3000:]
    adopted = workspace.run(adopt[1])
    assert "Adopted 2 service(s) of shop-dev into adopted/dev" in adopted.stdout, adopted.stdout[-3000:]
    written = sorted(
        str(p.relative_to(workspace.root / "adopted" / "dev"))
        for p in (workspace.root / "adopted" / "dev").rglob("*.*")
    )
    assert written == [
        ".driftless-adopt.json",
        "group_vars/dev.yml",
        "hosts.yml",
        "taskdefs/api.json",
        "taskdefs/web.json",
    ]
    calls_before = workspace.sandbox.calls()
    redeployed = workspace.run(adopt[2])
    assert "shop-dev/web: unchanged" in redeployed.stdout and "shop-dev/api: unchanged" in redeployed.stdout
    assert re.search(r"shop-dev\s+: ok=\d+\s+changed=0 ", redeployed.stdout), redeployed.stdout[-3000:]
    calls_after = workspace.sandbox.calls()
    assert calls_after.get("ecs:UpdateService") == calls_before.get("ecs:UpdateService")
    assert calls_after.get("ecs:RegisterTaskDefinition") == calls_before.get("ecs:RegisterTaskDefinition")


def _regional(sandbox, service: str, region: str):
    env = sandbox.env()
    return boto3.client(
        service,
        endpoint_url=sandbox.url,
        region_name=region,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
