# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: bring a task definition, declared or described, to one canonical shape.

Two definitions are the same revision in substance exactly when their canonical forms are equal. The canonical
form:

- drops what DescribeTaskDefinition adds and nobody writes (ARN, revision, status, registeredAt...);
- fills in the defaults ECS applies, on both sides, so "absent" and "the default" compare equal
  (container cpu 0, essential true, portMappings protocol tcp, hostPort under awsvpc, networkMode bridge,
  healthCheck interval/timeout/retries, runtimePlatform LINUX/X86_64...);
- treats an empty list, an empty map and null as absent, because ECS does;
- writes task cpu and memory as the numeric strings ECS returns ("1 vCPU" -> "1024", "2GB" -> "2048");
- sorts the collections whose order ECS does not keep or use (containers, environment, secrets, port mappings,
  volumes...) and keeps the order of those where it matters (command, entryPoint, healthCheck.command,
  environmentFiles, dnsServers);
- never touches the keys of user maps (dockerLabels, logConfiguration.options, driverOpts...).

The canonical form is also what ``--diff`` shows, so it stays in the RegisterTaskDefinition shape.
"""

from __future__ import annotations

import re
from typing import Any

from .diff import field_key
from .plain import copy_document
from .tags import tags_to_dict

# Fields DescribeTaskDefinition returns and RegisterTaskDefinition does not take.
READ_ONLY_FIELDS = (
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
)

TASK_DEFAULTS: dict[str, Any] = {
    "networkMode": "bridge",
    "requiresCompatibilities": ["EC2"],
    "enableFaultInjection": False,
}
RUNTIME_PLATFORM_DEFAULTS = {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"}
CONTAINER_DEFAULTS: dict[str, Any] = {"cpu": 0, "essential": True, "versionConsistency": "enabled"}
HEALTH_CHECK_DEFAULTS = {"interval": 30, "timeout": 5, "retries": 3}
EFS_DEFAULTS = {"rootDirectory": "/", "transitEncryption": "DISABLED"}
DOCKER_VOLUME_DEFAULTS = {"scope": "task"}


def _port_key(item: dict) -> str:
    port = item.get("containerPort", item.get("containerPortRange", ""))
    return f"{port}/{item.get('protocol', 'tcp')}"


# field -> identity of its items: drives both the canonical sort order and readable diff paths.
KEYED_LISTS = {
    "containerDefinitions": field_key("name"),
    "environment": field_key("name"),
    "secrets": field_key("name"),
    "secretOptions": field_key("name"),
    "portMappings": _port_key,
    "mountPoints": field_key("containerPath"),
    "volumesFrom": field_key("sourceContainer"),
    "ulimits": field_key("name"),
    "systemControls": field_key("namespace"),
    "extraHosts": field_key("hostname"),
    "dependsOn": field_key("containerName"),
    "resourceRequirements": field_key("type"),
    "volumes": field_key("name"),
    "placementConstraints": field_key("type", "expression"),
    "inferenceAccelerators": field_key("deviceName"),
    "properties": field_key("name"),
    "devices": field_key("hostPath"),
    "tmpfs": field_key("containerPath"),
}
# Lists of plain strings whose order carries no meaning to ECS.
UNORDERED_STRING_LISTS = ("requiresCompatibilities", "links", "add", "drop")

_CPU_UNITS = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*v?cpus?\s*$", re.IGNORECASE)
_MEMORY_UNITS = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(gb|gib|mb|mib)\s*$", re.IGNORECASE)


def normalize_task_definition(definition: dict) -> dict:
    """The canonical form of a declared (request-shaped) or described task definition.

    Args:
        definition: RegisterTaskDefinition request or DescribeTaskDefinition ``taskDefinition`` payload, with
            ``tags`` as a list of ``{key, value}`` (as ``include=["TAGS"]`` returns them) or a dict.

    Returns:
        A new dict; the input is not modified.
    """
    canonical = copy_document(definition)
    for field in READ_ONLY_FIELDS:
        canonical.pop(field, None)
    canonical["tags"] = tags_to_dict(canonical.get("tags"))

    for field, default in TASK_DEFAULTS.items():
        if canonical.get(field) in (None, [], ""):
            canonical[field] = copy_document(default)
    canonical["runtimePlatform"] = {**RUNTIME_PLATFORM_DEFAULTS, **(canonical.get("runtimePlatform") or {})}
    for field in ("cpu", "memory"):
        if canonical.get(field) not in (None, ""):
            canonical[field] = task_size(canonical[field], field)
    proxy = canonical.get("proxyConfiguration")
    if proxy:
        proxy.setdefault("type", "APPMESH")
    for volume in canonical.get("volumes") or []:
        _normalize_volume(volume)

    network_mode = canonical["networkMode"]
    canonical["containerDefinitions"] = [
        _normalize_container(container, network_mode) for container in canonical.get("containerDefinitions") or []
    ]
    return _sorted_and_pruned(canonical)


def task_size(value: Any, field: str) -> str:
    """Task-level cpu or memory as ECS returns it: a string of CPU units or MiB.

    "1 vCPU" -> "1024", "0.25 vcpu" -> "256", "2GB" -> "2048", 512 -> "512". Anything else is returned as a
    string unchanged, for validation to report.
    """
    text = str(value).strip()
    if text.isdigit():
        return str(int(text))
    pattern = _CPU_UNITS if field == "cpu" else _MEMORY_UNITS
    match = pattern.match(text)
    if not match:
        return text
    amount = float(match.group(1))
    if field == "memory" and match.group(2).lower() in ("mb", "mib"):
        return str(round(amount))
    return str(round(amount * 1024))


def _normalize_container(container: dict, network_mode: str) -> dict:
    for field, default in CONTAINER_DEFAULTS.items():
        if container.get(field) is None:
            container[field] = default
    for mapping in container.get("portMappings") or []:
        _normalize_port_mapping(mapping, network_mode)
    for mount in container.get("mountPoints") or []:
        mount.setdefault("readOnly", False)
    for source in container.get("volumesFrom") or []:
        source.setdefault("readOnly", False)
    health_check = container.get("healthCheck")
    if health_check:
        for field, default in HEALTH_CHECK_DEFAULTS.items():
            if health_check.get(field) is None:
                health_check[field] = default
    for variable in container.get("environment") or []:
        # A value ECS stores is always a string; YAML may have made it a number or a boolean.
        if isinstance(variable.get("value"), bool):
            variable["value"] = "true" if variable["value"] else "false"
        elif variable.get("value") is not None:
            variable["value"] = str(variable["value"])
    return container


def _normalize_port_mapping(mapping: dict, network_mode: str) -> None:
    mapping.setdefault("protocol", "tcp")
    if "containerPort" not in mapping:
        return
    if network_mode in ("awsvpc", "host"):
        if mapping.get("hostPort") in (None, 0):
            mapping["hostPort"] = mapping["containerPort"]
    elif mapping.get("hostPort") == 0:
        # Under bridge, 0 and absent both ask for a dynamic host port.
        del mapping["hostPort"]


def _normalize_volume(volume: dict) -> None:
    efs = volume.get("efsVolumeConfiguration")
    if efs:
        for field, default in EFS_DEFAULTS.items():
            efs.setdefault(field, default)
    docker = volume.get("dockerVolumeConfiguration")
    if docker:
        for field, default in DOCKER_VOLUME_DEFAULTS.items():
            docker.setdefault(field, default)


def _sort_key(value: Any) -> str:
    return repr(value)


def _sorted_and_pruned(value: Any, field: str | None = None) -> Any:
    """Drop empty values (ECS treats them as absent) and sort the unordered collections, depth first."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            # User maps keep their keys as written; only their values are visited.
            cleaned = _sorted_and_pruned(item, key)
            if cleaned is None or cleaned in ([], {}):
                continue
            result[key] = cleaned
        return result
    if isinstance(value, list):
        items = [_sorted_and_pruned(item) for item in value]
        items = [item for item in items if item is not None and item != {}]
        if field in KEYED_LISTS and all(isinstance(item, dict) for item in items):
            key = KEYED_LISTS[field]
            return sorted(items, key=lambda item: (key(item), _sort_key(item)))
        if field in UNORDERED_STRING_LISTS:
            return sorted(items, key=_sort_key)
        return items
    return value
