#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_service_adopt_info
short_description: Write the declaration of ECS services that already run, as the roles of this collection take it
version_added: 0.1.0
description:
  - Reads the services of a cluster (all of them, or those named in O(services)) and returns, for each, the
    C(ecs_services) item and the task-definition file that declare it as it runs. The driftless.ecs.adopt role
    writes them as an inventory that the deploy role uses as it is.
  - The task-definition file is in the RegisterTaskDefinition shape, without the read-only fields of
    DescribeTaskDefinition and without the values ECS fills in when they are not given. Images are written as they
    run. Secrets stay C(valueFrom) references; no secret value is ever read.
  - The service settings are those that differ from ECS's defaults, in the option names of
    M(driftless.ecs.ecs_service_rollout). C(desired_count) is left out, so that a deploy never fights the count an
    autoscaler or an operator set. Load balancers are written with their target groups as they are.
  - Settings a declaration cannot hold (tags under C(aws:), task sets of an EXTERNAL controller) are listed in
    RV(services[].unexpressed) with the reason, never dropped silently.
  - "Calls: DescribeClusters; ListServices when O(services) is not given; DescribeServices, ten services a call;
    DescribeServiceRevisions, twenty revisions a call; one DescribeTaskDefinition per distinct revision."
  - Never writes anything.
author:
  - driftless.ecs maintainers (@driftless)
options:
  cluster:
    description: Name or ARN of the cluster.
    type: str
    required: true
  services:
    description:
      - Names of the services to adopt. Unset or empty, every service of the cluster.
      - Names that do not exist, or are INACTIVE, are listed in RV(missing).
    type: list
    elements: str
notes:
  - The declaration guarantees that a deploy right after adoption changes nothing and writes nothing.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Read the declarations of two services
  driftless.ecs.ecs_service_adopt_info:
    cluster: shop-prod
    services: [web, api]
  register: adopted

- name: Show the settings a declaration cannot hold
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.unexpressed }}"
  loop: "{{ adopted.services }}"
  loop_control:
    label: "{{ item.name }}"

# The driftless.ecs.adopt role writes the whole inventory:
#   ansible-playbook driftless.ecs.adopt -i inventories/prod -e target=prod -e adopt_cluster=shop-prod \
#     -e adopt_dest=adopted
"""

RETURN = r"""
cluster:
  description: The cluster, as given.
  returned: always
  type: str
  sample: shop-prod
region:
  description: The AWS region the services were read in.
  returned: always
  type: str
  sample: eu-west-1
services:
  description: One entry per adopted service, by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The service's name.
      type: str
      sample: web
    declaration:
      description:
        - The C(ecs_services) item (C(name), C(cluster), C(task_definition_file), C(service)), as
          docs/ecs_services.md describes it.
      type: dict
      sample:
        name: web
        cluster: shop-prod
        task_definition_file: taskdefs/web.json
        service:
          launch_type: FARGATE
          platform_version: LATEST
          network_configuration: {subnets: [subnet-0a], security_groups: [sg-0a], assign_public_ip: false}
    task_definition_file:
      description: Where the declaration expects the task-definition file, relative to the inventory.
      type: str
      sample: taskdefs/web.json
    task_definition:
      description: The task-definition file's content, in the RegisterTaskDefinition shape.
      type: dict
      sample:
        family: shop-prod-web
        containerDefinitions: [{name: app, image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2}]
    unexpressed:
      description: Settings the declaration cannot hold, each with the reason.
      type: list
      elements: dict
      sample: [{setting: "service.tags.aws:cloudformation:stack-name", reason: "tags under aws: belong to AWS"}]
missing:
  description: Names in O(services) that are not ACTIVE services of the cluster.
  returned: always
  type: list
  elements: str
  sample: []
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.adopt import run
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_service_adopt_info, run)


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
