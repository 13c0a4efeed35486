#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_taskdef_live
short_description: Resolve the task definition an ECS service should run, registering a revision only on real change
version_added: 0.1.0
description:
  - Looks up the task definition revision an ECS service runs live, builds the desired definition from the
    declared one, and registers a new revision only when the two differ in substance. Otherwise it returns the
    live revision and reports no change.
  - Drift is adopted. A container not named in O(images) keeps the image that runs live, so a deploy made by an
    outside pipeline (CI job, CodePipeline, ecs-deploy) is never undone by a playbook that remembers an older image.
    Each live image kept over a different declared one is listed in RV(drift) and shown as a warning, so it is
    seen without C(-v).
  - Both sides are compared in a canonical form. Read-only fields are dropped, the defaults ECS fills in are
    applied to both sides (container C(cpu) 0, C(essential) true, port protocol C(tcp), C(hostPort) under
    C(awsvpc), C(networkMode) C(bridge), health check interval, timeout and retries, runtime platform...), units
    are converted (C(1 vCPU) is C(1024), C(2GB) is C(2048)), numbers written as strings are typed, and unordered
    collections (containers, environment, secrets, port mappings, volumes...) are compared by key. The order of
    C(command), C(entryPoint) and C(healthCheck.command) counts. The keys of user maps such as C(dockerLabels)
    and C(logConfiguration.options) are never changed.
  - When only the tags differ, the live revision is tagged in place instead of registering a new one.
  - Before registering, the family's newest revision is checked; if it already holds the desired content (for
    example a run that registered it and stopped before the service moved), it is reused.
  - RegisterTaskDefinition is not idempotent. If a registration fails in a way that may have registered it anyway
    (a 5xx answer, a reset connection, a timeout), the newest revision is read before trying again, so a retry
    never leaves a duplicate revision.
  - Does not update the service. Pass RV(task_definition_arn) to M(driftless.ecs.ecs_service_rollout).
author:
  - driftless.ecs maintainers (@driftless)
options:
  cluster:
    description:
      - Name or ARN of the cluster of O(service).
      - A cluster that does not exist is treated like a service that does not exist.
    type: str
  service:
    description:
      - Name of the service whose live task definition is the baseline.
      - If the service does not exist yet, or O(service) is not given, the baseline is the newest ACTIVE revision
        of the family, if there is one, and the images written in O(task_definition) are used (the bootstrap image).
    type: str
  task_definition:
    description:
      - The declared task definition, in the RegisterTaskDefinition request shape, camelCase, exactly as
        C(aws ecs register-task-definition --cli-input-json) takes it, so existing JSON files work unchanged
        (C("{{ lookup('file', 'web.json') | from_json }}")).
      - Every field of that request is supported, C(tags) included (as a list of C(key)/C(value) or as a dict).
        A field the ECS API does not know is an error that names it.
      - The other shapes users keep work too. A DescribeTaskDefinition C(taskDefinition) document (what
        C(aws ecs describe-task-definition --query taskDefinition) prints), and the CLI's whole answer (a
        C(taskDefinition) and its C(tags)), whose tags count as the declared ones. Their read-only fields
        (C(taskDefinitionArn), C(revision), C(status), C(requiresAttributes), C(compatibilities), C(registeredAt),
        C(registeredBy), AWS's own C(aws:) tags) are dropped and listed in RV(ignored_fields).
      - C(null) means absent everywhere. An empty string means absent for enum fields and the role ARNs, as console
        exports and CLI skeletons write them; elsewhere (an environment value, a docker label) it is a value.
      - Numbers written as strings are converted; task C(cpu) and C(memory) with units (C(".25 vcpu"), C("2 GB"))
        are registered in the form ECS returns (CPU units and MiB, as strings).
      - The image written here is the bootstrap image, used when no service runs the container yet. A container
        may leave it out or empty, as files whose image a pipeline sets do; it then takes the live image or the one
        O(images) gives, and only when there is neither is it an error naming the container.
      - Required unless O(definitions) is given.
    type: dict
  images:
    description:
      - Images to deploy, as container name to image reference.
      - A container that is not named keeps the image that runs live in the service.
      - An unknown container name, or a reference that is not a valid image reference, is an error.
    type: dict
  force_bootstrap_image:
    description:
      - Use the images written in O(task_definition) even though a live image exists.
      - O(images) still wins for the containers it names.
    type: bool
    default: false
  definitions:
    description:
      - Resolve several services in one call, each item taking O(cluster), O(service), O(task_definition),
        O(images) and O(force_bootstrap_image).
      - DescribeServices is then batched, ten services a call per cluster, and the module starts once instead of
        once per service. The results are in RV(results), in the same order.
      - Mutually exclusive with O(task_definition).
    type: list
    elements: dict
    suboptions:
      cluster:
        description: Name or ARN of the cluster of O(definitions[].service).
        type: str
      service:
        description: Name of the service whose live task definition is the baseline.
        type: str
      task_definition:
        description: The declared task definition, as O(task_definition).
        type: dict
        required: true
      images:
        description: Images to deploy, as O(images).
        type: dict
      force_bootstrap_image:
        description: As O(force_bootstrap_image).
        type: bool
        default: false
  verify:
    description:
      - Before any write (and in check mode, which writes nothing anyway), check that what the revisions this run
        will register or reuse need exists in AWS, and fail naming the service, the container and the field of
        each missing one.
      - The cluster of a service that does not exist yet, and is ACTIVE. Each ECR image, by tag or digest, with
        C(ecr:DescribeImages); an image of another account's registry with C(ecr:BatchGetImage), which succeeds only
        when that repository's policy lets the service's account pull. The execution and task roles exist and trust
        C(ecs-tasks.amazonaws.com). Every secret's C(valueFrom) names an SSM parameter or a Secrets Manager secret
        that exists; no value is ever read. Every C(awslogs) log group exists, unless C(awslogs-create-group) is set.
        The service's target groups exist, fit its network mode, and get a container and port the new revision maps.
      - A definition with nothing to change costs no check. Images outside ECR are listed in RV(verify.notes), not
        checked.
    type: bool
    default: false
notes:
  - Supports check mode. A registration that would happen is reported with RV(registered=true) and the ARN the
    revision would get; nothing is registered or tagged.
  - Supports C(--diff). Before and after are the canonical forms of the live and desired definitions.
  - A run with nothing to change makes two ECS calls, DescribeServices and DescribeTaskDefinition, and no write.
  - An image re-pushed under the same mutable tag, or a rotated secret value, needs a new deployment but not a new
    revision. Use O(driftless.ecs.ecs_service_rollout#module:force_new_deployment) for those.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
# Deploy a new image built by CI. Other containers (a sidecar) keep what runs live.
- name: Resolve the task definition of web with the new image
  driftless.ecs.ecs_taskdef_live:
    cluster: prod
    service: web
    task_definition: "{{ lookup('ansible.builtin.file', 'taskdefs/web.json') | from_json }}"
    images:
      app: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:{{ git_sha }}"
  register: web_taskdef

- name: Put the service on it and follow the rollout
  driftless.ecs.ecs_service_rollout:
    cluster: prod
    service: web
    task_definition: "{{ web_taskdef.task_definition_arn }}"

# Drift: a CodePipeline deployed web:2.4.1 out of band. A playbook run without images keeps it,
# reports it under drift, and registers nothing unless something else changed.
- name: Change an environment variable, keep whatever image runs live
  driftless.ecs.ecs_taskdef_live:
    cluster: prod
    service: web
    task_definition:
      family: web
      networkMode: awsvpc
      requiresCompatibilities: [FARGATE]
      cpu: "0.5 vCPU"
      memory: 1GB
      executionRoleArn: arn:aws:iam::123456789012:role/web-execution
      containerDefinitions:
        - name: app
          image: nginx:stable  # bootstrap image: used only before the service exists
          portMappings:
            - containerPort: 8080
          environment:
            - name: LOG_LEVEL
              value: debug
          secrets:
            - name: DB_PASSWORD
              valueFrom: arn:aws:ssm:eu-west-1:123456789012:parameter/web/db-password
  register: web_taskdef

- name: Show what was kept from the live service
  ansible.builtin.debug:
    msg: "{{ item.container }} keeps {{ item.live }} (declared {{ item.declared }})"
  loop: "{{ web_taskdef.drift }}"

# Go back to the image written in the task definition.
- name: Force the bootstrap image
  driftless.ecs.ecs_taskdef_live:
    cluster: prod
    service: web
    task_definition: "{{ lookup('ansible.builtin.file', 'taskdefs/web.json') | from_json }}"
    force_bootstrap_image: true

# Many services with one module start-up and batched lookups.
- name: Resolve every service of the app
  driftless.ecs.ecs_taskdef_live:
    definitions:
      - cluster: prod
        service: web
        task_definition: "{{ lookup('ansible.builtin.file', 'taskdefs/web.json') | from_json }}"
        images:
          app: "{{ web_image | default(omit) }}"
      - cluster: prod
        service: worker
        task_definition: "{{ lookup('ansible.builtin.file', 'taskdefs/worker.json') | from_json }}"
  register: resolved

# Refuse, before registering anything, a revision whose image, roles, secrets or log group are missing.
- name: Resolve with the checks before writing
  driftless.ecs.ecs_taskdef_live:
    cluster: prod
    service: web
    task_definition: "{{ lookup('ansible.builtin.file', 'taskdefs/web.json') | from_json }}"
    images:
      app: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2
    verify: true

- name: Preview in check mode, with the canonical before/after
  driftless.ecs.ecs_taskdef_live:
    cluster: prod
    service: web
    task_definition: "{{ lookup('ansible.builtin.file', 'taskdefs/web.json') | from_json }}"
  check_mode: true
  diff: true
"""

RETURN = r"""
task_definition_arn:
  description:
    - ARN of the task definition the service should run. The live one when nothing changed.
    - In check mode, when a revision would be registered, the ARN it would get.
  returned: when O(task_definition) is given
  type: str
  sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42
live_task_definition_arn:
  description: ARN of the task definition the service runs live; null if there is no such service.
  returned: when O(task_definition) is given
  type: str
  sample: arn:aws:ecs:eu-west-1:123456789012:task-definition/web:41
baseline_task_definition_arn:
  description:
    - ARN of the revision the declared definition was compared with. The live one, or for a service that does not
      exist yet the family's newest ACTIVE revision. Null when there was none.
  returned: when O(task_definition) is given
  type: str
registered:
  description: Whether a new revision was registered (in check mode, would be).
  returned: when O(task_definition) is given
  type: bool
  sample: false
ignored_fields:
  description:
    - Read-only fields of a described revision or of the CLI's answer that were dropped from O(task_definition),
      as paths. Empty for a definition in the RegisterTaskDefinition shape.
  returned: when O(task_definition) is given
  type: list
  elements: str
  sample: [task_definition.taskDefinitionArn, task_definition.revision, task_definition.status]
verify:
  description: With O(verify), what was checked before writing.
  returned: when O(verify) is true
  type: dict
  contains:
    checked:
      description: Resources asked about (clusters, images, roles, parameters, secrets, log groups, target groups).
      type: int
      sample: 6
    calls:
      description: AWS calls the checks made.
      type: int
      sample: 6
    notes:
      description: What was not checked, and why (an image outside ECR, a log group ECS makes itself).
      type: list
      elements: str
reused_revision:
  description:
    - Whether an existing revision that already held the desired content was returned instead of registering one.
    - Such a result is not C(changed), since nothing was written; moving the service to it is
      M(driftless.ecs.ecs_service_rollout)'s change, which that module reports.
  returned: when O(task_definition) is given
  type: bool
tagged:
  description: Whether only tags differed and the live revision was tagged in place.
  returned: when O(task_definition) is given
  type: bool
family:
  description: Family of the task definition.
  returned: when O(task_definition) is given
  type: str
  sample: web
drift:
  description:
    - Differences between the declared definition and the live one that the module kept, such as an image
      deployed out of band.
  returned: when O(task_definition) is given
  type: list
  elements: dict
  contains:
    container:
      description: Container name.
      type: str
    field:
      description: The field whose live value was kept.
      type: str
      sample: image
    declared:
      description: The value written in O(task_definition).
      type: str
    live:
      description: The value that runs live, and is kept.
      type: str
  sample: [{"container": "app", "field": "image", "declared": "nginx:stable", "live": "web:2.4.1"}]
images:
  description: The image chosen for every container and where it came from.
  returned: when O(task_definition) is given
  type: list
  elements: dict
  contains:
    container:
      description: Container name.
      type: str
    image:
      description: The image in the resolved task definition.
      type: str
    source:
      description: C(images) when given by O(images), C(live) when kept from the live service, C(declared) otherwise.
      type: str
    live_image:
      description: The image that runs live; null when no live container has this name.
      type: str
changes:
  description:
    - Every substantive difference between the baseline and the desired definition, in canonical form. Empty when
      nothing changed.
  returned: when O(task_definition) is given
  type: list
  elements: dict
  contains:
    path:
      description: Where the difference is, for example C(containerDefinitions[app].environment[LOG_LEVEL].value).
      type: str
    before:
      description: The baseline's value; null when absent.
      type: raw
    after:
      description: The desired value; null when absent.
      type: raw
results:
  description:
    - One result per item of O(definitions), in order, each with the keys above plus C(cluster) and C(service).
    - When an item fails, the failed result holds the results of the items before it, and C(changed) says whether
      they wrote anything.
  returned: when O(definitions) is given
  type: list
  elements: dict
diff:
  description: Canonical before and after (with C(--diff)).
  returned: with C(--diff)
  type: dict
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_live import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_taskdef_live, run, lazy_clients=True)


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
