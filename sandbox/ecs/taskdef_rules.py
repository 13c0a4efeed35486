"""What RegisterTaskDefinition refuses across fields, as ECS refuses it: ClientException, nothing registered.

moto registers anything. ECS checks that a task has an essential container, that every environment, secret and
ulimit entry has a name, that memory limits and reservations agree with each other and with the task's size,
that ports follow the network mode, that ``dependsOn`` names a container of the task, and the tag limits. The
sandbox refuses the same inputs, so that a test can prove a module refused them first (the call counts show
whether the module sent the request at all).
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.ecs.errors import client_error, invalid_parameter

_PORT_RANGE = re.compile(r"^(\d+)-(\d+)$")


def check(document: dict[str, Any], tags: list[dict[str, str]]) -> None:
    """Raise the ECS error for the first broken rule; ``cpu``/``memory`` are already normalised strings."""
    containers = document.get("containerDefinitions") or []
    if not any(container.get("essential", True) for container in containers):
        raise client_error("Task definition does not have any essential container.")
    volumes = {volume.get("name") for volume in document.get("volumes") or []}
    if None in volumes or "" in volumes:
        raise client_error("Volume.name should not be null or empty.")
    names = {container.get("name"): container for container in containers}
    network_mode = document.get("networkMode") or "bridge"
    for container in containers:
        name = container.get("name")
        for field in ("environment", "secrets", "ulimits"):
            for entry in container.get(field) or []:
                if not entry.get("name"):
                    raise client_error(f"Container.{field}.name should not be null or empty.")
        for secret in container.get("secrets") or []:
            if not secret.get("valueFrom"):
                raise client_error("Container.secrets.valueFrom should not be null or empty.")
        for mount in container.get("mountPoints") or []:
            if mount.get("sourceVolume") not in volumes:
                raise client_error(
                    f"Invalid 'mountPoints' setting for container '{name}'. "
                    f"Unknown volume '{mount.get('sourceVolume')}'."
                )
        _memory(container, name, has_task_memory="memory" in document)
        _ports(container, name, network_mode)
        for dependency in container.get("dependsOn") or []:
            target = dependency.get("containerName")
            if target not in names or target == name:
                raise client_error(f"Invalid container dependency for container '{name}': '{target}'.")
            if dependency.get("condition") in ("COMPLETE", "SUCCESS") and names[target].get("essential", True):
                raise client_error(
                    f"Invalid container dependency for container '{name}': the {dependency['condition']} "
                    f"condition cannot be set on an essential container '{target}'."
                )
            if dependency.get("condition") == "HEALTHY" and not names[target].get("healthCheck"):
                raise client_error(
                    f"Invalid container dependency for container '{name}': the HEALTHY condition needs a "
                    f"health check on container '{target}'."
                )
    _task_size(document, containers)
    _tags(tags)


def _memory(container: dict[str, Any], name: str, has_task_memory: bool) -> None:
    memory, reservation = container.get("memory"), container.get("memoryReservation")
    if not has_task_memory and memory is None and reservation is None:
        raise client_error(
            f"Invalid setting for container '{name}'. At least one of 'memory' or 'memoryReservation' must be "
            "specified."
        )
    for field, value in (("memory", memory), ("memoryReservation", reservation)):
        if value is not None and value <= 0:
            raise client_error(f"Invalid '{field}' setting for container '{name}'.")
    if memory is not None and reservation is not None and memory < reservation:
        raise client_error(
            f"Invalid setting for container '{name}'. 'memory' must be greater than or equal to 'memoryReservation'."
        )


def _ports(container: dict[str, Any], name: str, network_mode: str) -> None:
    seen: list[tuple[int, int, str]] = []
    ranges = 0
    for mapping in container.get("portMappings") or []:
        port, port_range = mapping.get("containerPort"), mapping.get("containerPortRange")
        if port_range:
            ranges += 1
            match = _PORT_RANGE.match(str(port_range).replace(" ", ""))
            if (
                network_mode not in ("bridge", "awsvpc")
                or port is not None
                or mapping.get("hostPort") is not None
                or not match
                or not 1 <= int(match.group(1)) < int(match.group(2)) <= 65535
            ):
                raise invalid_parameter(f"Invalid containerPortRange '{port_range}' for container '{name}'.")
            low, high = int(match.group(1)), int(match.group(2))
        elif port is not None:
            if not 1 <= port <= 65535:
                raise invalid_parameter(f"Invalid containerPort '{port}' for container '{name}'.")
            low = high = port
        else:
            raise invalid_parameter(f"Container '{name}': a port mapping needs containerPort or containerPortRange.")
        protocol = mapping.get("protocol") or "tcp"
        if any(other == protocol and low <= other_high and other_low <= high for other_low, other_high, other in seen):
            raise invalid_parameter(f"Container '{name}' maps container port {low} more than once.")
        seen.append((low, high, protocol))
    if ranges > 100:
        raise invalid_parameter(f"Container '{name}' has more than 100 port ranges.")


def _task_size(document: dict[str, Any], containers: list[dict[str, Any]]) -> None:
    task_cpu = str(document.get("cpu", ""))
    if task_cpu.isdigit() and sum(container.get("cpu") or 0 for container in containers) > int(task_cpu):
        raise client_error("Invalid 'cpu' setting for task. The sum of the container cpu exceeds the task cpu.")
    if not str(document.get("memory", "")).isdigit():
        return
    task_memory = int(document["memory"])
    for container in containers:
        if (container.get("memory") or 0) > task_memory:
            raise client_error(
                f"Invalid 'memory' setting for container '{container.get('name')}'. It is greater than the task memory."
            )
    reserved = sum(container.get("memoryReservation") or container.get("memory") or 0 for container in containers)
    if reserved > task_memory:
        raise client_error("Invalid 'memory' setting for task. The containers reserve more than the task memory.")


def _tags(tags: list[dict[str, str]]) -> None:
    if len(tags) > 50:
        raise invalid_parameter("Too many tags: a resource takes at most 50.")
    keys = [str(tag.get("key") or "") for tag in tags]
    if len(set(keys)) != len(keys):
        raise invalid_parameter("Tag keys must be unique.")
    for key in keys:
        if not 1 <= len(key) <= 128:
            raise invalid_parameter("Tag keys must be 1 to 128 characters.")
        if key.lower().startswith("aws:"):
            raise invalid_parameter("Tag keys may not start with the reserved prefix 'aws:'.")
