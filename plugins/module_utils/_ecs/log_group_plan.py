# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: CloudWatch Logs log groups - declared ones checked, how to read them in few calls, what to write. Knowledge
layer.

A bootstrap of many services has many log groups under one path (``/ecs/<cluster>/<service>``). DescribeLogGroups
filters by name prefix, fifty groups a page: reading by the groups' common folder (``/ecs/shop-dev/``) finds twenty
groups in one call, where a read per group would take twenty.
"""

from __future__ import annotations

import re

from .exceptions import ECSValidationError

LOG_GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
# The only values PutRetentionPolicy accepts (CloudWatch Logs API reference, PutRetentionPolicy retentionInDays).
# fmt: off
RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
# fmt: on
# A shorter folder than this would list groups the run does not declare (every group under "/", "/aws/"...).
MIN_PREFIX = 6


def check_log_groups(groups: list[dict]) -> list[dict]:
    """The declared log groups, checked, each name once (the first declaration wins when two agree).

    Raises:
        ECSValidationError naming the entry (``log_groups[/ecs/shop/api].retention_days``) before any call.
    """
    checked: dict[str, dict] = {}
    for index, declared in enumerate(groups):
        if not isinstance(declared, dict):
            raise ECSValidationError(f"log_groups[{index}] must be a mapping")
        group = {key: value for key, value in declared.items() if value is not None}
        name = group.get("name")
        where = f"log_groups[{name}]" if isinstance(name, str) and name else f"log_groups[{index}]"
        if not isinstance(name, str) or not LOG_GROUP_NAME.match(name):
            raise ECSValidationError(f"{where}.name must be 1 to 512 letters, digits or ._-/# characters")
        retention = group.get("retention_days")
        if retention is not None and (isinstance(retention, bool) or retention not in RETENTION_DAYS):
            raise ECSValidationError(
                f"{where}.retention_days {retention!r} is not one CloudWatch Logs accepts: "
                f"{', '.join(str(days) for days in RETENTION_DAYS)}"
            )
        tags = group.get("tags")
        if tags is not None and not isinstance(tags, dict):
            raise ECSValidationError(f"{where}.tags must map tag keys to values")
        if name in checked and checked[name] != group:
            raise ECSValidationError(f"{where} is declared twice with different settings")
        checked.setdefault(name, group)
    return list(checked.values())


def read_prefixes(names: list[str]) -> list[str]:
    """The DescribeLogGroups prefixes that find every name: each name's folder, or the name itself when its folder
    is too short to keep the listing small; a prefix inside another one is dropped."""
    prefixes = set()
    for name in names:
        folder = name[: name.rfind("/") + 1]
        prefixes.add(folder if len(folder) >= MIN_PREFIX else name)
    return sorted(prefix for prefix in prefixes if not any(p != prefix and prefix.startswith(p) for p in prefixes))


def plan_log_group(group: dict, live: dict | None) -> list[dict]:
    """The writes that make ``live`` (a DescribeLogGroups item; None: missing) match ``group``."""
    retention = group.get("retention_days")
    if live is None:
        writes = [
            {"action": "create_log_group", "tags": {str(k): str(v) for k, v in (group.get("tags") or {}).items()}}
        ]
        if retention is not None:
            writes.append({"action": "put_retention_policy", "days": retention})
        return writes
    if retention is not None and live.get("retentionInDays") != retention:
        return [{"action": "put_retention_policy", "days": retention}]
    return []


def describe_write(write: dict) -> str:
    if write["action"] == "create_log_group":
        return "create log group"
    return f"set retention to {write['days']} days"
