#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_service_deployment
short_description: Report on, approve or roll back the current blue/green, linear or canary deployment of a service
version_added: 0.1.0
description:
  - Acts on the current service deployment of an ECS service (C(currentServiceDeployment), else the newest one
    ListServiceDeployments gives).
  - O(action=status) only reports the deployment, its lifecycle stage, the hook awaiting action and the traffic split.
  - O(action=continue) approves the PAUSE lifecycle hook that is C(AWAITING_ACTION) (ContinueServiceDeployment with
    the hook's C(hookId)). This is how an AWX workflow's approval node, or a person, lets a paused canary go on.
  - O(action=rollback) rolls the deployment back (StopServiceDeployment with C(stopType) ROLLBACK). During the bake
    time ECS moves the production traffic back to the old revision at once.
  - Fails with a clear message when the service does not exist, has no deployment in progress (for continue and
    rollback), or has no hook awaiting action (for continue).
  - With O(wait=true) the deployment is followed like M(driftless.ecs.ecs_service_rollout) does, until it ends or
    reaches O(wait_until). After O(action=continue) the wait also ends when another PAUSE hook awaits action (a
    canary pauses before each production step), which needs another approval. A deployment that ends
    C(ROLLBACK_SUCCESSFUL), C(ROLLBACK_FAILED) or C(STOPPED) is a failure, except after O(action=rollback), whose
    success is C(ROLLBACK_SUCCESSFUL). A timeout is a failure; this module never rolls back by itself.
  - Supports check mode, which makes no call that changes anything and reports whether it would.
author:
  - driftless.ecs maintainers (@driftless)
options:
  cluster:
    description: Name or ARN of the cluster.
    type: str
    required: true
  service:
    description: Name or ARN of the service.
    type: str
    required: true
    aliases: [name]
  action:
    description: What to do with the current service deployment.
    type: str
    choices: [status, continue, rollback]
    default: status
  hook_id:
    description:
      - With O(action=continue), the C(hookId) of the hook to approve. By default, the one awaiting action.
    type: str
  wait_until:
    description:
      - With O(wait=true), V(completed) waits for the deployment to end; a lifecycle stage name (for example
        V(BAKE_TIME)) returns once the deployment reached it (or a later stage) without rolling back.
      - Stage names ECS adds later are accepted.
    type: str
    default: completed
  wait:
    description: Follow the deployment after acting. Check mode never waits.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait at most.
    type: int
    default: 600
  poll_interval:
    description: Seconds between two DescribeServiceDeployments calls while waiting. The first check is immediate.
    type: float
    default: 5.0
notes:
  - Needs C(ecs:DescribeServices), C(ecs:ListServiceDeployments), C(ecs:DescribeServiceDeployments),
    C(ecs:ContinueServiceDeployment) and C(ecs:StopServiceDeployment), and C(elasticloadbalancing:DescribeRules)
    to report RV(traffic).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
# An AWX approval node, or a person, lets a canary paused before its production shift go on.
- name: Approve the paused canary of web
  driftless.ecs.ecs_service_deployment:
    cluster: prod
    service: web
    action: continue

- name: Approve, then wait for the deployment to end (or pause again)
  driftless.ecs.ecs_service_deployment:
    cluster: prod
    service: web
    action: continue
    wait: true
    wait_timeout: 1800

- name: Roll the current deployment back; during the bake time traffic returns at once
  driftless.ecs.ecs_service_deployment:
    cluster: prod
    service: web
    action: rollback
    wait: true

- name: Where does the deployment stand?
  driftless.ecs.ecs_service_deployment:
    cluster: prod
    service: web
  register: web_deployment

- name: Show the stage and the split
  ansible.builtin.debug:
    msg: "{{ web_deployment.status }} at {{ web_deployment.lifecycle_stage }}: {{ web_deployment.traffic }}"
"""

RETURN = r"""
changed:
  description: Whether a hook was (or in check mode would be) continued, or the deployment stopped.
  returned: always
  type: bool
action:
  description: The action taken.
  returned: always
  type: str
service_deployment_arn:
  description: ARN of the service deployment acted on.
  returned: always
  type: str
  sample: arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/web/8gJgyhjXKmBD3kDbLfVjX
status:
  description: Last status seen, for example C(IN_PROGRESS), C(SUCCESSFUL) or C(ROLLBACK_SUCCESSFUL).
  returned: always
  type: str
lifecycle_stage:
  description: The lifecycle stage last seen.
  returned: always
  type: str
  sample: PRE_PRODUCTION_TRAFFIC_SHIFT
lifecycle_stages:
  description: Each lifecycle stage seen during the run, with the time it was first seen.
    C(PRODUCTION_TRAFFIC_SHIFT) appears once per LINEAR or CANARY step, with C(production_weight).
  returned: always
  type: list
  elements: dict
failure_seen:
  description: Always null here; ecs_service_deployment leaves rollbacks to ECS unless O(action=rollback).
  returned: always
  type: str
answered_hook_id:
  description: The C(hookId) continued by O(action=continue).
  returned: always
  type: str
awaiting_hook:
  description: The lifecycle hook run awaiting action at the end of the run (C(hook_id), C(target_type),
    C(status), C(expires_at)...), or null.
  returned: always
  type: dict
rolled_back:
  description: Whether the deployment ended C(ROLLBACK_SUCCESSFUL).
  returned: always
  type: bool
rollback_reason:
  description: The reason ECS gave for the rollback.
  returned: always
  type: str
traffic:
  description: Weights per target group ARN of the production listener rules, or null when they cannot be read.
  returned: always
  type: dict
service_deployment:
  description: The DescribeServiceDeployments item, in snake_case.
  returned: always
  type: dict
duration:
  description: Seconds the run took.
  returned: always
  type: float
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_deployment import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_service_deployment, run, clients=("elbv2",))


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
