# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: what ecs_iam_roles must write to make IAM roles match their declaration. Knowledge layer.

Policy documents are compared in a canonical form, so that a document IAM hands back in another order or spelling
is not rewritten on every run. Only rewritings that IAM itself treats as the same document are folded together:

- a single string and a one-element list (``"Action": "s3:GetObject"`` and ``["s3:GetObject"]``);
- the order of statements, of actions, of resources, of principals and of a condition key's values: each is a set
  to IAM (a statement applies wherever one of its values matches);
- a condition value written as a number or boolean and as its text (IAM compares condition values as text);
- an account id as a principal (``"AWS": "123456789012"``), which IAM stores as ``arn:...:iam::123456789012:root``.

Nothing else is folded: a difference this module cannot prove harmless is a difference, and the declared document
is written. Writing a document that was equal costs a call; missing a real difference would leave a wrong grant.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .exceptions import ECSValidationError

# Keys whose value IAM reads as a set of strings.
SET_VALUED_KEYS = ("Action", "NotAction", "Resource", "NotResource")
PRINCIPAL_KEYS = ("Principal", "NotPrincipal")
ACCOUNT_ROOT = re.compile(r"^(?:arn:[^:]+:iam::)?(?P<account>[0-9]{12})(?::root)?$")

ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
ROLE_PATH = re.compile(r"^/(?:[\x21-\x7e]*/)?$")
MANAGED_POLICY_ARN = re.compile(r"^arn:[^:]+:iam::(?:aws|[0-9]{12}):policy/.+")
POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
MIN_SESSION_SECONDS = 3600
MAX_SESSION_SECONDS = 43200
MAX_DESCRIPTION = 1000
MAX_TAGS = 50

# The keys of one declared role, as the module documents them.
ROLE_KEYS = (
    "name",
    "description",
    "path",
    "trust_policy",
    "inline_policies",
    "managed_policy_arns",
    "tags",
    "max_session_duration",
)


def canonical_document(document: Any) -> Any:
    """A policy document in the form two equal documents share (see the module docstring for what is folded)."""
    if isinstance(document, str):
        document = json.loads(document)
    if not isinstance(document, dict):
        return document
    canonical = {key: value for key, value in document.items() if key != "Statement"}
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if isinstance(statements, list):
        canonical["Statement"] = sorted(
            (_canonical_statement(statement) for statement in statements),
            key=lambda item: json.dumps(item, sort_keys=True),
        )
    else:
        canonical["Statement"] = statements
    return canonical


def documents_equal(declared: Any, live: Any) -> bool:
    if live is None:
        return False
    return json.dumps(canonical_document(declared), sort_keys=True) == json.dumps(
        canonical_document(live), sort_keys=True
    )


def _string_set(value: Any) -> Any:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in values):
        return value
    return sorted(set(values))


def _principal(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    canonical = {}
    for kind, declared in value.items():
        names = _string_set(declared)
        if kind == "AWS" and isinstance(names, list):
            names = sorted({_account_principal(name) for name in names})
        canonical[kind] = names
    return canonical


def _account_principal(name: str) -> str:
    account = ACCOUNT_ROOT.match(name)
    return f"account:{account.group('account')}" if account else name


def _condition_value(value: Any) -> Any:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(item, (str, bool, int, float)) for item in values):
        return value
    return sorted({json.dumps(item) if isinstance(item, bool) else str(item) for item in values})


def _canonical_statement(statement: Any) -> Any:
    if not isinstance(statement, dict):
        return statement
    canonical = {}
    for key, value in statement.items():
        if key in SET_VALUED_KEYS:
            canonical[key] = _string_set(value)
        elif key in PRINCIPAL_KEYS:
            canonical[key] = _principal(value)
        elif key == "Condition" and isinstance(value, dict):
            canonical[key] = {
                operator: {name: _condition_value(values) for name, values in pairs.items()}
                if isinstance(pairs, dict)
                else pairs
                for operator, pairs in value.items()
            }
        else:
            canonical[key] = value
    return canonical


# Declarations -----------------------------------------------------------------------------------------------------


def check_roles(roles: list[dict]) -> list[dict]:
    """The declared roles, checked, each once: an entry given twice alike is kept once; twice unlike is refused.

    Raises:
        ECSValidationError naming the entry (``roles[shop-api-exec].trust_policy``) before any call.
    """
    checked: dict[str, dict] = {}
    for index, declared in enumerate(roles):
        if not isinstance(declared, dict):
            raise ECSValidationError(f"roles[{index}] must be a mapping")
        # Options left out arrive as None from the argument spec; tag values written as numbers are text to IAM.
        role = {key: value for key, value in declared.items() if value is not None}
        if isinstance(role.get("tags"), dict):
            role["tags"] = {
                key: str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
                for key, value in role["tags"].items()
            }
        name = role.get("name")
        where = f"roles[{name}]" if isinstance(name, str) and name else f"roles[{index}]"
        _check_role(role, where)
        if name in checked:
            if json.dumps(checked[name], sort_keys=True) != json.dumps(role, sort_keys=True):
                raise ECSValidationError(
                    f"{where} is declared twice with different settings; one IAM role has one trust policy and one "
                    "set of policies: give each entry its own name"
                )
            continue
        checked[name] = role
    return list(checked.values())


def _check_role(role: dict, where: str) -> None:
    unknown = sorted(set(role) - set(ROLE_KEYS))
    if unknown:
        raise ECSValidationError(f"{where}: unknown keys {', '.join(unknown)}; a role takes {', '.join(ROLE_KEYS)}")
    if not isinstance(role.get("name"), str) or not ROLE_NAME.match(role["name"]):
        raise ECSValidationError(f"{where}.name must be 1 to 64 letters, digits or +=,.@_- characters")
    path = role.get("path")
    if path is not None and (not isinstance(path, str) or not ROLE_PATH.match(path) or len(path) > 512):
        raise ECSValidationError(f"{where}.path must start and end with / (for example /service-role/), got {path!r}")
    description = role.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > MAX_DESCRIPTION):
        raise ECSValidationError(f"{where}.description must be text of at most {MAX_DESCRIPTION} characters")
    _check_document(role.get("trust_policy"), f"{where}.trust_policy", principal=True)
    inline = role.get("inline_policies")
    if inline is not None:
        if not isinstance(inline, dict):
            raise ECSValidationError(f"{where}.inline_policies must map policy names to IAM policy documents")
        for policy_name, document in inline.items():
            if not isinstance(policy_name, str) or not POLICY_NAME.match(policy_name):
                raise ECSValidationError(
                    f"{where}.inline_policies: {policy_name!r} must be 1 to 128 letters, digits or +=,.@_- characters"
                )
            _check_document(document, f"{where}.inline_policies.{policy_name}", principal=False)
    managed = role.get("managed_policy_arns")
    if managed is not None:
        if not isinstance(managed, list):
            raise ECSValidationError(f"{where}.managed_policy_arns must be a list of managed policy ARNs")
        for arn in managed:
            if not isinstance(arn, str) or not MANAGED_POLICY_ARN.match(arn):
                raise ECSValidationError(
                    f"{where}.managed_policy_arns: {arn!r} is not a managed policy ARN "
                    "(arn:aws:iam::aws:policy/NAME or arn:aws:iam::ACCOUNT:policy/NAME)"
                )
    tags = role.get("tags")
    if tags is not None:
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            raise ECSValidationError(f"{where}.tags must map tag keys to text values")
        if len(tags) > MAX_TAGS:
            raise ECSValidationError(f"{where}.tags: IAM allows {MAX_TAGS} tags a role, {len(tags)} are declared")
        reserved = sorted(key for key in tags if str(key).lower().startswith("aws:"))
        if reserved:
            raise ECSValidationError(f"{where}.tags: keys starting with aws: belong to AWS: {', '.join(reserved)}")
    duration = role.get("max_session_duration")
    if duration is not None and (
        isinstance(duration, bool)
        or not isinstance(duration, int)
        or not MIN_SESSION_SECONDS <= duration <= MAX_SESSION_SECONDS
    ):
        raise ECSValidationError(
            f"{where}.max_session_duration must be whole seconds from {MIN_SESSION_SECONDS} to {MAX_SESSION_SECONDS}"
        )


def _check_document(document: Any, where: str, *, principal: bool) -> None:
    if not isinstance(document, dict):
        raise ECSValidationError(f"{where} must be an IAM policy document (a mapping with Version and Statement)")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements or not all(isinstance(s, dict) for s in statements):
        raise ECSValidationError(f"{where}.Statement must be a non-empty list of statements")
    for index, statement in enumerate(statements):
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise ECSValidationError(f"{where}.Statement[{index}].Effect must be Allow or Deny")
        if principal and not any(key in statement for key in PRINCIPAL_KEYS):
            raise ECSValidationError(f"{where}.Statement[{index}] names no Principal: a trust policy must say who")
        if not principal and any(key in statement for key in PRINCIPAL_KEYS):
            raise ECSValidationError(
                f"{where}.Statement[{index}] names a Principal, which a role's identity policy may not"
            )


# Plans ------------------------------------------------------------------------------------------------------------


def reads_of(role: dict, live: dict | None, *, purge_inline: bool, purge_managed: bool) -> list[tuple[str, str]]:
    """The reads a role needs after GetRole: ``("policy", name)``, ``("inline_names", "")``, ``("attached", "")``.

    A role that does not exist needs none; otherwise one GetRolePolicy per declared inline policy, the list of inline
    names only to purge, and the attached policies only when some are declared or purged.
    """
    if live is None:
        return []
    reads = [("policy", name) for name in sorted(role.get("inline_policies") or {})]
    if purge_inline:
        reads.append(("inline_names", ""))
    if role.get("managed_policy_arns") or purge_managed:
        reads.append(("attached", ""))
    return reads


def plan_role(
    role: dict,
    live: dict | None,
    inline: dict[str, Any],
    *,
    inline_names: list[str] | None = None,
    attached: list[str] | None = None,
    purge_inline: bool = False,
    purge_managed: bool = False,
    purge_tags: bool = False,
) -> list[dict]:
    """The writes that make ``live`` (GetRole's Role, trust decoded; None: missing) match ``role``, in order.

    Args:
        inline: declared inline policy name -> its live document (None: missing). Ignored for a new role.
        inline_names: every inline policy name of the role (read only to purge).
        attached: ARNs of the attached managed policies (read only when some are declared or purged).

    Each write is ``{"action": ..., ...}``: create_role (with its full request), update_assume_role_policy,
    update_role, put_role_policy, delete_role_policy, attach_role_policy, detach_role_policy, tag_role, untag_role.
    """
    name = role["name"]
    declared_inline = role.get("inline_policies") or {}
    declared_managed = list(dict.fromkeys(role.get("managed_policy_arns") or []))
    declared_tags = role.get("tags") or {}
    writes: list[dict] = []
    if live is None:
        request: dict[str, Any] = {
            "RoleName": name,
            "AssumeRolePolicyDocument": role["trust_policy"],
        }
        if role.get("path"):
            request["Path"] = role["path"]
        if role.get("description") is not None:
            request["Description"] = role["description"]
        if role.get("max_session_duration") is not None:
            request["MaxSessionDuration"] = role["max_session_duration"]
        if declared_tags:
            request["Tags"] = [{"Key": key, "Value": value} for key, value in sorted(declared_tags.items())]
        writes.append({"action": "create_role", "request": request})
        writes.extend(
            {"action": "put_role_policy", "policy_name": policy_name, "document": declared_inline[policy_name]}
            for policy_name in sorted(declared_inline)
        )
        writes.extend({"action": "attach_role_policy", "policy_arn": arn} for arn in declared_managed)
        return writes

    if not documents_equal(role["trust_policy"], live.get("AssumeRolePolicyDocument")):
        writes.append({"action": "update_assume_role_policy", "document": role["trust_policy"]})
    settings = {}
    if role.get("description") is not None and role["description"] != live.get("Description", ""):
        settings["Description"] = role["description"]
    if role.get("max_session_duration") is not None and role["max_session_duration"] != live.get(
        "MaxSessionDuration", MIN_SESSION_SECONDS
    ):
        settings["MaxSessionDuration"] = role["max_session_duration"]
    if settings:
        writes.append({"action": "update_role", "settings": settings})
    for policy_name in sorted(declared_inline):
        if not documents_equal(declared_inline[policy_name], inline.get(policy_name)):
            writes.append(
                {"action": "put_role_policy", "policy_name": policy_name, "document": declared_inline[policy_name]}
            )
    if purge_inline:
        writes.extend(
            {"action": "delete_role_policy", "policy_name": policy_name}
            for policy_name in sorted(set(inline_names or []) - set(declared_inline))
        )
    live_attached = attached or []
    writes.extend(
        {"action": "attach_role_policy", "policy_arn": arn} for arn in declared_managed if arn not in live_attached
    )
    if purge_managed:
        writes.extend(
            {"action": "detach_role_policy", "policy_arn": arn}
            for arn in sorted(set(live_attached) - set(declared_managed))
        )
    live_tags = {
        tag["Key"]: tag.get("Value", "") for tag in live.get("Tags") or [] if not tag["Key"].lower().startswith("aws:")
    }
    to_tag = {key: value for key, value in declared_tags.items() if live_tags.get(key) != value}
    if to_tag:
        writes.append({"action": "tag_role", "tags": to_tag})
    if purge_tags:
        to_untag = sorted(set(live_tags) - set(declared_tags))
        if to_untag:
            writes.append({"action": "untag_role", "keys": to_untag})
    return writes


def describe_write(write: dict) -> str:
    """One write in words, for the result's ``actions``."""
    action = write["action"]
    if action == "create_role":
        return "create role"
    if action == "update_assume_role_policy":
        return "update trust policy"
    if action == "update_role":
        return "update " + " and ".join(
            {"Description": "description", "MaxSessionDuration": "max session duration"}[key]
            for key in write["settings"]
        )
    if action == "put_role_policy":
        return f"put inline policy {write['policy_name']}"
    if action == "delete_role_policy":
        return f"delete inline policy {write['policy_name']}"
    if action == "attach_role_policy":
        return f"attach {write['policy_arn']}"
    if action == "detach_role_policy":
        return f"detach {write['policy_arn']}"
    if action == "tag_role":
        return "tag " + ", ".join(sorted(write["tags"]))
    return "untag " + ", ".join(write["keys"])


def role_state(role: dict, live: dict | None, inline: dict[str, Any], attached: list[str] | None) -> dict:
    """What the diff shows of a role as IAM holds it: the parts the declaration names ({} for a missing role)."""
    if live is None:
        return {}
    state: dict[str, Any] = {"trust_policy": live.get("AssumeRolePolicyDocument")}
    if role.get("description") is not None:
        state["description"] = live.get("Description", "")
    if role.get("max_session_duration") is not None:
        state["max_session_duration"] = live.get("MaxSessionDuration", MIN_SESSION_SECONDS)
    state["inline_policies"] = {name: document for name, document in sorted(inline.items()) if document is not None}
    state["managed_policy_arns"] = sorted(attached or [])
    if role.get("tags"):
        state["tags"] = {
            tag["Key"]: tag.get("Value", "") for tag in live.get("Tags") or [] if tag["Key"] in role["tags"]
        }
    return state


def state_after(role: dict, before: dict, writes: list[dict]) -> dict:
    """``before`` (see ``role_state``) once ``writes`` are made."""
    if any(write["action"] == "create_role" for write in writes):
        before = {
            "trust_policy": None,
            "inline_policies": {},
            "managed_policy_arns": [],
            **({"description": ""} if role.get("description") is not None else {}),
            **({"max_session_duration": MIN_SESSION_SECONDS} if role.get("max_session_duration") is not None else {}),
            **({"tags": {}} if role.get("tags") else {}),
        }
    after = json.loads(json.dumps(before))
    for write in writes:
        action = write["action"]
        if action in ("create_role", "update_assume_role_policy"):
            after["trust_policy"] = role["trust_policy"]
        if action in ("create_role", "update_role"):
            if role.get("description") is not None:
                after["description"] = role["description"]
            if role.get("max_session_duration") is not None:
                after["max_session_duration"] = role["max_session_duration"]
        if action in ("create_role", "tag_role") and role.get("tags"):
            after["tags"] = dict(sorted(role["tags"].items()))
        if action == "put_role_policy":
            after["inline_policies"][write["policy_name"]] = write["document"]
        elif action == "delete_role_policy":
            after["inline_policies"].pop(write["policy_name"], None)
        elif action == "attach_role_policy":
            after["managed_policy_arns"] = sorted(set(after["managed_policy_arns"]) | {write["policy_arn"]})
        elif action == "detach_role_policy":
            after["managed_policy_arns"] = sorted(set(after["managed_policy_arns"]) - {write["policy_arn"]})
    after["inline_policies"] = dict(sorted(after["inline_policies"].items()))
    return after
