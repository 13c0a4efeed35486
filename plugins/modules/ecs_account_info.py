#!/usr/bin/python
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_account_info
short_description: The AWS account, identity and partition of the credentials the modules use
version_added: 0.1.0
description:
  - Answers who the connection settings make you, with one STS GetCallerIdentity call. The roles read the account
    of an environment with it, to name the roles they make and check.
  - Unlike C(amazon.aws.aws_caller_info) it does not list account aliases, so it needs no IAM permission at all
    (GetCallerIdentity needs none), and on a local connection it runs inside Ansible's worker process, like every
    module of this collection.
author:
  - driftless.ecs maintainers (@driftless)
options: {}
notes:
  - Supports check mode; it never changes anything.
  - "Calls: sts:GetCallerIdentity."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - driftless.ecs.boto3
"""

EXAMPLES = r"""
- name: Read the account of the credentials in use
  driftless.ecs.ecs_account_info:
  register: caller

- name: Use it
  ansible.builtin.debug:
    msg: "Deploying to {{ caller.account }} ({{ caller.partition }})"
"""

RETURN = r"""
account:
  description: The 12-digit account id.
  returned: always
  type: str
  sample: "123456789012"
arn:
  description: The ARN of the identity (user, assumed role session, or root).
  returned: always
  type: str
  sample: arn:aws:sts::123456789012:assumed-role/deployer/ci
user_id:
  description: The unique id of the identity.
  returned: always
  type: str
  sample: AROAEXAMPLE:ci
partition:
  description: The ARN partition of the account (C(aws), C(aws-cn), C(aws-us-gov)).
  returned: always
  type: str
  sample: aws
"""


from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.account_info import run
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition

# On a local connection the action plugin of the same name runs MODULE in process (plugins/plugin_utils/in_process.py).
MODULE = Definition(args.ecs_account_info, run, clients=("sts",))


def main() -> None:
    MODULE.main()


if __name__ == "__main__":
    main()
