# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the words of ECS that every layer shares, written once. Foundation layer: imports nothing of ours.

Deployment strategies, the states of a rolling deployment, the statuses and lifecycle stages of a service
deployment (blue/green, linear, canary), the name patterns AWS enforces, and task-definition identifiers.
Names AWS adds later (a stage, a status) are accepted where they are read: the code that reads them decides what
an unknown one means.
"""

from __future__ import annotations

import re

# Deployment strategies -------------------------------------------------------------------------------------

ROLLING = "ROLLING"
BLUE_GREEN = "BLUE_GREEN"
LINEAR = "LINEAR"
CANARY = "CANARY"
DEPLOYMENT_STRATEGIES = (ROLLING, BLUE_GREEN, LINEAR, CANARY)
# ECS shifts traffic between two target groups for these, and each deployment is a service deployment that the
# collection follows by its ARN (ECS-native blue/green).
TRAFFIC_SHIFT_STRATEGIES = (BLUE_GREEN, LINEAR, CANARY)
ECS_CONTROLLER = "ECS"

# A rolling deployment (DescribeServices ``deployments[].rolloutState``) -----------------------------------

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
# Our deployment is no longer PRIMARY and never reported FAILED: another deployment took its place.
REPLACED = "REPLACED"
# The service is gone (deleted, or INACTIVE).
MISSING = "MISSING"
# The run stopped waiting before the deployment ended.
TIMED_OUT = "TIMED_OUT"

# A service deployment (DescribeServiceDeployments) ---------------------------------------------------------

LIFECYCLE_STAGES = (
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
    "BAKE_TIME",
    "CLEAN_UP",
)
PRODUCTION_TRAFFIC_SHIFT = "PRODUCTION_TRAFFIC_SHIFT"
SUCCESSFUL = "SUCCESSFUL"
ROLLBACK_SUCCESSFUL = "ROLLBACK_SUCCESSFUL"
FAILED_STATUSES = (ROLLBACK_SUCCESSFUL, "ROLLBACK_FAILED", "STOPPED")
ENDED_STATUSES = (SUCCESSFUL, *FAILED_STATUSES)
ROLLING_BACK_STATUSES = ("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", ROLLBACK_SUCCESSFUL, "ROLLBACK_FAILED")
# Statuses a service deployment can still be continued or stopped in.
RUNNING_STATUSES = ("PENDING", IN_PROGRESS)
# A PAUSE lifecycle hook waiting for ContinueServiceDeployment.
AWAITING_ACTION = "AWAITING_ACTION"
# ``wait_until`` that waits for the end of a deployment rather than a lifecycle stage.
WAIT_UNTIL_COMPLETED = "completed"

# Names AWS enforces ----------------------------------------------------------------------------------------

# Clusters, services and task definition families and containers: up to 255 letters, digits, - and _.
ECS_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# Elastic Load Balancing target groups: up to 32 letters, digits and hyphens, not at either end.
TARGET_GROUP_NAME_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
MAX_TARGET_GROUP_NAME = 32
IAM_ROLE_NAME_PATTERN = re.compile(r"^[\w+=,.@-]{1,64}$")
MAX_IAM_ROLE_NAME = 64

# Task-definition identifiers -------------------------------------------------------------------------------


# The service principals of ECS: tasks assume execution and task roles, ECS itself its infrastructure roles.
ECS_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"
# EventBridge Scheduler, which assumes the role of a scheduled task's schedule.
SCHEDULER_PRINCIPAL = "scheduler.amazonaws.com"
ECS_PRINCIPAL = "ecs.amazonaws.com"


def short_task_definition(task_definition: str) -> str:
    """``family:revision`` of an ARN; a ``family:revision`` or bare family is returned as it is."""
    return task_definition.rsplit("/", 1)[-1]


def family_of(task_definition: str) -> str:
    """``family`` of an ARN, ``family:revision`` or bare family."""
    return short_task_definition(task_definition).split(":", 1)[0]


def revision_of(task_definition: str) -> int | None:
    """The revision number of an ARN or ``family:revision``; None for a bare family."""
    revision = short_task_definition(task_definition).partition(":")[2]
    return int(revision) if revision.isdigit() else None
