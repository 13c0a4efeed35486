"""ECR repositories read from another account, as ECR allows it: only what the repository policy grants.

moto serves every ECR call from the caller's own account, so ``registryId`` of another account finds nothing. A
promotion from dev to prod reads (and ECS pulls) dev's images from prod's account. ``install()`` routes the calls
that name another account's registry to that account's backend, and refuses them with ``AccessDeniedException``
unless the repository's policy allows the calling account that action, as ECR does for cross-account access. A
statement's condition on ``aws:PrincipalArn`` (or ``aws:PrincipalAccount``) is evaluated with the caller's assumed
role or user; any other condition makes the statement grant nothing.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.ecr.models import ecr_backends
from moto.ecr.responses import ECRResponse
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

_installed = False


class AccessDenied(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("AccessDeniedException", message)


# Condition operators on the caller's identity that a repository policy uses to narrow an account principal to some
# of its roles; the pattern of the Like operators takes * and ?.
_CONDITION_TESTS = {
    "ArnEquals": lambda value, pattern: value == pattern,
    "StringEquals": lambda value, pattern: value == pattern,
    "ArnLike": fnmatch.fnmatchcase,
    "StringLike": fnmatch.fnmatchcase,
}


def _condition_holds(condition: dict, context: dict[str, str]) -> bool:
    """Every test of a statement's Condition, on ``aws:PrincipalArn`` and ``aws:PrincipalAccount``. Any other
    operator or key is not known here, and the statement then grants nothing, as a condition key IAM lacks does."""
    for operator, tests in (condition or {}).items():
        test = _CONDITION_TESTS.get(operator)
        for key, given in (tests or {}).items():
            value = context.get(key.lower())
            patterns = [given] if isinstance(given, str) else given
            if test is None or value is None or not any(test(value, pattern) for pattern in patterns):
                return False
    return True


def allows(policy_text: str | None, account: str, action: str, principal_arn: str | None = None) -> bool:
    """Whether a repository policy lets ``account`` perform ``action`` (``ecr:BatchGetImage``); ``principal_arn``
    (the caller's role or user, default the account's root) is what a condition on ``aws:PrincipalArn`` sees."""
    if not policy_text:
        return False
    context = {"aws:principalarn": principal_arn or f"arn:aws:iam::{account}:root", "aws:principalaccount": account}
    for statement in json.loads(policy_text).get("Statement") or []:
        if statement.get("Effect") != "Allow" or not _condition_holds(statement.get("Condition"), context):
            continue
        principal = statement.get("Principal")
        if principal != "*":
            names = (principal or {}).get("AWS") or []
            names = [names] if isinstance(names, str) else names
            if not any(name in ("*", account) or f":{account}:" in name for name in names):
                continue
        actions = statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        if any(granted in ("*", "ecr:*", action) for granted in actions):
            return True
    return False


def _principal_arn(response: Any) -> str:
    """The caller as IAM's aws:PrincipalArn names it: an assumed role's role ARN, a user's ARN, else the root."""
    key, account = response.get_access_key(), response.current_account
    partition = get_partition(response.region)
    role = sts_backends[account][partition].get_assumed_role_from_access_key(key)
    if role:
        return role.role_arn
    user = iam_backends[account][partition].get_user_from_access_key_id(key)
    return user.arn if user else f"arn:{partition}:iam::{account}:root"


def install() -> None:
    global _installed  # noqa: PLW0603 - the patch is process-wide and must happen once
    if _installed:
        return
    own_backend = ECRResponse.ecr_backend

    def ecr_backend(self: Any) -> Any:
        registry = self._get_param("registryId")
        caller = self.current_account
        if not registry or registry == caller:
            return own_backend.fget(self)
        backend = ecr_backends[registry][self.region]
        repository = backend.repositories.get(self._get_param("repositoryName") or "")
        action = f"ecr:{self._get_action()}"
        if repository is None or not allows(repository.policy, caller, action, _principal_arn(self)):
            raise AccessDenied(
                f"User: arn:aws:iam::{caller}:root is not authorized to perform: {action} on resource: "
                f"arn:aws:ecr:{self.region}:{registry}:repository/{self._get_param('repositoryName')} because no "
                "resource-based policy allows the action"
            )
        return backend

    ECRResponse.ecr_backend = property(ecr_backend)
    _installed = True
