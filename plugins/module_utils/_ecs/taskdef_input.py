# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: a task definition in any shape users keep, brought to the RegisterTaskDefinition request. Knowledge layer.

Teams keep three shapes: the RegisterTaskDefinition request (``register-task-definition --cli-input-json``), the
``taskDefinition`` document that DescribeTaskDefinition returns (what the AWS GitHub Actions tell users to save),
and the whole CLI answer ``{"taskDefinition": {...}, "tags": [...]}``. The read-only fields of the last two are
dropped and listed, never silently swallowed; the answer's tags count as the declared ones. Anything else that
RegisterTaskDefinition does not know stays an error (``shapes``).
"""

from __future__ import annotations

from typing import Any

from .exceptions import ECSValidationError
from .taskdef_normalize import READ_ONLY_FIELDS


def unwrap(document: Any, option: str = "task_definition") -> tuple[Any, list[str]]:
    """The RegisterTaskDefinition request inside ``document``, and the read-only fields dropped from it.

    Returns:
        (the request, still to be typed by ``shapes``; the dropped fields as paths under ``option``)
    """
    if not isinstance(document, dict):
        return document, []
    ignored: list[str] = []
    if isinstance(document.get("taskDefinition"), dict):
        unknown = sorted(set(document) - {"taskDefinition", "tags"})
        if unknown:
            raise ECSValidationError(
                f"{option}.{unknown[0]} is not part of a describe-task-definition answer; the answer holds "
                "taskDefinition and tags"
            )
        definition = dict(document["taskDefinition"])
        if document.get("tags") and not definition.get("tags"):
            definition["tags"] = document["tags"]
        prefix = "taskDefinition."
    else:
        definition = dict(document)
        prefix = ""
    for field in READ_ONLY_FIELDS:
        if field in definition:
            del definition[field]
            ignored.append(f"{option}.{prefix}{field}")
    described = bool(prefix) or bool(ignored)
    if described and isinstance(definition.get("tags"), list):
        # AWS's own tags (aws:cloudformation:...) come back with a described revision; nobody can set them. In a
        # request written by hand they stay an error (taskdef_rules).
        kept = []
        for tag in definition["tags"]:
            if isinstance(tag, dict) and str(tag.get("key", "")).lower().startswith("aws:"):
                ignored.append(f"{option}.tags[{tag['key']}]")
            else:
                kept.append(tag)
        definition["tags"] = kept
    return definition, ignored
