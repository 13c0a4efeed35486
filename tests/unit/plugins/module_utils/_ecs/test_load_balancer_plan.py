"""ecs_load_balancers and the three forms of a service's load_balancer block: checked before anything is read, and
the decisions of the ecs_load_balancers module over ELBv2's own answers."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import load_balancer_plan as plan
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.policy import BLUE_GREEN_READ_SID, deploy_policy

ACCOUNT = "111122223333"
TARGET_GROUPS = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:targetgroup"
CERTIFICATE = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/1"
INTERNAL = {
    "name": "internal",
    "type": "application",
    "scheme": "internal",
    "subnets": ["subnet-1", "subnet-2"],
    "listeners": [
        {"name": "http", "protocol": "HTTP", "port": 80, "redirect_to": "https"},
        {"name": "https", "protocol": "HTTPS", "port": 443, "certificate_arns": [CERTIFICATE]},
        {"name": "plain", "protocol": "HTTP", "port": 8080},
    ],
}
NETWORK = {
    "name": "tcp",
    "type": "network",
    "subnets": ["subnet-1"],
    "listeners": [{"name": "pg", "protocol": "TCP", "port": 5432}, {"name": "dns", "protocol": "UDP", "port": 53}],
}


def _service(service_name="api", strategy=None, network_mode="awsvpc", port=80, **load_balancer) -> dict:
    service = {"deployment_configuration": {"strategy": strategy}} if strategy else {}
    return {
        "name": service_name,
        "cluster": "shop",
        "task_definition": {
            "networkMode": network_mode,
            "containerDefinitions": [{"name": "app", "image": "nginx:1", "portMappings": [{"containerPort": port}]}],
        },
        "service": service,
        "load_balancer": load_balancer,
    }


def _resolve(*services, balancers=(INTERNAL, NETWORK)) -> list[dict]:
    return resolve_services(list(services), ACCOUNT, "aws", load_balancers=copy.deepcopy(list(balancers)))


def _refused(message, *services, balancers=(INTERNAL, NETWORK)):
    with pytest.raises(ECSValidationError) as raised:
        _resolve(*services, balancers=balancers)
    assert message in str(raised.value), str(raised.value)


def test_a_named_reference_on_an_application_load_balancer():
    (resolved,) = _resolve(_service(name="internal", listener="https", priority=10, path_patterns=["/api/*"]))
    balancer = resolved["load_balancer"]
    assert balancer["kind"] == "application"
    assert balancer["listener_arn"] is None
    assert (balancer["listener_protocol"], balancer["listener_port"]) == ("HTTPS", 443)
    assert balancer["target_group_protocol"] == "HTTP"
    assert balancer["target_group_name"] == "shop-api"
    assert balancer["health_check_path"] == "/"
    assert "vpc_id" not in balancer, "the VPC of a named load balancer is its own"


def test_a_network_service_gets_a_tcp_target_group_and_no_rule():
    (resolved,) = _resolve(_service(name="tcp", listener="pg", port=5432))
    balancer = resolved["load_balancer"]
    assert balancer["kind"] == "network"
    assert balancer["target_group_protocol"] == "TCP"
    assert "health_check_path" not in balancer
    assert plan.health_check(balancer) == {"HealthCheckProtocol": "TCP"}
    (udp,) = _resolve(_service(name="tcp", listener="dns", port=53))
    assert udp["load_balancer"]["target_group_protocol"] == "UDP"


def test_a_classic_load_balancer_is_only_carried():
    (resolved,) = _resolve(_service(load_balancer_name="old-clb", network_mode="bridge"))
    assert resolved["load_balancer"] == {
        "load_balancer_name": "old-clb",
        "kind": "classic",
        "container_name": "app",
        "container_port": 80,
    }


def test_the_listener_arn_form_is_unchanged():
    arn = f"arn:aws:elasticloadbalancing:eu-west-1:{ACCOUNT}:listener/app/shop/1/2"
    (resolved,) = _resolve(_service(listener_arn=arn, vpc_id="vpc-1", priority=3, path_patterns=["/*"]))
    assert resolved["load_balancer"]["listener_arn"] == arn
    assert resolved["load_balancer"]["kind"] == "application"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        (
            {"name": "public", "listener": "http", "priority": 1, "path_patterns": ["/"]},
            "load_balancer.name 'public' is not declared in ecs_load_balancers; declared: internal, tcp",
        ),
        (
            {"name": "internal", "listener": "grpc", "priority": 1, "path_patterns": ["/"]},
            "ecs_services[api].load_balancer.listener 'grpc' is not a listener of internal",
        ),
        (
            {"name": "internal", "listener": "http", "priority": 1, "path_patterns": ["/"]},
            "ecs_services[api].load_balancer.listener 'http' redirects to 'https'",
        ),
        (
            {"name": "internal", "listener": "plain", "path_patterns": ["/"]},
            "ecs_services[api].load_balancer.priority is required",
        ),
        (
            {"name": "tcp", "listener": "pg", "priority": 4},
            "ecs_services[api].load_balancer.priority: tcp is a network load balancer",
        ),
        (
            {"name": "internal", "listener": "plain", "priority": 1, "path_patterns": ["/"], "listener_arn": "arn:x"},
            "give the listener by name (name and listener) or by listener_arn, not both",
        ),
        ({"load_balancer_name": "clb", "priority": 3}, "load_balancer.priority does not apply to a Classic"),
    ],
)
def test_bad_references_are_refused_with_the_field_path(reference, message):
    _refused(message, _service(**reference))


def test_a_blue_green_service_needs_an_application_load_balancer():
    _refused("need an Application Load Balancer", _service(strategy="BLUE_GREEN", name="tcp", listener="pg"))


def test_a_blue_green_service_names_its_test_listener():
    (resolved,) = _resolve(
        _service(
            strategy="BLUE_GREEN",
            name="internal",
            listener="https",
            priority=2,
            path_patterns=["/*"],
            test_listener="plain",
            test_priority=2,
        )
    )
    balancer = resolved["load_balancer"]
    assert balancer["test_listener"] == "plain"
    assert balancer["test_path_patterns"] == ["/*"]
    assert balancer["alternate_target_group_name"] == "shop-api-alt"
    _refused(
        "test_listener 'nope' is not a listener of internal",
        _service(
            strategy="BLUE_GREEN",
            name="internal",
            listener="https",
            priority=2,
            path_patterns=["/*"],
            test_listener="nope",
            test_priority=3,
        ),
    )


def test_two_services_on_one_network_listener_are_refused():
    _refused(
        "ecs_load_balancers[tcp].listeners[pg] is named by a and b",
        _service("a", name="tcp", listener="pg", port=5432),
        _service("b", name="tcp", listener="pg", port=5432),
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "x" * 33}, ".name 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is 33 characters"),
        ({"name": "internal-api"}, "may not start with 'internal-'"),
        ({"name": "-api"}, "may not start or end with a hyphen"),
        ({"type": "gateway"}, "ecs_load_balancers[internal].type 'gateway' is not one of application, network"),
        ({"scheme": "public"}, "ecs_load_balancers[internal].scheme 'public' is not one of"),
        ({"subnets": ["subnet-1"]}, "needs subnets in at least two Availability Zones"),
        (
            {"listeners": [{"name": "x", "protocol": "TCP", "port": 80}]},
            "ecs_load_balancers[internal].listeners[x].protocol 'TCP' does not fit a application load balancer",
        ),
        (
            {"listeners": [{"name": "x", "protocol": "HTTPS", "port": 443}]},
            "listeners[x].certificate_arns is required: an HTTPS listener needs a server certificate",
        ),
        (
            {"listeners": [{"name": "x", "protocol": "HTTP", "port": 80, "ssl_policy": "p"}]},
            "listeners[x]: certificate_arns and ssl_policy are only for HTTPS and TLS listeners",
        ),
        (
            {"listeners": [{"name": "x", "protocol": "HTTP", "port": 80, "redirect_to": "y"}]},
            "listeners[x].redirect_to 'y' is not a listener of internal",
        ),
        (
            {
                "listeners": [
                    {"name": "x", "protocol": "HTTP", "port": 80},
                    {"name": "y", "protocol": "HTTP", "port": 80},
                ]
            },
            "listeners[y].port 80 is the port of another listener",
        ),
        ({"listeners": [{"name": "x", "protocol": "HTTP", "port": 0}]}, "listeners[x].port must be a whole number"),
        ({"subnet": ["a"]}, "ecs_load_balancers[internal].subnet is not a known key"),
    ],
)
def test_bad_declarations_are_refused_with_the_field_path(change, message):
    _refused(message, _service(name="tcp", listener="pg"), balancers=[INTERNAL | change, NETWORK])


def test_a_tls_listener_on_a_network_load_balancer():
    tls = NETWORK | {
        "listeners": [
            {
                "name": "tls",
                "protocol": "TLS",
                "port": 443,
                "certificate_arns": [CERTIFICATE],
                "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            }
        ]
    }
    (resolved,) = _resolve(_service(name="tcp", listener="tls", port=8443), balancers=[tls])
    assert resolved["load_balancer"]["target_group_protocol"] == "TCP"
    declared = plan.check_load_balancers([tls])["tcp"]
    request = plan.declared_listener_request(declared["listeners"][0], declared["listeners"], None)
    assert request["Certificates"] == [{"CertificateArn": CERTIFICATE}]
    assert request["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"


def test_a_redirecting_listener_points_at_the_https_port():
    declared = plan.check_load_balancers([INTERNAL])["internal"]
    request = plan.declared_listener_request(declared["listeners"][0], declared["listeners"], None)
    assert request["DefaultActions"] == [
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
    ]
    plain = plan.declared_listener_request(declared["listeners"][2], declared["listeners"], None)
    assert plain["DefaultActions"][0]["Type"] == "fixed-response"


def test_only_declared_listener_settings_are_compared():
    https = plan.check_load_balancers([INTERNAL])["internal"]["listeners"][1]
    live = {"Protocol": "HTTPS", "Port": 443, "Certificates": [{"CertificateArn": CERTIFICATE}], "SslPolicy": "old"}
    assert plan.listener_changes(https, live) == {}, "an undeclared SSL policy is left alone"
    assert plan.listener_changes(https | {"ssl_policy": "new"}, live) == {"SslPolicy": "new"}
    other = https | {"certificate_arns": ["arn:aws:acm:eu-west-1:1:certificate/2"]}
    assert plan.listener_changes(other, live) == {"Certificates": [{"CertificateArn": other["certificate_arns"][0]}]}


def test_the_security_group_opens_the_listener_ports():
    declared = plan.check_load_balancers(
        [INTERNAL, NETWORK | {"listeners": [{"name": "both", "protocol": "TCP_UDP", "port": 53}]}]
    )
    internal = plan.security_group_ingress(declared["internal"], "10.0.0.0/16")
    assert [(rule["IpProtocol"], rule["FromPort"], rule["IpRanges"][0]["CidrIp"]) for rule in internal] == [
        ("tcp", 80, "10.0.0.0/16"),
        ("tcp", 443, "10.0.0.0/16"),
        ("tcp", 8080, "10.0.0.0/16"),
    ]
    public = plan.security_group_ingress(declared["tcp"] | {"scheme": "internet-facing"}, "10.0.0.0/16")
    assert [(rule["IpProtocol"], rule["IpRanges"][0]["CidrIp"]) for rule in public] == [
        ("tcp", "0.0.0.0/0"),
        ("udp", "0.0.0.0/0"),
    ]


def test_whose_rule_holds_a_priority():
    own = {
        "Actions": [
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {
                            "TargetGroupArn": f"{TARGET_GROUPS}/shop-api/1",
                            "Weight": 30,
                        },
                        {
                            "TargetGroupArn": f"{TARGET_GROUPS}/shop-api-alt/2",
                            "Weight": 70,
                        },
                    ]
                },
            }
        ]
    }
    assert plan.owned_by(own, ["shop-api", "shop-api-alt"])
    assert not plan.owned_by(own, ["shop-api"])
    fixed = {"Actions": [{"Type": "fixed-response"}]}
    assert not plan.owned_by(fixed, ["shop-api"])


def test_an_existing_target_group_of_another_shape_is_refused():
    request = plan.target_group_request(
        "shop-api",
        {"container_port": 80, "target_group_protocol": "HTTP", "health_check_path": "/health"},
        "awsvpc",
        "vpc-1",
    )
    group = {
        "Protocol": "HTTP",
        "Port": 80,
        "VpcId": "vpc-1",
        "TargetType": "ip",
        "HealthCheckProtocol": "HTTP",
        "HealthCheckPath": "/",
    }
    assert plan.target_group_problem(group, request) is None
    assert plan.health_check_changes(group, request) == {"HealthCheckPath": "/health"}
    assert "exists with TargetType 'instance'" in plan.target_group_problem(group | {"TargetType": "instance"}, request)


def test_two_rules_on_one_declared_listener_need_their_own_priorities():
    _refused(
        "ecs_services[b].load_balancer.priority 7 on listener plain of internal is also the priority of a rule of a",
        _service("a", name="internal", listener="plain", priority=7, path_patterns=["/a/*"]),
        _service("b", name="internal", listener="plain", priority=7, path_patterns=["/b/*"]),
    )


def test_the_deployer_policy_needs_no_listener_arn():
    """deploy, promote and iam_policy read the live service's rule ARNs, never load_balancer.listener_arn: a named
    listener gives the same policy, the rule weights read included."""
    plans = _resolve(
        _service(strategy="CANARY", name="internal", listener="https", priority=2, path_patterns=["/*"]),
        _service("pg", name="tcp", listener="pg", port=5432),
        _service("old", load_balancer_name="old-clb", network_mode="bridge"),
    )
    document = deploy_policy(plans, "eu-west-1", ACCOUNT)
    sids = [statement.get("Sid") for statement in document["Statement"]]
    assert BLUE_GREEN_READ_SID in sids
    (read,) = [statement for statement in document["Statement"] if statement.get("Sid") == BLUE_GREEN_READ_SID]
    assert read["Resource"] in ("*", ["*"])
