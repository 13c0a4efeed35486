"""EC2 capacity: the container instances of a cluster, and the one an EC2 task fits on, as ECS places it.

A task on the EC2 launch type (or an EC2 capacity provider) runs only on an ACTIVE container instance of its cluster
that has the CPU units, the memory and the static host ports it needs left over from the tasks already placed there.
With none, ECS starts nothing: a service says so in its events and its deployment stays IN_PROGRESS; RunTask is
refused (no instance at all) or answers with ``failures`` (``RESOURCE:CPU``, ``RESOURCE:MEMORY``,
``RESOURCE:PORTS``).

Container instances are moto's (RegisterContainerInstance, with an EC2 instance of moto's), or, for tests and demos
that exercise rollouts rather than capacity, ``ec2_capacity: unlimited``: every cluster then has one instance that
everything fits on. Placement strategies and constraints are stored, not evaluated: the first instance that fits,
in ARN order, gets the task.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.ecs.state import EcsStore, settings

if TYPE_CHECKING:
    from sandbox.ecs.taskdefs import TaskDefinition

REGISTERED = "registered"
UNLIMITED = "unlimited"
CAPACITY_MODES = (REGISTERED, UNLIMITED)
NO_INSTANCES = "No Container Instances were found in your cluster."
_TROUBLESHOOTING = "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
_SHORTAGE = {
    "CPU": "has insufficient CPU units available",
    "MEMORY": "has insufficient memory available",
    "PORTS": "is already using a port required by your task",
}


@dataclass
class Fit:
    """Where a task goes: ``instance_arn``, or why nowhere (``reason`` for RunTask, ``detail`` for an event)."""

    instance_arn: str | None
    reason: str | None = None
    detail: str | None = None
    closest_arn: str | None = None


@dataclass
class Needs:
    cpu: int
    memory: int
    ports: frozenset[str]


def needs_of(definition: TaskDefinition) -> Needs:
    """CPU units, MiB and static host ports a task of ``definition`` takes on an instance."""
    document = definition.document
    containers = definition.containers
    cpu = _integer(document.get("cpu")) or sum(_integer(c.get("cpu")) for c in containers)
    memory = _integer(document.get("memory")) or sum(
        _integer(c.get("memory")) or _integer(c.get("memoryReservation")) for c in containers
    )
    ports: set[str] = set()
    if definition.network_mode in ("bridge", "host"):
        for container in containers:
            for mapping in container.get("portMappings") or []:
                if _integer(mapping.get("hostPort")):
                    ports.add(str(mapping["hostPort"]))
    return Needs(cpu, memory, frozenset(ports))


def runs_on_instances(placement: Any) -> bool:
    """EC2 launch type, or an EC2 capacity provider (anything but FARGATE ones), takes container instances."""
    if placement.capacity_provider:
        return "FARGATE" not in placement.capacity_provider
    return placement.launch_type == "EC2"


def place(store: EcsStore, cluster: str, definition: TaskDefinition) -> Fit:
    """The container instance a new task of ``definition`` fits on in ``cluster``, given the tasks placed already."""
    if settings().ec2_capacity == UNLIMITED:
        return Fit(unlimited_instance_arn(store, cluster))
    instances = sorted(
        (ci for ci in store.moto_backend.container_instances.get(cluster, {}).values() if ci.status == "ACTIVE"),
        key=lambda ci: ci.container_instance_arn,
    )
    if not instances:
        return Fit(None, "NO_INSTANCES", f"Reason: {NO_INSTANCES}")
    needs = needs_of(definition)
    closest: tuple[str, str] | None = None
    for instance in instances:
        shortage = _shortage(store, instance, needs)
        if shortage is None:
            return Fit(instance.container_instance_arn)
        closest = closest or (instance.container_instance_arn, shortage)
    arn, shortage = closest
    instance_id = arn.rsplit("/", 1)[-1]
    detail = f"The closest matching (container-instance {instance_id}) {_SHORTAGE[shortage]}."
    return Fit(None, f"RESOURCE:{shortage}", detail, arn)


def instance_count(store: EcsStore, cluster: str) -> int:
    """The ACTIVE container instances of ``cluster``: what a DAEMON service runs one task on, each."""
    if settings().ec2_capacity == UNLIMITED:
        return 1
    return sum(1 for ci in store.moto_backend.container_instances.get(cluster, {}).values() if ci.status == "ACTIVE")


def unplaced_event(service_name: str, fit: Fit) -> str:
    return (
        f"(service {service_name}) was unable to place a task because no container instance met all of its "
        f"requirements. {fit.detail} {_TROUBLESHOOTING}"
    )


def unlimited_instance_arn(store: EcsStore, cluster: str) -> str:
    instance_id = hashlib.sha256(f"{store.account_id}/{store.region}/{cluster}".encode()).hexdigest()[:32]
    return store.arn(f"container-instance/{cluster}/{instance_id}")


def _shortage(store: EcsStore, instance: Any, needs: Needs) -> str | None:
    registered = {resource["name"]: resource for resource in instance.registered_resources}
    placed = [
        task
        for task in store.tasks.values()
        if task.active and task.container_instance_arn == instance.container_instance_arn
    ]
    taken = [needs_of(task.definition) for task in placed]
    if sum(t.cpu for t in taken) + needs.cpu > _integer(registered.get("CPU", {}).get("integerValue")):
        return "CPU"
    if sum(t.memory for t in taken) + needs.memory > _integer(registered.get("MEMORY", {}).get("integerValue")):
        return "MEMORY"
    reserved = set(registered.get("PORTS", {}).get("stringSetValue") or [])
    used = reserved.union(*(t.ports for t in taken)) if taken else reserved
    if needs.ports & used:
        return "PORTS"
    return None


def _integer(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0
