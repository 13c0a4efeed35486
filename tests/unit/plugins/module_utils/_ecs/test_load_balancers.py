"""ecs_load_balancers' run over a fake ELBv2 and EC2 (the api functions replaced), in ELBv2's own response shapes:
what it writes, what it refuses before any write, and what check mode reports."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError, ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.load_balancers import run

ACCOUNT = "123456789012"
PREFIX = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}"
CERTIFICATE = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/one"
DECLARED = [
    {
        "name": "internal",
        "subnets": ["subnet-a", "subnet-b"],
        "listeners": [
            {"name": "http", "protocol": "HTTP", "port": 80},
            {"name": "https", "protocol": "HTTPS", "port": 443, "certificate_arns": [CERTIFICATE]},
        ],
    }
]


class FakeElb:
    """ELBv2 and EC2 as the api functions see them; every write is recorded."""

    def __init__(self) -> None:
        self.balancers: dict[str, dict] = {}
        self.listeners: dict[str, list[dict]] = {}
        self.rules: dict[str, list[dict]] = {}
        self.groups: dict[str, dict] = {}
        self.writes: list[str] = []
        self.count = 0

    def _arn(self, kind: str, name: str) -> str:
        self.count += 1
        return f"{PREFIX}:{kind}/{name}/{self.count:016x}"

    def install(self, monkeypatch) -> None:
        for name in (
            "describe_load_balancers",
            "describe_target_groups_by_names",
            "describe_listeners",
            "describe_listener_rules",
            "describe_subnets",
            "describe_vpcs",
            "security_groups_named",
            "create_security_group",
            "authorize_ingress",
            "create_load_balancer",
            "create_listener",
            "modify_listener",
            "add_listener_certificates",
            "create_target_group",
            "modify_target_group",
            "create_rule",
            "modify_rule",
        ):
            monkeypatch.setattr(api, name, getattr(self, name))

    # reads
    def describe_load_balancers(self, elbv2, names=None, arns=None):
        return [
            b
            for b in self.balancers.values()
            if b["LoadBalancerName"] in (names or []) or b["LoadBalancerArn"] in (arns or [])
        ]

    def describe_target_groups_by_names(self, elbv2, names):
        return [self.groups[name] for name in names if name in self.groups]

    def describe_listeners(self, elbv2, arn):
        return copy.deepcopy(self.listeners.get(arn, []))

    def describe_listener_rules(self, elbv2, arn):
        return copy.deepcopy(self.rules.get(arn, []))

    def describe_subnets(self, ec2, ids):
        if any(subnet.startswith("subnet-gone") for subnet in ids):
            return []
        return [{"SubnetId": subnet, "VpcId": "vpc-1"} for subnet in ids]

    def describe_vpcs(self, ec2, ids):
        return [{"VpcId": vpc, "CidrBlock": "10.0.0.0/16"} for vpc in ids]

    def security_groups_named(self, ec2, names, vpcs):
        return []

    # writes
    def create_security_group(self, ec2, name, description, vpc):
        self.writes.append(f"CreateSecurityGroup {name}")
        return "sg-made"

    def authorize_ingress(self, ec2, group, permissions):
        self.writes.append(f"AuthorizeSecurityGroupIngress {group} {[p['FromPort'] for p in permissions]}")

    def create_load_balancer(self, elbv2, request):
        self.writes.append(f"CreateLoadBalancer {request['Name']} {request.get('SecurityGroups')}")
        arn = self._arn("loadbalancer/app", request["Name"])
        made = {"LoadBalancerArn": arn, "LoadBalancerName": request["Name"], "Type": request["Type"], "VpcId": "vpc-1"}
        self.balancers[arn] = made
        return made

    def create_listener(self, elbv2, request):
        self.writes.append(f"CreateListener {request['Protocol']} {request['Port']}")
        balancer = self.balancers[request["LoadBalancerArn"]]
        arn = self._arn("listener/app", balancer["LoadBalancerName"])
        made = {**request, "ListenerArn": arn}
        self.listeners.setdefault(request["LoadBalancerArn"], []).append(made)
        return made

    def modify_listener(self, elbv2, request):
        self.writes.append(f"ModifyListener {sorted(request)}")
        return request

    def add_listener_certificates(self, elbv2, arn, certificates):
        self.writes.append("AddListenerCertificates")

    def create_target_group(self, elbv2, request):
        self.writes.append(
            f"CreateTargetGroup {request['Name']} {request['Protocol']} {request['HealthCheckProtocol']}"
        )
        made = {
            **request,
            "TargetGroupName": request["Name"],
            "TargetGroupArn": self._arn("targetgroup", request["Name"]),
        }
        self.groups[request["Name"]] = made
        return made

    def modify_target_group(self, elbv2, arn, changes):
        self.writes.append(f"ModifyTargetGroup {changes}")

    def create_rule(self, elbv2, request):
        self.writes.append(f"CreateRule {request['Priority']}")
        made = {**request, "RuleArn": self._arn("listener-rule/app", "r"), "Priority": str(request["Priority"])}
        self.rules.setdefault(request["ListenerArn"], []).append(made)
        return made

    def modify_rule(self, elbv2, request):
        self.writes.append("ModifyRule")
        return request


@pytest.fixture
def elb(monkeypatch) -> FakeElb:
    fake = FakeElb()
    fake.install(monkeypatch)
    return fake


def _plans(*references, strategy=None) -> list[dict]:
    services = []
    for index, reference in enumerate(references):
        service = {"deployment_configuration": {"strategy": strategy}} if strategy else {}
        services.append(
            {
                "name": f"s{index}",
                "cluster": "c",
                "task_definition": {
                    "networkMode": "awsvpc",
                    "containerDefinitions": [{"name": "app", "image": "x", "portMappings": [{"containerPort": 80}]}],
                },
                "service": service,
                "load_balancer": reference,
            }
        )
    return resolve_services(services, ACCOUNT, load_balancers=copy.deepcopy(DECLARED))


def _run(plans, *, manage=True, check_mode=False):
    params = {"load_balancers": copy.deepcopy(DECLARED), "services": plans, "manage": manage}
    return run(None, params, check_mode=check_mode, diff=False, clock=None, elbv2=object(), ec2=object())


API = {"name": "internal", "listener": "http", "priority": 5, "path_patterns": ["/api/*"]}


def test_a_new_environment_is_made_in_order_and_a_second_run_writes_nothing(elb):
    first = _run(_plans(API))
    assert elb.writes == [
        "CreateSecurityGroup internal-lb",
        "AuthorizeSecurityGroupIngress sg-made [80, 443]",
        "CreateLoadBalancer internal ['sg-made']",
        "CreateListener HTTP 80",
        "CreateListener HTTPS 443",
        "CreateTargetGroup c-s0 HTTP HTTP",
        "CreateRule 5",
    ]
    assert first["changed"] is True
    assert set(first["target_group_arns"]) == {"s0"}
    assert first["load_balancers"]["internal"]["listeners"]["http"].startswith(f"{PREFIX}:listener/")

    elb.writes.clear()
    second = _run(_plans(API))
    assert elb.writes == []
    assert second["changed"] is False
    assert second["target_group_arns"] == first["target_group_arns"]
    assert second["rule_arns"] == first["rule_arns"]


def test_check_mode_reports_and_writes_nothing(elb):
    result = _run(_plans(API), check_mode=True)
    assert elb.writes == []
    assert result["changed"] is True
    assert result["actions"][0] == "would create security group internal-lb in vpc-1, open on port(s) 80, 443"
    assert "would add a rule at priority 5 on internal/http forwarding to c-s0" in result["actions"]
    assert result["target_group_arns"] == {}


def test_a_priority_held_by_another_rule_is_refused_before_any_write(elb):
    _run(_plans(API))
    listener = elb.load_listener = next(
        item for items in elb.listeners.values() for item in items if item["Port"] == 80
    )
    elb.rules[listener["ListenerArn"]] = [
        {
            "RuleArn": "r",
            "Priority": "5",
            "Actions": [{"Type": "forward", "TargetGroupArn": f"{PREFIX}:targetgroup/other/1"}],
        }
    ]
    elb.writes.clear()
    with pytest.raises(
        ECSValidationError, match=r"Service s0: priority 5 on listener internal/http is taken by a rule"
    ):
        _run(_plans(API))
    assert elb.writes == []


def test_a_declared_certificate_or_policy_that_differs_is_modified(elb):
    _run(_plans(API))
    https = next(item for items in elb.listeners.values() for item in items if item["Port"] == 443)
    https["Certificates"] = [{"CertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/old"}]
    elb.writes.clear()
    result = _run(_plans(API))
    assert elb.writes == ["ModifyListener ['Certificates', 'ListenerArn']"]
    assert result["actions"] == ["modified Certificates of HTTPS listener https (port 443) of internal"]


def test_without_manage_missing_parts_are_refused_and_nothing_is_written(elb):
    with pytest.raises(
        ECSValidationError, match="load balancer internal does not exist and bootstrap_manage_load_balancer"
    ):
        _run(_plans(API), manage=False)
    _run(_plans(API))
    del elb.groups["c-s0"]
    elb.writes.clear()
    with pytest.raises(ECSValidationError, match="Service s0: target group c-s0 does not exist"):
        _run(_plans(API), manage=False)
    assert elb.writes == []


def test_a_blue_green_service_without_its_rule_fails_when_not_managed(elb):
    _run(_plans(API, strategy="BLUE_GREEN"))
    for rules in elb.rules.values():
        rules.clear()
    with pytest.raises(AnsibleECSError, match="ECS needs that rule to shift traffic"):
        _run(_plans(API, strategy="BLUE_GREEN"), manage=False)


def test_a_blue_green_rule_is_weighted_and_never_rewritten(elb):
    _run(_plans(API, strategy="BLUE_GREEN"))
    (rule,) = [rule for rules in elb.rules.values() for rule in rules]
    weights = [group["Weight"] for group in rule["Actions"][0]["ForwardConfig"]["TargetGroups"]]
    assert weights == [100, 0]
    rule["Actions"][0]["ForwardConfig"]["TargetGroups"][0]["Weight"] = 30
    rule["Conditions"] = []
    elb.writes.clear()
    result = _run(_plans(API, strategy="BLUE_GREEN"))
    assert elb.writes == []
    assert result["rule_arns"] == {"s0": {"production": rule["RuleArn"]}}


def test_a_subnet_that_does_not_exist_is_named_before_any_write(elb, monkeypatch):
    monkeypatch.setitem(DECLARED[0], "subnets", ["subnet-a", "subnet-gone"])
    with pytest.raises(
        ECSValidationError, match=r"ecs_load_balancers\[internal\].subnets: subnet-a, subnet-gone not found"
    ):
        _run(_plans(API))
    assert elb.writes == []
