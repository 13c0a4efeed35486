# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The SDK versions every driftless.ecs module needs: the first botocore that models ECS native blue/green,
    # linear and canary deployments. The same numbers are in requirements.txt, the README's support matrix and
    # plugins/module_utils/_ecs/entry.py, which refuses an older SDK; tests/unit/test_requirements.py holds them equal.
    DOCUMENTATION = r"""
options: {}
requirements:
  - python >= 3.8
  - boto3 >= 1.43.116
  - botocore >= 1.43.116
"""
