"""AWS managed IAM policies that the collection attaches, present in every account of the sandbox.

moto knows AWS's managed policies but loads none unless told to load all of them (``MOTO_IAM_LOAD_MANAGED_POLICIES``),
which makes every new account slow. ``install()`` makes each IAM backend start with just the few the collection
attaches, taken from moto's own copy of AWS's policy documents, so that attaching them works as it does on AWS.
"""

from __future__ import annotations

import json

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy, IAMBackend
from moto.settings import load_iam_aws_managed_policies

# The bootstrap role attaches it to the infrastructure role of blue/green, linear and canary services.
MANAGED_POLICIES = ("AmazonECSInfrastructureRolePolicyForLoadBalancers",)

_installed = False


def install() -> None:
    """Patch moto's IAM backends (once) so that they start with ``MANAGED_POLICIES``."""
    global _installed  # noqa: PLW0603 - the patch is process-wide and must happen once
    if _installed:
        return
    original = IAMBackend._init_aws_policies
    data = json.loads(aws_managed_policies_data)
    missing = [name for name in MANAGED_POLICIES if name not in data]
    if missing:
        raise RuntimeError(f"moto's managed policy data lacks {', '.join(missing)}")

    def _init_aws_policies(backend: IAMBackend) -> list:
        if load_iam_aws_managed_policies():
            return original(backend)
        return [
            AWSManagedPolicy.from_data(name, backend.account_id, backend.region_name, data[name])
            for name in MANAGED_POLICIES
        ]

    IAMBackend._init_aws_policies = _init_aws_policies
    _installed = True
