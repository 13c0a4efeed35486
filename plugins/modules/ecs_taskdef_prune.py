#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_taskdef_prune
short_description: Deregister the old ACTIVE revisions of a task definition family that nothing uses
version_added: 0.1.0
description:
  - Keeps the newest O(keep) ACTIVE revisions of a family and deregisters the older ones (they become INACTIVE;
    ECS never deletes a revision's number).
  - Never touches a revision that a service's deployment, the service itself, or a running task uses, however old
    it is. Those are returned in RV(protected).
  - Looks for users of a revision in O(clusters), or in every cluster of the region when O(clusters) is not given.
author:
  - driftless.ecs maintainers (@driftless)
options:
  family:
    description: The task definition family to prune.
    type: str
    required: true
  keep:
    description: How many of the newest ACTIVE revisions to keep. At least 1.
    type: int
    default: 10
  clusters:
    description:
      - Clusters whose services and tasks may use revisions of O(family).
      - Defaults to every cluster of the region. Name them to save calls when you know where the family runs.
    type: list
    elements: str
notes:
  - Supports check mode, which reports what would be deregistered, and C(--diff), which shows the ACTIVE revisions
    before and after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Keep the five newest revisions of web, and any older one still in use
  driftless.ecs.ecs_taskdef_prune:
    family: web
    keep: 5
    clusters: [prod]
  register: pruned

- name: Preview the prune
  driftless.ecs.ecs_taskdef_prune:
    family: web
    keep: 5
  check_mode: true
  diff: true
"""

RETURN = r"""
deregistered:
  description: ARNs deregistered (in check mode, that would be), newest first.
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3"]
kept:
  description: ARNs that stay ACTIVE, newest first.
  returned: always
  type: list
  elements: str
protected:
  description: Revisions older than the O(keep) newest that stay ACTIVE because a service or a running task uses them.
  returned: always
  type: list
  elements: str
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_prune import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_taskdef_prune, run)


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
