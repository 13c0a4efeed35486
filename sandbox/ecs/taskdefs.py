"""ECS task definitions as the real API stores and returns them.

moto keeps what it was sent and fills a few defaults. Real ECS also normalises task-level cpu/memory, fills port
mapping and health check defaults, adds read-only fields, validates Fargate sizes, and never reuses a revision.
The collection compares desired and live task definitions, so these details have to match AWS.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from sandbox.ecs import taskdef_rules
from sandbox.ecs.errors import client_error, invalid_parameter
from sandbox.ecs.state import EcsStore, epoch, paginate, utcnow

_FAMILY = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_CPU_UNITS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$", re.IGNORECASE)
_MEMORY_UNITS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(gb|gib|mb|mib)\s*$", re.IGNORECASE)

# Fargate's valid task sizes: cpu units -> allowed memory in MiB.
FARGATE_SIZES: dict[int, range] = {
    256: range(512, 2049, 512),
    512: range(1024, 4097, 1024),
    1024: range(2048, 8193, 1024),
    2048: range(4096, 16385, 1024),
    4096: range(8192, 30721, 1024),
    8192: range(16384, 61441, 4096),
    16384: range(32768, 122881, 8192),
}

_CONTAINER_DEFAULTS: dict[str, Any] = {
    "cpu": 0,
    "portMappings": [],
    "essential": True,
    "environment": [],
    "mountPoints": [],
    "volumesFrom": [],
    "systemControls": [],
}
_HEALTH_CHECK_DEFAULTS = {"interval": 30, "timeout": 5, "retries": 3}

# The order DescribeTaskDefinition uses; fields it does not list keep the order they were sent in.
_FIELD_ORDER = [
    "taskDefinitionArn",
    "containerDefinitions",
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "revision",
    "volumes",
    "status",
    "requiresAttributes",
    "placementConstraints",
    "compatibilities",
    "runtimePlatform",
    "requiresCompatibilities",
    "cpu",
    "memory",
]


def normalise_cpu(value: Any) -> str:
    """Task-level cpu as ECS stores it: a string of CPU units ("1 vCPU" -> "1024")."""
    return _normalise(value, "cpu", _CPU_UNITS, lambda amount, _unit: amount * 1024)


def normalise_memory(value: Any) -> str:
    """Task-level memory as ECS stores it: a string of MiB ("2GB" -> "2048")."""

    def to_mib(amount: float, unit: str) -> float:
        return amount * 1024 if unit.lower() in ("gb", "gib") else amount

    return _normalise(value, "memory", _MEMORY_UNITS, to_mib)


def _normalise(value: Any, name: str, pattern: re.Pattern, convert: Any) -> str:
    if isinstance(value, bool):
        raise client_error(f"Invalid '{name}' setting for task.")
    if isinstance(value, int | float):
        amount = float(value)
    else:
        text = str(value).strip()
        match = pattern.match(text)
        if match:
            groups = match.groups()
            amount = convert(float(groups[0]), groups[1] if len(groups) > 1 else "")
        elif re.fullmatch(r"\d+", text):
            amount = float(text)
        else:
            raise client_error(f"Invalid '{name}' setting for task.")
    if amount <= 0 or amount != int(amount):
        raise client_error(f"Invalid '{name}' setting for task.")
    return str(int(amount))


class TaskDefinition:
    """One revision. ``document`` holds what DescribeTaskDefinition returns apart from status fields."""

    def __init__(self, store: EcsStore, document: dict[str, Any], tags: list[dict[str, str]]) -> None:
        self.family: str = document["family"]
        self.revision: int = document["revision"]
        self.arn: str = document["taskDefinitionArn"]
        self.document = document
        self.tags = tags
        self.status = "ACTIVE"
        self.registered_at = utcnow()
        self.deregistered_at = None
        self.document["registeredAt"] = epoch(self.registered_at)
        self.document["registeredBy"] = store.caller_arn

    @property
    def network_mode(self) -> str:
        return self.document.get("networkMode") or "bridge"

    @property
    def compatibilities(self) -> list[str]:
        return self.document["compatibilities"]

    @property
    def has_health_check(self) -> bool:
        return any(container.get("healthCheck") for container in self.containers)

    @property
    def containers(self) -> list[dict[str, Any]]:
        return self.document["containerDefinitions"]

    def describe(self) -> dict[str, Any]:
        document = copy.deepcopy(self.document)
        document["status"] = self.status
        if self.deregistered_at is not None:
            document["deregisteredAt"] = epoch(self.deregistered_at)
        ordered = {key: document.pop(key) for key in _FIELD_ORDER if key in document}
        ordered.update(document)
        return ordered


# --- registration -----------------------------------------------------------------------------------------------


def register(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    family = params.get("family") or ""
    if not _FAMILY.match(family):
        raise client_error(
            "Family contains invalid characters or is too long: up to 255 letters (uppercase and lowercase), "
            "numbers, hyphens, and underscores are allowed."
        )
    document = copy.deepcopy({key: value for key, value in params.items() if key != "tags"})
    for key in ("cpu", "memory"):
        if document.get(key) is not None:
            document[key] = normalise_cpu(document[key]) if key == "cpu" else normalise_memory(document[key])
        else:
            document.pop(key, None)
    requires = document.get("requiresCompatibilities") or []
    if "FARGATE" in requires:
        _validate_fargate(document)
    _complete_containers(document)
    taskdef_rules.check(document, params.get("tags") or [])
    document.setdefault("volumes", [])
    document.setdefault("placementConstraints", [])
    document["compatibilities"] = _compatibilities(document)
    document["requiresAttributes"] = _required_attributes(document)

    revision = store.last_revision.get(family, 0) + 1
    store.last_revision[family] = revision
    document["revision"] = revision
    document["taskDefinitionArn"] = store.arn(f"task-definition/{family}:{revision}")
    tags = copy.deepcopy(params.get("tags") or [])
    task_definition = TaskDefinition(store, document, tags)
    store.task_definitions.setdefault(family, {})[revision] = task_definition
    response: dict[str, Any] = {"taskDefinition": task_definition.describe()}
    if tags:
        response["tags"] = copy.deepcopy(tags)
    return response


def _validate_fargate(document: dict[str, Any]) -> None:
    if document.get("networkMode") != "awsvpc":
        raise client_error("Fargate only supports network mode 'awsvpc'.")
    for key in ("cpu", "memory"):
        if key not in document:
            raise client_error(f"Fargate requires that '{key}' be defined at the task level.")
    cpu, memory = int(document["cpu"]), int(document["memory"])
    if memory not in FARGATE_SIZES.get(cpu, ()):
        raise client_error(
            f"No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. "
            "See the Amazon ECS documentation for the valid values."
        )


def _complete_containers(document: dict[str, Any]) -> None:
    containers = document.get("containerDefinitions")
    if not containers:
        raise client_error("Container list cannot be empty.")
    names: set[str] = set()
    network_mode = document.get("networkMode") or "bridge"
    for container in containers:
        for required in ("name", "image"):
            if not container.get(required):
                raise client_error(f"Container.{required} should not be null or empty.")
        if container["name"] in names:
            raise client_error(f"Duplicate container name '{container['name']}' in the task definition.")
        names.add(container["name"])
        for key, default in _CONTAINER_DEFAULTS.items():
            container.setdefault(key, copy.deepcopy(default))
        for mapping in container["portMappings"]:
            _complete_port_mapping(mapping, network_mode)
        if "healthCheck" in container:
            for key, default in _HEALTH_CHECK_DEFAULTS.items():
                container["healthCheck"].setdefault(key, default)


def _complete_port_mapping(mapping: dict[str, Any], network_mode: str) -> None:
    mapping.setdefault("protocol", "tcp")
    if "containerPort" not in mapping:
        # Port ranges (containerPortRange) carry no single host port.
        return
    if network_mode in ("awsvpc", "host"):
        host_port = mapping.get("hostPort")
        if host_port not in (None, mapping["containerPort"]):
            raise invalid_parameter(
                f"When networkMode={network_mode}, the host ports and container ports in port mappings must match."
            )
        mapping["hostPort"] = mapping["containerPort"]
    else:
        # bridge: no host port means a dynamic one, which ECS records as 0.
        mapping.setdefault("hostPort", 0)


def _compatibilities(document: dict[str, Any]) -> list[str]:
    """What ECS says the definition can run on: EXTERNAL (ECS Anywhere) needs a network mode other than awsvpc;
    FARGATE needs awsvpc and a valid Fargate size. EC2 runs anything."""
    if document.get("networkMode") != "awsvpc":
        return ["EXTERNAL", "EC2"]
    sized = "cpu" in document and "memory" in document
    if sized and int(document["memory"]) in FARGATE_SIZES.get(int(document["cpu"]), ()):
        return ["EC2", "FARGATE"]
    return ["EC2"]


def _required_attributes(document: dict[str, Any]) -> list[dict[str, str]]:
    """A plausible ``requiresAttributes``: ECS derives it from the features the definition uses."""
    names: list[str] = ["com.amazonaws.ecs.capability.docker-remote-api.1.18"]
    if document.get("taskRoleArn"):
        names.append("com.amazonaws.ecs.capability.task-iam-role")
    if document.get("networkMode") == "awsvpc":
        names.append("ecs.capability.task-eni")
    execution_role = bool(document.get("executionRoleArn"))
    for container in document["containerDefinitions"]:
        driver = (container.get("logConfiguration") or {}).get("logDriver")
        if driver:
            names += [f"com.amazonaws.ecs.capability.logging-driver.{driver}", "docker-remote-api.1.19"]
            if driver == "awslogs" and execution_role:
                names.append("ecs.capability.execution-role-awslogs")
        if execution_role and ".dkr.ecr." in str(container.get("image", "")):
            names.append("ecs.capability.execution-role-ecr-pull")
        for secret in container.get("secrets") or []:
            kind = "asm" if ":secretsmanager:" in str(secret.get("valueFrom", "")) else "ssm"
            names.append(f"ecs.capability.secrets.{kind}.environment-variables")
        if container.get("healthCheck"):
            names.append("ecs.capability.container-health-check")
    names = [("com.amazonaws.ecs.capability." + n) if n.startswith("docker-remote") else n for n in names]
    return [{"name": name} for name in dict.fromkeys(names)]


# --- lookups ----------------------------------------------------------------------------------------------------


def find(store: EcsStore, reference: str) -> TaskDefinition | None:
    """Resolve ``family``, ``family:revision`` or an ARN; a bare family means its newest ACTIVE revision."""
    name = (reference or "").split("/")[-1]
    family, _, revision = name.partition(":")
    revisions = store.task_definitions.get(family, {})
    if revision:
        try:
            return revisions.get(int(revision))
        except ValueError:
            return None
    active = [number for number, definition in revisions.items() if definition.status == "ACTIVE"]
    return revisions[max(active)] if active else None


def resolve_for_service(store: EcsStore, reference: str) -> TaskDefinition:
    """The task definition a service or task will run: it must exist and be ACTIVE."""
    definition = find(store, reference)
    if definition is None:
        raise client_error("TaskDefinition not found.")
    if definition.status != "ACTIVE":
        raise client_error(f"TaskDefinition is inactive: {definition.arn}")
    return definition


def describe(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    definition = find(store, params.get("taskDefinition", ""))
    if definition is None:
        raise client_error("Unable to describe task definition.")
    response: dict[str, Any] = {"taskDefinition": definition.describe()}
    if "TAGS" in (params.get("include") or []):
        response["tags"] = copy.deepcopy(definition.tags)
    return response


def deregister(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    reference = params.get("taskDefinition", "")
    if ":" not in reference.split("/")[-1]:
        raise client_error("Revision is missing.")
    definition = find(store, reference)
    if definition is None:
        raise client_error("The specified task definition does not exist.")
    if definition.status == "ACTIVE":
        definition.status = "INACTIVE"
        definition.deregistered_at = utcnow()
    return {"taskDefinition": definition.describe()}


def delete(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    references = params.get("taskDefinitions") or []
    if not references or len(references) > 10:
        raise invalid_parameter("Between 1 and 10 task definitions can be deleted at a time.")
    deleted, failures = [], []
    for reference in references:
        definition = find(store, reference) if ":" in reference.split("/")[-1] else None
        if definition is None:
            failures.append({"arn": reference, "reason": "The specified task definition does not exist."})
        elif definition.status == "ACTIVE":
            failures.append({"arn": definition.arn, "reason": "The task definition is still ACTIVE."})
        else:
            # ECS keeps the revision in DELETE_IN_PROGRESS while tasks use it; the sandbox keeps it there.
            definition.status = "DELETE_IN_PROGRESS"
            deleted.append(definition.describe())
    return {"taskDefinitions": deleted, "failures": failures}


def list_definitions(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    # Despite its name, familyPrefix filters on the exact family name.
    family = params.get("familyPrefix")
    status = params.get("status") or "ACTIVE"
    rows = [
        (definition.family, definition.revision, definition.arn)
        for name, revisions in store.task_definitions.items()
        if family is None or name == family
        for definition in revisions.values()
        if definition.status == status
    ]
    rows.sort(reverse=params.get("sort") == "DESC")
    page, token = paginate([arn for _, _, arn in rows], params, default_page=100)
    response: dict[str, Any] = {"taskDefinitionArns": page}
    if token:
        response["nextToken"] = token
    return response


def list_families(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("familyPrefix") or ""
    status = params.get("status") or "ACTIVE"
    families = []
    for name, revisions in sorted(store.task_definitions.items()):
        if not name.startswith(prefix) or not revisions:
            continue
        has_active = any(definition.status == "ACTIVE" for definition in revisions.values())
        if status == "ALL" or (status == "ACTIVE") == has_active:
            families.append(name)
    page, token = paginate(families, params, default_page=100)
    response: dict[str, Any] = {"families": page}
    if token:
        response["nextToken"] = token
    return response
