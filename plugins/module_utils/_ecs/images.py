# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: container image references, as the Docker distribution grammar defines them.

``[registry[:port]/]path[:tag][@algorithm:hex]`` where path components are lower case. ECS accepts what Docker
accepts; checking here turns a typo into a clear error before a revision is registered that can never start.
"""

from __future__ import annotations

import re

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"

IMAGE_REFERENCE = re.compile(
    rf"^(?P<name>(?:(?P<domain>{_DOMAIN})/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    rf"(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)
MAX_REFERENCE_LENGTH = 255


def image_problem(reference: object) -> str | None:
    """Why ``reference`` is not a valid image reference, or None when it is."""
    if not isinstance(reference, str) or not reference:
        return "must be a non-empty string"
    if len(reference) > MAX_REFERENCE_LENGTH:
        return f"is {len(reference)} characters long; ECS allows {MAX_REFERENCE_LENGTH}"
    if reference != reference.strip():
        return "has leading or trailing spaces"
    match = IMAGE_REFERENCE.match(reference)
    if not match:
        if any(char.isupper() for char in reference.split("/")[-1].split(":")[0].split("@")[0]):
            return "has upper-case letters in the repository name"
        return "is not a valid image reference ([registry/]repository[:tag][@digest])"
    return None


def split_image(reference: str) -> dict[str, str | None]:
    """``{"repository", "tag", "digest"}`` of a valid reference (tag and digest may be None)."""
    match = IMAGE_REFERENCE.match(reference)
    if not match:
        return {"repository": reference, "tag": None, "digest": None}
    return {"repository": match.group("name"), "tag": match.group("tag"), "digest": match.group("digest")}
