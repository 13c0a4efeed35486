"""How a task ends, and what its containers log: ``POST /_sandbox/task-results``, pulls, and awslogs lines.

``{"results": [{"match": {"image": GLOB, "command": GLOB}, "exit_code": N, "seconds": S, "log": [...],
"stopped_reason": "..."}]}`` decides how a task whose container matches ends: the first rule that matches an
essential container wins. ``command`` matches the container's command (the override's, else the task definition's),
joined by spaces. Without a matching rule a standalone (RunTask) task exits 0 after ``DEFAULT_RUN_SECONDS``, and a
service's task runs until it is stopped.

Pulls are checked against the sandbox's own ECR: an image of a repository of this account and region whose tag or
digest is not there stops the task before it starts, with ECS's ``CannotPullContainerError``. Other registries are not
checked.

A container whose logConfiguration is ``awslogs`` writes its lines to the sandbox's CloudWatch Logs, in the group and
region of its options, on the stream ``PREFIX/CONTAINER/TASK_ID`` as ECS names it (an existing group only: ECS does
not create one either unless ``awslogs-create-group`` says so).
"""

from __future__ import annotations

import fnmatch
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from moto.ecr.models import ecr_backends
from moto.logs.models import logs_backends

from sandbox.ecs.state import settings

if TYPE_CHECKING:
    from sandbox.ecs.state import EcsStore
    from sandbox.ecs.tasks import Task

DEFAULT_RUN_SECONDS = 0.5
ESSENTIAL_EXITED = "Essential container in task exited"
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/(?P<repository>[^:@]+)"
    r"(?::(?P<tag>[^@]+))?(?:@(?P<digest>.+))?$"
)


@dataclass
class Outcome:
    """How one task ends. ``seconds`` None: it runs until it is stopped."""

    seconds: float | None = None
    exit_codes: dict[str, int] = field(default_factory=dict)
    stopped_reason: str = ESSENTIAL_EXITED
    lines: dict[str, list[str]] = field(default_factory=dict)
    # "health": "unhealthy": the task runs, its targets fail their health checks, and ECS stops it after ``seconds``.
    unhealthy: bool = False


def validate(results: Any) -> list[dict[str, Any]]:
    """The rules of a ``task-results`` request, or ValueError naming what is wrong."""
    if not isinstance(results, list):
        raise ValueError('expected {"results": [{"match": {"image": GLOB, "command": GLOB}, "exit_code": N, ...}]}')
    checked = []
    for index, rule in enumerate(results):
        if not isinstance(rule, dict) or not isinstance(rule.get("match", {}), dict):
            raise ValueError(f"results[{index}] must be a mapping with a match mapping")
        unknown = set(rule) - {"match", "exit_code", "seconds", "log", "stopped_reason", "health"}
        unknown |= {f"match.{key}" for key in set(rule.get("match") or {}) - {"image", "command"}}
        if unknown:
            raise ValueError(f"results[{index}]: unknown keys {', '.join(sorted(unknown))}")
        if not isinstance(rule.get("exit_code", 0), int):
            raise ValueError(f"results[{index}].exit_code must be an integer")
        if float(rule.get("seconds", 0)) < 0:
            raise ValueError(f"results[{index}].seconds must not be negative")
        if rule.get("health", "healthy") not in ("healthy", "unhealthy"):
            raise ValueError(f"results[{index}].health must be healthy or unhealthy")
        if not all(isinstance(line, str) for line in rule.get("log") or []):
            raise ValueError(f"results[{index}].log must be a list of strings")
        checked.append(dict(rule))
    return checked


def command_of(container: dict[str, Any], overrides: dict[str, Any] | None) -> list[str]:
    for override in (overrides or {}).get("containerOverrides") or []:
        if override.get("name") == container["name"] and override.get("command") is not None:
            return list(override["command"])
    return list(container.get("command") or [])


def outcome_for(task: Task) -> Outcome:
    """How ``task`` ends, from the first rule matching one of its essential containers."""
    standalone = not task.group.startswith("service:")
    outcome = Outcome(seconds=DEFAULT_RUN_SECONDS if standalone else None)
    for container in task.definition.containers:
        if container.get("essential", True) is False:
            continue
        command = " ".join(command_of(container, task.overrides))
        for rule in settings().task_results:
            match = rule.get("match") or {}
            if fnmatch.fnmatchcase(container.get("image") or "", match.get("image", "*")) and fnmatch.fnmatchcase(
                command, match.get("command", "*")
            ):
                outcome.seconds = float(rule.get("seconds", DEFAULT_RUN_SECONDS))
                outcome.exit_codes[container["name"]] = int(rule.get("exit_code", 0))
                outcome.stopped_reason = rule.get("stopped_reason") or ESSENTIAL_EXITED
                outcome.lines[container["name"]] = list(rule.get("log") or [])
                outcome.unhealthy = rule.get("health") == "unhealthy"
                return outcome
    return outcome


def pull_error(store: EcsStore, image: str | None) -> str | None:
    """ECS's reason when ``image`` is in this sandbox's ECR (this account and region) and is not there."""
    found = _ECR_IMAGE.match(image or "")
    if not found or found["account"] != store.account_id or found["region"] != store.region:
        return None
    backend = ecr_backends[store.account_id][store.region]
    repository = backend.repositories.get(found["repository"])
    wanted = found["digest"] or found["tag"] or "latest"
    images = repository.images if repository is not None else []
    present = any(
        wanted == image_entry.image_digest or wanted in (image_entry.image_tags or []) for image_entry in images
    )
    if present:
        return None
    return (
        f"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {image}: "
        f"{image}: not found"
    )


def write_logs(store: EcsStore, task: Task, lines: dict[str, list[str]]) -> None:
    """Put each container's lines in its awslogs stream, ``PREFIX/CONTAINER/TASK_ID``."""
    for container in task.definition.containers:
        text = lines.get(container["name"])
        configuration = container.get("logConfiguration") or {}
        options = configuration.get("options") or {}
        if not text or configuration.get("logDriver") != "awslogs" or not options.get("awslogs-group"):
            continue
        backend = logs_backends[store.account_id][options.get("awslogs-region") or store.region]
        group = options["awslogs-group"]
        if group not in backend.groups:
            continue
        stream = f"{options.get('awslogs-stream-prefix', 'ecs')}/{container['name']}/{task.id}"
        if stream not in backend.groups[group].streams:
            backend.create_log_stream(group, stream)
        now = int(time.time() * 1000)
        backend.put_log_events(
            group, stream, [{"timestamp": now + index, "message": line} for index, line in enumerate(text)]
        )
