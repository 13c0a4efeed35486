#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_log_groups
short_description: Make many CloudWatch Logs log groups, with their retention, in one call
version_added: 0.1.0
description:
  - Makes every log group of O(log_groups) that does not exist, with its tags and retention, and sets the retention
    of an existing group whose retention differs from a declared O(log_groups[].retention_days). Everything else of
    an existing group (its events, tags, subscriptions, KMS key) is left alone.
  - Every group is checked before the first call, and a bad one fails the module naming it, as in
    C(log_groups[/ecs/shop/api].retention_days ...).
  - Check mode writes nothing and reports the writes each group needs; C(--diff) shows the retention that changes.
  - "Calls: DescribeLogGroups once per folder of the groups (C(/ecs/shop-dev/) finds fifty groups a page), eight at
    a time; CreateLogGroup for a group that is missing; PutRetentionPolicy where the declared retention differs."
  - A group whose write fails does not stop the others; the module then fails with every group's result.
author:
  - driftless.ecs maintainers (@driftless)
options:
  log_groups:
    description: The log groups, one entry each. An entry given twice alike counts once.
    type: list
    elements: dict
    required: true
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
- name: The log groups of two services, kept 30 days
  driftless.ecs.ecs_log_groups:
    log_groups:
      - {name: /ecs/shop-dev/api, retention_days: 30}
      - {name: /ecs/shop-dev/web, retention_days: 30, tags: {team: shop}}
"""

RETURN = r"""
log_groups:
  description: Each declared log group, in the order given (each name once).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The group's name.
      type: str
      sample: /ecs/shop-dev/api
    arn:
      description: The group's ARN, for a group that existed before the run.
      type: str
      returned: when the group existed
    created:
      description: Whether the group was (in check mode, would be) created.
      type: bool
    changed:
      description: Whether anything was (in check mode, would be) written for the group.
      type: bool
    actions:
      description: The writes made (in check mode, needed), in words.
      type: list
      elements: str
      sample: [create log group, set retention to 30 days]
    retention_days:
      description: The group's retention in days after the run; none when it keeps events forever.
      type: int
    error:
      description: Why a write of the group failed.
      returned: when a write of the group failed
      type: str
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.log_groups import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_log_groups, run, clients=("logs",))


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
