# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private engine of driftless.ecs. Not a public API: modules of this collection only.

Layout:
  common.py            exceptions, the error handler and the retry policy
  api.py               the only code that calls boto3, one function per ECS call
  taskdef_normalize.py pure: bring a declared or described task definition to one canonical shape
  taskdef_compare.py   pure: what differs between two canonical task definitions
  taskdef_validate.py  pure: reject a declared task definition before any write
  images.py            pure: image references
  taskdef_live.py      orchestration of ecs_taskdef_live
  taskdef_prune.py     orchestration of ecs_taskdef_prune
  service_*.py         the same split for ecs_service_rollout
"""
