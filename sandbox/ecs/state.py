"""Shared state of the ECS extension: timing settings, failing images, the lock, and per-region stores.

Each account and region gets one ``EcsStore``. It is kept as an attribute of moto's own ECS backend object, so
anything that resets moto's backends (``/moto-api/reset`` included) drops the extension's state with it, and
clusters, which stay moto's, can never outlive the services that refer to them.
"""

from __future__ import annotations

import fnmatch
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from moto.ecs.models import EC2ContainerServiceBackend, ecs_backends

from sandbox.ecs.errors import invalid_parameter

if TYPE_CHECKING:
    from sandbox.ecs.services import Service
    from sandbox.ecs.taskdefs import TaskDefinition
    from sandbox.ecs.tasks import Task

# One lock for the whole ECS simulation: request handlers and the ticker thread both mutate services and tasks.
# Re-entrant because a handler that holds it may tick the simulation, which takes it again.
LOCK = threading.RLock()

_STORE_ATTRIBUTE = "_driftless_sandbox_store"


@dataclass
class Settings:
    """Knobs the control endpoints change at run time."""

    task_start_delay: float = 1.0
    task_stop_delay: float = 0.5
    # Real seconds each blue/green lifecycle stage lasts at least, so that a client polling slower than the
    # simulation steps still sees every stage (ECS takes seconds to minutes per stage). 0: as fast as polled.
    stage_seconds: float = 0.0
    failing_images: list[str] = field(default_factory=list)
    # Real seconds one deployment minute lasts (bake times, step bake times, hook timeouts).
    minute_seconds: float = 1.0
    # hookTargetArn glob -> "SUCCEEDED" | "FAILED"; Lambda hooks cannot run here, so these are their answers.
    hook_results: dict[str, str] = field(default_factory=dict)
    # "registered": EC2 tasks run only on registered container instances with room, as in ECS. "unlimited": every
    # cluster has one instance that everything fits on (tests and demos about rollouts, not capacity).
    ec2_capacity: str = "registered"
    # How tasks end and what they log (task_results.py): rules from POST /_sandbox/task-results.
    task_results: list[dict[str, Any]] = field(default_factory=list)

    def hook_result(self, target_arn: str | None) -> str:
        """The answer of a Lambda hook: the last matching glob wins, SUCCEEDED when none matches."""
        answer = "SUCCEEDED"
        for pattern, result in self.hook_results.items():
            if fnmatch.fnmatchcase(target_arn or "", pattern):
                answer = result
        return answer

    def minutes(self, minutes: float | None) -> float:
        """Real seconds for a number of deployment minutes."""
        return float(minutes or 0) * self.minute_seconds

    def image_fails(self, image: str | None) -> bool:
        return bool(image) and any(fnmatch.fnmatchcase(image, pattern) for pattern in self.failing_images)

    def as_dict(self) -> dict[str, Any]:
        return {
            "task_start_delay": self.task_start_delay,
            "task_stop_delay": self.task_stop_delay,
            "stage_seconds": self.stage_seconds,
            "ec2_capacity": self.ec2_capacity,
        }


class _SettingsHolder:
    """The live settings plus the start-up values that a reset restores."""

    def __init__(self) -> None:
        self.defaults = Settings()
        self.current = Settings()

    def set_defaults(
        self, task_start_delay: float | None, task_stop_delay: float | None, ec2_capacity: str | None = None
    ) -> None:
        if task_start_delay is not None:
            self.defaults.task_start_delay = task_start_delay
        if task_stop_delay is not None:
            self.defaults.task_stop_delay = task_stop_delay
        if ec2_capacity is not None:
            self.defaults.ec2_capacity = ec2_capacity
        self.reset()

    def reset(self) -> None:
        self.current = Settings(
            task_start_delay=self.defaults.task_start_delay,
            task_stop_delay=self.defaults.task_stop_delay,
            ec2_capacity=self.defaults.ec2_capacity,
        )


SETTINGS = _SettingsHolder()


def settings() -> Settings:
    return SETTINGS.current


# The middleware's call log registers itself here, so the model can count what it does on a caller's behalf
# (Lambda hook invocations) without importing the WSGI layer.
_call_recorders: list[Callable[[str], None]] = []


def add_call_recorder(recorder: Callable[[str], None]) -> None:
    _call_recorders.append(recorder)


def record_call(key: str) -> None:
    for recorder in _call_recorders:
        recorder(key)


def monotonic() -> float:
    return time.monotonic()


def utcnow() -> datetime:
    return datetime.now(UTC)


def epoch(value: datetime | None) -> float | None:
    """JSON-protocol timestamps are seconds since the epoch."""
    return None if value is None else round(value.timestamp(), 3)


def random_digits(count: int) -> str:
    return str(random.randint(1, 9)) + "".join(random.choice("0123456789") for _ in range(count - 1))


class EcsStore:
    """Task definitions, services and tasks of one account and region."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id = account_id
        self.region = region
        self.partition = "aws-cn" if region.startswith("cn-") else "aws"
        # family -> revision -> task definition; revisions are never reused, even after deletion.
        self.task_definitions: dict[str, dict[int, TaskDefinition]] = {}
        self.last_revision: dict[str, int] = {}
        # (cluster name, service name) -> service, INACTIVE ones included until the name is reused.
        self.services: dict[tuple[str, str], Service] = {}
        self.tasks: dict[str, Task] = {}
        # RunTask clientToken -> the ARNs of the tasks that request started.
        self.run_task_tokens: dict[str, list[str]] = {}

    @property
    def moto_backend(self) -> EC2ContainerServiceBackend:
        return ecs_backends[self.account_id][self.region]

    def arn(self, resource: str) -> str:
        return f"arn:{self.partition}:ecs:{self.region}:{self.account_id}:{resource}"

    @property
    def caller_arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:root"


def store_for(account_id: str, region: str) -> EcsStore:
    backend = ecs_backends[account_id][region]
    store = backend.__dict__.get(_STORE_ATTRIBUTE)
    if store is None:
        store = EcsStore(account_id, region)
        setattr(backend, _STORE_ATTRIBUTE, store)
    return store


def all_stores() -> Iterator[EcsStore]:
    """Every store created so far (regions nobody called have none)."""
    for account_backends in list(ecs_backends.values()):
        for backend in list(account_backends.values()):
            store = backend.__dict__.get(_STORE_ATTRIBUTE)
            if store is not None:
                yield store


def paginate(items: list[Any], params: dict[str, Any], default_page: int, maximum: int = 100) -> tuple[list[Any], str]:
    """One page of ``items`` for ``maxResults``/``nextToken``; the token is the offset of the next page."""
    page = params.get("maxResults") or default_page
    page = max(1, min(int(page), maximum))
    token = params.get("nextToken")
    try:
        start = int(token) if token else 0
    except ValueError:
        raise invalid_parameter("Invalid nextToken.") from None
    end = start + page
    return items[start:end], (str(end) if end < len(items) else "")
