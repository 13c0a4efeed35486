# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ecs_account_info: who the connection settings make the caller. Orchestration layer."""

from __future__ import annotations

from typing import Any

from . import api
from .waiting import Clock


def run(client: Any, params: dict, *, check_mode: bool, diff: bool, clock: Clock, sts: Any) -> dict:
    identity = api.caller_identity(sts)
    return {
        "changed": False,
        "account": identity["Account"],
        "arn": identity["Arn"],
        "user_id": identity["UserId"],
        "partition": identity["Arn"].split(":")[1],
    }
