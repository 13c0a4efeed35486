# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the deploy role; their documentation is in the .yml file of each filter's name beside this one."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import deploy_plan
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.plain import with_plain_arguments


# The requests and the summary read a few fields of each plan and result, once: they read them where they are, not
# converted first (plain.py says why). The other filters walk their arguments and convert them at the door.
def _taskdef_requests(plans, deploy_image=None, deploy_images=None, service_images=None, force_bootstrap_image=False):
    try:
        return deploy_plan.taskdef_requests(plans, deploy_image, deploy_images, service_images, force_bootstrap_image)
    except ECSValidationError as error:
        raise AnsibleFilterError(str(error)) from None


def _rollout_requests(plans, resolved, force_new_deployment=False, blocked=None):
    try:
        return deploy_plan.rollout_requests(plans, resolved, force_new_deployment, blocked)
    except ECSValidationError as error:
        raise AnsibleFilterError(str(error)) from None


@with_plain_arguments
def _task_runs(plans, resolved, phase, run_tasks="changed", rolled_out=None):
    try:
        return deploy_plan.task_runs(plans, resolved, phase, run_tasks, rolled_out)
    except ECSValidationError as error:
        raise AnsibleFilterError(str(error)) from None


@with_plain_arguments
def _failed_services(result):
    return deploy_plan.failed_services(result)


@with_plain_arguments
def _check_rollbacks(plans, rolled_out, after):
    return deploy_plan.check_rollbacks(plans, rolled_out, after)


def _summary(plans, resolved, rolled_out=None, *, before=None, after=None, put_back=None, schedules=None):
    return deploy_plan.summarize(
        plans, resolved, rolled_out, before=before, after=after, put_back=put_back, schedules=schedules
    )


@with_plain_arguments
def _summary_lines(summaries):
    return deploy_plan.summary_lines(summaries)


@with_plain_arguments
def _failure_headline(summaries, failure):
    return deploy_plan.failure_headline(summaries, failure)


@with_plain_arguments
def _service_deployment_summary(result, environment, plan, action, *, check_mode=False, failure=None):
    return deploy_plan.service_deployment_summary(
        result, environment, plan, action, check_mode=check_mode, failure=failure
    )


@with_plain_arguments
def _service_deployment_line(summary):
    return deploy_plan.service_deployment_line(summary)


class FilterModule:
    def filters(self):
        return {
            "deploy_taskdef_requests": _taskdef_requests,
            "deploy_rollout_requests": _rollout_requests,
            "deploy_task_runs": _task_runs,
            "deploy_failed_services": _failed_services,
            "deploy_check_rollbacks": _check_rollbacks,
            "deploy_summary": _summary,
            "deploy_summary_lines": _summary_lines,
            "deploy_failure_headline": _failure_headline,
            "service_deployment_summary": _service_deployment_summary,
            "service_deployment_line": _service_deployment_line,
        }
