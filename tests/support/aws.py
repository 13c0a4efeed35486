"""boto3 on the sandbox, for test setup: clients, and the network and load balancer an environment already has."""

from __future__ import annotations

from typing import Any

import boto3


def client(sandbox, service: str, **credentials: str) -> Any:
    """A boto3 client on the sandbox in us-east-1, with the sandbox's credentials unless others are given
    (``access_key``, ``secret_key``)."""
    env = sandbox.env()
    return boto3.client(
        service,
        endpoint_url=sandbox.url,
        region_name="us-east-1",
        aws_access_key_id=credentials.get("access_key", env["AWS_ACCESS_KEY_ID"]),
        aws_secret_access_key=credentials.get("secret_key", env["AWS_SECRET_ACCESS_KEY"]),
    )


def application_load_balancer(sandbox, name: str, *, octet: int) -> dict[str, Any]:
    """What an environment has before the collection runs: a VPC 10.<octet>.0.0/16 with two subnets, a security
    group, an internal Application Load Balancer ``name`` and its HTTP listener answering 404 by default.

    Returns ``vpc_id``, ``subnets``, ``security_group``, ``balancer`` (ARN) and ``listener`` (ARN).
    """
    ec2, elbv2 = client(sandbox, "ec2"), client(sandbox, "elbv2")
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{octet}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{octet}.{index}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate(["us-east-1a", "us-east-1b"], start=1)
    ]
    group_id = ec2.create_security_group(GroupName=name, Description=f"{name} load balancer", VpcId=vpc_id)["GroupId"]
    balancer = elbv2.create_load_balancer(
        Name=name, Subnets=subnets, SecurityGroups=[group_id], Scheme="internal", Type="application"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    listener = elbv2.create_listener(
        LoadBalancerArn=balancer,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    )["Listeners"][0]["ListenerArn"]
    return {
        "vpc_id": vpc_id,
        "subnets": subnets,
        "security_group": group_id,
        "balancer": balancer,
        "listener": listener,
    }


def network(sandbox, name: str, *, octet: int, zones: tuple[str, ...] = ("us-east-1a", "us-east-1b")) -> dict[str, Any]:
    """A VPC 10.<octet>.0.0/16 named ``name`` with a subnet in each of ``zones`` and a security group for the tasks:
    what an environment has before bootstrap makes its load balancers.

    Returns ``vpc_id``, ``cidr``, ``subnets`` and ``security_group``.
    """
    ec2 = client(sandbox, "ec2")
    cidr = f"10.{octet}.0.0/16"
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{octet}.{index}.0/24", AvailabilityZone=zone)["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate(zones, start=1)
    ]
    group_id = ec2.create_security_group(GroupName=f"{name}-tasks", Description=f"{name} tasks", VpcId=vpc_id)[
        "GroupId"
    ]
    return {"vpc_id": vpc_id, "cidr": cidr, "subnets": subnets, "security_group": group_id}
