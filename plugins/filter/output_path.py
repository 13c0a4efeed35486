# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: output_path
short_description: The absolute path of a file a user asked for, relative paths taken from where Ansible started
version_added: 0.1.0
author:
  - driftless.ecs maintainers (@driftless)
description:
  - An absolute path is returned as it is, with C(~) expanded.
  - A relative path is taken relative to the directory C(ansible-playbook) was started from (in AWX, the job's
    project directory), not the playbook's directory, which for a collection playbook is inside the installed
    collection and may be read-only.
  - Used by the roles for C(deploy_report_file) and C(iam_policy_output_file); the task that writes the file prints
    the absolute path.
options:
  _input:
    description: The path as the user gave it.
    type: path
    required: true
"""

EXAMPLES = r"""
- name: Write the report where the user asked
  ansible.builtin.copy:
    content: "{{ report | to_nice_json }}"
    dest: "{{ deploy_report_file | driftless.ecs.output_path }}"
    mode: "0644"
"""

RETURN = r"""
_value:
  description: The absolute path.
  type: path
"""

import os

from ansible.errors import AnsibleFilterError


def output_path(path):
    """``path`` made absolute against the controller's working directory, which Ansible does not change."""
    if not isinstance(path, str) or not path.strip():
        raise AnsibleFilterError(f"output_path: expected a file path, got {path!r}")
    expanded = os.path.expanduser(path.strip())
    return os.path.normpath(expanded if os.path.isabs(expanded) else os.path.join(os.getcwd(), expanded))


class FilterModule:
    def filters(self):
        return {"output_path": output_path}
