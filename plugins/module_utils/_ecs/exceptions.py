# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The exceptions of every driftless.ecs module. Foundation layer: loads no botocore.

Pure code (normalising, comparing, validating) and the filter plugins raise these, so they must import without
the AWS SDK: amazon.aws's ``AnsibleAWSError`` needs only ansible-core.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError


class AnsibleECSError(AnsibleAWSError):
    """Any failure of a driftless.ecs module. ``kwargs`` become extra fields of the failed result."""


class ECSValidationError(AnsibleECSError):
    """Input that AWS would reject, found before anything was written."""


class ECSTimeoutError(AnsibleECSError):
    """A wait that ran out of time. ``kwargs`` carry the partial result seen so far."""
