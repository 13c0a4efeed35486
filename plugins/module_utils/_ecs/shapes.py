# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: check a request against the botocore model of its operation and give every value its API type.

Users write task definitions in YAML or JSON, where ``"512"`` and ``512`` look alike and a typo in a key is easy.
Walking the operation's input shape (the same model boto3 validates with, so every field AWS adds is covered)
turns numbers written as strings into integers, numbers into strings where the API wants text, and rejects an
unknown field with its full path and the closest known name, before anything is sent.
"""

from __future__ import annotations

import difflib
from typing import Any

from .exceptions import ECSValidationError

# Optional identifiers whose empty string, as console exports and CLI skeletons write them, means "not set". An
# enum's empty string means the same; anywhere else an empty string is data (an environment value, a label).
EMPTY_MEANS_ABSENT = ("taskRoleArn", "executionRoleArn", "credentialsParameter")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def coerce_to_shape(value: Any, shape: Any, path: str) -> Any:
    """Return ``value`` with every member converted to the type ``shape`` declares.

    Args:
        value: the user's data.
        shape: a botocore ``Shape`` (``operation_model(...).input_shape`` or one of its members).
        path: where ``value`` sits, for error messages (``task_definition.containerDefinitions[0]``).

    Raises:
        ECSValidationError: an unknown field, or a value that cannot have the declared type.
    """
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure":
        return _coerce_structure(value, shape, path)
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            raise ECSValidationError(f"{path} must be a list, got {_type_name(value)}")
        # null means absent everywhere, in a list too.
        items = [coerce_to_shape(item, shape.member, f"{path}[{index}]") for index, item in enumerate(value)]
        return [item for item in items if item is not None]
    if kind == "map":
        if not isinstance(value, dict):
            raise ECSValidationError(f"{path} must be a mapping, got {_type_name(value)}")
        # Map keys are user data (dockerLabels, log options): kept exactly as written.
        return {
            str(key): coerce_to_shape(item, shape.value, f"{path}.{key}")
            for key, item in value.items()
            if item is not None
        }
    if kind == "string":
        return _coerce_string(value, shape, path)
    if kind in ("integer", "long"):
        return _coerce_integer(value, path)
    if kind == "boolean":
        return _coerce_boolean(value, path)
    if kind in ("float", "double"):
        return _coerce_float(value, path)
    return value


def _coerce_structure(value: Any, shape: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise ECSValidationError(f"{path} must be a mapping, got {_type_name(value)}")
    members = shape.members
    result = {}
    for key, item in value.items():
        if key not in members:
            raise ECSValidationError(_unknown_field_message(path, key, list(members)))
        if item == "" and (getattr(members[key], "enum", None) or key in EMPTY_MEANS_ABSENT):
            continue
        converted = coerce_to_shape(item, members[key], f"{path}.{key}")
        if converted is not None:
            result[key] = converted
    for required in getattr(shape, "required_members", []):
        if required not in result:
            raise ECSValidationError(f"{path}.{required} is required")
    return result


def _coerce_string(value: Any, shape: Any, path: str) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        raise ECSValidationError(f"{path} must be a string, got {_type_name(value)}")
    allowed = getattr(shape, "enum", None)
    if allowed and text not in allowed:
        matches = [option for option in allowed if option.lower() == text.lower()]
        if len(matches) != 1:
            raise ECSValidationError(f"{path} must be one of {', '.join(allowed)}, got {text!r}")
        text = matches[0]
    return text


def _coerce_integer(value: Any, path: str) -> int:
    if isinstance(value, bool):
        raise ECSValidationError(f"{path} must be an integer, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ECSValidationError(f"{path} must be an integer, got {value!r}")


def _coerce_boolean(value: Any, path: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ECSValidationError(f"{path} must be a boolean, got {value!r}")


def _coerce_float(value: Any, path: str) -> float:
    if isinstance(value, bool):
        raise ECSValidationError(f"{path} must be a number, got a boolean")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ECSValidationError(f"{path} must be a number, got {value!r}") from None


def _unknown_field_message(path: str, key: Any, known: list[str]) -> str:
    return unknown_key_message(f"{path}.{key}", key, known, "is not a field the ECS API knows", "known fields")


def unknown_key_message(where: str, key: Any, known: Any, problem: str, listing: str = "known keys") -> str:
    """``where`` and ``problem``, then the closest known key ("did you mean ...?"), or every known key."""
    known = sorted(str(name) for name in known)
    close = difflib.get_close_matches(str(key), known, n=1)
    if close:
        return f"{where} {problem}; did you mean {close[0]!r}?"
    return f"{where} {problem}; {listing}: {', '.join(known)}"


def _type_name(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    return names.get(type(value), type(value).__name__)
