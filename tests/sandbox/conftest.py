"""Fixtures for the sandbox's own tests: one ``python -m sandbox`` per test session (per xdist worker).

Tests talk to it with plain boto3 only. ``sandbox`` resets every backend before each test and makes tasks start
fast, so deployments finish in a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.sandbox.helpers import FAST, SandboxProcess, port_open


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[SandboxProcess]:
    running = SandboxProcess()
    running.wait_ready()
    yield running
    code = running.stop()
    assert code == 0, running.output()
    assert not port_open(running.port)


@pytest.fixture
def sandbox(sandbox_process: SandboxProcess) -> SandboxProcess:
    sandbox_process.post("reset", {})
    sandbox_process.post("config", FAST)
    return sandbox_process


@pytest.fixture
def aws(sandbox: SandboxProcess) -> Callable[..., Any]:
    """``aws("ecs")`` is a boto3 client for the sandbox; keyword arguments go to botocore's Config."""
    return sandbox.client


@pytest.fixture
def ecs(aws):
    return aws("ecs")


@pytest.fixture
def cluster(ecs) -> str:
    ecs.create_cluster(clusterName="test")
    return "test"


@pytest.fixture
def network(aws) -> dict[str, Any]:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    return {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}}
