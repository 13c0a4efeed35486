#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_iam_roles
short_description: Make many IAM roles match their declaration in one call - trust, inline and managed policies, tags
version_added: 0.1.0
description:
  - Makes every role of O(roles) that does not exist, and brings every one that does to its declaration - trust
    policy, description, maximum session duration, the declared inline policies, the declared managed policies and
    tags. What a role holds beyond its declaration (inline policies, managed policies, tags others added) is kept,
    unless O(purge_inline_policies), O(purge_managed_policies) or O(purge_tags) says otherwise.
  - Policy documents are compared in a canonical form - IAM returns them URL-encoded and may reorder or respell them -
    folding only what IAM treats as the same document (the order of statements, of actions, resources, principals
    and condition values; a single value and a one-element list; a condition value as a number or as text; an
    account id and its C(:root) ARN as principal). Any other difference rewrites the declared document.
  - Every role is checked before the first call, and a bad one fails the module naming it, as in
    C(roles[shop-api-exec].trust_policy.Statement[0].Effect ...).
  - A role whose path differs from O(roles[].path) is left on its path - IAM cannot move a role.
  - Check mode writes nothing and reports the writes each role needs; C(--diff) shows what changes, role by role.
  - "Calls: GetRole of every role; for the roles that exist, GetRolePolicy once per declared inline policy,
    ListAttachedRolePolicies when managed policies are declared or purged, ListRolePolicies only to purge inline
    policies. Reads run eight at a time. Writes only where something differs - CreateRole, UpdateAssumeRolePolicy,
    UpdateRole, PutRolePolicy, DeleteRolePolicy, AttachRolePolicy, DetachRolePolicy, TagRole, UntagRole - eight
    roles at a time, in order within a role."
  - A role whose write fails does not stop the others; the module then fails with every role's result.
author:
  - driftless.ecs maintainers (@driftless)
options:
  roles:
    description:
      - The roles, one entry each. An entry given twice alike counts once; two different entries of one name fail.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The role's name, 1 to 64 letters, digits or C(+=,.@_-).
        type: str
        required: true
      description:
        description: The role's description. Not given, an existing role's description is left alone.
        type: str
      path:
        description: Path of a role that is created, such as C(/service-role/). An existing role keeps its own.
        type: str
      trust_policy:
        description: The role's trust policy (assume role policy document).
        type: dict
        required: true
      inline_policies:
        description: Inline policy name to its policy document. Other inline policies of the role are kept.
        type: dict
      managed_policy_arns:
        description: ARNs of managed policies to attach. Other attached policies are kept.
        type: list
        elements: str
      tags:
        description: Tags to set. Other tags are kept.
        type: dict
      max_session_duration:
        description: Seconds a session of the role may last, 3600 to 43200. Not given, left alone.
        type: int
  purge_inline_policies:
    description: Delete the inline policies of the declared roles that O(roles[].inline_policies) does not name.
    type: bool
    default: false
  purge_managed_policies:
    description: Detach the managed policies of the declared roles that O(roles[].managed_policy_arns) does not name.
    type: bool
    default: false
  purge_tags:
    description: Remove the tags of the declared roles that O(roles[].tags) does not name.
    type: bool
    default: false
notes:
  - IAM is eventually consistent; a role made here may take a few seconds before ECS or STS can use it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: The execution role and the task role of a service, in one call
  driftless.ecs.ecs_iam_roles:
    roles:
      - name: shop-dev-api-exec
        description: ECS task execution role of service api
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: ecs-tasks.amazonaws.com}
              Action: sts:AssumeRole
        managed_policy_arns:
          - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
      - name: shop-dev-api-task
        trust_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: ecs-tasks.amazonaws.com}
              Action: sts:AssumeRole
        inline_policies:
          read-uploads:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:GetObject]
                Resource: [arn:aws:s3:::shop-uploads/*]
        tags: {team: shop}
"""

RETURN = r"""
roles:
  description: Each declared role, in the order given (each name once).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The role's name.
      type: str
      sample: shop-dev-api-exec
    arn:
      description: The role's ARN; none for a role check mode would create.
      type: str
      sample: arn:aws:iam::123456789012:role/shop-dev-api-exec
    created:
      description: Whether the role was (in check mode, would be) created.
      type: bool
    changed:
      description: Whether anything was (in check mode, would be) written for the role.
      type: bool
    actions:
      description: The writes made (in check mode, needed), in words.
      type: list
      elements: str
      sample: [create role, put inline policy driftless-ecs-execution]
    not_done:
      description: After a failed write, the writes of this role not made.
      returned: when a write of the role failed
      type: list
      elements: str
    error:
      description: Why a write of the role failed.
      returned: when a write of the role failed
      type: str
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.iam_roles import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_iam_roles, run, clients=("iam",))


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
