# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: bootstrap_roles
short_description: The IAM roles the bootstrap role makes for the service plans, as ecs_iam_roles entries
version_added: 0.1.0
author:
  - driftless.ecs maintainers (@driftless)
description:
  - Lists every IAM role of the service plans for one P(driftless.ecs.ecs_iam_roles#module) call - each service's task
    execution role (with its inline policy - ECR pull, log writing on the service's log group, and exactly the SSM
    parameters and Secrets Manager secrets its containers name) and task role, when the plan names them; the
    infrastructure role of each blue/green, linear or canary service behind a load balancer; and every entry of the
    plans' C(extra_roles).
  - A role named by several plans is listed once, as the first plan declares it.
  - Used by the collection's bootstrap role.
options:
  _input:
    description: Service plans, as the P(driftless.ecs.resolve_services#filter) filter returns them.
    type: list
    elements: dict
    required: true
  account_id:
    description: AWS account of the services, for the log group ARN.
    type: str
    required: true
  region:
    description: AWS region of the log groups; C(*) when unknown.
    type: str
    default: "*"
  task_trust_policy:
    description: Trust policy of the execution and task roles.
    type: dict
    required: true
  infrastructure_trust_policy:
    description: Trust policy of the infrastructure roles.
    type: dict
    required: true
  execution_policy_name:
    description: Name of the execution roles' inline policy.
    type: str
    required: true
  task_policy_name:
    description: Name of the task roles' inline policy.
    type: str
    required: true
  infrastructure_policy_name:
    description: Name of the AWS managed policy of the infrastructure roles.
    type: str
    required: true
  ecr_pull_resources:
    description: Repositories the execution roles may pull from.
    type: list
    elements: str
    default: ["*"]
  execution_statements:
    description: Extra statements of every execution role's policy.
    type: list
    elements: dict
    default: []
"""

EXAMPLES = r"""
- name: Make every role of the services
  driftless.ecs.ecs_iam_roles:
    roles: >-
      {{ ecs_service_plans | driftless.ecs.bootstrap_roles(account_id=ecs_account_id, region='eu-west-1',
         task_trust_policy=trust, infrastructure_trust_policy=infrastructure_trust,
         execution_policy_name='driftless-ecs-execution', task_policy_name='driftless-ecs-task',
         infrastructure_policy_name='AmazonECSInfrastructureRolePolicyForLoadBalancers') }}
"""

RETURN = r"""
_value:
  description: Role entries, as O(driftless.ecs.ecs_iam_roles#module:roles) takes them.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.bootstrap_roles import bootstrap_roles, scope_problems
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.plain import with_plain_arguments


@with_plain_arguments
def _bootstrap_roles(
    plans,
    account_id,
    region="*",
    *,
    task_trust_policy,
    infrastructure_trust_policy,
    execution_policy_name,
    task_policy_name,
    infrastructure_policy_name,
    ecr_pull_resources=None,
    execution_statements=None,
):
    try:
        return bootstrap_roles(
            list(plans or []),
            account_id=str(account_id),
            region=str(region or "*"),
            task_trust_policy=task_trust_policy,
            infrastructure_trust_policy=infrastructure_trust_policy,
            execution_policy_name=str(execution_policy_name),
            task_policy_name=str(task_policy_name),
            infrastructure_policy_name=str(infrastructure_policy_name),
            ecr_pull_resources=list(ecr_pull_resources if ecr_pull_resources is not None else ["*"]),
            execution_statements=list(execution_statements or []),
        )
    except (ECSValidationError, KeyError, TypeError) as error:
        raise AnsibleFilterError(f"bootstrap_roles: {error}") from None


# Reads a few fields of each plan once: the plans are read where they are, not converted first (plain.py says why).
def _bootstrap_scope_problems(plans):
    return scope_problems(list(plans or []))


class FilterModule:
    def filters(self):
        return {"bootstrap_roles": _bootstrap_roles, "bootstrap_scope_problems": _bootstrap_scope_problems}
