# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the rules RegisterTaskDefinition enforces across fields, which no request shape can express.

The botocore shape types each field and names the required ones; these rules relate fields to each other (a
memory limit to its reservation, a dependency to the container it names, a container's size to the task's). Each
comes from the ECS API reference (ContainerDefinition, PortMapping, ContainerDependency, Tag) or the developer
guide's task definition parameters. ``check_rules`` runs on a request that ``shapes.coerce_to_shape`` typed.
"""

from __future__ import annotations

import re

from .exceptions import ECSValidationError
from .taskdef_normalize import task_size

# ContainerDefinition.portMappings: "You can specify a maximum of 100 port ranges per container."
MAX_PORT_RANGES = 100
# Tag: "Maximum number of tags per resource - 50", keys up to 128 characters, values up to 256.
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256
_PORT_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")
# ContainerDependency: COMPLETE and SUCCESS "can't be set on an essential container".
_EXIT_CONDITIONS = ("COMPLETE", "SUCCESS")


def check_rules(request: dict, option: str = "task_definition") -> None:
    """Raise ECSValidationError naming the first field that breaks a rule of RegisterTaskDefinition."""
    containers = request.get("containerDefinitions") or []
    paths = [f"{option}.containerDefinitions[{index}]" for index in range(len(containers))]
    if not any(container.get("essential", True) for container in containers):
        raise ECSValidationError(
            f"{option}.containerDefinitions: no container is essential, and ECS needs at least one "
            "(essential defaults to true: leave it out on the main container)"
        )
    volume_names = _volume_names(request, option)
    network_mode = request.get("networkMode") or "bridge"
    by_name = {container.get("name"): container for container in containers}
    for container, path in zip(containers, paths):
        _check_named_entries(container, path, volume_names, by_name)
        _check_memory(container, path, has_task_memory=bool(request.get("memory")))
        _check_port_mappings(container.get("portMappings") or [], f"{path}.portMappings", network_mode)
        _check_dependencies(container, path, by_name)
    _check_task_size(request, containers, paths, option)
    _check_tags(request.get("tags"), f"{option}.tags")


def _volume_names(request: dict, option: str) -> set:
    names = set()
    for index, volume in enumerate(request.get("volumes") or []):
        name = volume.get("name")
        if not name:
            raise ECSValidationError(f"{option}.volumes[{index}].name is required: mount points refer to it")
        if name in names:
            raise ECSValidationError(f"{option}.volumes[{index}].name {name!r} is used twice; volume names are unique")
        names.add(name)
    return names


def _check_named_entries(container: dict, path: str, volume_names: set, by_name: dict) -> None:
    for field in ("environment", "secrets", "ulimits"):
        for index, entry in enumerate(container.get(field) or []):
            if not entry.get("name"):
                raise ECSValidationError(f"{path}.{field}[{index}].name is required and may not be empty")
    for index, secret in enumerate(container.get("secrets") or []):
        if not secret.get("valueFrom"):
            raise ECSValidationError(
                f"{path}.secrets[{index}].valueFrom is required: the ARN or name of the secret or parameter"
            )
    for index, limit in enumerate(container.get("ulimits") or []):
        # Docker refuses to start a container whose soft limit is above its hard limit.
        if (limit.get("softLimit") or 0) > (limit.get("hardLimit") or 0):
            raise ECSValidationError(
                f"{path}.ulimits[{index}].softLimit {limit.get('softLimit')} is more than its hardLimit "
                f"{limit.get('hardLimit')}"
            )
    for index, mount in enumerate(container.get("mountPoints") or []):
        source = mount.get("sourceVolume")
        if not source:
            raise ECSValidationError(f"{path}.mountPoints[{index}].sourceVolume is required and may not be empty")
        if source not in volume_names:
            known = ", ".join(repr(name) for name in sorted(volume_names)) or "none"
            raise ECSValidationError(
                f"{path}.mountPoints[{index}].sourceVolume {source!r} names no volume of the task definition "
                f"(volumes: {known})"
            )
        if not mount.get("containerPath"):
            raise ECSValidationError(f"{path}.mountPoints[{index}].containerPath is required and may not be empty")
    for index, source in enumerate(container.get("volumesFrom") or []):
        if source.get("sourceContainer") not in by_name:
            raise ECSValidationError(
                f"{path}.volumesFrom[{index}].sourceContainer {source.get('sourceContainer')!r} names no container "
                "of the task definition"
            )


def _check_memory(container: dict, path: str, has_task_memory: bool) -> None:
    memory = container.get("memory")
    reservation = container.get("memoryReservation")
    for field, value in (("memory", memory), ("memoryReservation", reservation)):
        if value is not None and value <= 0:
            raise ECSValidationError(f"{path}.{field} must be a positive number of MiB, got {value}")
    if memory is not None and reservation is not None and memory < reservation:
        raise ECSValidationError(
            f"{path}.memory {memory} is less than its memoryReservation {reservation}: memory is the hard limit, "
            "and must be at least the soft limit"
        )
    if not has_task_memory and memory is None and reservation is None:
        raise ECSValidationError(
            f"{path}: give memory or memoryReservation (MiB), or a task-level memory; ECS needs one of them"
        )


def _check_port_mappings(mappings: list, path: str, network_mode: str) -> None:
    ranges = 0
    taken: list[tuple[int, int, str]] = []
    for index, mapping in enumerate(mappings):
        where = f"{path}[{index}]"
        port = mapping.get("containerPort")
        port_range = mapping.get("containerPortRange")
        if port is not None and port_range:
            raise ECSValidationError(f"{where}: give containerPort or containerPortRange, not both")
        if port_range:
            ranges += 1
            low, high = _port_range(port_range, f"{where}.containerPortRange", network_mode, mapping)
        elif port is not None:
            if not 1 <= port <= 65535:
                raise ECSValidationError(f"{where}.containerPort must be 1 to 65535, got {port}")
            host_port = mapping.get("hostPort")
            if network_mode in ("awsvpc", "host") and host_port not in (None, port):
                raise ECSValidationError(
                    f"{where}.hostPort {host_port} differs from containerPort {port}: under networkMode "
                    f"{network_mode} the host port is the container port (leave hostPort out)"
                )
            if host_port is not None and not 0 <= host_port <= 65535:
                raise ECSValidationError(f"{where}.hostPort must be 0 to 65535, got {host_port}")
            low = high = port
        else:
            raise ECSValidationError(f"{where}: give containerPort (or containerPortRange)")
        protocol = mapping.get("protocol") or "tcp"
        for other_low, other_high, other in taken:
            if protocol == other and low <= other_high and other_low <= high:
                raise ECSValidationError(
                    f"{where} maps container port {low if low == high else f'{low}-{high}'}/{protocol}, which an "
                    "earlier mapping of this container maps already; a port belongs to one mapping"
                )
        taken.append((low, high, protocol))
    if ranges > MAX_PORT_RANGES:
        raise ECSValidationError(f"{path}: {ranges} port ranges; ECS takes at most {MAX_PORT_RANGES} a container")


def _port_range(text: str, where: str, network_mode: str, mapping: dict) -> tuple[int, int]:
    if network_mode not in ("bridge", "awsvpc"):
        raise ECSValidationError(f"{where}: port ranges need networkMode bridge or awsvpc, not {network_mode}")
    if mapping.get("hostPort") is not None:
        raise ECSValidationError(f"{where}: leave hostPort out with a port range; ECS chooses the host ports")
    match = _PORT_RANGE.match(str(text))
    if not match:
        raise ECSValidationError(f"{where} {text!r} is not a port range; write it as '8000-8010'")
    low, high = int(match.group(1)), int(match.group(2))
    if not 1 <= low < high <= 65535:
        raise ECSValidationError(f"{where} {text!r}: the first port must be less than the last, both from 1 to 65535")
    return low, high


def _check_dependencies(container: dict, path: str, by_name: dict) -> None:
    for index, dependency in enumerate(container.get("dependsOn") or []):
        where = f"{path}.dependsOn[{index}]"
        name = dependency.get("containerName")
        if name not in by_name:
            known = ", ".join(repr(known) for known in by_name)
            raise ECSValidationError(f"{where}.containerName {name!r} names no container; the containers are {known}")
        if name == container.get("name"):
            raise ECSValidationError(f"{where}.containerName {name!r}: a container cannot depend on itself")
        condition = dependency.get("condition")
        target = by_name[name]
        if condition in _EXIT_CONDITIONS and target.get("essential", True):
            raise ECSValidationError(
                f"{where}.condition {condition} waits for {name!r} to exit, but {name!r} is essential and its exit "
                "stops the task; mark it essential: false"
            )
        if condition == "HEALTHY" and not target.get("healthCheck"):
            raise ECSValidationError(f"{where}.condition HEALTHY needs a healthCheck on {name!r}, and it has none")


def _check_task_size(request: dict, containers: list, paths: list, option: str) -> None:
    cpu_text = task_size(request["cpu"], "cpu") if request.get("cpu") else ""
    memory_text = task_size(request["memory"], "memory") if request.get("memory") else ""
    if cpu_text.isdigit():
        total = sum(container.get("cpu") or 0 for container in containers)
        if total > int(cpu_text):
            raise ECSValidationError(
                f"{option}.cpu {cpu_text} is less than the {total} CPU units its containers reserve together"
            )
    if not memory_text.isdigit():
        return
    task_memory = int(memory_text)
    for container, path in zip(containers, paths):
        if (container.get("memory") or 0) > task_memory:
            raise ECSValidationError(
                f"{path}.memory {container['memory']} is more than the task's memory {task_memory}"
            )
    reserved = sum(container.get("memoryReservation") or container.get("memory") or 0 for container in containers)
    if reserved > task_memory:
        raise ECSValidationError(
            f"{option}.memory {task_memory} is less than the {reserved} MiB its containers reserve together"
        )


def _check_tags(tags: list | None, path: str) -> None:
    if not tags:
        return
    if len(tags) > MAX_TAGS:
        raise ECSValidationError(f"{path}: {len(tags)} tags; ECS takes at most {MAX_TAGS}")
    seen: set = set()
    for index, tag in enumerate(tags):
        key, value = str(tag.get("key") or ""), str(tag.get("value") or "")
        if not key or len(key) > MAX_TAG_KEY:
            raise ECSValidationError(f"{path}[{index}].key must be 1 to {MAX_TAG_KEY} characters, got {key!r}")
        if key.lower().startswith("aws:"):
            raise ECSValidationError(f"{path}[{index}].key {key!r}: the aws: prefix is reserved for AWS's own tags")
        if key in seen:
            raise ECSValidationError(f"{path}[{index}].key {key!r} is given twice; tag keys are unique")
        if len(value) > MAX_TAG_VALUE:
            raise ECSValidationError(f"{path}[{index}].value of {key!r} is longer than {MAX_TAG_VALUE} characters")
        seen.add(key)
