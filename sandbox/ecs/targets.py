"""The targets of a service's tasks in its load balancers' target groups, and their health.

A service task that starts running is registered in each target group of the service's ``loadBalancers`` (by its
private IP, on the container port), and deregistered when it stops. A task that fails is reported ``unhealthy``,
``Target.FailedHealthChecks``, by ELBv2 DescribeTargetHealth, as ELB reports a task whose container died or never
answered: what a person reads to learn why a rollout failed. moto's own health model does not know ECS tasks, so
its DescribeTargetHealth answer is corrected here for the targets the sandbox knows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.elbv2.models import ELBv2Backend, FakeHealthStatus, elbv2_backends

if TYPE_CHECKING:
    from sandbox.ecs.state import EcsStore
    from sandbox.ecs.tasks import Task

FAILED_HEALTH_CHECKS = ("unhealthy", "Target.FailedHealthChecks", "Health checks failed")
# (account, region, target group ARN, target id) -> (state, reason, description) of a failed task's target.
_UNHEALTHY: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}
_installed = False


def _balancers(store: EcsStore, task: Task) -> list[dict[str, Any]]:
    if not task.group.startswith("service:"):
        return []
    service = store.services.get((task.cluster_name, task.group.split(":", 1)[1]))
    return [
        item for item in (service.config.get("loadBalancers") if service else None) or [] if item.get("targetGroupArn")
    ]


def _target(task: Task, balancer: dict[str, Any]) -> dict[str, Any]:
    port = balancer.get("containerPort")
    if task.definition.network_mode != "awsvpc":
        for container in task.definition.containers:
            for mapping in container.get("portMappings") or []:
                if container["name"] == balancer.get("containerName") and mapping.get("containerPort") == port:
                    port = mapping.get("hostPort") or port
    return {"Id": task.private_ip, "Port": port}


def target_groups(store: EcsStore, task: Task) -> list[str]:
    """The target groups a service task is registered in."""
    return [balancer["targetGroupArn"] for balancer in _balancers(store, task)]


def register(store: EcsStore, task: Task) -> None:
    """A task that runs is a target of its service's target groups."""
    backend = elbv2_backends[store.account_id][store.region]
    for balancer in _balancers(store, task):
        group = backend.target_groups.get(balancer["targetGroupArn"])
        if group is not None:
            group.register([_target(task, balancer)])


def stopped(store: EcsStore, task: Task, failed: bool) -> None:
    """A task that stopped leaves its target groups; one that failed stays reported unhealthy."""
    backend = elbv2_backends[store.account_id][store.region]
    for balancer in _balancers(store, task):
        arn = balancer["targetGroupArn"]
        group = backend.target_groups.get(arn)
        if group is None:
            continue
        target = _target(task, balancer)
        if failed:
            group.register([target])
            _UNHEALTHY[(store.account_id, store.region, arn, target["Id"])] = FAILED_HEALTH_CHECKS
        elif target["Id"] in group.targets:
            group.deregister([target])


def install() -> None:
    """Correct moto's DescribeTargetHealth for the targets of failed tasks, once per process."""
    global _installed  # noqa: PLW0603 - a process-wide patch is applied exactly once
    if _installed:
        return
    original = ELBv2Backend.describe_target_health

    def describe_target_health(self: ELBv2Backend, target_group_arn: str, targets: list[dict[str, Any]]) -> list:
        answers = original(self, target_group_arn, targets)
        corrected = []
        for answer in answers:
            known = _UNHEALTHY.get((self.account_id, self.region_name, target_group_arn, answer.instance_id))
            if known is None:
                corrected.append(answer)
                continue
            state, reason, description = known
            corrected.append(
                FakeHealthStatus(answer.instance_id, answer.port, answer.health_check_port, state, reason, description)
            )
        return corrected

    ELBv2Backend.describe_target_health = describe_target_health
    _installed = True


def reset() -> None:
    _UNHEALTHY.clear()
