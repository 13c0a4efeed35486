#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_schedules
short_description: Make EventBridge Scheduler schedules that run a service's tasks, and move them with its deploys
version_added: 0.1.0
description:
  - Every schedule of the run in one call. Each is an EventBridge Scheduler schedule, in the schedule group
    O(schedules[].group), whose target is ECS RunTask on the service's cluster.
  - With O(mode=present) (the bootstrap role), each schedule is made, or updated to what is declared. It runs the
    revision O(schedules[].task_definition), else the one the service runs, in the service's network, with its
    launch type or capacity provider strategy and platform version, as DescribeServices returns them.
    O(schedules[].command) overrides the command of O(schedules[].container). The role O(schedules[].role_arn) is
    the one EventBridge Scheduler assumes to start the task and pass the task's roles.
  - What the declaration does not name (a retry policy, a dead-letter queue, start and end dates, a KMS key) is kept
    as the schedule holds it.
  - With O(mode=follow) (the deploy role), each schedule is moved to O(schedules[].task_definition) and nothing else
    of it changes. A schedule that does not exist is left alone, with a warning.
  - A schedule already as it should be is not written. Check mode reads and writes nothing; C(--diff) shows each
    schedule that would change, before and after.
  - Bad input (an expression EventBridge would refuse, a missing field, a service that does not exist) fails the
    call before any write, named by its place in O(schedules).
  - "Calls: DescribeServices (mode present, ten services a call per cluster), GetSchedule (one per schedule, eight at
    a time), CreateSchedule or UpdateSchedule (only for a schedule that is missing or differs)."
author:
  - driftless.ecs maintainers (@driftless)
options:
  mode:
    description:
      - V(present) makes or updates the schedules as declared; V(follow) only moves them to a revision.
    type: str
    choices: [present, follow]
    default: present
  schedules:
    description: The schedules.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The schedule's name in EventBridge Scheduler (1 to 64 letters, digits, C(-), C(_), C(.)).
        type: str
        required: true
      group:
        description: The schedule group, which must exist.
        type: str
        default: default
      label:
        description: What results and the deploy summary call the schedule (its declared name); O(schedules[].name) by
          default.
        type: str
      cluster:
        description: The cluster of the service.
        type: str
        required: true
      service:
        description: The service whose revision, network, launch type and platform version the tasks take.
        type: str
        required: true
      task_definition:
        description:
          - The revision to run (ARN). Required with O(mode=follow); with O(mode=present), the service's by default.
        type: str
      schedule:
        description:
          - A C(cron(...)) expression of six fields or a C(rate(...)) expression (V(cron(0 3 * * ? *)),
            V(rate(1 hour)), V(rate(15 minutes))). Required with O(mode=present).
        type: str
      timezone:
        description: The IANA time zone a cron expression is read in.
        type: str
        default: UTC
      enabled:
        description: V(false) keeps the schedule, disabled.
        type: bool
        default: true
      container:
        description: The container whose command O(schedules[].command) replaces. Required with O(mode=present).
        type: str
      command:
        description: The command to run instead of the container's.
        type: list
        elements: str
      count:
        description: How many tasks each run starts, 1 to 10.
        type: int
        default: 1
      description:
        description: The schedule's description (at most 512 characters).
        type: str
      flexible_window_minutes:
        description: Let EventBridge start the task up to this many minutes late (1 to 1440); off by default.
        type: int
      role_arn:
        description:
          - The role EventBridge Scheduler assumes to run the task (C(ecs:RunTask), C(iam:PassRole) of the task's
            roles). Required with O(mode=present).
        type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: A nightly report on the revision the worker runs, in its network
  driftless.ecs.ecs_schedules:
    schedules:
      - name: shop-worker-nightly-report
        label: nightly-report
        cluster: shop
        service: worker
        schedule: cron(0 3 * * ? *)
        timezone: Europe/Paris
        container: app
        command: [bin/report, --yesterday]
        role_arn: arn:aws:iam::123456789012:role/shop-worker-scheduler

- name: Move the worker's schedules to the revision just released
  driftless.ecs.ecs_schedules:
    mode: follow
    schedules:
      - name: shop-worker-nightly-report
        cluster: shop
        service: worker
        task_definition: "{{ released_arn }}"
"""

RETURN = r"""
schedules:
  description: One entry per schedule, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The schedule's name.
      type: str
      sample: shop-worker-nightly-report
    label:
      description: The declared name.
      type: str
      sample: nightly-report
    group:
      description: The schedule group.
      type: str
      sample: default
    cluster:
      description: The service's cluster.
      type: str
    service:
      description: The service.
      type: str
    arn:
      description: The schedule's ARN (none for a schedule that would be created).
      type: str
    action:
      description:
        - V(created), V(updated), V(moved), V(unchanged), V(missing) (mode follow, no such schedule), or in check
          mode V(would create), V(would update), V(would move).
      type: str
      sample: moved
    task_definition:
      description: The revision the schedule runs after the call (or would run).
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/worker:13
    previous_task_definition:
      description: The revision it ran before.
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/worker:12
"""

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.schedules import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_schedules, run, clients=("scheduler",))


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
