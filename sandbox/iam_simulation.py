"""IAM's policy simulator for one principal (``iam:SimulatePrincipalPolicy``), which moto does not serve.

Tests prove what a role or user may do with it, as one would against AWS: the push-only role of a repository may
push to its repository and to no other, and may not pull. ``install()`` adds the action to moto's IAM responses.

What is evaluated, as IAM's evaluation logic does for identity-based policies:
- the principal's inline policies and the default version of its attached managed policies (a user's groups too);
- an explicit Deny wins over any Allow; no matching Allow is an implicit deny;
- ``Action``/``NotAction`` with ``*`` and ``?`` wildcards, case-insensitive; ``Resource``/``NotResource`` with
  wildcards, case-sensitive;
- ``Condition`` with the String, Arn and Bool operators (``...IfExists`` too), on the values given in
  ``ContextEntries``. A statement whose condition key has no value does not apply, and the key is listed in
  ``MissingContextValues``, as IAM does. Any other operator is refused with ``InvalidInput``, so a test never trusts
  a decision the sandbox could not make.

Not evaluated: permissions boundaries, session policies, SCPs and resource-based policies (``ResourcePolicy``).
The answer has AWS's current shape: one ``EvaluationResult`` per action with the most restrictive decision over the
resources, and one ``ResourceSpecificResults`` entry per resource.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from moto.core.responses import ActionResult
from moto.iam.exceptions import IAMException, NotFoundException
from moto.iam.responses import IamResponse

_installed = False

ALLOWED, IMPLICIT_DENY, EXPLICIT_DENY = "allowed", "implicitDeny", "explicitDeny"
_RESTRICTIVENESS = {ALLOWED: 0, IMPLICIT_DENY: 1, EXPLICIT_DENY: 2}


def _glob(value: str, pattern: str, *, ignore_case: bool = False) -> bool:
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


_STRING_OPERATORS = {
    "StringEquals": lambda value, pattern: value == pattern,
    "StringNotEquals": lambda value, pattern: value != pattern,
    "StringEqualsIgnoreCase": lambda value, pattern: value.lower() == pattern.lower(),
    "StringNotEqualsIgnoreCase": lambda value, pattern: value.lower() != pattern.lower(),
    "StringLike": _glob,
    "StringNotLike": lambda value, pattern: not _glob(value, pattern),
    "ArnEquals": lambda value, pattern: value == pattern,
    "ArnLike": _glob,
    "ArnNotEquals": lambda value, pattern: value != pattern,
    "ArnNotLike": lambda value, pattern: not _glob(value, pattern),
    "Bool": lambda value, pattern: value.lower() == str(pattern).lower(),
}
# The negated operators hold for a value only when it matches none of the patterns.
_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}


class InvalidInput(IAMException):
    code = "InvalidInput"


def _listed(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document(text: Any) -> dict:
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(urllib.parse.unquote(text))


def principal_policies(backend: Any, source_arn: str) -> list[tuple[str, str, dict]]:
    """(policy id, policy type, document) of every identity-based policy of the role or user ``source_arn``."""
    kind, _, path = source_arn.split(":", 5)[-1].partition("/")
    name = path.rsplit("/", 1)[-1]
    if kind == "role":
        entity = next((role for role in backend.get_roles() if role.arn == source_arn or role.name == name), None)
        holders = [(entity, "role")] if entity else []
    elif kind == "user":
        try:
            entity = backend.get_user(name)
        except NotFoundException:
            entity = None
        holders = [(entity, "user")] if entity else []
        if entity:
            holders += [(group, "group") for group in backend.get_groups_for_user(name)]
    else:
        raise InvalidInput(f"PolicySourceArn {source_arn} must be the ARN of a role or a user in the sandbox")
    if not holders:
        raise NotFoundException(f"The principal {source_arn} cannot be found.")
    found = []
    for holder, kind_name in holders:
        for policy_name, text in holder.policies.items():
            found.append((policy_name, kind_name, _document(text)))
        for policy in holder.managed_policies.values():
            version = next(v for v in policy.versions if v.version_id == policy.default_version_id)
            managed = "aws-managed" if ":aws:policy/" in policy.arn else "user-managed"
            found.append((policy.arn, managed, _document(version.document)))
    return found


def _condition_holds(condition: dict, context: dict[str, list[str]], missing: set[str]) -> bool:
    for operator, tests in (condition or {}).items():
        quantifier, _, base = operator.rpartition(":")
        if_exists = base.endswith("IfExists")
        base = base.removesuffix("IfExists")
        if base not in _STRING_OPERATORS or quantifier not in ("", "ForAnyValue", "ForAllValues"):
            raise InvalidInput(f"the sandbox does not evaluate the condition operator {operator}")
        for key, given in tests.items():
            values = context.get(key.lower())
            if values is None:
                if if_exists:
                    continue
                missing.add(key)
                return False
            patterns = [str(p) for p in _listed(given)]
            compare = _STRING_OPERATORS[base]
            if base in _NEGATED:
                matches = [all(compare(value, pattern) for pattern in patterns) for value in values]
            else:
                matches = [any(compare(value, pattern) for pattern in patterns) for value in values]
            held = all(matches) if quantifier == "ForAllValues" else any(matches)
            if not held:
                return False
    return True


def _applies(statement: dict, action: str, resource: str, context: dict, missing: set[str]) -> bool:
    if "Action" in statement:
        if not any(_glob(action, pattern, ignore_case=True) for pattern in _listed(statement["Action"])):
            return False
    elif any(_glob(action, pattern, ignore_case=True) for pattern in _listed(statement.get("NotAction"))):
        return False
    if "Resource" in statement:
        if not any(_glob(resource, pattern) for pattern in _listed(statement["Resource"])):
            return False
    elif "NotResource" in statement and any(_glob(resource, p) for p in _listed(statement["NotResource"])):
        return False
    return _condition_holds(statement.get("Condition") or {}, context, missing)


def evaluate(policies: list[tuple[str, str, dict]], action: str, resource: str, context: dict) -> dict:
    """The decision for one action on one resource, the statements that made it, and the missing context keys."""
    allowing, denying, missing = [], [], set()
    for policy_id, policy_type, document in policies:
        for statement in _listed(document.get("Statement")):
            if not _applies(statement, action, resource, context, missing):
                continue
            matched = {"SourcePolicyId": policy_id, "SourcePolicyType": policy_type}
            (denying if statement.get("Effect") == "Deny" else allowing).append(matched)
    if denying:
        return {"decision": EXPLICIT_DENY, "matched": denying, "missing": sorted(missing)}
    if allowing:
        return {"decision": ALLOWED, "matched": allowing, "missing": sorted(missing)}
    return {"decision": IMPLICIT_DENY, "matched": [], "missing": sorted(missing)}


def simulate(backend: Any, source_arn: str, actions: list[str], resources: list[str], entries: list[dict]) -> dict:
    policies = principal_policies(backend, source_arn)
    context = {
        entry["ContextKeyName"].lower(): [str(value) for value in _listed(entry.get("ContextKeyValues"))]
        for entry in entries or []
    }
    results = []
    for action in actions:
        per_resource = [(resource, evaluate(policies, action, resource, context)) for resource in resources or ["*"]]
        decision = max((found["decision"] for _, found in per_resource), key=_RESTRICTIVENESS.__getitem__)
        deciding = [found for _, found in per_resource if found["decision"] == decision]
        result = {
            "EvalActionName": action,
            "EvalResourceName": resources[0] if len(resources or []) == 1 else "*",
            "EvalDecision": decision,
            "MatchedStatements": [m for found in deciding for m in found["matched"]],
            "MissingContextValues": sorted({key for _, found in per_resource for key in found["missing"]}),
        }
        if resources:
            result["ResourceSpecificResults"] = [
                {
                    "EvalResourceName": resource,
                    "EvalResourceDecision": found["decision"],
                    "MatchedStatements": found["matched"],
                    "MissingContextValues": found["missing"],
                }
                for resource, found in per_resource
            ]
        results.append(result)
    return {"EvaluationResults": results, "IsTruncated": False}


def _simulate_principal_policy(self: IamResponse) -> ActionResult:
    source = self._get_param("PolicySourceArn")
    actions = self._get_param("ActionNames", [])
    if not source or not actions:
        raise InvalidInput("PolicySourceArn and ActionNames are required")
    unsupported = [
        name
        for name in ("PolicyInputList", "PermissionsBoundaryPolicyInputList", "ResourcePolicy")
        if self._get_param(name)
    ]
    if unsupported:
        raise InvalidInput(f"the sandbox does not simulate {', '.join(unsupported)}")
    return ActionResult(
        simulate(
            self.backend, source, actions, self._get_param("ResourceArns", []), self._get_param("ContextEntries", [])
        )
    )


def install() -> None:
    """Add SimulatePrincipalPolicy to moto's IAM (once)."""
    global _installed  # noqa: PLW0603 - the patch is process-wide and must happen once
    if _installed:
        return
    IamResponse.simulate_principal_policy = _simulate_principal_policy
    _installed = True
