#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_service_live_info
short_description: Report the task definition and the image digests that ECS services run live
version_added: 0.1.0
description:
  - For one service or several services of a cluster, reports the task definition of the PRIMARY deployment and,
    for each of its containers, the image the task definition names and the image digest that the RUNNING tasks of
    the PRIMARY deployment report (C(imageDigest) of DescribeTasks).
  - With a digest, RV(services[].containers[].image_by_digest) is C(<repository>@<digest>), the reference that pins
    exactly what runs, even when the task definition names a mutable tag. Without one (no task running yet, or an
    endpoint that reports none), C(digest) and C(image_by_digest) are null and C(image) is what the task definition
    names.
  - "Calls: DescribeServices, ten services a call; one DescribeTaskDefinition per distinct task definition; one
    ListTasks per service; DescribeTasks, a hundred tasks a call."
  - Never writes anything. Services that do not exist, or are INACTIVE, are listed in RV(missing).
author:
  - driftless.ecs maintainers (@driftless)
options:
  cluster:
    description: Name or ARN of the cluster of the services.
    type: str
    required: true
  service:
    description:
      - Name or ARN of one service.
      - Exactly one of O(service) and O(services) is required.
    type: str
  services:
    description:
      - Names or ARNs of several services of O(cluster).
      - Exactly one of O(service) and O(services) is required.
    type: list
    elements: str
notes:
  - Supports check mode; the module never changes anything.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Read what runs in dev
  driftless.ecs.ecs_service_live_info:
    cluster: shop-dev
    services: [web, worker]
  register: live

- name: Show the image web's app container runs, by digest when one is known
  ansible.builtin.debug:
    msg: >-
      {{ (live.services | selectattr('service', 'equalto', 'web') | first).containers
         | selectattr('name', 'equalto', 'app') | map(attribute='image_by_digest') | first }}
"""

RETURN = r"""
cluster:
  description: The cluster, as given.
  returned: always
  type: str
  sample: shop-dev
services:
  description: The services found, in the order asked.
  returned: always
  type: list
  elements: dict
  contains:
    service:
      description: Service name.
      type: str
      sample: web
    service_arn:
      description: Service ARN.
      type: str
    cluster_arn:
      description: Cluster ARN.
      type: str
    status:
      description: Service status (C(ACTIVE) or C(DRAINING)).
      type: str
    task_definition_arn:
      description: Task definition of the PRIMARY deployment.
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-web:7
    deployment_id:
      description: Id of the PRIMARY deployment; null if the service has none.
      type: str
    rollout_state:
      description: C(rolloutState) of the PRIMARY deployment (C(COMPLETED), C(IN_PROGRESS), C(FAILED)).
      type: str
    desired_count:
      description: Desired count of the service.
      type: int
    running_tasks:
      description: RUNNING tasks of the PRIMARY deployment, the ones the digests come from.
      type: int
    containers:
      description: One entry per container of the task definition, in its order.
      type: list
      elements: dict
      contains:
        name:
          description: Container name.
          type: str
          sample: app
        image:
          description: Image the task definition names.
          type: str
          sample: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4
        digest:
          description: Digest the most RUNNING tasks of the PRIMARY deployment report; null when none reports one.
          type: str
          sample: sha256:3b2e6f0c9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c
        digests:
          description: Every digest reported, the most reported first. More than one means a tag was re-pushed.
          type: list
          elements: str
        image_by_digest:
          description: C(<repository>@<digest>) when a digest is known, else null.
          type: str
          sample: registry.example/web@sha256:3b2e6f0c9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c
missing:
  description: Services asked for that do not exist, are INACTIVE, or whose cluster does not exist.
  returned: always
  type: list
  elements: str
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.live_info import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_service_live_info, run)


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
