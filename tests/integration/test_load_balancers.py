"""Load balancers declared in ecs_load_balancers, made by the bootstrap role, and reused.

One sandbox and one environment for the module: an internal ALB for api, an internet-facing ALB whose HTTP listener
redirects to HTTPS for web (blue/green, with a test listener), and an internal NLB for a TCP service. The first
bootstrap makes them; a second one, and a check-mode one, change nothing; a reference to a load balancer that is not
declared fails before any write.
"""

from __future__ import annotations

import re

import pytest

from tests.integration.conftest import run_playbook
from tests.support.aws import client, network

WRITE_CALL = re.compile(r":(Create|Put|Register|Update|Modify|Delete|Deregister|Set|Tag|Untag|Attach|Authorize|Add)")
SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def _writes(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if WRITE_CALL.search(key)}


def _changed(output: str) -> int:
    found = re.search(r"localhost\s+:\s+ok=\d+\s+changed=(\d+)", output)
    assert found, output
    return int(found.group(1))


def _task_definition(name: str, port: int) -> dict:
    return {
        "family": f"lb-{name}",
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [
            {"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27", "portMappings": [{"containerPort": port}]}
        ],
    }


def _service(name: str, port: int, net: dict, load_balancer: dict, **service) -> dict:
    return {
        "name": name,
        "cluster": "lb",
        "task_definition": _task_definition(name, port),
        "service": {
            "launch_type": "FARGATE",
            "network_configuration": {"subnets": net["subnets"], "security_groups": [net["security_group"]]},
            **service,
        },
        "load_balancer": load_balancer,
    }


def _variables(net: dict, certificate: str) -> dict:
    return {
        "ecs_load_balancers": [
            {
                "name": "lb-internal",
                "type": "application",
                "scheme": "internal",
                "subnets": net["subnets"],
                "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}],
            },
            {
                "name": "lb-public",
                "type": "application",
                "scheme": "internet-facing",
                "subnets": net["subnets"],
                "listeners": [
                    {"name": "http", "protocol": "HTTP", "port": 80, "redirect_to": "https"},
                    {
                        "name": "https",
                        "protocol": "HTTPS",
                        "port": 443,
                        "certificate_arns": [certificate],
                        "ssl_policy": SSL_POLICY,
                    },
                    {"name": "test", "protocol": "HTTP", "port": 8080},
                ],
            },
            {
                "name": "lb-tcp",
                "type": "network",
                "scheme": "internal",
                "subnets": net["subnets"],
                "security_groups": [net["security_group"]],
                "listeners": [{"name": "pg", "protocol": "TCP", "port": 5432}],
            },
        ],
        "ecs_services": [
            _service(
                "api", 80, net, {"name": "lb-internal", "listener": "http", "priority": 10, "path_patterns": ["/api/*"]}
            ),
            _service(
                "web",
                80,
                net,
                {
                    "name": "lb-public",
                    "listener": "https",
                    "priority": 5,
                    "path_patterns": ["/*"],
                    "test_listener": "test",
                    "test_priority": 5,
                },
                deployment_configuration={"strategy": "BLUE_GREEN", "bake_time_in_minutes": 0},
            ),
            _service("pgproxy", 5432, net, {"name": "lb-tcp", "listener": "pg"}),
            # An EC2 service on an existing Classic Load Balancer: bootstrap makes nothing for it.
            {
                "name": "legacy",
                "cluster": "lb",
                "task_definition": {
                    "family": "lb-legacy",
                    "networkMode": "bridge",
                    "requiresCompatibilities": ["EC2"],
                    "containerDefinitions": [
                        {
                            "name": "app",
                            "image": "public.ecr.aws/nginx/nginx:1.27",
                            "memory": 256,
                            "portMappings": [{"containerPort": 8080, "hostPort": 0}],
                        }
                    ],
                },
                "service": {"launch_type": "EC2"},
                "load_balancer": {"load_balancer_name": "legacy-clb"},
            },
        ],
    }


@pytest.fixture(scope="module")
def environment(sandbox):
    sandbox.reset()
    sandbox.control("config", {"task_start_delay": 0.2, "task_stop_delay": 0.1})
    net = network(sandbox, "lb", octet=41)
    certificate = client(sandbox, "acm").request_certificate(DomainName="shop.example.com")["CertificateArn"]
    client(sandbox, "elb").create_load_balancer(
        LoadBalancerName="legacy-clb",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080}],
        Subnets=net["subnets"],
        Scheme="internal",
    )
    variables = _variables(net, certificate)
    sandbox.control("calls/reset", {})
    first = run_playbook(sandbox, "bootstrap_load_balancers.yml", variables)
    return {"net": net, "certificate": certificate, "variables": variables, "first": first, "writes": _writes(sandbox)}


def _listener_of(rule_arn: str) -> str:
    return rule_arn.replace(":listener-rule/", ":listener/").rsplit("/", 1)[0]


def _balancers(sandbox) -> dict:
    elbv2 = client(sandbox, "elbv2")
    found = elbv2.describe_load_balancers(Names=["lb-internal", "lb-public", "lb-tcp"])["LoadBalancers"]
    return {
        balancer["LoadBalancerName"]: {
            **balancer,
            "listeners": {
                listener["Port"]: listener
                for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
            },
        }
        for balancer in found
    }


def test_the_first_bootstrap_makes_the_declared_load_balancers(environment, sandbox):
    first = environment["first"]
    assert first.rc == 0, first.output
    balancers = _balancers(sandbox)
    assert {name: (b["Type"], b["Scheme"]) for name, b in balancers.items()} == {
        "lb-internal": ("application", "internal"),
        "lb-public": ("application", "internet-facing"),
        "lb-tcp": ("network", "internal"),
    }
    # A security group per load balancer declared without one, open on its listeners' ports.
    ec2 = client(sandbox, "ec2")
    groups = {
        group["GroupName"]: group
        for group in ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [environment["net"]["vpc_id"]]}]
        )["SecurityGroups"]
    }
    internal, public = groups["lb-internal-lb"], groups["lb-public-lb"]
    assert balancers["lb-internal"]["SecurityGroups"] == [internal["GroupId"]]
    assert [(rule["FromPort"], rule["IpRanges"][0]["CidrIp"]) for rule in internal["IpPermissions"]] == [
        (80, environment["net"]["cidr"])
    ]
    assert sorted((rule["FromPort"], rule["IpRanges"][0]["CidrIp"]) for rule in public["IpPermissions"]) == [
        (80, "0.0.0.0/0"),
        (443, "0.0.0.0/0"),
        (8080, "0.0.0.0/0"),
    ]
    assert "lb-tcp-lb" not in groups, "a load balancer that declares its security groups gets none made"

    listeners = balancers["lb-public"]["listeners"]
    assert listeners[80]["DefaultActions"][0]["Type"] == "redirect"
    assert listeners[80]["DefaultActions"][0]["RedirectConfig"]["Port"] == "443"
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[443]["SslPolicy"] == SSL_POLICY
    assert listeners[443]["Certificates"][0]["CertificateArn"] == environment["certificate"]
    assert balancers["lb-internal"]["listeners"][80]["DefaultActions"][0]["Type"] == "fixed-response"


def test_services_run_behind_their_rules_and_listeners(environment, sandbox):
    assert environment["first"].rc == 0, environment["first"].output
    elbv2, ecs = client(sandbox, "elbv2"), client(sandbox, "ecs")
    services = {
        service["serviceName"]: service
        for service in ecs.describe_services(cluster="lb", services=["api", "web", "pgproxy", "legacy"])["services"]
    }
    assert all(service["runningCount"] == 1 for service in services.values()), services
    balancers = _balancers(sandbox)

    (api,) = services["api"]["loadBalancers"]
    (rule,) = [
        rule
        for rule in elbv2.describe_rules(ListenerArn=balancers["lb-internal"]["listeners"][80]["ListenerArn"])["Rules"]
        if not rule["IsDefault"]
    ]
    assert rule["Priority"] == "10"
    assert rule["Actions"][0]["TargetGroupArn"] == api["targetGroupArn"]

    (web,) = services["web"]["loadBalancers"]
    advanced = web["advancedConfiguration"]
    (production,) = elbv2.describe_rules(RuleArns=[advanced["productionListenerRule"]])["Rules"]
    assert _listener_of(production["RuleArn"]) == balancers["lb-public"]["listeners"][443]["ListenerArn"]
    weights = {
        group["TargetGroupArn"]: group["Weight"] for group in production["Actions"][0]["ForwardConfig"]["TargetGroups"]
    }
    assert weights == {web["targetGroupArn"]: 100, advanced["alternateTargetGroupArn"]: 0}
    assert _listener_of(advanced["testListenerRule"]) == balancers["lb-public"]["listeners"][8080]["ListenerArn"]

    # The TCP service: a TCP target group with a TCP health check, and the NLB's listener forwarding to it.
    (pgproxy,) = services["pgproxy"]["loadBalancers"]
    (group,) = elbv2.describe_target_groups(TargetGroupArns=[pgproxy["targetGroupArn"]])["TargetGroups"]
    assert (group["TargetGroupName"], group["Protocol"], group["Port"], group["TargetType"]) == (
        "lb-pgproxy",
        "TCP",
        5432,
        "ip",
    )
    assert group["HealthCheckProtocol"] == "TCP"
    listener = balancers["lb-tcp"]["listeners"][5432]
    assert listener["Protocol"] == "TCP"
    (action,) = listener["DefaultActions"]
    assert (action["Type"], action["TargetGroupArn"]) == ("forward", pgproxy["targetGroupArn"])
    assert not [
        rule for rule in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"] if not rule["IsDefault"]
    ]
    assert services["legacy"]["loadBalancers"] == [
        {"loadBalancerName": "legacy-clb", "containerName": "app", "containerPort": 8080}
    ]


def test_a_second_bootstrap_and_a_check_run_change_nothing(environment, sandbox):
    assert environment["first"].rc == 0, environment["first"].output
    assert environment["writes"]["elasticloadbalancing:CreateLoadBalancer"] == 3, environment["writes"]
    sandbox.control("calls/reset", {})
    second = run_playbook(sandbox, "bootstrap_load_balancers.yml", environment["variables"])
    assert second.rc == 0, second.output
    assert _changed(second.output) == 0, second.output
    assert _writes(sandbox) == {}
    calls = sandbox.calls()
    # Reads batched: one DescribeLoadBalancers for the three names, one DescribeTargetGroups for the four groups.
    assert calls["elasticloadbalancing:DescribeLoadBalancers"] == 1, calls
    assert calls["elasticloadbalancing:DescribeTargetGroups"] == 1, calls

    check = run_playbook(sandbox, "bootstrap_load_balancers.yml", environment["variables"], args=("--check",))
    assert check.rc == 0, check.output
    assert _changed(check.output) == 0, check.output
    assert _writes(sandbox) == {}


def test_a_reference_to_an_undeclared_load_balancer_fails_before_any_write(environment, sandbox):
    variables = dict(environment["variables"])
    variables["ecs_services"] = [
        _service(
            "orders",
            80,
            environment["net"],
            {"name": "lb-privat", "listener": "http", "priority": 3, "path_patterns": ["/orders/*"]},
        )
    ]
    sandbox.control("calls/reset", {})
    run = run_playbook(sandbox, "bootstrap_load_balancers.yml", variables)
    assert run.rc != 0, run.output
    assert (
        "ecs_services[orders].load_balancer.name 'lb-privat' is not declared in ecs_load_balancers; declared: "
        "lb-internal, lb-public, lb-tcp"
    ) in run.output, run.output
    assert _writes(sandbox) == {}
