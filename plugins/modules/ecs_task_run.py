#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_task_run
short_description: Run one-off ECS tasks (migrations, checks) and judge them by their exit codes
version_added: 0.1.0
description:
  - Runs one-off tasks with RunTask and follows them until every task is STOPPED. A run succeeds when every
    essential container of every task it started exited 0. Anything else fails the module with a message that names
    the task, the container, its exit code or the task's stop reason, and the last lines the container logged.
  - The revision is O(task_definition), or the one O(service) runs; the network configuration, launch type or
    capacity provider strategy, and platform version are the service's unless given.
  - Several runs go in O(runs). Runs of one O(group) (the tasks of one service) run one after the other, in
    the order written, and a failure leaves the rest of its group unstarted; groups run side by side, in one module
    call.
  - RunTask is sent with a C(clientToken), so a retry after a lost answer never starts the tasks twice.
  - At O(wait_timeout), the tasks still running are stopped with StopTask, with a reason that says so, and the module
    fails saying it did.
  - Each container that logs with the C(awslogs) driver has its last O(log_lines) lines read from CloudWatch Logs,
    in the group, region and stream prefix of its log configuration (stream C(PREFIX/CONTAINER/TASK_ID)).
  - Environment overrides are shown by name only, their values masked, unless marked
    O(container_overrides[].environment[].safe); the values are masked in log lines too. Secrets stay in the task
    definition as C(valueFrom) references.
  - Check mode starts nothing and reports what would run. It reports the revision, the overrides and the network
    configuration in RV(runs[].request).
  - "Calls: DescribeServices (for O(service)), DescribeTaskDefinition, RunTask, DescribeTasks (a hundred tasks a
    call, each poll), GetLogEvents once per container of each stopped task, StopTask only at a timeout."
author:
  - driftless.ecs maintainers (@driftless)
options:
  name:
    description: What the run is called in results and messages (V(migrate), V(smoke)).
    type: str
    default: task
  cluster:
    description: The cluster to run in. Required, at the top level or in each of O(runs).
    type: str
  service:
    description:
      - A service of O(cluster) whose revision (when O(task_definition) is not given), network configuration, launch
        type or capacity provider strategy, and platform version the tasks take.
    type: str
  task_definition:
    description: The revision to run (ARN, C(family:revision), or a family for its newest ACTIVE revision).
    type: str
  container_overrides:
    description: ECS's C(containerOverrides), in snake_case. Each names a container of the task definition.
    type: list
    elements: dict
    suboptions:
      name:
        description: The container.
        type: str
        required: true
      command:
        description:
          - The command to run instead of the container's, as a list of strings (V([bin/migrate, --noinput])).
          - Anything else, a plain string included, is refused before any task starts.
        type: raw
      environment:
        description: Environment variables added to the container's.
        type: list
        elements: dict
        suboptions:
          name:
            description: The variable's name.
            type: str
            required: true
          value:
            description: Its value. Masked in results and log lines unless O(container_overrides[].environment[].safe).
            type: str
            default: ""
          safe:
            description: Show the value in results and check mode.
            type: bool
            default: false
      cpu:
        description: CPU units for the container.
        type: int
      memory:
        description: Memory (MiB) for the container.
        type: int
  count:
    description: How many tasks to start, 1 to 10 (RunTask's limit).
    type: int
    default: 1
  started_by:
    description: RunTask's C(startedBy) (at most 128 characters). Default C(driftless.ecs/NAME).
    type: str
  tags:
    description: Tags of the tasks.
    type: dict
  propagate_tags:
    description: Where the tasks take more tags from.
    type: str
    choices: [TASK_DEFINITION, SERVICE, NONE]
  launch_type:
    description: The launch type; the service's by default.
    type: str
    choices: [EC2, FARGATE, EXTERNAL]
  capacity_provider_strategy:
    description: Capacity providers instead of a launch type; the service's by default.
    type: list
    elements: dict
    suboptions:
      capacity_provider:
        description: The capacity provider.
        type: str
        required: true
      weight:
        description: Its relative weight.
        type: int
      base:
        description: Tasks it runs first.
        type: int
  platform_version:
    description: Fargate platform version; the service's by default.
    type: str
  network_configuration:
    description: The awsvpc network of the tasks; the service's by default. Required for awsvpc without a service.
    type: dict
    suboptions:
      subnets:
        description: Subnet IDs.
        type: list
        elements: str
      security_groups:
        description: Security group IDs.
        type: list
        elements: str
      assign_public_ip:
        description: Give the tasks a public IP.
        type: bool
  group:
    description: Runs of one group run one after the other, in order; different groups run side by side.
    type: str
  runs:
    description:
      - Several runs, each with the options above (O(name), O(cluster), O(service), O(task_definition),
        O(container_overrides), O(count), O(group)...). Mutually exclusive with O(task_definition) and O(service) at
        the top level.
      - Names must be unique within a group.
    type: list
    elements: dict
  wait_timeout:
    description: Seconds the whole call may wait for its tasks. Tasks still running then are stopped.
    type: int
    default: 600
  poll_interval:
    description: Seconds between two DescribeTasks.
    type: float
    default: 5.0
  log_lines:
    description: How many of the last log lines of each container to read and return; V(0) reads none.
    type: int
    default: 50
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Django migrations on the revision web runs, in web's network
  driftless.ecs.ecs_task_run:
    name: migrate
    cluster: shop-prod
    service: web
    container_overrides:
      - name: app
        command: [python, manage.py, migrate, --noinput]

- name: A Rails migration on the revision about to be released, then a smoke check, for two services at once
  driftless.ecs.ecs_task_run:
    runs:
      - {name: migrate, group: api, cluster: shop-prod, service: api, task_definition: "{{ api_revision }}",
         container_overrides: [{name: app, command: [bin/rails, "db:migrate"]}]}
      - name: smoke
        group: api
        cluster: shop-prod
        service: api
        task_definition: "{{ api_revision }}"
        container_overrides:
          - {name: app, command: [bin/smoke], environment: [{name: TARGET, value: prod, safe: true}]}
      - {name: migrate, group: billing, cluster: shop-prod, service: billing,
         container_overrides: [{name: app, command: [bin/migrate]}]}
    wait_timeout: 900
  register: released

- name: A check that must not outlive five minutes
  driftless.ecs.ecs_task_run:
    name: contract-tests
    cluster: shop-staging
    task_definition: contract-tests
    network_configuration: {subnets: [subnet-0a1b2c3d], security_groups: [sg-0a1b2c3d]}
    launch_type: FARGATE
    wait_timeout: 300
    log_lines: 20
"""

RETURN = r"""
runs:
  description: One entry per run, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The run's name.
      type: str
      sample: migrate
    group:
      description: The run's group.
      type: str
      sample: api
    task_definition:
      description: The revision that ran (or would run).
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-prod-api:42
    status:
      description: V(succeeded), V(failed), V(timed_out), V(not_run) (an earlier run of its group failed), or
        V(would_run) in check mode.
      type: str
      sample: succeeded
    duration:
      description: Seconds from RunTask to the last task STOPPED.
      type: float
      sample: 41.5
    request:
      description: The RunTask request, environment override values masked unless marked safe.
      type: dict
      sample: {cluster: shop-prod, taskDefinition: "arn:...:task-definition/shop-prod-api:42", count: 1}
    message:
      description: Why the run failed.
      type: str
      sample: "migrate: task 1a2b3c4d5e6f: container app exited 1; last log lines: KeyError: 'DATABASE_URL'"
    task_arns:
      description: The tasks it started.
      type: list
      elements: str
tasks:
  description: One entry per task started, every run together.
  returned: always
  type: list
  elements: dict
  contains:
    task_arn:
      description: The task.
      type: str
    stopped_reason:
      description: ECS's C(stoppedReason).
      type: str
      sample: Essential container in task exited
    stop_code:
      description: ECS's C(stopCode).
      type: str
      sample: EssentialContainerExited
    containers:
      description: Each container's C(name), C(essential), C(exit_code), C(reason) and last C(log_lines).
      type: list
      elements: dict
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.task_run import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_task_run, run, lazy_clients=True)


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
