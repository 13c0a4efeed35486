# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions, error handler and retry policy shared by every driftless.ecs module."""

from __future__ import annotations

from typing import Any, NoReturn

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# amazon.aws retries the generic throttling codes only; ECS answers with its own code.
THROTTLING_CODES = ["ThrottlingException"]
# ECS's 5xx. Safe to retry for reads and for writes that ECS applies idempotently (UpdateService
# with the same arguments); RegisterTaskDefinition is not one of them and has its own recovery.
SERVER_ERROR_CODES = ["ServerException", "ServiceUnavailableException"]

READ_RETRY = AWSRetry.jittered_backoff(
    retries=10, delay=1, backoff=2.0, max_delay=20, catch_extra_error_codes=THROTTLING_CODES + SERVER_ERROR_CODES
)
# A throttled request was never performed, so retrying it cannot write twice.
WRITE_RETRY = AWSRetry.jittered_backoff(
    retries=10, delay=1, backoff=2.0, max_delay=20, catch_extra_error_codes=THROTTLING_CODES
)

# botocore's own retry layer would resend a RegisterTaskDefinition whose response was lost and
# leave a duplicate revision. Retries are ours alone: AWSRetry above and the register recovery.
# (botocore's "max_attempts" counts retries, not attempts: total_max_attempts 1 is the one that means "once".)
NO_BOTOCORE_RETRIES = {"retries": {"mode": "standard", "total_max_attempts": 1}}


class AnsibleECSError(AnsibleAWSError):
    """Any failure of a driftless.ecs module. ``kwargs`` become extra fields of the failed result."""


class ECSValidationError(AnsibleECSError):
    """Input that AWS would reject, found before anything was written."""


class ECSTimeoutError(AnsibleECSError):
    """A wait that ran out of time. ``kwargs`` carry the partial result seen so far."""


def fail_with_result(module: Any, error: AnsibleECSError) -> NoReturn:
    """Fail the module with the error's message and the partial result it carries.

    ``AnsibleAWSModule.fail_json_aws_error`` drops the error's ``kwargs``; the modules that follow deployments must
    still tell what happened before the failure (rolled back, the deployments seen, per-service results).
    """
    if error.exception is not None:
        module.fail_json_aws(error.exception, msg=error.message, **error.kwargs)
    module.fail_json(msg=error.message, **error.kwargs)


class ECSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["ClusterNotFoundException", "ServiceNotFoundException"])


class TaskDefinitionErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSError

    @classmethod
    def _is_missing(cls):
        # DescribeTaskDefinition answers a missing family or revision with a generic ClientException.
        return is_boto3_error_code("ClientException")
