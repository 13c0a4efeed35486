# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_load_balancers: the load balancers, listeners, target groups and listener rules of every
service of a run, in one module call.

Orchestration layer. Steps:
  1. check the declared load balancers and the services' references (``load_balancer_plan``);
  2. read, batched and side by side: the declared load balancers by name and the load balancers of the listeners
     given by ARN (DescribeLoadBalancers), the target groups (DescribeTargetGroups, twenty names a call), then the
     listeners of each load balancer (DescribeListeners) and the rules of each listener a service puts a rule on
     (DescribeRules); for a load balancer to make, its subnets and VPC (DescribeSubnets, DescribeVpcs) and a
     security group an earlier run made (DescribeSecurityGroups);
  3. decide, and refuse before any write what cannot be done: a listener that does not exist, a priority another
     rule holds, a target group of another shape, a missing part when ``manage`` is false;
  4. check mode stops there and reports what it would make;
  5. write in order, each step's independent writes side by side: security groups, load balancers, declared
     listeners (created, or their declared certificate and SSL policy modified), target groups (created, or their
     health check modified), the network services' listeners, and the listener rules.
An existing load balancer's settings are left alone; undeclared listeners are kept; a blue/green service's rule,
whose weights ECS moves, is written only where no rule holds its priority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import api
from .exceptions import AnsibleECSError, ECSValidationError
from .load_balancer_plan import (
    APPLICATION,
    CLASSIC,
    NETWORK,
    SECURITY_GROUP_SUFFIX,
    check_load_balancers,
    create_load_balancer_request,
    declared_listener_request,
    forward_action,
    health_check_changes,
    listener_changes,
    owned_by,
    rule_conditions,
    rule_differs,
    security_group_ingress,
    target_group_problem,
    target_group_request,
)
from .parallel import in_parallel

PRODUCTION, TEST = "production", "test"


@dataclass
class Slot:
    """One listener rule a service needs: its production rule, or the test rule of a blue/green service."""

    service: str
    kind: str
    blue_green: bool
    priority: int
    path_patterns: list[str]
    host_headers: list[str]
    target_groups: list[str]
    # The listener: by ARN (the listener_arn form), or by load balancer and listener name.
    listener_arn: str | None = None
    balancer: str | None = None
    listener: str | None = None

    @property
    def where(self) -> str:
        return self.listener_arn or f"{self.balancer}/{self.listener}"


@dataclass
class Service:
    name: str
    balancer: dict
    blue_green: bool
    network_mode: str
    vpc_id: str | None = None
    target_group_arn: str | None = None
    alternate_target_group_arn: str | None = None
    listener_arn: str | None = None
    rule_arns: dict[str, str] = field(default_factory=dict)

    @property
    def target_group_names(self) -> list[str]:
        names = [self.balancer["target_group_name"]]
        return names + ([self.balancer["alternate_target_group_name"]] if self.blue_green else [])


@dataclass
class Live:
    """What ELBv2 and EC2 answered, and what the run made."""

    balancers: dict[str, dict] = field(default_factory=dict)  # by name
    balancers_by_arn: dict[str, dict] = field(default_factory=dict)
    listeners: dict[str, list[dict]] = field(default_factory=dict)  # by load balancer ARN
    rules: dict[str, list[dict]] = field(default_factory=dict)  # by listener ARN
    target_groups: dict[str, dict] = field(default_factory=dict)  # by name
    subnets: dict[str, dict] = field(default_factory=dict)
    vpcs: dict[str, dict] = field(default_factory=dict)
    security_groups: dict[str, dict] = field(default_factory=dict)  # by "vpc/name"


def run(client: Any, params: dict, *, check_mode: bool, diff: bool, clock: Any, **clients: Any) -> dict:
    """ecs_load_balancers: make what the declared load balancers and the services behind them lack."""
    elbv2, ec2 = clients["elbv2"], clients["ec2"]
    declared = check_load_balancers(params.get("load_balancers") or [])
    services = _services(params.get("services") or [], declared)
    manage = params.get("manage", True)
    slots = _slots(services)

    live = _read(elbv2, ec2, declared, services, slots)
    run_state = _Run(
        (elbv2, ec2), declared, services=services, slots=slots, live=live, manage=manage, check_mode=check_mode
    )
    run_state.read_declared_rules()
    run_state.check()
    if manage:
        run_state.make()
    else:
        run_state.note_existing()
    result = run_state.result()
    if diff:
        result["diff"] = {"before": "", "after": "".join(f"{action}\n" for action in run_state.actions)}
    return result


def _services(plans: list[dict], declared: dict[str, dict]) -> list[Service]:
    found = []
    for index, plan in enumerate(plans):
        balancer = plan.get("load_balancer") if isinstance(plan, dict) else None
        if not balancer or balancer.get("kind") == CLASSIC:
            continue
        name = plan.get("name")
        where = f"services[{name or index}].load_balancer"
        if "kind" not in balancer or "target_group_name" not in balancer:
            raise ECSValidationError(f"{where}: give the service plans of driftless.ecs.resolve_services")
        if balancer.get("name") and balancer["name"] not in declared:
            raise ECSValidationError(
                f"{where}.name {balancer['name']!r} is not among the load_balancers; declared: "
                f"{', '.join(sorted(declared)) or 'none'}"
            )
        network_mode = (plan.get("task_definition") or {}).get("networkMode") or plan.get("network_mode") or "bridge"
        found.append(Service(name, balancer, bool(plan.get("blue_green")), network_mode, balancer.get("vpc_id")))
    return found


def _slots(services: list[Service]) -> list[Slot]:
    slots = []
    for service in services:
        balancer = service.balancer
        if balancer["kind"] != APPLICATION:
            continue
        common = {
            "service": service.name,
            "blue_green": service.blue_green,
            "target_groups": service.target_group_names,
        }
        slots.append(
            Slot(
                kind=PRODUCTION,
                priority=int(balancer["priority"]),
                path_patterns=list(balancer.get("path_patterns") or []),
                host_headers=list(balancer.get("host_headers") or []),
                listener_arn=balancer.get("listener_arn"),
                balancer=balancer.get("name"),
                listener=balancer.get("listener"),
                **common,
            )
        )
        if service.blue_green and balancer.get("test_priority"):
            slots.append(
                Slot(
                    kind=TEST,
                    priority=int(balancer["test_priority"]),
                    path_patterns=list(balancer.get("test_path_patterns") or []),
                    host_headers=list(balancer.get("test_host_headers") or []),
                    listener_arn=balancer.get("test_listener_arn"),
                    balancer=balancer.get("name"),
                    listener=balancer.get("test_listener"),
                    **common,
                )
            )
    return slots


def _balancer_of_listener(listener_arn: str) -> str:
    """The ARN of a listener's load balancer: ``...:listener/app/NAME/ID/L`` -> ``...:loadbalancer/app/NAME/ID``."""
    return listener_arn.replace(":listener/", ":loadbalancer/", 1).rsplit("/", 1)[0]


def _read(elbv2: Any, ec2: Any, declared: dict, services: list[Service], slots: list[Slot]) -> Live:
    live = Live()
    by_arn = sorted({_balancer_of_listener(slot.listener_arn) for slot in slots if slot.listener_arn})
    group_names = sorted({name for service in services for name in service.target_group_names})
    named, addressed, groups = in_parallel(
        lambda read: read(),
        [
            lambda: api.describe_load_balancers(elbv2, names=sorted(declared)),
            lambda: api.describe_load_balancers(elbv2, arns=by_arn),
            lambda: api.describe_target_groups_by_names(elbv2, group_names),
        ],
    )
    for balancer in named + addressed:
        live.balancers_by_arn[balancer["LoadBalancerArn"]] = balancer
        if balancer["LoadBalancerName"] in declared:
            live.balancers[balancer["LoadBalancerName"]] = balancer
    live.target_groups = {group["TargetGroupName"]: group for group in groups}

    arns = sorted(live.balancers_by_arn)
    for arn, listeners in zip(arns, in_parallel(lambda arn: api.describe_listeners(elbv2, arn), arns)):
        live.listeners[arn] = listeners
    ruled = sorted({arn for slot in slots if (arn := _live_listener_arn(live, slot))})
    for arn, rules in zip(ruled, in_parallel(lambda arn: api.describe_listener_rules(elbv2, arn), ruled)):
        live.rules[arn] = rules

    missing = [declared[name] for name in sorted(declared) if name not in live.balancers]
    subnet_ids = sorted({subnet for balancer in missing for subnet in balancer["subnets"]})
    live.subnets = {subnet["SubnetId"]: subnet for subnet in api.describe_subnets(ec2, subnet_ids)}
    vpc_ids = sorted({subnet["VpcId"] for subnet in live.subnets.values()})
    without_groups = [
        balancer["name"] + SECURITY_GROUP_SUFFIX for balancer in missing if not balancer["security_groups"]
    ]
    vpcs, groups = in_parallel(
        lambda read: read(),
        [lambda: api.describe_vpcs(ec2, vpc_ids), lambda: api.security_groups_named(ec2, without_groups, vpc_ids)],
    )
    live.vpcs = {vpc["VpcId"]: vpc for vpc in vpcs}
    live.security_groups = {f"{group['VpcId']}/{group['GroupName']}": group for group in groups}
    return live


def _live_listener_arn(live: Live, slot: Slot) -> str | None:
    if slot.listener_arn:
        balancer = live.balancers_by_arn.get(_balancer_of_listener(slot.listener_arn))
        listeners = live.listeners.get(balancer["LoadBalancerArn"], []) if balancer else []
        return slot.listener_arn if any(item["ListenerArn"] == slot.listener_arn for item in listeners) else None
    return None


class _Run:
    def __init__(
        self,
        clients: tuple[Any, Any],
        declared: dict,
        *,
        services: list[Service],
        slots: list[Slot],
        live: Live,
        manage: bool,
        check_mode: bool,
    ) -> None:
        self.elbv2, self.ec2 = clients
        self.declared, self.services, self.slots, self.live = declared, services, slots, live
        self.manage, self.check_mode = manage, check_mode
        self.actions: list[str] = []
        self.warnings: list[str] = []
        self.writes = 0
        # Listener ARNs by "balancer/listener" name, for the declared listeners found or made.
        self.listener_arns: dict[str, str] = {}

    # Reading what exists -------------------------------------------------------------------------------------

    def _live_listener(self, balancer_name: str, port: int) -> dict | None:
        balancer = self.live.balancers.get(balancer_name)
        if balancer is None:
            return None
        listeners = self.live.listeners.get(balancer["LoadBalancerArn"], [])
        return next((item for item in listeners if item.get("Port") == port), None)

    def _declared_listener(self, balancer_name: str, listener_name: str) -> dict:
        return next(item for item in self.declared[balancer_name]["listeners"] if item["name"] == listener_name)

    def _vpc_of(self, balancer_name: str) -> str | None:
        balancer = self.live.balancers.get(balancer_name)
        if balancer is not None:
            return balancer.get("VpcId")
        subnets = [self.live.subnets.get(subnet) for subnet in self.declared[balancer_name]["subnets"]]
        return next((subnet["VpcId"] for subnet in subnets if subnet), None)

    # Refusals, before any write ------------------------------------------------------------------------------

    def check(self) -> None:
        for name, balancer in self.declared.items():
            found = self.live.balancers.get(name)
            if found is not None and found.get("Type") != balancer["type"]:
                raise ECSValidationError(
                    f"ecs_load_balancers[{name}].type is {balancer['type']}, and the load balancer {name} that exists "
                    f"is of type {found.get('Type')}: a load balancer's type cannot change"
                )
            if found is None and not self.manage:
                raise ECSValidationError(
                    f"ecs_load_balancers[{name}]: load balancer {name} does not exist and "
                    "bootstrap_manage_load_balancer is false: create it first, or let the role create it"
                )
            if found is None:
                missing = [subnet for subnet in balancer["subnets"] if subnet not in self.live.subnets]
                if missing:
                    raise ECSValidationError(
                        f"ecs_load_balancers[{name}].subnets: {', '.join(missing)} not found in this region (EC2 "
                        "answers a read of several subnets with nothing when one of them does not exist)"
                    )
        for service in self.services:
            self._check_service(service)
        for slot in self.slots:
            self._check_slot(slot)

    def _check_service(self, service: Service) -> None:
        balancer = service.balancer
        if balancer.get("name"):
            vpc = self._vpc_of(balancer["name"])
            if service.vpc_id and vpc and service.vpc_id != vpc:
                raise ECSValidationError(
                    f"ecs_services[{service.name}].load_balancer.vpc_id {service.vpc_id} is not the VPC of load "
                    f"balancer {balancer['name']} ({vpc}); leave vpc_id out to use the load balancer's"
                )
            service.vpc_id = service.vpc_id or vpc
        names = service.target_group_names
        for label, name in zip(("target group", "alternate target group"), names):
            group = self.live.target_groups.get(name)
            if group is None:
                continue
            problem = target_group_problem(group, self._target_group_request(service, name))
            if problem:
                raise ECSValidationError(f"Service {service.name}: {label} {name} {problem}")
        if not self.manage and any(name not in self.live.target_groups for name in names):
            alternate = f" or its alternate {names[1]}" if len(names) > 1 else ""
            raise ECSValidationError(
                f"Service {service.name}: target group {names[0]}{alternate} does not exist and "
                "bootstrap_manage_load_balancer is false: create it first, or let the role create it."
            )
        if balancer["kind"] == NETWORK:
            live = self._live_listener(balancer["name"], balancer["listener_port"])
            if live is not None and not owned_by({"Actions": live.get("DefaultActions") or []}, names):
                raise ECSValidationError(
                    f"Service {service.name}: listener {balancer['listener']} (port {balancer['listener_port']}) of "
                    f"{balancer['name']} forwards elsewhere, not to {names[0]}: it belongs to someone else"
                )
            if live is None and not self.manage:
                raise ECSValidationError(
                    f"Service {service.name}: listener {balancer['listener']} of {balancer['name']} does not exist and "
                    "bootstrap_manage_load_balancer is false: create it first, or let the role create it."
                )

    def _check_slot(self, slot: Slot) -> None:
        label = "test listener" if slot.kind == TEST else "listener"
        if slot.listener_arn:
            if _live_listener_arn(self.live, slot) is None:
                raise ECSValidationError(
                    f"Service {slot.service}: {label} {slot.listener_arn} does not exist. The role adds a rule to an "
                    "existing listener; it does not create load balancers or listeners."
                )
            rules = self.live.rules.get(slot.listener_arn, [])
        else:
            declared = self._declared_listener(slot.balancer, slot.listener)
            live = self._live_listener(slot.balancer, declared["port"])
            if live is None and not self.manage:
                raise ECSValidationError(
                    f"Service {slot.service}: {label} {slot.listener} of {slot.balancer} does not exist and "
                    "bootstrap_manage_load_balancer is false: create it first, or let the role create it."
                )
            rules = self._rules_of(live)
        # A rule that forwards elsewhere at the declared priority belongs to someone else: never overwrite it.
        for rule in rules:
            if rule.get("Priority") == str(slot.priority) and not owned_by(rule, slot.target_groups):
                option = "test_priority" if slot.kind == TEST else "priority"
                raise ECSValidationError(
                    f"Service {slot.service}: priority {slot.priority} on listener {slot.where} is taken by a rule "
                    f"that does not forward only to {' and '.join(slot.target_groups)}. Choose a free "
                    f"load_balancer.{option}."
                )

    def _rules_of(self, live_listener: dict | None) -> list[dict]:
        """The rules of a declared listener that exists, as ``read_declared_rules`` read them."""
        if live_listener is None:
            return []
        arn = live_listener["ListenerArn"]
        if arn not in self.live.rules:
            self.live.rules[arn] = api.describe_listener_rules(self.elbv2, arn)
        return self.live.rules[arn]

    # Writing, in order ---------------------------------------------------------------------------------------

    def _act(self, done: str, planned: str) -> bool:
        """Note an action; True when it is to be performed (not check mode)."""
        self.actions.append(planned if self.check_mode else done)
        if not self.check_mode:
            self.writes += 1
        return not self.check_mode

    def make(self) -> None:
        groups = self._make_security_groups()
        self._make_balancers(groups)
        self._make_declared_listeners()
        self._make_target_groups()
        self._make_network_listeners()
        self._make_rules()

    def note_existing(self) -> None:
        """bootstrap_manage_load_balancer false: only what exists is reported."""
        for name in self.declared:
            self._note_listeners(name)
        for service in self.services:
            self._note_target_groups(service)
            if service.balancer["kind"] == NETWORK:
                live = self._live_listener(service.balancer["name"], service.balancer["listener_port"])
                service.listener_arn = live["ListenerArn"] if live else None
        for slot in self.slots:
            arn = self._slot_listener_arn(slot)
            rule = self._rule_at(arn, slot.priority)
            if rule is not None:
                self._service(slot.service).rule_arns[slot.kind] = rule["RuleArn"]
        self._check_blue_green_rules()

    def read_declared_rules(self) -> None:
        """The rules of the declared listeners services put rules on, side by side."""
        wanted = []
        for slot in self.slots:
            if slot.listener_arn:
                continue
            live = self._live_listener(slot.balancer, self._declared_listener(slot.balancer, slot.listener)["port"])
            if live is not None and live["ListenerArn"] not in self.live.rules:
                wanted.append(live["ListenerArn"])
        wanted = sorted(set(wanted))
        for arn, rules in zip(wanted, in_parallel(lambda arn: api.describe_listener_rules(self.elbv2, arn), wanted)):
            self.live.rules[arn] = rules

    def _make_security_groups(self) -> dict[str, list[str]]:
        """Load balancer name -> the security groups it is made with: the declared ones, or one made here."""
        chosen: dict[str, list[str]] = {}
        to_make = []
        for name, balancer in self.declared.items():
            if name in self.live.balancers:
                continue
            if balancer["security_groups"]:
                chosen[name] = balancer["security_groups"]
                continue
            vpc = self._vpc_of(name) or ""
            group_name = name + SECURITY_GROUP_SUFFIX
            existing = self.live.security_groups.get(f"{vpc}/{group_name}")
            if existing is not None:
                chosen[name] = [existing["GroupId"]]
                continue
            ports = ", ".join(str(listener["port"]) for listener in balancer["listeners"])
            if self._act(
                f"created security group {group_name} in {vpc}, open on port(s) {ports}",
                f"would create security group {group_name} in {vpc}, open on port(s) {ports}",
            ):
                to_make.append((name, group_name, vpc))
            else:
                chosen[name] = []

        def make(entry: tuple[str, str, str]) -> tuple[str, str]:
            name, group_name, vpc = entry
            group_id = api.create_security_group(self.ec2, group_name, f"load balancer {name} (driftless.ecs)", vpc)
            cidr = (self.live.vpcs.get(vpc) or {}).get("CidrBlock") or "0.0.0.0/0"
            api.authorize_ingress(self.ec2, group_id, security_group_ingress(self.declared[name], cidr))
            return name, group_id

        for name, group_id in in_parallel(make, to_make):
            chosen[name] = [group_id]
        return chosen

    def _make_balancers(self, groups: dict[str, list[str]]) -> None:
        to_make = []
        for name, balancer in self.declared.items():
            if name in self.live.balancers:
                continue
            description = f"{balancer['scheme']} {balancer['type']} load balancer {name}"
            if self._act(f"created {description}", f"would create {description}"):
                to_make.append(create_load_balancer_request(balancer, groups.get(name, [])))
        for made in in_parallel(lambda request: api.create_load_balancer(self.elbv2, request), to_make):
            self.live.balancers[made["LoadBalancerName"]] = made
            self.live.balancers_by_arn[made["LoadBalancerArn"]] = made
            self.live.listeners[made["LoadBalancerArn"]] = []

    def _make_declared_listeners(self) -> None:
        """Create the missing listeners of the declared load balancers (but the network ones, which forward to a
        service's target group), and modify the declared settings that differ."""
        network_services = {
            (service.balancer["name"], service.balancer["listener"])
            for service in self.services
            if service.balancer["kind"] == NETWORK
        }
        creates, modifies = [], []
        for name, balancer in self.declared.items():
            for listener in balancer["listeners"]:
                live = self._live_listener(name, listener["port"])
                label = f"{listener['protocol']} listener {listener['name']} (port {listener['port']}) of {name}"
                if live is not None:
                    self.listener_arns[f"{name}/{listener['name']}"] = live["ListenerArn"]
                    changes = listener_changes(listener, live)
                    if changes and self._act(
                        f"modified {', '.join(sorted(changes))} of {label}",
                        f"would modify {', '.join(sorted(changes))} of {label}",
                    ):
                        modifies.append((name, listener, {"ListenerArn": live["ListenerArn"], **changes}))
                    continue
                if (name, listener["name"]) in network_services:
                    continue
                if balancer["type"] == NETWORK:
                    # A network listener forwards to one service's target group: without a service, nothing to send.
                    self.warnings.append(
                        f"{label} is not made: no service names it, and a network listener forwards to a service's "
                        "target group"
                    )
                    continue
                if self._act(f"created {label}", f"would create {label}"):
                    creates.append((name, listener))

        def create(entry: tuple[str, dict]) -> None:
            name, listener = entry
            balancer = self.live.balancers[name]
            request = declared_listener_request(listener, self.declared[name]["listeners"], None)
            made = api.create_listener(self.elbv2, {"LoadBalancerArn": balancer["LoadBalancerArn"], **request})
            if len(listener["certificate_arns"]) > 1:
                api.add_listener_certificates(self.elbv2, made["ListenerArn"], listener["certificate_arns"][1:])
            self.listener_arns[f"{name}/{listener['name']}"] = made["ListenerArn"]
            self.live.rules[made["ListenerArn"]] = []

        in_parallel(create, creates)
        in_parallel(lambda entry: api.modify_listener(self.elbv2, entry[2]), modifies)

    def _target_group_request(self, service: Service, name: str) -> dict:
        return target_group_request(name, service.balancer, service.network_mode, service.vpc_id or "")

    def _make_target_groups(self) -> None:
        creates, modifies = [], []
        for service in self.services:
            for index, name in enumerate(service.target_group_names):
                request = self._target_group_request(service, name)
                group = self.live.target_groups.get(name)
                check = request.get("HealthCheckPath") or request["HealthCheckProtocol"]
                label = (
                    f"target group {name} ({request['Protocol']}, port {request['Port']}, health check {check}) in "
                    f"{request['VpcId'] or 'the VPC of ' + str(service.balancer.get('name'))}"
                    + (f", the alternate target group of {service.name}" if index else "")
                )
                if group is None:
                    if self._act(f"created {label}", f"would create {label}"):
                        creates.append(request)
                    continue
                changes = health_check_changes(group, request)
                if changes and self._act(
                    f"modified the health check of {label}", f"would modify the health check of {label}"
                ):
                    modifies.append((group["TargetGroupArn"], changes))
        for made in in_parallel(lambda request: api.create_target_group(self.elbv2, request), creates):
            self.live.target_groups[made["TargetGroupName"]] = made
        in_parallel(lambda entry: api.modify_target_group(self.elbv2, *entry), modifies)
        for service in self.services:
            self._note_target_groups(service)

    def _note_target_groups(self, service: Service) -> None:
        names = service.target_group_names
        service.target_group_arn = (self.live.target_groups.get(names[0]) or {}).get("TargetGroupArn")
        if service.blue_green:
            service.alternate_target_group_arn = (self.live.target_groups.get(names[1]) or {}).get("TargetGroupArn")

    def _make_network_listeners(self) -> None:
        creates = []
        for service in self.services:
            balancer = service.balancer
            if balancer["kind"] != NETWORK:
                continue
            live = self._live_listener(balancer["name"], balancer["listener_port"])
            if live is not None:
                service.listener_arn = live["ListenerArn"]
                continue
            label = (
                f"{balancer['listener_protocol']} listener {balancer['listener']} (port {balancer['listener_port']}) "
                f"of {balancer['name']}, forwarding to {balancer['target_group_name']}"
            )
            if self._act(f"created {label}", f"would create {label}"):
                creates.append(service)

        def create(service: Service) -> None:
            name, listener_name = service.balancer["name"], service.balancer["listener"]
            listener = self._declared_listener(name, listener_name)
            request = declared_listener_request(
                listener, self.declared[name]["listeners"], forward_action(service.target_group_arn)
            )
            made = api.create_listener(
                self.elbv2, {"LoadBalancerArn": self.live.balancers[name]["LoadBalancerArn"], **request}
            )
            if len(listener["certificate_arns"]) > 1:
                api.add_listener_certificates(self.elbv2, made["ListenerArn"], listener["certificate_arns"][1:])
            service.listener_arn = made["ListenerArn"]
            self.listener_arns[f"{name}/{listener_name}"] = made["ListenerArn"]

        in_parallel(create, creates)

    def _slot_listener_arn(self, slot: Slot) -> str | None:
        if slot.listener_arn:
            return slot.listener_arn
        known = self.listener_arns.get(f"{slot.balancer}/{slot.listener}")
        if known:
            return known
        live = self._live_listener(slot.balancer, self._declared_listener(slot.balancer, slot.listener)["port"])
        return live["ListenerArn"] if live else None

    def _rule_at(self, listener_arn: str | None, priority: int) -> dict | None:
        rules = self.live.rules.get(listener_arn, []) if listener_arn else []
        return next((rule for rule in rules if rule.get("Priority") == str(priority)), None)

    def _service(self, name: str) -> Service:
        return next(service for service in self.services if service.name == name)

    def _make_rules(self) -> None:
        creates, modifies = [], []
        for slot in self.slots:
            service = self._service(slot.service)
            listener_arn = self._slot_listener_arn(slot)
            conditions = rule_conditions(slot.path_patterns, slot.host_headers)
            rule = self._rule_at(listener_arn, slot.priority)
            groups = " (weight 100) and ".join(slot.target_groups) + (" (weight 0)" if slot.blue_green else "")
            label = f"rule at priority {slot.priority} on {slot.where} forwarding to {groups}"
            if rule is not None:
                service.rule_arns[slot.kind] = rule["RuleArn"]
                # ECS moves the weights of a blue/green service's rules: such a rule is never put back.
                if slot.blue_green or service.target_group_arn is None:
                    continue
                if rule_differs(rule, conditions, service.target_group_arn) and self._act(
                    f"modified the {label}", f"would modify the {label}"
                ):
                    modifies.append(
                        {
                            "RuleArn": rule["RuleArn"],
                            "Conditions": conditions,
                            "Actions": forward_action(service.target_group_arn),
                        }
                    )
                continue
            if not self._act(f"added a {label}", f"would add a {label}"):
                continue
            actions = forward_action(
                service.target_group_arn, service.alternate_target_group_arn if slot.blue_green else None
            )
            creates.append(
                (
                    slot,
                    {
                        "ListenerArn": listener_arn,
                        "Priority": slot.priority,
                        "Conditions": conditions,
                        "Actions": actions,
                    },
                )
            )
        for (slot, _request), made in zip(
            creates, in_parallel(lambda entry: api.create_rule(self.elbv2, entry[1]), creates)
        ):
            self._service(slot.service).rule_arns[slot.kind] = made["RuleArn"]
        in_parallel(lambda request: api.modify_rule(self.elbv2, request), modifies)

    def _check_blue_green_rules(self) -> None:
        if self.check_mode:
            return
        for service in self.services:
            if service.blue_green and PRODUCTION not in service.rule_arns:
                balancer = service.balancer
                raise AnsibleECSError(
                    f"Service {service.name}: no rule at priority {balancer['priority']} on listener "
                    f"{balancer.get('listener_arn') or balancer.get('name') + '/' + str(balancer.get('listener'))} "
                    f"forwards to its target groups, and ECS needs that rule to shift traffic. Create it (forwarding "
                    f"to {balancer['target_group_name']} and {balancer['alternate_target_group_name']}), or set "
                    "bootstrap_manage_load_balancer to true.",
                    **self.result(),
                )

    # The answer ----------------------------------------------------------------------------------------------

    def result(self) -> dict:
        balancers = {}
        for name in self.declared:
            self._note_listeners(name)
            found = self.live.balancers.get(name)
            balancers[name] = {
                "arn": (found or {}).get("LoadBalancerArn"),
                "dns_name": (found or {}).get("DNSName"),
                "vpc_id": self._vpc_of(name),
                "security_groups": (found or {}).get("SecurityGroups") or [],
                "listeners": {
                    listener["name"]: self.listener_arns.get(f"{name}/{listener['name']}")
                    for listener in self.declared[name]["listeners"]
                },
            }
        services = {
            service.name: {
                "target_group_arn": service.target_group_arn,
                "alternate_target_group_arn": service.alternate_target_group_arn,
                "listener_arn": service.listener_arn or self._production_listener(service),
                "rule_arns": dict(service.rule_arns),
            }
            for service in self.services
        }
        return {
            "changed": self.writes > 0 or (self.check_mode and bool(self.actions)),
            "actions": list(self.actions),
            "load_balancers": balancers,
            "services": services,
            "target_group_arns": {
                name: item["target_group_arn"] for name, item in services.items() if item["target_group_arn"]
            },
            "alternate_target_group_arns": {
                name: item["alternate_target_group_arn"]
                for name, item in services.items()
                if item["alternate_target_group_arn"]
            },
            "rule_arns": {name: item["rule_arns"] for name, item in services.items() if item["rule_arns"]},
            "warnings": list(self.warnings),
        }

    def _note_listeners(self, name: str) -> None:
        for listener in self.declared[name]["listeners"]:
            key = f"{name}/{listener['name']}"
            if key not in self.listener_arns:
                live = self._live_listener(name, listener["port"])
                if live is not None:
                    self.listener_arns[key] = live["ListenerArn"]

    def _production_listener(self, service: Service) -> str | None:
        slot = next((slot for slot in self.slots if slot.service == service.name and slot.kind == PRODUCTION), None)
        return self._slot_listener_arn(slot) if slot else None
