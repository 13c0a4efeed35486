# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of scheduled tasks; their documentation is in the .yml file of each filter's name beside this one."""

from __future__ import annotations

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import schedule_plan
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.plain import with_plain_arguments


@with_plain_arguments
def _schedule_requests(plans):
    return schedule_plan.bootstrap_requests(plans)


@with_plain_arguments
def _schedule_moves(plans, resolved, rolled_out=None, put_back=None):
    return schedule_plan.follow_requests(plans, resolved, rolled_out, put_back)


class FilterModule:
    def filters(self):
        return {
            "schedule_requests": _schedule_requests,
            "schedule_moves": _schedule_moves,
        }
