# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the ``ecs_load_balancers`` declaration, a service's reference to one, and what ecs_load_balancers must do.

Knowledge layer. Three parts:

- ``check_load_balancers``: the declared load balancers and their listeners, checked the way ELBv2 would check them
  (names, protocols per type, certificates), so that bad input fails before anything is read or written;
- ``resolve_reference``: a service's ``load_balancer`` block in any of its three forms (a listener ARN, a declared
  load balancer and listener by name, a Classic Load Balancer by name) completed into the plan the roles share;
- the decisions of the ``ecs_load_balancers`` module over what ELBv2 answered: the requests that make what is
  missing, the listener settings that differ, whose rule holds a priority.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .exceptions import ECSValidationError
from .vocabulary import MAX_TARGET_GROUP_NAME

# ELBv2: at most 32 letters, digits and hyphens, not starting or ending with a hyphen, not starting with "internal-".
MAX_LOAD_BALANCER_NAME = MAX_TARGET_GROUP_NAME
LOAD_BALANCER_NAME_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
LISTENER_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

APPLICATION, NETWORK, CLASSIC = "application", "network", "classic"
LOAD_BALANCER_TYPES = (APPLICATION, NETWORK)
SCHEMES = ("internal", "internet-facing")
LISTENER_PROTOCOLS = {APPLICATION: ("HTTP", "HTTPS"), NETWORK: ("TCP", "TLS", "UDP", "TCP_UDP")}
SECURE_PROTOCOLS = ("HTTPS", "TLS")
# The protocol of a network service's target group, by its listener's: TLS ends at the load balancer.
NETWORK_TARGET_PROTOCOLS = {"TCP": "TCP", "TLS": "TCP", "UDP": "UDP", "TCP_UDP": "TCP_UDP"}
# The protocols a security group rule must open for a listener.
INGRESS_PROTOCOLS = {"HTTP": ("tcp",), "HTTPS": ("tcp",), "TCP": ("tcp",), "TLS": ("tcp",), "UDP": ("udp",)}
INGRESS_PROTOCOLS["TCP_UDP"] = ("tcp", "udp")

DECLARATION_KEYS = ("name", "type", "scheme", "subnets", "security_groups", "listeners", "tags")
LISTENER_KEYS = ("name", "protocol", "port", "certificate_arns", "ssl_policy", "redirect_to")
# A service's load_balancer block, by form (declarations.LOAD_BALANCER_KEYS holds their union).
NAMED_KEYS = ("name", "listener", "test_listener")
CLASSIC_KEYS = ("load_balancer_name", "container_name", "container_port")
RULE_KEYS = ("priority", "path_patterns", "host_headers")
# What a declared HTTP listener answers when no rule matches: the services' rules route everything else.
DEFAULT_FIXED_RESPONSE = {
    "Type": "fixed-response",
    "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain", "MessageBody": "no such service"},
}
# The suffix of the security group bootstrap makes for a load balancer declared without one.
SECURITY_GROUP_SUFFIX = "-lb"


def _fail(message: str) -> None:
    raise ECSValidationError(message)


def _name_problem(name: Any) -> str | None:
    if not isinstance(name, str) or not name:
        return "is required"
    if len(name) > MAX_LOAD_BALANCER_NAME:
        return f"{name!r} is {len(name)} characters; AWS allows {MAX_LOAD_BALANCER_NAME}"
    if not LOAD_BALANCER_NAME_PATTERN.match(name):
        return f"{name!r} may hold only letters, digits and hyphens, and may not start or end with a hyphen"
    if name.lower().startswith("internal-"):
        return f"{name!r} may not start with 'internal-' (AWS keeps that prefix for the DNS names of internal ones)"
    return None


def _string_list(value: Any, where: str, *, required: bool) -> list[str]:
    if value is None or value == []:
        if required:
            _fail(f"{where} is required: a list of at least one ID")
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        _fail(f"{where} must be a list of strings, got {value!r}")
    return list(value)


def check_load_balancers(declared: Any) -> dict[str, dict]:
    """The ``ecs_load_balancers`` list as name -> checked declaration (defaults filled in).

    Raises:
        ECSValidationError: naming the field by its path, ``ecs_load_balancers[internal].listeners[https]...``.
    """
    if declared is None:
        return {}
    if not isinstance(declared, list):
        _fail("ecs_load_balancers must be a list of load balancer declarations")
    checked: dict[str, dict] = {}
    for index, item in enumerate(declared):
        balancer = _check_one(item, index)
        if balancer["name"] in checked:
            _fail(f"ecs_load_balancers declares {balancer['name']} more than once")
        checked[balancer["name"]] = balancer
    return checked


def _check_one(item: Any, index: int) -> dict:
    if not isinstance(item, dict):
        _fail(f"ecs_load_balancers[{index}] must be a mapping")
    name = item.get("name")
    where = f"ecs_load_balancers[{name}]" if isinstance(name, str) and name else f"ecs_load_balancers[{index}]"
    _known(item, DECLARATION_KEYS, where)
    problem = _name_problem(name)
    if problem:
        _fail(f"{where}.name {problem}")
    kind = item.get("type") or APPLICATION
    if kind not in LOAD_BALANCER_TYPES:
        _fail(f"{where}.type {kind!r} is not one of {', '.join(LOAD_BALANCER_TYPES)}")
    scheme = item.get("scheme") or "internal"
    if scheme not in SCHEMES:
        _fail(f"{where}.scheme {scheme!r} is not one of {', '.join(SCHEMES)}")
    subnets = _string_list(item.get("subnets"), f"{where}.subnets", required=True)
    if kind == APPLICATION and len(subnets) < 2:
        _fail(f"{where}.subnets: an Application Load Balancer needs subnets in at least two Availability Zones")
    groups = _string_list(item.get("security_groups"), f"{where}.security_groups", required=False)
    tags = item.get("tags") or {}
    if not isinstance(tags, dict):
        _fail(f"{where}.tags must be a mapping of tag names to values")
    listeners = item.get("listeners") or []
    if not isinstance(listeners, list) or not listeners:
        _fail(f"{where}.listeners must list at least one listener")
    checked_listeners = [_check_listener(listener, i, where, kind) for i, listener in enumerate(listeners)]
    seen_names: set[str] = set()
    seen_ports: set[int] = set()
    for listener in checked_listeners:
        at = f"{where}.listeners[{listener['name']}]"
        if listener["name"] in seen_names:
            _fail(f"{at}: the name {listener['name']!r} is given to two listeners")
        if listener["port"] in seen_ports:
            _fail(f"{at}.port {listener['port']} is the port of another listener of {name}")
        seen_names.add(listener["name"])
        seen_ports.add(listener["port"])
    by_name = {listener["name"]: listener for listener in checked_listeners}
    for listener in checked_listeners:
        target = listener["redirect_to"]
        if target is None:
            continue
        at = f"{where}.listeners[{listener['name']}].redirect_to"
        if target not in by_name:
            _fail(f"{at} {target!r} is not a listener of {name}; its listeners: {', '.join(sorted(by_name))}")
        if by_name[target]["protocol"] != "HTTPS" or by_name[target]["redirect_to"]:
            _fail(f"{at} {target!r} must name an HTTPS listener that does not redirect itself")
    return {
        "name": name,
        "type": kind,
        "scheme": scheme,
        "subnets": subnets,
        "security_groups": groups,
        "tags": {str(key): str(value) for key, value in tags.items()},
        "listeners": checked_listeners,
    }


def _check_listener(listener: Any, index: int, where: str, kind: str) -> dict:
    if not isinstance(listener, dict):
        _fail(f"{where}.listeners[{index}] must be a mapping")
    name = listener.get("name")
    at = f"{where}.listeners[{name}]" if isinstance(name, str) and name else f"{where}.listeners[{index}]"
    _known(listener, LISTENER_KEYS, at)
    if not isinstance(name, str) or not LISTENER_NAME_PATTERN.match(name):
        _fail(f"{at}.name is required: 1 to 64 letters, digits, hyphens or underscores, for services to refer to")
    protocol = str(listener.get("protocol") or "").upper()
    allowed = LISTENER_PROTOCOLS[kind]
    if protocol not in allowed:
        _fail(
            f"{at}.protocol {listener.get('protocol')!r} does not fit a {kind} load balancer, whose listeners take "
            f"{', '.join(allowed)}"
        )
    port = listener.get("port")
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        _fail(f"{at}.port must be a whole number from 1 to 65535, got {listener.get('port')!r}")
    certificates = _string_list(listener.get("certificate_arns"), f"{at}.certificate_arns", required=False)
    policy = listener.get("ssl_policy")
    if protocol in SECURE_PROTOCOLS:
        if not certificates:
            _fail(f"{at}.certificate_arns is required: an {protocol} listener needs a server certificate (ACM ARN)")
    elif certificates or policy:
        _fail(f"{at}: certificate_arns and ssl_policy are only for HTTPS and TLS listeners; this one is {protocol}")
    if policy is not None and (not isinstance(policy, str) or not policy):
        _fail(f"{at}.ssl_policy must be the name of an ELB security policy")
    redirect = listener.get("redirect_to")
    if redirect is not None and protocol != "HTTP":
        _fail(f"{at}.redirect_to: only an HTTP listener redirects (to an HTTPS listener); this one is {protocol}")
    return {
        "name": name,
        "protocol": protocol,
        "port": port,
        "certificate_arns": certificates,
        "ssl_policy": policy,
        "redirect_to": redirect,
    }


def _known(block: dict, known: tuple[str, ...], where: str) -> None:
    for key in block:
        if key not in known:
            _fail(f"{where}.{key} is not a known key; known: {', '.join(known)}")


# A service's reference ----------------------------------------------------------------------------------------


def reference_form(declared: dict) -> str:
    """Which form a service's ``load_balancer`` block takes: ``listener_arn``, ``named`` or ``classic``."""
    if declared.get("load_balancer_name"):
        return CLASSIC
    if declared.get("name") or declared.get("listener"):
        return "named"
    return "listener_arn"


def resolve_reference(balancer: dict, where: str, load_balancers: dict[str, dict], blue_green: bool) -> dict:
    """Complete a named or Classic reference in place and return it; a ``listener_arn`` block gets its kind only.

    Adds ``kind`` (application, network or classic). A named reference also gets ``listener_arn: None`` and what
    bootstrap needs to make its target group and listener: ``load_balancer_type``, ``listener_protocol``,
    ``listener_port`` and ``target_group_protocol``.
    """
    form = reference_form(balancer)
    where = f"{where}.load_balancer"
    if form == CLASSIC:
        extra = sorted(key for key in balancer if key not in CLASSIC_KEYS)
        if extra:
            _fail(
                f"{where}.{extra[0]} does not apply to a Classic Load Balancer (load_balancer_name): ECS registers "
                "the service's instances with it and bootstrap makes no target group or rule"
            )
        if blue_green:
            _fail(f"{where}.load_balancer_name: blue/green, linear and canary deployments need an ALB or NLB")
        balancer["kind"] = CLASSIC
        return balancer
    if form == "listener_arn":
        for key in NAMED_KEYS:
            if balancer.get(key):
                _fail(f"{where}.{key} names a declared load balancer; listener_arn gives the listener itself: use one")
        balancer["kind"] = APPLICATION
        balancer.setdefault("target_group_protocol", "HTTP")
        return balancer
    if balancer.get("listener_arn") or balancer.get("test_listener_arn"):
        _fail(f"{where}: give the listener by name (name and listener) or by listener_arn, not both")
    name, listener_name = balancer.get("name"), balancer.get("listener")
    if not isinstance(name, str) or not name:
        _fail(f"{where}.name is required with listener: the name of a load balancer declared in ecs_load_balancers")
    if name not in load_balancers:
        declared = ", ".join(sorted(load_balancers)) or "none"
        _fail(f"{where}.name {name!r} is not declared in ecs_load_balancers; declared: {declared}")
    declared_balancer = load_balancers[name]
    listeners = {listener["name"]: listener for listener in declared_balancer["listeners"]}
    listener = _declared_listener(listener_name, listeners, f"{where}.listener", name)
    kind = declared_balancer["type"]
    balancer.update(
        {
            "kind": kind,
            "listener_arn": None,
            "load_balancer_type": kind,
            "listener_protocol": listener["protocol"],
            "listener_port": listener["port"],
        }
    )
    if kind == APPLICATION:
        balancer["target_group_protocol"] = "HTTP"
        if balancer.get("test_listener"):
            _declared_listener(balancer["test_listener"], listeners, f"{where}.test_listener", name)
        return balancer
    for key in (*RULE_KEYS, "test_listener", "test_priority", "test_path_patterns", "test_host_headers"):
        if balancer.get(key):
            _fail(
                f"{where}.{key}: {name} is a network load balancer, whose listeners forward everything to one "
                "target group (no rules, no priorities)"
            )
    if blue_green:
        _fail(
            f"{where}.name: {name} is a network load balancer; blue/green, linear and canary services of this "
            "collection need an Application Load Balancer"
        )
    balancer["target_group_protocol"] = NETWORK_TARGET_PROTOCOLS[listener["protocol"]]
    return balancer


def _declared_listener(listener_name: Any, listeners: dict[str, dict], where: str, balancer: str) -> dict:
    if not isinstance(listener_name, str) or listener_name not in listeners:
        _fail(
            f"{where} {listener_name!r} is not a listener of {balancer} in ecs_load_balancers; its listeners: "
            f"{', '.join(sorted(listeners))}"
        )
    listener = listeners[listener_name]
    if listener["redirect_to"]:
        _fail(f"{where} {listener_name!r} redirects to {listener['redirect_to']!r}; name the listener it redirects to")
    return listener


def check_network_listeners(plans: list[dict], load_balancers: dict[str, dict]) -> None:
    """Each listener of a declared network load balancer forwards to exactly one service's target group, and no two
    rules on a declared listener share a priority."""
    users: dict[tuple[str, str], list[str]] = {}
    priorities: dict[tuple[str, str, str], str] = {}
    for plan in plans:
        balancer = plan.get("load_balancer") or {}
        if balancer.get("kind") == NETWORK:
            users.setdefault((balancer["name"], balancer["listener"]), []).append(plan["name"])
        if balancer.get("kind") != APPLICATION or not balancer.get("name"):
            continue
        rules = [("priority", balancer.get("listener"), balancer.get("priority"))]
        rules.append(("test_priority", balancer.get("test_listener"), balancer.get("test_priority")))
        for option, listener, priority in rules:
            if not listener or not priority:
                continue
            key = (balancer["name"], listener, str(priority))
            if key in priorities:
                _fail(
                    f"ecs_services[{plan['name']}].load_balancer.{option} {priority} on listener {listener} of "
                    f"{balancer['name']} is also the priority of {priorities[key]}: each rule needs its own"
                )
            priorities[key] = f"a rule of {plan['name']}"
    for (name, listener), services in users.items():
        if len(services) > 1:
            _fail(
                f"ecs_load_balancers[{name}].listeners[{listener}] is named by {' and '.join(services)}: a network "
                "load balancer's listener forwards to one service's target group"
            )


# Decisions of the ecs_load_balancers module ----------------------------------------------------------------------


def listener_key(balancer_name: str, listener_name: str) -> str:
    return f"{balancer_name}/{listener_name}"


def create_load_balancer_request(declared: dict, security_groups: list[str]) -> dict:
    request = {
        "Name": declared["name"],
        "Subnets": list(declared["subnets"]),
        "Scheme": declared["scheme"],
        "Type": declared["type"],
    }
    if security_groups:
        request["SecurityGroups"] = list(security_groups)
    if declared.get("tags"):
        request["Tags"] = [{"Key": key, "Value": value} for key, value in sorted(declared["tags"].items())]
    return request


def security_group_ingress(declared: dict, vpc_cidr: str) -> list[dict]:
    """The rules that open the declared listeners' ports: to the VPC for an internal load balancer, to all for an
    internet-facing one."""
    source = "0.0.0.0/0" if declared["scheme"] == "internet-facing" else vpc_cidr
    rules = []
    for listener in declared["listeners"]:
        for protocol in INGRESS_PROTOCOLS[listener["protocol"]]:
            rules.append(
                {
                    "IpProtocol": protocol,
                    "FromPort": listener["port"],
                    "ToPort": listener["port"],
                    "IpRanges": [{"CidrIp": source, "Description": f"listener {listener['name']}"}],
                }
            )
    return rules


def declared_listener_request(listener: dict, listeners: list[dict], default_actions: list[dict] | None) -> dict:
    """CreateListener's request (without the load balancer ARN) of a declared listener."""
    request: dict[str, Any] = {"Protocol": listener["protocol"], "Port": listener["port"]}
    if listener["redirect_to"]:
        target = next(item for item in listeners if item["name"] == listener["redirect_to"])
        request["DefaultActions"] = [
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": str(target["port"]), "StatusCode": "HTTP_301"},
            }
        ]
    else:
        request["DefaultActions"] = default_actions or [copy.deepcopy(DEFAULT_FIXED_RESPONSE)]
    if listener["protocol"] in SECURE_PROTOCOLS:
        request["Certificates"] = [{"CertificateArn": listener["certificate_arns"][0]}]
        if listener["ssl_policy"]:
            request["SslPolicy"] = listener["ssl_policy"]
    return request


def listener_changes(listener: dict, live: dict) -> dict:
    """ModifyListener's fields for what a declared listener states and the live one does not (empty: nothing).

    Only what is declared is compared: the default certificate and the SSL policy of an HTTPS or TLS listener, and
    the protocol. Default actions and extra certificates that someone set are left alone.
    """
    changes: dict[str, Any] = {}
    if live.get("Protocol") != listener["protocol"]:
        changes["Protocol"] = listener["protocol"]
    if listener["protocol"] in SECURE_PROTOCOLS:
        live_default = [
            certificate.get("CertificateArn")
            for certificate in live.get("Certificates") or []
            if certificate.get("IsDefault", True)
        ]
        if listener["certificate_arns"][0] not in live_default[:1]:
            changes["Certificates"] = [{"CertificateArn": listener["certificate_arns"][0]}]
        if listener["ssl_policy"] and live.get("SslPolicy") != listener["ssl_policy"]:
            changes["SslPolicy"] = listener["ssl_policy"]
    return changes


def target_group_request(name: str, balancer: dict, network_mode: str, vpc_id: str) -> dict:
    """CreateTargetGroup's request for a service's (or its alternate) target group."""
    protocol = balancer.get("target_group_protocol") or "HTTP"
    request: dict[str, Any] = {
        "Name": name,
        "Protocol": protocol,
        "Port": int(balancer["container_port"]),
        "VpcId": vpc_id,
        # awsvpc tasks have their own network interface: the load balancer sends to their IP.
        "TargetType": "ip" if network_mode == "awsvpc" else "instance",
    }
    request.update(health_check(balancer))
    return request


def health_check(balancer: dict) -> dict:
    """HTTP on the declared path for HTTP target groups and for network ones that declare a path; TCP otherwise
    (ELBv2 takes no UDP or TLS health check)."""
    protocol = balancer.get("target_group_protocol") or "HTTP"
    path = balancer.get("health_check_path")
    if protocol == "HTTP" or path:
        return {"HealthCheckProtocol": "HTTP", "HealthCheckPath": path or "/"}
    return {"HealthCheckProtocol": "TCP"}


def target_group_problem(group: dict, request: dict) -> str | None:
    """Why an existing target group of this name cannot be the service's, or None. Its health check may differ:
    that is modified."""
    for field in ("Protocol", "Port", "VpcId", "TargetType"):
        if group.get(field) != request[field]:
            return (
                f"exists with {field} {group.get(field)!r}, and the service needs {request[field]!r}: a target "
                "group's protocol, port, VPC and target type cannot change; delete it, or set "
                "load_balancer.target_group_name to another name"
            )
    return None


def health_check_changes(group: dict, request: dict) -> dict:
    changes = {}
    for field in ("HealthCheckProtocol", "HealthCheckPath"):
        if field in request and group.get(field) != request[field]:
            changes[field] = request[field]
    return changes


def rule_conditions(path_patterns: list[str], host_headers: list[str]) -> list[dict]:
    conditions = []
    if path_patterns:
        conditions.append({"Field": "path-pattern", "PathPatternConfig": {"Values": list(path_patterns)}})
    if host_headers:
        conditions.append({"Field": "host-header", "HostHeaderConfig": {"Values": list(host_headers)}})
    return conditions


def rule_targets(rule: dict) -> list[str]:
    """The target group ARNs a rule forwards to (plain or weighted), and the type of every action that does not
    forward: what tells whose rule it is."""
    found = []
    for action in rule.get("Actions") or []:
        if action.get("Type") != "forward":
            found.append(action.get("Type") or "")
            continue
        if action.get("TargetGroupArn"):
            found.append(action["TargetGroupArn"])
        for group in (action.get("ForwardConfig") or {}).get("TargetGroups") or []:
            found.append(group.get("TargetGroupArn") or "")
    return found


def owned_by(rule: dict, target_group_names: list[str]) -> bool:
    """A rule that forwards (weighted or not) only to these target groups is the service's."""
    pattern = re.compile(":targetgroup/(" + "|".join(re.escape(name) for name in target_group_names) + ")/")
    return all(pattern.search(target) for target in rule_targets(rule))


def rule_differs(rule: dict, conditions: list[dict], target_group_arn: str) -> bool:
    """Whether a plain (not weighted) rule of the service forwards elsewhere or matches other requests."""
    live_targets = rule_targets(rule)
    if live_targets != [target_group_arn]:
        return True
    return _condition_values(rule.get("Conditions") or []) != _condition_values(conditions)


def _condition_values(conditions: list[dict]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for condition in conditions:
        field = condition.get("Field")
        config = condition.get("PathPatternConfig") or condition.get("HostHeaderConfig") or {}
        values[field] = sorted(config.get("Values") or condition.get("Values") or [])
    return values


def forward_action(target_group_arn: str, alternate_arn: str | None = None) -> list[dict]:
    if alternate_arn is None:
        return [{"Type": "forward", "TargetGroupArn": target_group_arn}]
    # ECS moves these weights at every deployment; bootstrap starts with all traffic on the first target group.
    return [
        {
            "Type": "forward",
            "ForwardConfig": {
                "TargetGroups": [
                    {"TargetGroupArn": target_group_arn, "Weight": 100},
                    {"TargetGroupArn": alternate_arn, "Weight": 0},
                ]
            },
        }
    ]
