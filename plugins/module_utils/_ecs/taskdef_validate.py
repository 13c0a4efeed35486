# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: reject a declared task definition that ECS would refuse, or that could never run, before any write.

Every message names the field, with its path as the user wrote it (``task_definition.containerDefinitions[1].image``).
"""

from __future__ import annotations

from typing import Any

from .exceptions import ECSValidationError
from .images import image_problem
from .shapes import coerce_to_shape
from .taskdef_input import unwrap
from .taskdef_normalize import task_size
from .taskdef_rules import check_rules
from .vocabulary import ECS_NAME_PATTERN


def _range_mib(low_gb: int, high_gb: int, step_gb: int) -> list[int]:
    return [gb * 1024 for gb in range(low_gb, high_gb + 1, step_gb)]


# Fargate task cpu units -> the memory sizes (MiB) it accepts.
FARGATE_MEMORY_BY_CPU: dict[int, list[int]] = {
    256: [512, 1024, 2048],
    512: _range_mib(1, 4, 1),
    1024: _range_mib(2, 8, 1),
    2048: _range_mib(4, 16, 1),
    4096: _range_mib(8, 30, 1),
    8192: _range_mib(16, 60, 4),
    16384: _range_mib(32, 120, 8),
}


def prepare_declared_definition(definition: Any, request_shape: Any, option: str = "task_definition") -> dict:
    """``prepare_declared`` without the list of dropped read-only fields."""
    return prepare_declared(definition, request_shape, option)[0]


def prepare_declared(definition: Any, request_shape: Any, option: str = "task_definition") -> tuple[dict, list[str]]:
    """Check a declared task definition and return it typed as the RegisterTaskDefinition request.

    Args:
        definition: the user's definition: the RegisterTaskDefinition request (camelCase, as
            ``register-task-definition --cli-input-json`` takes it), a DescribeTaskDefinition ``taskDefinition``,
            or the CLI's whole answer with its ``tags`` (``taskdef_input``).
        request_shape: botocore input shape of RegisterTaskDefinition.
        option: the option name, for messages.

    Returns:
        (the request; the read-only fields dropped from it, as paths). A container may have no image yet: the live
        one or the one ``images`` gives fills it in (``taskdef_compare.desired_definition``).

    Raises:
        ECSValidationError: naming the first problem found.
    """
    definition, ignored = unwrap(definition, option)
    if not isinstance(definition, dict) or not definition:
        raise ECSValidationError(f"{option} must be a non-empty mapping in the RegisterTaskDefinition shape")
    if isinstance(definition.get("tags"), dict):
        # Tags read better as a mapping in YAML; the API takes a list of key/value pairs.
        definition = {**definition, "tags": [{"key": k, "value": v} for k, v in definition["tags"].items()]}
    request = coerce_to_shape(definition, request_shape, option)
    validate_task_definition(request, option)
    for field in ("cpu", "memory"):
        # Registered as ECS returns them ("1 vCPU" -> "1024", "2 GB" -> "2048"): ECS may refuse the written form.
        if request.get(field) and task_size(request[field], field).isdigit():
            request[field] = task_size(request[field], field)
    return request, ignored


def validate_task_definition(request: dict, option: str = "task_definition") -> None:
    family = request.get("family")
    if not family or not ECS_NAME_PATTERN.match(family):
        raise ECSValidationError(
            f"{option}.family must be 1 to 255 letters, digits, hyphens or underscores, got {family!r}"
        )
    containers = request.get("containerDefinitions") or []
    if not containers:
        raise ECSValidationError(f"{option}.containerDefinitions must list at least one container")
    seen: dict[str, int] = {}
    for index, container in enumerate(containers):
        path = f"{option}.containerDefinitions[{index}]"
        name = container.get("name")
        if not name or not ECS_NAME_PATTERN.match(name):
            raise ECSValidationError(f"{path}.name must be 1 to 255 letters, digits, hyphens or underscores")
        if name in seen:
            raise ECSValidationError(
                f"{path}.name {name!r} is used twice (also by containerDefinitions[{seen[name]}]); "
                "container names must be unique"
            )
        seen[name] = index
        if container.get("image") in (None, ""):
            # Left out or empty, as pipelines that set the image keep their files: the live image, or the one
            # ``images`` gives, fills it in; only when neither exists is it an error (taskdef_compare).
            container.pop("image", None)
            continue
        problem = image_problem(container.get("image"))
        if problem:
            raise ECSValidationError(f"{path}.image {container.get('image')!r} {problem}")
    _validate_fargate(request, option)
    check_rules(request, option)


def _validate_fargate(request: dict, option: str) -> None:
    if "FARGATE" not in (request.get("requiresCompatibilities") or []):
        return
    if request.get("networkMode") != "awsvpc":
        raise ECSValidationError(
            f"{option}.networkMode must be 'awsvpc' for a FARGATE task definition, got {request.get('networkMode')!r}"
        )
    for field in ("cpu", "memory"):
        if not request.get(field):
            raise ECSValidationError(f"{option}.{field} is required for a FARGATE task definition")
    cpu_text = task_size(request["cpu"], "cpu")
    memory_text = task_size(request["memory"], "memory")
    if not cpu_text.isdigit():
        raise ECSValidationError(f"{option}.cpu {request['cpu']!r} is not a CPU size (write 256, '256' or '0.25 vCPU')")
    if not memory_text.isdigit():
        raise ECSValidationError(f"{option}.memory {request['memory']!r} is not a memory size (write 512 or '2GB')")
    cpu, memory = int(cpu_text), int(memory_text)
    if cpu not in FARGATE_MEMORY_BY_CPU:
        allowed = ", ".join(str(value) for value in FARGATE_MEMORY_BY_CPU)
        raise ECSValidationError(f"{option}.cpu {cpu} is not a Fargate CPU size; use one of {allowed}")
    allowed_memory = FARGATE_MEMORY_BY_CPU[cpu]
    if memory not in allowed_memory:
        raise ECSValidationError(
            f"{option}.memory {memory} is not valid with cpu {cpu} on Fargate; "
            f"it takes {allowed_memory[0]} to {allowed_memory[-1]} MiB"
            + ("" if len(allowed_memory) < 4 else f" in steps of {allowed_memory[1] - allowed_memory[0]}")
        )


def validate_images(images: dict | None, request: dict, option: str = "images") -> None:
    """Every key of ``images`` names a declared container, and every value is a valid image reference."""
    if not images:
        return
    names = [container["name"] for container in request["containerDefinitions"]]
    for name, reference in images.items():
        if name not in names:
            raise ECSValidationError(
                f"{option}.{name}: no container named {name!r} in the task definition; its containers are "
                + ", ".join(repr(known) for known in names)
            )
        problem = image_problem(reference)
        if problem:
            raise ECSValidationError(f"{option}.{name} {reference!r} {problem}")
