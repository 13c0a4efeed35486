#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_clusters
short_description: Make the ECS clusters a run needs, and tell which of the declared services they already hold
version_added: 0.1.0
description:
  - Makes every cluster of O(clusters) that has no ACTIVE cluster of its name, with O(capacity_providers) and
    O(capacity_provider_strategy). An existing cluster is left as it is - its capacity providers, settings and tags.
  - With O(create=false) nothing is made; the clusters that do not exist are listed in RV(missing_clusters).
  - Tells which of O(services) exist (ACTIVE or DRAINING) in the clusters that existed before the run, so that a
    caller can make only the services that are missing. A new cluster holds no service and is not read.
  - Check mode makes nothing and reports the clusters it would make in RV(new_clusters).
  - "Calls: DescribeClusters (a hundred clusters a call); CreateCluster for each missing cluster; DescribeServices
    of O(services), ten a call, eight calls at a time."
author:
  - driftless.ecs maintainers (@driftless)
options:
  clusters:
    description: Names of the clusters.
    type: list
    elements: str
    required: true
  create:
    description: Make the clusters that do not exist. V(false) only reports them.
    type: bool
    default: true
  capacity_providers:
    description: Capacity providers of a cluster that is made, such as V(FARGATE) and V(FARGATE_SPOT).
    type: list
    elements: str
    default: []
  capacity_provider_strategy:
    description: Default capacity provider strategy of a cluster that is made.
    type: list
    elements: dict
    default: []
    suboptions:
      capacity_provider:
        description: The capacity provider.
        type: str
        required: true
      weight:
        description: Relative share of the tasks.
        type: int
      base:
        description: Tasks that run on this provider first.
        type: int
  services:
    description: Services to look for, each as C(cluster/name), its cluster one of O(clusters).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Make the cluster on Fargate and learn which services it holds
  driftless.ecs.ecs_clusters:
    clusters: [shop-dev]
    capacity_providers: [FARGATE, FARGATE_SPOT]
    capacity_provider_strategy:
      - {capacity_provider: FARGATE, weight: 1, base: 0}
    services: [shop-dev/api, shop-dev/web]
  register: clusters
"""

RETURN = r"""
clusters:
  description: Each cluster, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The cluster's name.
      type: str
    arn:
      description: The cluster's ARN; none for a cluster that does not exist (yet).
      type: str
    created:
      description: Whether the cluster was (in check mode, would be) made.
      type: bool
new_clusters:
  description: The clusters made (in check mode, that would be made).
  returned: always
  type: list
  elements: str
missing_clusters:
  description: With O(create=false), the clusters that do not exist.
  returned: always
  type: list
  elements: str
existing_services:
  description: C(cluster/name) of each of O(services) that exists, ACTIVE or DRAINING.
  returned: always
  type: list
  elements: str
  sample: [shop-dev/api]
"""

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.clusters import run
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_clusters, run)


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
