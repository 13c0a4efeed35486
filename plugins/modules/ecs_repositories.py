#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_repositories
short_description: Make ECR repositories, their lifecycle and pull policies, and their push-only CI access
version_added: 0.1.0
description:
  - Makes every repository of O(repositories) in one call, and keeps it as declared. A repository that does not exist
    is created with scan on push (unless turned off), tag immutability when asked, and ECR's default encryption
    (AES256). For an existing one, only scan on push and tag mutability are compared and changed.
  - The lifecycle policy keeps the last O(repositories[].keep_images) images and expires untagged images
    O(repositories[].expire_untagged_days) days after their push. It is compared with the live one canonically;
    when neither is declared, a live lifecycle policy is left alone.
  - The repository policy lets other accounts pull (C(ecr:BatchGetImage), C(ecr:GetDownloadUrlForLayer),
    C(ecr:BatchCheckLayerAvailability)). O(repositories[].pull_role_arns) grants the roles named, by their account
    as principal and a condition on C(aws:PrincipalArn), because ECR refuses a policy whose principal does not exist
    yet. O(repositories[].pull_accounts) grants whole accounts. Statements of the policy that this module did not
    write (other Sids) are kept; when none remain and nothing is granted, the policy is deleted.
  - With O(repositories[].push_oidc), the OpenID Connect identity provider of GitHub Actions
    (C(token.actions.githubusercontent.com)) or GitLab (C(gitlab.com)) is made with the audience
    C(sts.amazonaws.com), without thumbprints (IAM verifies these providers through its own trusted root
    certificate authorities). The push role itself is made by the bootstrap role's IAM step.
  - With O(repositories[].push_user), the existing IAM user gets an inline policy with exactly the push permissions
    on this repository. No access key is created.
  - Every entry is checked before any call; a push user that does not exist fails the module before any write.
  - Check mode writes nothing and reports what would change; with C(--diff) the documents before and after.
  - "Calls: DescribeRepositories (one for up to a thousand repositories), GetLifecyclePolicy and
    GetRepositoryPolicy per existing repository, ListOpenIDConnectProviders and GetOpenIDConnectProvider when a push
    role is declared, GetUser and GetUserPolicy per push user, DescribeRegistry without O(account_id); writes
    only for what differs."
author:
  - driftless.ecs maintainers (@driftless)
options:
  repositories:
    description: The repositories.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Repository name, 2 to 256 characters (V(shop/api)).
        type: str
        required: true
      scan_on_push:
        description: Scan every image when it is pushed.
        type: bool
        default: true
      immutable_tags:
        description: Refuse a push that would move an existing tag.
        type: bool
        default: false
      keep_images:
        description: Expire all but the last this many images.
        type: int
      expire_untagged_days:
        description: Expire untagged images this many days after their push.
        type: int
      pull_accounts:
        description: Accounts (12 digits) whose principals may pull, as far as their own IAM policies allow.
        type: list
        elements: str
        default: []
      pull_role_arns:
        description: Roles of other accounts that may pull (the execution roles of other environments).
        type: list
        elements: str
        default: []
      push_oidc:
        description: Make the OIDC provider the push role of this repository trusts.
        type: dict
        suboptions:
          provider:
            description: The CI system.
            type: str
            required: true
            choices: [github, gitlab]
          subjects:
            description: The C(sub) claims that may push (V(repo:shop/api:ref:refs/heads/main)).
            type: list
            elements: str
            required: true
          role_name:
            description: Name of the push role; default the repository name with C(/) as C(-) and C(-push).
            type: str
      push_user:
        description: An existing IAM user that gets the push-only inline policy C(driftless-ecr-push-NAME).
        type: str
  account_id:
    description: The account of the registry; read with ECR DescribeRegistry when not given.
    type: str
  partition:
    description: ARN partition; by default the one of the region (C(aws-cn) for C(cn-*), C(aws-us-gov)).
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Repositories of the shop, pulled by prod's execution roles, pushed by GitHub Actions
  driftless.ecs.ecs_repositories:
    repositories:
      - name: shop/api
        keep_images: 50
        expire_untagged_days: 7
        immutable_tags: true
        pull_role_arns: [arn:aws:iam::222222222222:role/shop-prod-api-exec]
        push_oidc:
          provider: github
          subjects: ["repo:shop/api:ref:refs/heads/main"]
      - name: shop/web
        push_user: ci-legacy
"""

RETURN = r"""
repositories:
  description: One entry per repository, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Repository name.
      type: str
      sample: shop/api
    arn:
      description: Repository ARN.
      type: str
      sample: arn:aws:ecr:eu-west-1:111111111111:repository/shop/api
    uri:
      description: Repository URI, for image references.
      type: str
      sample: 111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop/api
    registry_id:
      description: Account of the registry.
      type: str
      sample: "111111111111"
    changes:
      description: What was (or in check mode would be) changed; empty when nothing.
      type: list
      elements: str
      sample: [create, lifecycle_policy, repository_policy]
    pull_role_arns:
      description: The roles granted pulls.
      type: list
      elements: str
    pull_accounts:
      description: The accounts granted pulls.
      type: list
      elements: str
    push_role_name:
      description: The push role the OIDC provider is made for.
      type: str
    push_user:
      description: The user given the push policy.
      type: str
oidc_providers:
  description: The OIDC providers the push roles trust.
  returned: always
  type: list
  elements: dict
  contains:
    provider:
      description: V(github) or V(gitlab).
      type: str
    arn:
      description: Provider ARN.
      type: str
      sample: arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com
    changes:
      description: V(create), V(audience), or empty.
      type: list
      elements: str
"""

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.repositories import run

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_repositories, run, clients=("ecr", "iam"))


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
