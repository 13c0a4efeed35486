# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: resolve_services
short_description: Complete and check the ecs_services declaration the roles share
version_added: 0.1.0
author:
  - driftless.ecs maintainers (@driftless)
description:
  - Turns the C(ecs_services) list (see the collection's docs/ecs_services.md) into one plan per service, with the
    defaults every role applies (family, execution and task role names and ARNs, log group, target group name,
    main container; for blue/green, linear and canary services the alternate target group, the test rule and the
    infrastructure role) and the checks every role needs (names too long for AWS, a task definition file that is not
    JSON, an unknown C(deploy_service)).
  - Used by the collection's roles; fails with a message that names the service and the field.
positional: account_id, partition, file_contents, only, load_balancers
options:
  _input:
    description: The C(ecs_services) list.
    type: list
    elements: dict
    required: true
  account_id:
    description: AWS account of the environment, for role ARNs.
    type: str
    required: true
  partition:
    description: ARN partition.
    type: str
    default: aws
  file_contents:
    description: Service name to the text of its C(task_definition_file).
    type: dict
  only:
    description: Resolve only the service with this name.
    type: str
  load_balancers:
    description:
      - The C(ecs_load_balancers) list, which a service's C(load_balancer.name) and C(load_balancer.listener) refer to.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Resolve the services
  ansible.builtin.set_fact:
    services: "{{ ecs_services | driftless.ecs.resolve_services(caller.account) }}"
"""

RETURN = r"""
_value:
  description: One plan per service, in declaration order.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import declared_files, resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.plain import with_plain_arguments


@with_plain_arguments
def _resolve_services(services, account_id, partition="aws", file_contents=None, only=None, *, load_balancers=None):
    try:
        return resolve_services(
            services, str(account_id), partition, file_contents, only or None, load_balancers=load_balancers
        )
    except ECSValidationError as error:
        raise AnsibleFilterError(str(error)) from None


@with_plain_arguments
def _declared_files(services, inventory_dir=""):
    return declared_files(services, str(inventory_dir or ""))


class FilterModule:
    def filters(self):
        return {"resolve_services": _resolve_services, "declared_files": _declared_files}
