# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: resolve_repositories
short_description: The ECR repositories of the declaration, checked, with their pull grants and push roles
version_added: 0.1.0
author:
  - driftless.ecs maintainers (@driftless)
description:
  - Takes the resolved service plans (C(resolve_services)) and the environment's C(ecs_repositories), checks every
    repository entry and every reference to a shared one, and returns the repositories of the run with the roles of
    the other environments that may pull from them and the push role of each C(push_oidc).
  - The push roles are added to C(extra_roles) of the service plans, for the bootstrap role's IAM step.
  - Fails with a message that names the field (C(ecs_services[api].repository ...)).
positional: shared, account_id, partition, region, environments, whole_declaration
options:
  _input:
    description: The service plans.
    type: list
    elements: dict
    required: true
  shared:
    description: The C(ecs_repositories) list.
    type: list
    elements: dict
  account_id:
    description: Account of the environment, which owns the repositories.
    type: str
    required: true
  partition:
    description: ARN partition.
    type: str
    default: aws
  region:
    description: Region of the repositories, for ARNs; V(*) when unknown.
    type: str
    default: "*"
  environments:
    description:
      - The other environments, each with C(name), C(account_id), C(services) (its C(ecs_services)) and
        C(deployer_role_arn). The execution roles of their services that use a repository may pull from it.
    type: list
    elements: dict
  whole_declaration:
    description: The run covers every service, so shared repositories that no service names are made too.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Resolve the repositories
  ansible.builtin.set_fact:
    resolved: "{{ ecs_service_plans | driftless.ecs.resolve_repositories(ecs_repositories, ecs_account_id) }}"
"""

RETURN = r"""
_value:
  description: C(repositories) (one entry per repository of the run) and C(service_plans) (the plans, with the
    push roles in C(extra_roles) and C(repository) as a name).
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.plain import with_plain_arguments
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.repository_plan import (
    pulling_environments,
    repository_images,
    resolve_repositories,
    with_push_roles,
)


@with_plain_arguments
def _resolve_repositories(  # noqa: PLR0917 - a filter's options are positional in Jinja
    plans, shared=None, account_id="", partition="aws", region="*", environments=None, whole_declaration=True
):
    try:
        partition = partition or "aws"
        repositories = resolve_repositories(
            plans,
            shared,
            str(account_id),
            partition,
            environments=pulling_environments(environments, partition),
            whole_declaration=boolean(whole_declaration, strict=True),
            region=str(region or "*"),
        )
        return {"repositories": repositories, "service_plans": with_push_roles(plans, repositories)}
    except ECSValidationError as error:
        raise AnsibleFilterError(str(error)) from None


@with_plain_arguments
def _repository_images(plans, account_id, region="", partition="aws"):
    try:
        return repository_images(plans, str(account_id), str(region or ""), partition or "aws")
    except ECSValidationError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    def filters(self):
        return {"resolve_repositories": _resolve_repositories, "repository_images": _repository_images}
