"""The sandbox process: readiness, every AWS service the collection uses, and a clean stop on signals."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.sandbox.helpers import SandboxProcess, port_open


def test_health_answers_ok(sandbox):
    with urllib.request.urlopen(f"{sandbox.url}/_sandbox/health", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"ok": True}


def test_unknown_control_endpoint_is_404(sandbox):
    with pytest.raises(urllib.error.HTTPError) as error:
        sandbox.request("GET", "no-such-thing")
    assert error.value.code == 404


def test_every_service_the_collection_uses_answers(aws):
    ecs = aws("ecs")
    assert ecs.create_cluster(clusterName="c")["cluster"]["clusterName"] == "c"
    assert aws("ecs").list_clusters()["clusterArns"] == ["arn:aws:ecs:us-east-1:123456789012:cluster/c"]

    iam = aws("iam")
    role = iam.create_role(RoleName="task", AssumeRolePolicyDocument="{}")["Role"]
    assert role["Arn"] == "arn:aws:iam::123456789012:role/task"

    assert aws("sts").get_caller_identity()["Account"] == "123456789012"

    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.2.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc)["GroupId"]
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["VpcId"] == vpc
    assert ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["GroupName"] == "g"

    elbv2 = aws("elbv2")
    target_group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
    assert target_group["TargetGroups"][0]["TargetGroupName"] == "web"

    ecr = aws("ecr")
    assert ecr.create_repository(repositoryName="app")["repository"]["repositoryName"] == "app"

    ssm = aws("ssm")
    ssm.put_parameter(Name="/app/x", Value="1", Type="String")
    assert ssm.get_parameter(Name="/app/x")["Parameter"]["Value"] == "1"

    secrets = aws("secretsmanager")
    arn = secrets.create_secret(Name="db", SecretString="pw")["ARN"]
    assert secrets.get_secret_value(SecretId=arn)["SecretString"] == "pw"

    logs = aws("logs")
    logs.create_log_group(logGroupName="/ecs/web")
    assert [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]] == ["/ecs/web"]

    scaling = aws("application-autoscaling")
    listed = scaling.describe_scalable_targets(ServiceNamespace="ecs")
    assert listed["ScalableTargets"] == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stops_cleanly_on_signal(sig):
    process = SandboxProcess()
    try:
        process.wait_ready()
        assert port_open(process.port)
        # A request in flight must not keep the process alive.
        process.client("ecs").list_clusters()
        assert process.stop(sig) == 0, process.output()
        assert not port_open(process.port)
    finally:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()


def test_listens_on_loopback_only(sandbox):
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("needs Linux /proc/net/tcp")
    listening = []
    for line in table.read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if state == "0A" and int(port, 16) == sandbox.port:
            listening.append(address)
    # 0100007F is 127.0.0.1 in the kernel's little-endian hex.
    assert listening == ["0100007F"]
