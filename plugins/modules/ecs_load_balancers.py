#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_load_balancers
short_description: Make the load balancers, listeners, target groups and listener rules of many ECS services at once
version_added: 0.1.0
description:
  - Makes, in one call for every service of a run, what the declared load balancers (C(ecs_load_balancers)) and the
    services behind them lack, and reports the ARNs that ECS's C(loadBalancers) need. The bootstrap role runs it.
  - Load balancers that do not exist are created (application or network, internal or internet-facing), each with a
    security group opening its listener ports when it declares none (to the VPC's CIDR for an internal one, to
    everyone for an internet-facing one). An existing load balancer's settings are left alone.
  - Declared listeners that do not exist are created (HTTP answering 404 when no rule matches, HTTPS, HTTP that
    redirects to an HTTPS listener, TCP, TLS, UDP, TCP_UDP); of an existing one only the declared default certificate
    and SSL policy are compared, and modified when they differ. Undeclared listeners are kept.
  - Each service gets its target group (HTTP behind an ALB; TCP, UDP or TCP_UDP behind an NLB, TLS ending at the
    load balancer), and a blue/green, linear or canary service its alternate one. An existing target group's health
    check is modified when it differs; one of another protocol, port, VPC or target type is refused.
  - A service behind an ALB gets a listener rule at its priority (and a blue/green service a weighted one, and its
    test rule); a rule that forwards elsewhere at that priority is refused, one of a blue/green service is never
    rewritten (ECS moves its weights). A service behind an NLB gets its listener, forwarding to its target group.
  - Every check is made before the first write. Check mode writes nothing and reports what it would make in
    RV(actions).
  - "Calls: DescribeLoadBalancers (twenty names a call), DescribeTargetGroups (twenty names a call),
    DescribeListeners (one per load balancer), DescribeRules (one per listener a service puts a rule on); for a
    load balancer to make, DescribeSubnets, DescribeVpcs and DescribeSecurityGroups once each. Writes only what is
    missing or differs: CreateSecurityGroup, AuthorizeSecurityGroupIngress, CreateLoadBalancer, CreateListener,
    AddListenerCertificates, ModifyListener, CreateTargetGroup, ModifyTargetGroup, CreateRule, ModifyRule.
    Independent calls run side by side."
author:
  - driftless.ecs maintainers (@driftless)
options:
  load_balancers:
    description:
      - The C(ecs_load_balancers) declaration; see the collection's docs/ecs_services.md.
      - Each has C(name), C(type) (C(application) or C(network)), C(scheme) (C(internal) or C(internet-facing)),
        C(subnets), optional C(security_groups) and C(tags), and C(listeners), each with C(name), C(protocol),
        C(port), and C(certificate_arns) and C(ssl_policy) (HTTPS, TLS) or C(redirect_to) (an HTTPS listener's name).
    type: list
    elements: dict
    default: []
  services:
    description:
      - The service plans of C(driftless.ecs.resolve_services) (C(ecs_service_plans) in the roles). Plans without
        C(load_balancer), or with a Classic Load Balancer, are skipped.
    type: list
    elements: dict
    default: []
  manage:
    description:
      - With V(false), nothing is written. The module reads, fails when a load balancer, listener, target group or
        blue/green production rule is missing, and reports the ARNs.
    type: bool
    default: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Make the load balancers and the services' target groups and rules
  driftless.ecs.ecs_load_balancers:
    load_balancers: "{{ ecs_load_balancers | default([]) }}"
    services: "{{ ecs_service_plans }}"
  register: balancers

- name: The target group of api
  ansible.builtin.debug:
    msg: "{{ balancers.target_group_arns.api }}"
"""

RETURN = r"""
actions:
  description: What the run made or modified (in check mode, what it would), one sentence each.
  returned: always
  type: list
  elements: str
  sample: ["created internal application load balancer internal", "added a rule at priority 5 on internal/http ..."]
load_balancers:
  description: Per declared load balancer, its C(arn), C(dns_name), C(vpc_id), C(security_groups) and C(listeners)
    (listener name to ARN). ARNs of what check mode would make are null.
  returned: always
  type: dict
services:
  description: Per service, C(target_group_arn), C(alternate_target_group_arn), C(listener_arn) and C(rule_arns)
    (C(production), C(test)).
  returned: always
  type: dict
target_group_arns:
  description: Service name to the ARN of its target group, for those that exist.
  returned: always
  type: dict
alternate_target_group_arns:
  description: Service name to the ARN of its alternate target group (blue/green, linear and canary services).
  returned: always
  type: dict
rule_arns:
  description: Service name to C({production, test}) rule ARNs, for the rules that exist.
  returned: always
  type: dict
"""

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.load_balancers import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_load_balancers, run, clients=("elbv2", "ec2"))


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
