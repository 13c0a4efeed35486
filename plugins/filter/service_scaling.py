# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of autoscaling (bootstrap and deploy roles); their documentation is in the .yml file of each filter's name
beside this one."""

from __future__ import annotations

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import scaling_plan
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.plain import with_plain_arguments


@with_plain_arguments
def _scaling_requests(plans):
    return scaling_plan.scaling_requests(plans)


@with_plain_arguments
def _scale_in_services(plans, resolved, force_new_deployment=False, blocked=None):
    return scaling_plan.scale_in_services(plans, resolved, bool(force_new_deployment), blocked)


@with_plain_arguments
def _scale_in_summary(summaries, held=None, restored=None):
    return scaling_plan.scale_in_summary(summaries, held, restored)


class FilterModule:
    def filters(self):
        return {
            "scaling_requests": _scaling_requests,
            "deploy_scale_in_services": _scale_in_services,
            "deploy_scale_in_summary": _scale_in_summary,
        }
