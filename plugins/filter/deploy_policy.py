# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: deploy_policy
short_description: The least-privilege IAM policy of a deployer of the declared ECS services
version_added: 0.1.0
author:
  - driftless.ecs maintainers (@driftless)
description:
  - Builds the IAM policy document that the deploy playbook needs for the given service plans, and nothing more.
  - ECS task definition actions that ECS evaluates only against C(*) (DescribeTaskDefinition,
    RegisterTaskDefinition, and with O(prune) ListTaskDefinitions and DeregisterTaskDefinition) get C(*). Every other
    ECS action is scoped to the declared services, the revisions of the declared families, or the declared clusters.
  - C(iam:PassRole) is limited to the services' task and execution roles, and to C(ecs-tasks.amazonaws.com).
  - Services with a blue/green, linear or canary strategy add C(elasticloadbalancing:DescribeRules) on C(*) and
    C(iam:PassRole) of their infrastructure and lifecycle hook roles, limited to C(ecs.amazonaws.com).
  - Statements, actions and resources come in a fixed order, so equal input gives an equal document.
  - Used by the collection's iam_policy role; fails with a message that names the bad input.
positional: region, account_id, partition
options:
  _input:
    description: Service plans, as the P(driftless.ecs.resolve_services#filter) filter returns them.
    type: list
    elements: dict
    required: true
  region:
    description: AWS region of the clusters.
    type: str
    required: true
  account_id:
    description: AWS account of the clusters, twelve digits.
    type: str
    required: true
  partition:
    description: ARN partition. By default derived from O(region).
    type: str
  create_services:
    description:
      - Also allow creating a declared service that does not exist yet (C(ecs:CreateService) on the declared services,
        C(ecs:DescribeClusters) on their clusters).
    type: bool
    default: false
  prune:
    description: Also allow P(driftless.ecs.ecs_taskdef_prune#module) on the declared families and clusters.
    type: bool
    default: false
  verify:
    description:
      - Also allow the deploy role's read-only checks before it writes (C(deploy_verify)). C(ecs:DescribeClusters) on
        the declared clusters, C(iam:GetRole) on the declared roles, and on C(*) the ECR, Secrets Manager, ELBv2,
        CloudWatch Logs and SSM reads that find images, secrets, target groups, log groups and parameters. None of
        them reads a secret's value.
    type: bool
    default: true
  diagnose:
    description:
      - Also allow reading why a rollout failed - C(ecs:DescribeTasks) on the declared clusters' tasks,
        C(ecs:ListTasks) in them, C(logs:GetLogEvents) on the declared log groups and, for services behind a load
        balancer, C(elasticloadbalancing:DescribeTargetHealth). A deploy without them fails just as clearly, without
        the reason.
    type: bool
    default: true
  suspend_scale_in:
    description:
      - Also allow holding scale-in during a rollout (the deploy role's C(deploy_suspend_scale_in)) -
        C(application-autoscaling:DescribeScalableTargets) on C(*), which takes no resource, and
        C(application-autoscaling:RegisterScalableTarget) on the desired count of ECS services only (its condition
        keys C(application-autoscaling:service-namespace) and C(application-autoscaling:scalable-dimension)).
    type: bool
    default: false
  ecr_repositories:
    description:
      - Names or ARNs of ECR repositories that the image-build job pushes to. Adds C(ecr:GetAuthorizationToken) and the
        push actions on these repositories. Empty, the policy grants no ECR access.
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Build the deployer policy of the declared services
  ansible.builtin.set_fact:
    deployer_policy: "{{ ecs_service_plans | driftless.ecs.deploy_policy('eu-west-1', ecs_account_id) }}"

- name: The same, for a job that also pushes the images
  ansible.builtin.set_fact:
    deployer_policy: >-
      {{ ecs_service_plans | driftless.ecs.deploy_policy(ecs_region, ecs_account_id,
         ecr_repositories=['shop/web', 'shop/worker']) }}
"""

RETURN = r"""
_value:
  description: The IAM policy document, with C(Version) and C(Statement).
  type: dict
  sample:
    Version: "2012-10-17"
    Statement:
      - Sid: TaskDefinitionsNoResourceLevel
        Effect: Allow
        Action: [ecs:DescribeTaskDefinition, ecs:RegisterTaskDefinition]
        Resource: ["*"]
      - Sid: DeclaredServices
        Effect: Allow
        Action: [ecs:DescribeServices, ecs:UpdateService]
        Resource: [arn:aws:ecs:eu-west-1:123456789012:service/shop-dev/web]
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.plain import with_plain_arguments
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.policy import deploy_policy


@with_plain_arguments
def _deploy_policy(
    plans,
    region,
    account_id,
    partition=None,
    *,
    create_services=False,
    prune=False,
    ecr_repositories=None,
    verify=True,
    diagnose=True,
    suspend_scale_in=False,
):
    try:
        return deploy_policy(
            plans,
            str(region or ""),
            str(account_id or ""),
            partition or None,
            create_services=boolean(create_services, strict=True),
            prune=boolean(prune, strict=True),
            ecr_repositories=list(ecr_repositories or []),
            verify=boolean(verify, strict=True),
            diagnose=boolean(diagnose, strict=True),
            suspend_scale_in=boolean(suspend_scale_in, strict=True),
        )
    except (ECSValidationError, TypeError) as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    def filters(self):
        return {"deploy_policy": _deploy_policy}
