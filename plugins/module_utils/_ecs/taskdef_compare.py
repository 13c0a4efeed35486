# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: which task definition a service should run, and what differs from the one it runs. Knowledge layer.

The image of every container is chosen (given, live, or declared), the declared definition is brought to the
canonical form of ``taskdef_normalize``, and the differences from the baseline are the plan. Tags are apart: ECS
changes them in place, without a new revision.
"""

from __future__ import annotations

from .diff import differences
from .exceptions import ECSValidationError
from .plain import copy_document
from .taskdef_normalize import KEYED_LISTS, normalize_task_definition


def desired_definition(
    request: dict,
    images: dict | None,
    live_definition: dict | None,
    force_bootstrap_image: bool,
    option: str = "task_definition",
) -> tuple[dict, list[dict], list[dict]]:
    """Choose the image of every container.

    A container named in ``images`` gets that image. Otherwise, while a service runs it, the image that runs
    live is kept (an outside pipeline's deploy wins) unless ``force_bootstrap_image`` asks for the declared one.
    A container the live revision lacks, or a service that does not exist yet, gets the declared image. One declared
    without an image takes the live one even with ``force_bootstrap_image``; with none at all it is an error.

    Returns:
        (desired request, per-container image choices, drift: the live values kept over the declared ones)
    """
    images = images or {}
    live_images = {
        container["name"]: container.get("image")
        for container in (live_definition or {}).get("containerDefinitions", [])
    }
    desired = copy_document(request)
    choices: list[dict] = []
    drift: list[dict] = []
    for index, container in enumerate(desired["containerDefinitions"]):
        name = container["name"]
        declared = container.get("image")
        if name in images:
            image, source = images[name], "images"
        elif name in live_images and not force_bootstrap_image:
            image, source = live_images[name], "live"
            if declared and image != declared:
                drift.append({"container": name, "field": "image", "declared": declared, "live": image})
        elif declared:
            image, source = declared, "declared"
        elif name in live_images:
            image, source = live_images[name], "live"
        else:
            raise ECSValidationError(
                f"{option}.containerDefinitions[{index}] ({name}) has no image, no service runs one, and images "
                f"gives none: write its image, or give images.{name} (deploy_image for the main container)"
            )
        container["image"] = image
        choices.append({"container": name, "image": image, "source": source, "live_image": live_images.get(name)})
    return desired, choices, drift


def align_identifiers(desired: dict, baseline: dict | None) -> dict:
    """Let a role written as a short name match the ARN ECS stored for it.

    ECS accepts ``taskRoleArn: my-role`` and returns ``arn:aws:iam::123456789012:role/my-role``. Both name the
    same role, so the live form is adopted for the comparison; any other difference still counts.
    """
    if not baseline:
        return desired
    aligned = dict(desired)
    for field in ("taskRoleArn", "executionRoleArn"):
        written, stored = desired.get(field), baseline.get(field)
        if written and stored and not written.startswith("arn:") and stored.endswith("/" + written):
            aligned[field] = stored
    return aligned


def plan_item(desired: dict, baseline: dict | None) -> dict:
    """Canonical before/after and what differs. Tags are apart: they can change without a new revision."""
    after = normalize_task_definition(align_identifiers(desired, baseline))
    before = normalize_task_definition(baseline) if baseline else None
    if before is None:
        return {"before": None, "after": after, "changes": [], "tag_changes": [], "substantive": True}
    changes = differences({**before, "tags": {}}, {**after, "tags": {}}, KEYED_LISTS)
    tag_changes = differences(before.get("tags", {}), after.get("tags", {}))
    return {
        "before": before,
        "after": after,
        "changes": changes,
        "tag_changes": tag_changes,
        "substantive": bool(changes),
    }


def same_revision_content(described: dict, desired: dict) -> bool:
    """Whether a described revision already holds the desired content (so registering would duplicate it)."""
    return normalize_task_definition(described) == normalize_task_definition(align_identifiers(desired, described))


def next_arn(newest: dict | None, family: str) -> str:
    """The ARN a registration would get: one past the newest revision ECS knows (check mode's prediction)."""
    if not newest:
        return f"{family}:1"
    prefix = newest["taskDefinitionArn"].rsplit("/", 1)[0]
    return f"{prefix}/{family}:{newest['revision'] + 1}"
