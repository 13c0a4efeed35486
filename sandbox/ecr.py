"""ECR repositories read from another account, as ECR allows it: only what the repository policy grants.

moto serves every ECR call from the caller's own account, so ``registryId`` of another account finds nothing. A
promotion from dev to prod reads (and ECS pulls) dev's images from prod's account. ``install()`` routes the calls
that name another account's registry to that account's backend, and refuses them with ``AccessDeniedException``
unless the repository's policy allows the calling account that action, as ECR does for cross-account access.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.ecr.models import ecr_backends
from moto.ecr.responses import ECRResponse

_installed = False


class AccessDenied(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("AccessDeniedException", message)


def allows(policy_text: str | None, account: str, action: str) -> bool:
    """Whether a repository policy lets ``account`` perform ``action`` (``ecr:BatchGetImage``)."""
    if not policy_text:
        return False
    for statement in json.loads(policy_text).get("Statement") or []:
        if statement.get("Effect") != "Allow":
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
        if repository is None or not allows(repository.policy, caller, action):
            raise AccessDenied(
                f"User: arn:aws:iam::{caller}:root is not authorized to perform: {action} on resource: "
                f"arn:aws:ecr:{self.region}:{registry}:repository/{self._get_param('repositoryName')} because no "
                "resource-based policy allows the action"
            )
        return backend

    ECRResponse.ecr_backend = property(ecr_backend)
    _installed = True
