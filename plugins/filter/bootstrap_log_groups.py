# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: bootstrap_log_groups
short_description: The log groups the bootstrap role makes for the service plans, as ecs_log_groups entries
version_added: 0.1.0
author:
  - driftless.ecs maintainers (@driftless)
description:
  - Lists each plan's C(log_group) once, in plan order, with the retention the role is given, for one
    P(driftless.ecs.ecs_log_groups#module) call.
options:
  _input:
    description: Service plans, as the P(driftless.ecs.resolve_services#filter) filter returns them.
    type: list
    elements: dict
    required: true
  retention_days:
    description: Days the groups keep events; V(0) keeps them forever (and leaves an existing group's retention).
    type: int
    default: 0
"""

EXAMPLES = r"""
- name: Make the log groups of the services
  driftless.ecs.ecs_log_groups:
    log_groups: "{{ ecs_service_plans | driftless.ecs.bootstrap_log_groups(30) }}"
"""

RETURN = r"""
_value:
  description: Log group entries, as O(driftless.ecs.ecs_log_groups#module:log_groups) takes them.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError


# Reads one field of each plan: the plans are read where they are, not converted first (plain.py says why).
def _bootstrap_log_groups(plans, retention_days=0):
    try:
        days = int(retention_days or 0)
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"bootstrap_log_groups: retention_days {retention_days!r} is not a number") from None
    names = list(dict.fromkeys(str(plan["log_group"]) for plan in plans or [] if plan.get("log_group")))
    return [{"name": name, **({"retention_days": days} if days > 0 else {})} for name in names]


class FilterModule:
    def filters(self):
        return {"bootstrap_log_groups": _bootstrap_log_groups}
