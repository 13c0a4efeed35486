# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: ECS resource tags, one behaviour for task definitions and services. Foundation layer.

ECS writes tags as ``[{"key": ..., "value": ...}]``; users write a dict or that list. Keys are user data: they are
never case-converted. Tags under ``aws:`` belong to AWS (CloudFormation, ...) and cannot be set or removed by a
user, so they are left out of every comparison.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list, compare_aws_tags

AWS_TAG_PREFIX = "aws:"


def tags_to_dict(tags: Any) -> dict[str, str]:
    """ECS's ``[{key, value}]`` (or a plain dict) as a dict of strings, without the ``aws:`` tags."""
    if not tags:
        return {}
    # ECS's tag value is optional, which amazon.aws's boto3_tag_list_to_ansible_dict does not allow for.
    pairs = tags if isinstance(tags, dict) else {tag["key"]: tag.get("value", "") for tag in tags}
    return {str(key): str(value) for key, value in pairs.items() if not str(key).startswith(AWS_TAG_PREFIX)}


def tags_to_list(tags: dict[str, str] | None) -> list[dict]:
    """A dict of tags as ECS takes them, sorted by key so requests and predictions are stable."""
    return ansible_dict_to_boto3_tag_list(dict(sorted((tags or {}).items())), "key", "value")


def tag_changes(current: Any, wanted: Any) -> tuple[dict[str, str], list[str]]:
    """What TagResource and UntagResource must do to turn ``current`` into ``wanted`` (either shape).

    Returns:
        ``(to_set, keys_to_remove)``; ``keys_to_remove`` sorted.
    """
    to_set, to_remove = compare_aws_tags(tags_to_dict(current), tags_to_dict(wanted), purge_tags=True)
    return dict(to_set), sorted(to_remove)
