#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_service_scaling
short_description: Autoscaling of many ECS services in one call, and scale-in held during a deploy
version_added: 0.2.0
description:
  - With O(state=present), makes each service of O(services) scalable by Application Auto Scaling (its desired
    count, C(ecs:service:DesiredCount), between the C(min) and C(max) of each item), with its target-tracking
    policies and scheduled actions. Only what differs from what Application Auto Scaling holds is written.
  - Policies and scheduled actions that are not declared are left alone unless O(purge_policies) or
    O(purge_scheduled_actions) is set; someone else (a team's own step scaling) may have made them.
  - A scalable target's suspended state is never changed by O(state=present), so a bootstrap run beside a deploy that
    holds scale-in does not release it.
  - With O(state=suspend_scale_in), suspends dynamic scale-in of each service's scalable target and keeps the other
    two flags as they are; RV(previous) holds every target's state from before. A service without a scalable target
    is skipped. With O(state=restore), puts back the C(suspended_state) given in each item of O(services) (pass
    RV(previous)), writing only the targets whose state differs.
  - Every declaration is checked before anything is read, and every service before anything is written; the message
    names the field (V(services[0] (shop/web\).min 5 is above services[0] (shop/web\).max 3)).
  - Check mode writes nothing and reports what would be written (RV(services[].actions)); with C(--diff) the
    scaling before and after.
  - "Calls: DescribeScalableTargets (50 services a call); with O(state=present) also DescribeScalingPolicies and
    DescribeScheduledActions (one paginated read each, for the whole ECS namespace, only when policies or scheduled
    actions are declared or purged), DescribeServices (ten a call, only for services without a scalable target yet and
    those with an C(alb_requests) policy), DescribeTargetGroups (one call, for the C(alb_requests) policies'
    resource label), then RegisterScalableTarget, PutScalingPolicy, PutScheduledAction, DeleteScalingPolicy and
    DeleteScheduledAction for what differs. O(state=suspend_scale_in) and O(state=restore): DescribeScalableTargets,
    and RegisterScalableTarget with C(SuspendedState) for each target whose state changes."
author:
  - driftless.ecs maintainers (@driftless)
options:
  state:
    description:
      - V(present) registers the scalable targets, policies and scheduled actions.
      - V(suspend_scale_in) holds dynamic scale-in of the services' scalable targets.
      - V(restore) puts back the suspended states given.
    type: str
    default: present
    choices: [present, suspend_scale_in, restore]
  services:
    description:
      - One item per service, each with C(cluster) and C(service). Items are checked by the module, so a mistake is
        named by its place in the list and its field.
      - With O(state=present) also C(min) and C(max) (whole numbers, C(min) not above C(max)), C(target_tracking)
        and C(scheduled_actions), as in the C(autoscaling) block of the roles' C(ecs_services) (docs/ecs_services.md).
      - "C(target_tracking): a list of C({metric, target, scale_in_cooldown, scale_out_cooldown, disable_scale_in,
        name}). C(metric) is C(cpu) (C(ECSServiceAverageCPUUtilization)), C(memory)
        (C(ECSServiceAverageMemoryUtilization)), each with a C(target) percentage above 0 and at most 100, or
        C(alb_requests) (C(ALBRequestCountPerTarget)) for a service behind a target group of an Application Load
        Balancer, whose C(ResourceLabel) is read from the target group. A cooldown left out keeps Application Auto
        Scaling's. C(name) defaults to the service's name and the metric (C(web-cpu))."
      - "C(scheduled_actions): a list of C({name, schedule, min, max, timezone}). C(schedule) is
        C(at(yyyy-mm-ddThh:mm:ss)), C(rate(N minutes|hours|days)) or C(cron(minutes hours day-of-month month
        day-of-week year)) with C(?) in one of the two day fields; at least one of C(min) and C(max); C(timezone)
        (C(Europe/Paris)) applies to C(at) and C(cron), UTC when left out."
      - With O(state=restore), C(suspended_state) with the booleans C(dynamic_scaling_in_suspended),
        C(dynamic_scaling_out_suspended) and C(scheduled_scaling_suspended), as RV(previous) gives them.
      - With O(state=suspend_scale_in), nothing else.
    type: list
    elements: dict
    required: true
  purge_policies:
    description: O(state=present). Delete the scaling policies of the declared services that are not declared.
    type: bool
    default: false
  purge_scheduled_actions:
    description: O(state=present). Delete the scheduled actions of the declared services that are not declared.
    type: bool
    default: false
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Make web scale on CPU between 2 and 10 tasks, with fewer at night
  driftless.ecs.ecs_service_scaling:
    services:
      - cluster: shop
        service: web
        min: 2
        max: 10
        target_tracking:
          - {metric: cpu, target: 60, scale_in_cooldown: 300}
        scheduled_actions:
          - {name: night, schedule: "cron(0 22 * * ? *)", min: 1, max: 4, timezone: Europe/Paris}

- name: Hold scale-in during a rollout
  driftless.ecs.ecs_service_scaling:
    state: suspend_scale_in
    services: [{cluster: shop, service: web}]
  register: held

- name: Put the suspended state back
  driftless.ecs.ecs_service_scaling:
    state: restore
    services: "{{ held.previous }}"
"""

RETURN = r"""
services:
  description: One item per service with a scalable target (or, with O(state=present), one to make).
  returned: always
  type: list
  elements: dict
  contains:
    cluster:
      description: The cluster.
      type: str
    service:
      description: The service.
      type: str
    resource_id:
      description: The scalable target's C(ResourceId).
      type: str
      sample: service/shop/web
    changed:
      description: Something was written (or, in check mode, would be).
      type: bool
    actions:
      description: O(state=present). What was written, or would be in check mode.
      type: list
      elements: str
      sample: ["register scalable target (min 2, max 10)", "put policy web-cpu (cpu 60)"]
    summary:
      description: O(state=present). One line on what was written, or would be in check mode.
      type: str
      sample: "shop/web: register scalable target (min 2, max 10), put policy web-cpu (cpu 60)"
    min:
      description: O(state=present). The declared min.
      type: int
    max:
      description: O(state=present). The declared max.
      type: int
    policies:
      description: O(state=present). The names of the target's policies after the run.
      type: list
      elements: str
    scheduled_actions:
      description: O(state=present). The names of the target's scheduled actions after the run.
      type: list
      elements: str
    before:
      description: O(state=suspend_scale_in) and O(state=restore). The suspended state found.
      type: dict
    suspended_state:
      description: The suspended state after the run (O(state=present) - the one found, None for a new target).
      type: dict
previous:
  description:
    - O(state=suspend_scale_in). Every scalable target's suspended state before the run, in the shape
      O(state=restore) takes as O(services).
  returned: always
  type: list
  elements: dict
  sample: [{cluster: shop, service: web, suspended_state: {dynamic_scaling_in_suspended: false,
            dynamic_scaling_out_suspended: false, scheduled_scaling_suspended: false}}]
skipped:
  description:
    - O(state=suspend_scale_in) and O(state=restore). The services (C(cluster/service)) without a scalable target.
  returned: always
  type: list
  elements: str
written:
  description: On a failure, what was written before it.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_scaling import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_service_scaling, run, lazy_clients=True)


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
