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
  - With O(log_groups), also makes the log groups of the services as M(driftless.ecs.ecs_log_groups) does, in the same
    call (the bootstrap role makes a run's clusters and log groups with one module call). Every group is checked
    before the first write.
  - Check mode makes nothing and reports the clusters it would make in RV(new_clusters).
  - "Calls: DescribeClusters (a hundred clusters a call); CreateCluster for each missing cluster; DescribeServices
    of O(services), ten a call, eight calls at a time. For O(log_groups), the calls of
    M(driftless.ecs.ecs_log_groups)."
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
  log_groups:
    description:
      - Log groups to make too, one entry each, as O(driftless.ecs.ecs_log_groups#module:log_groups) takes them. An
        entry given twice alike counts once.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The log group's name.
        type: str
        required: true
      retention_days:
        description:
          - Days the group keeps events; one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120,
            150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).
          - Not given, a new group keeps events forever and an existing group keeps its retention.
        type: int
      tags:
        description: Tags of a group that is created. An existing group's tags are left alone.
        type: dict
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
log_groups:
  description:
    - With O(log_groups), each log group as RV(driftless.ecs.ecs_log_groups#module:log_groups) describes it -
      C(name), C(arn), C(created), C(changed), C(actions), C(retention_days) and C(error).
  returned: when O(log_groups) is given
  type: list
  elements: dict
  sample: [{name: /ecs/shop-dev/api, created: false, changed: false, actions: [], retention_days: 30}]
"""

from typing import Any

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args, clusters, log_groups
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.log_group_plan import check_log_groups


def run(
    client: Any, params: dict, *, check_mode: bool = False, diff: bool = False, clock: Any = None, logs: Any = None
):
    """The clusters, then the log groups when some are given: one module call where there would be two."""
    declared_groups = list(params.get("log_groups") or [])
    check_log_groups(declared_groups)  # a bad group fails here, before a cluster is made
    result = clusters.run(client, params, check_mode=check_mode, diff=diff, clock=clock)
    if not declared_groups:
        return result
    try:
        made = log_groups.run(
            client, {"log_groups": declared_groups}, check_mode=check_mode, diff=diff, clock=clock, logs=logs
        )
    except AnsibleECSError as error:
        raise AnsibleECSError(error.message, error.exception, **_together(result, error.kwargs)) from error
    return _together(result, made)


def _together(of_clusters: dict, of_log_groups: dict) -> dict:
    together = {**of_clusters, "log_groups": of_log_groups.get("log_groups", [])}
    together["changed"] = bool(of_clusters.get("changed") or of_log_groups.get("changed"))
    if "diff" in of_clusters or "diff" in of_log_groups:
        together["diff"] = {
            side: {
                **of_clusters.get("diff", {}).get(side, {}),
                "log_groups": of_log_groups.get("diff", {}).get(side, {}),
            }
            for side in ("before", "after")
        }
    return together


# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
# The CloudWatch Logs client is made only when log groups are given.
MODULE = Definition(args.ecs_clusters, run, clients=("logs",))


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
