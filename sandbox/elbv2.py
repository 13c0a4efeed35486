"""ELBv2 refusing what AWS refuses, where moto accepts it and the collection relies on the refusal.

Looked up in the Elastic Load Balancing API reference (CreateLoadBalancer, CreateListener, CreateTargetGroup,
DescribeLoadBalancers, TargetGroup):

- a load balancer name: at most 32 letters, digits and hyphens, not starting or ending with a hyphen, not starting
  with ``internal-``; an Application Load Balancer needs subnets in at least two Availability Zones;
- an HTTPS or TLS listener needs its default certificate; a Network Load Balancer's listener only forwards (no
  fixed response, no redirect); a forward goes to a target group of a protocol the listener can send to (HTTP or
  HTTPS from an ALB, TCP, TLS, UDP or TCP_UDP from an NLB; a TCP_UDP listener to a TCP_UDP target group only);
- a health check is never TLS, UDP, TCP_UDP or GENEVE, and never TCP for an HTTP or HTTPS target group;
- DescribeLoadBalancers of names among which one does not exist fails whole with ``LoadBalancerNotFound`` (moto
  answered with the others).
"""

from __future__ import annotations

import re
from typing import Any

from moto.elbv2.exceptions import (
    InvalidLoadBalancerActionException,
    LoadBalancerNotFoundError,
    ValidationError,
)
from moto.elbv2.models import ELBv2Backend

_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
APPLICATION_PROTOCOLS = ("HTTP", "HTTPS")
# What a listener of each protocol may forward to.
FORWARDS_TO = {
    "HTTP": ("HTTP", "HTTPS"),
    "HTTPS": ("HTTP", "HTTPS"),
    "TCP": ("TCP", "TCP_UDP", "TLS"),
    "TLS": ("TCP", "TLS"),
    "UDP": ("UDP", "TCP_UDP"),
    "TCP_UDP": ("TCP_UDP",),
}
NO_HEALTH_CHECK_PROTOCOLS = ("TLS", "UDP", "TCP_UDP", "GENEVE")

_installed = False


class IncompatibleProtocols(ValidationError):
    code = "IncompatibleProtocols"


def _check_name(name: str) -> None:
    if len(name) > 32:
        raise ValidationError(f"The load balancer name '{name}' cannot be longer than 32 characters")
    if not _NAME.match(name):
        raise ValidationError(
            f"The load balancer name '{name}' can only contain alphanumeric characters and hyphens, and cannot "
            "begin or end with a hyphen"
        )
    if name.lower().startswith("internal-"):
        raise ValidationError(f"The load balancer name '{name}' cannot begin with 'internal-'")


def _forwarded_groups(actions: list[dict[str, Any]]) -> list[str]:
    arns = []
    for action in actions or []:
        if action.get("TargetGroupArn"):
            arns.append(action["TargetGroupArn"])
        for group in (action.get("ForwardConfig") or {}).get("TargetGroups") or []:
            if group.get("TargetGroupArn"):
                arns.append(group["TargetGroupArn"])
    return arns


def install() -> None:
    """Patch moto's ELBv2 backend once per process."""
    global _installed  # noqa: PLW0603 - the patch is process-wide and must happen once
    if _installed:
        return
    create_load_balancer = ELBv2Backend.create_load_balancer
    create_listener = ELBv2Backend.create_listener
    create_target_group = ELBv2Backend.create_target_group
    describe_load_balancers = ELBv2Backend.describe_load_balancers

    def checked_create_load_balancer(self: ELBv2Backend, name: str, *args: Any, **kwargs: Any) -> Any:
        _check_name(name)
        kind = kwargs.get("loadbalancer_type") or "application"
        subnets = kwargs.get("subnet_ids") or (args[1] if len(args) > 1 else None) or []
        mappings = kwargs.get("subnet_mappings") or []
        if kind == "application":
            zones = {self.ec2_backend.get_subnet(subnet).availability_zone for subnet in subnets}
            zones |= {self.ec2_backend.get_subnet(m["SubnetId"]).availability_zone for m in mappings}
            if len(zones) < 2:
                raise ValidationError("At least two subnets in two different Availability Zones must be specified")
        return create_load_balancer(self, name, *args, **kwargs)

    def checked_create_listener(  # noqa: PLR0917 - moto's own signature
        self: ELBv2Backend,
        load_balancer_arn: str,
        protocol: str,
        port: str,
        ssl_policy: str,
        certificate: str | None,
        actions: list[dict[str, Any]],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        balancer = self.load_balancers.get(load_balancer_arn)
        if balancer is not None:
            fits = (protocol in APPLICATION_PROTOCOLS) == (balancer.type == "application")
            if fits and protocol in ("HTTPS", "TLS") and not certificate:
                raise ValidationError(f"A certificate must be specified for {protocol} listeners")
            if balancer.type == "network" and any((a.get("Type") or "") != "forward" for a in actions or []):
                raise InvalidLoadBalancerActionException(
                    "The action type is not supported by Network Load Balancer listeners: they only forward"
                )
            for arn in _forwarded_groups(actions):
                group = self.target_groups.get(arn)
                if group is not None and group.protocol not in FORWARDS_TO.get(protocol, (group.protocol,)):
                    raise IncompatibleProtocols(
                        f"The listener protocol '{protocol}' is not compatible with the protocol "
                        f"'{group.protocol}' of target group '{group.name}'"
                    )
        return create_listener(
            self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions, *args, **kwargs
        )

    def checked_create_target_group(self: ELBv2Backend, name: str, **kwargs: Any) -> Any:
        health = kwargs.get("healthcheck_protocol")
        protocol = kwargs.get("protocol")
        if health in NO_HEALTH_CHECK_PROTOCOLS:
            raise ValidationError(f"Health check protocol '{health}' is not supported")
        if health == "TCP" and protocol in APPLICATION_PROTOCOLS:
            raise ValidationError(
                f"Health check protocol 'TCP' is not supported for target groups with the protocol '{protocol}'"
            )
        return create_target_group(self, name, **kwargs)

    def whole_describe_load_balancers(self: ELBv2Backend, arns: Any, names: Any) -> Any:
        known = {balancer.name for balancer in self.load_balancers.values()}
        if any(name not in known for name in names or []):
            raise LoadBalancerNotFoundError()
        return describe_load_balancers(self, arns, names)

    ELBv2Backend.create_load_balancer = checked_create_load_balancer
    ELBv2Backend.create_listener = checked_create_listener
    ELBv2Backend.create_target_group = checked_create_target_group
    ELBv2Backend.describe_load_balancers = whole_describe_load_balancers
    _installed = True
