"""ELBv2 refuses what AWS refuses: the load balancers, listeners and target groups ecs_load_balancers must never
make, and a read of names among which one is missing."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

FIXED = [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]


@pytest.fixture
def network(aws) -> dict:
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{index}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate("ab")
    ]
    return {"vpc": vpc, "subnets": subnets}


@pytest.fixture
def certificate(aws) -> str:
    return aws("acm").request_certificate(DomainName="api.example.com")["CertificateArn"]


@pytest.fixture
def balancers(aws, network) -> dict:
    elbv2 = aws("elbv2")
    alb = elbv2.create_load_balancer(Name="alb", Subnets=network["subnets"], Type="application")
    nlb = elbv2.create_load_balancer(Name="nlb", Subnets=network["subnets"][:1], Type="network")
    return {"alb": alb["LoadBalancers"][0]["LoadBalancerArn"], "nlb": nlb["LoadBalancers"][0]["LoadBalancerArn"]}


def _refused(call, code: str, message: str) -> None:
    with pytest.raises(ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == code, raised.value.response
    assert message in raised.value.response["Error"]["Message"], raised.value.response


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 33, "cannot be longer than 32 characters"),
        ("internal-api", "cannot begin with 'internal-'"),
        ("-api", "can only contain alphanumeric characters and hyphens"),
        ("api_v2", "can only contain alphanumeric characters and hyphens"),
    ],
)
def test_load_balancer_names_follow_aws_rules(aws, network, name, message):
    elbv2 = aws("elbv2")
    _refused(lambda: elbv2.create_load_balancer(Name=name, Subnets=network["subnets"]), "ValidationError", message)
    elbv2.create_load_balancer(Name="x" * 32, Subnets=network["subnets"])


def test_an_application_load_balancer_needs_two_zones(aws, network):
    elbv2 = aws("elbv2")
    _refused(
        lambda: elbv2.create_load_balancer(Name="one", Subnets=network["subnets"][:1], Type="application"),
        "ValidationError",
        "At least two subnets in two different Availability Zones",
    )
    elbv2.create_load_balancer(Name="one", Subnets=network["subnets"][:1], Type="network")


@pytest.mark.parametrize(("balancer", "protocol", "port"), [("alb", "HTTPS", 443), ("nlb", "TLS", 443)])
def test_secure_listeners_need_a_certificate(aws, balancers, network, certificate, balancer, protocol, port):
    elbv2 = aws("elbv2")
    group = elbv2.create_target_group(Name="tcp", Protocol="TCP", Port=80, VpcId=network["vpc"], TargetType="ip")
    forward = [{"Type": "forward", "TargetGroupArn": group["TargetGroups"][0]["TargetGroupArn"]}]
    actions = FIXED if balancer == "alb" else forward
    arn = balancers[balancer]
    _refused(
        lambda: elbv2.create_listener(LoadBalancerArn=arn, Protocol=protocol, Port=port, DefaultActions=actions),
        "ValidationError",
        f"A certificate must be specified for {protocol} listeners",
    )
    made = elbv2.create_listener(
        LoadBalancerArn=arn,
        Protocol=protocol,
        Port=port,
        DefaultActions=actions,
        Certificates=[{"CertificateArn": certificate}],
    )
    assert made["Listeners"][0]["Protocol"] == protocol


def test_protocols_that_do_not_fit_are_refused(aws, balancers, network):
    elbv2 = aws("elbv2")
    http = elbv2.create_target_group(Name="http", Protocol="HTTP", Port=80, VpcId=network["vpc"], TargetType="ip")
    tcp = elbv2.create_target_group(Name="tcp", Protocol="TCP", Port=80, VpcId=network["vpc"], TargetType="ip")
    to_http = [{"Type": "forward", "TargetGroupArn": http["TargetGroups"][0]["TargetGroupArn"]}]
    to_tcp = [{"Type": "forward", "TargetGroupArn": tcp["TargetGroups"][0]["TargetGroupArn"]}]
    nlb, alb = balancers["nlb"], balancers["alb"]
    _refused(
        lambda: elbv2.create_listener(LoadBalancerArn=alb, Protocol="TLS", Port=443, DefaultActions=FIXED),
        "ValidationError",
        "Listener protocol 'TLS' must be one of 'HTTP, HTTPS'",
    )
    _refused(
        lambda: elbv2.create_listener(LoadBalancerArn=nlb, Protocol="TCP", Port=81, DefaultActions=to_http),
        "IncompatibleProtocols",
        "The listener protocol 'TCP' is not compatible with the protocol 'HTTP' of target group 'http'",
    )
    _refused(
        lambda: elbv2.create_listener(LoadBalancerArn=alb, Protocol="HTTP", Port=82, DefaultActions=to_tcp),
        "IncompatibleProtocols",
        "not compatible",
    )
    _refused(
        lambda: elbv2.create_listener(LoadBalancerArn=nlb, Protocol="TCP_UDP", Port=83, DefaultActions=to_tcp),
        "IncompatibleProtocols",
        "not compatible",
    )
    _refused(
        lambda: elbv2.create_listener(LoadBalancerArn=nlb, Protocol="TCP", Port=84, DefaultActions=FIXED),
        "InvalidLoadBalancerAction",
        "they only forward",
    )
    elbv2.create_listener(LoadBalancerArn=nlb, Protocol="TCP", Port=85, DefaultActions=to_tcp)


@pytest.mark.parametrize(
    ("protocol", "health", "message"),
    [
        ("UDP", "UDP", "Health check protocol 'UDP' is not supported"),
        ("TCP", "TLS", "Health check protocol 'TLS' is not supported"),
        ("HTTP", "TCP", "not supported for target groups with the protocol 'HTTP'"),
    ],
)
def test_health_checks_that_aws_does_not_run_are_refused(aws, network, protocol, health, message):
    elbv2 = aws("elbv2")
    _refused(
        lambda: elbv2.create_target_group(
            Name="bad", Protocol=protocol, Port=53, VpcId=network["vpc"], HealthCheckProtocol=health
        ),
        "ValidationError",
        message,
    )


def test_a_udp_target_group_takes_a_tcp_health_check(aws, network):
    group = aws("elbv2").create_target_group(
        Name="dns", Protocol="UDP", Port=53, VpcId=network["vpc"], HealthCheckProtocol="TCP", TargetType="ip"
    )
    assert group["TargetGroups"][0]["HealthCheckProtocol"] == "TCP"


def test_a_read_of_names_fails_whole_when_one_is_missing(aws, balancers):
    elbv2 = aws("elbv2")
    _refused(lambda: elbv2.describe_load_balancers(Names=["alb", "nope"]), "LoadBalancerNotFound", "")
    assert [b["LoadBalancerName"] for b in elbv2.describe_load_balancers(Names=["alb", "nlb"])["LoadBalancers"]] == [
        "alb",
        "nlb",
    ]
