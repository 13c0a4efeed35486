"""ECS tasks with a lifecycle that advances with time: PROVISIONING -> PENDING -> RUNNING -> STOPPED.

A task reaches RUNNING ``task_start_delay`` seconds after it was placed, unless one of its container images matches
a failing-image pattern: then it goes straight to STOPPED with "Essential container in task exited", the way a
crashing container looks in ECS. A task asked to stop reaches STOPPED ``task_stop_delay`` seconds later.
Service tasks belong to a deployment (``startedBy`` is the deployment id); RunTask tasks to nobody.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.ecs import capacity, targets, task_results
from sandbox.ecs.errors import cluster_not_found, invalid_parameter
from sandbox.ecs.state import EcsStore, epoch, monotonic, paginate, settings, utcnow
from sandbox.ecs.taskdefs import TaskDefinition, resolve_for_service

PROVISIONING = "PROVISIONING"
PENDING = "PENDING"
RUNNING = "RUNNING"
STOPPED = "STOPPED"

ESSENTIAL_EXITED = "Essential container in task exited"
# Share of the start delay spent in PROVISIONING before the task shows as PENDING.
_PROVISIONING_SHARE = 0.3


@dataclass
class Placement:
    """Where and how a task runs; a service deployment or a RunTask call provides it."""

    launch_type: str | None
    capacity_provider: str | None
    platform_version: str | None
    network_configuration: dict[str, Any] | None
    enable_execute_command: bool = False


class Task:
    def __init__(
        self,
        store: EcsStore,
        cluster_name: str,
        definition: TaskDefinition,
        placement: Placement,
        *,
        started_by: str,
        group: str,
        tags: list[dict[str, str]] | None = None,
        overrides: dict[str, Any] | None = None,
        container_instance_arn: str | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.store = store
        # The EC2 container instance it was placed on (capacity.place); None on Fargate.
        self.container_instance_arn = container_instance_arn
        self.cluster_name = cluster_name
        self.cluster_arn = store.arn(f"cluster/{cluster_name}")
        self.arn = store.arn(f"task/{cluster_name}/{self.id}")
        self.definition = definition
        self.placement = placement
        self.started_by = started_by
        self.group = group
        self.tags = tags or []
        self.overrides = overrides or {"containerOverrides": [], "inferenceAcceleratorOverrides": []}
        self.last_status = PROVISIONING
        self.desired_status = RUNNING
        self.stopped_reason: str | None = None
        self.stop_code: str | None = None
        self.exit_code: int | None = None
        self.created_at = utcnow()
        self.started_at: datetime | None = None
        self.pull_started_at: datetime | None = None
        self.pull_stopped_at: datetime | None = None
        self.stopping_at: datetime | None = None
        self.stopped_at: datetime | None = None
        self.version = 1
        self.failed_containers: set[str] = set()
        # How it ends (task_results): exit codes by container, decided when it starts running.
        self.outcome: task_results.Outcome | None = None
        self._exit_due: float | None = None
        # Monotonic deadlines drive the simulation; wall-clock datetimes are only for display.
        delay = settings().task_start_delay
        self._pending_due = monotonic() + delay * _PROVISIONING_SHARE
        self._ready_due = monotonic() + delay
        self._stop_due: float | None = None

    @property
    def live(self) -> bool:
        """Still wanted by whoever started it (ECS counts these toward the desired count)."""
        return self.desired_status == RUNNING

    @property
    def active(self) -> bool:
        """Not yet STOPPED: it still takes capacity, within maximumPercent."""
        return self.last_status != STOPPED

    @property
    def healthy(self) -> bool:
        return self.last_status == RUNNING and self.desired_status == RUNNING

    def advance(self, now: float) -> str | None:
        """Move along the lifecycle; returns "running", "failed" or "stopped" when the task changed that way."""
        if self.last_status == STOPPED:
            return None
        if self._stop_due is not None:
            if now >= self._stop_due:
                self._finish(self.stopped_reason or "", self.stop_code or "ServiceSchedulerInitiated", 0)
                targets.stopped(self.store, self, failed=False)
                return "stopped"
            return None
        if self.last_status == PROVISIONING and now >= self._pending_due:
            self.last_status = PENDING
            self.pull_started_at = utcnow()
            self.version += 1
        if self.last_status == PENDING and now >= self._ready_due:
            self.pull_stopped_at = utcnow()
            failing = {c["name"] for c in self.definition.containers if settings().image_fails(c.get("image"))}
            if failing:
                self.failed_containers = failing
                self.desired_status = STOPPED
                self.stopping_at = utcnow()
                self._finish(ESSENTIAL_EXITED, "EssentialContainerExited", 1)
                targets.stopped(self.store, self, failed=True)
                return "failed"
            unpulled = next(
                (
                    error
                    for c in self.definition.containers
                    if (error := task_results.pull_error(self.store, c.get("image")))
                ),
                None,
            )
            if unpulled:
                self.desired_status = STOPPED
                self.stopping_at = utcnow()
                self._finish(unpulled, "TaskFailedToStart", None)
                return "failed"
            self.last_status = RUNNING
            self.started_at = utcnow()
            self.version += 1
            self.outcome = task_results.outcome_for(self)
            task_results.write_logs(self.store, self, self.outcome.lines)
            targets.register(self.store, self)
            if self.outcome.seconds is not None:
                self._exit_due = now + self.outcome.seconds
            if self._exit_due is None or now < self._exit_due:
                return "running"
        if self.last_status == RUNNING and self._exit_due is not None and now >= self._exit_due:
            # An essential container exited: ECS stops the task, and its other containers with it.
            assert self.outcome is not None
            self.desired_status = STOPPED
            self.stopping_at = utcnow()
            worst = max(self.outcome.exit_codes.values(), default=0)
            failed = bool(worst) or self.outcome.unhealthy
            if self.outcome.unhealthy and (groups := targets.target_groups(self.store, self)):
                # ECS stops a task whose targets fail their health checks, and says so.
                self._finish(
                    f"Task failed ELB health checks in (target-group {groups[0]})", "ServiceSchedulerInitiated", 143
                )
            else:
                self._finish(self.outcome.stopped_reason, "EssentialContainerExited", worst)
            targets.stopped(self.store, self, failed=failed)
            return "failed" if failed else "stopped"
        return None

    def request_stop(self, reason: str, stop_code: str) -> bool:
        """Ask the task to stop; returns False when it was already stopping."""
        if self.desired_status == STOPPED:
            return False
        self.desired_status = STOPPED
        self.stopped_reason = reason
        self.stop_code = stop_code
        self.stopping_at = utcnow()
        # A task that never ran has nothing to drain.
        delay = settings().task_stop_delay if self.last_status == RUNNING else 0.0
        self._stop_due = monotonic() + delay
        self.version += 1
        return True

    def _finish(self, reason: str, stop_code: str, exit_code: int | None) -> None:
        self.last_status = STOPPED
        self.desired_status = STOPPED
        self.stopped_reason = reason
        self.stop_code = stop_code
        self.exit_code = exit_code
        self.stopped_at = utcnow()
        self.version += 1

    def describe(self, include_tags: bool = False) -> dict[str, Any]:
        document = self.definition.document
        placement = self.placement
        result: dict[str, Any] = {
            "taskArn": self.arn,
            "clusterArn": self.cluster_arn,
            "taskDefinitionArn": self.definition.arn,
            "lastStatus": self.last_status,
            "desiredStatus": self.desired_status,
            "group": self.group,
            "containers": [self._container(container) for container in self.definition.containers],
            "overrides": copy.deepcopy(self.overrides),
            "createdAt": epoch(self.created_at),
            "version": self.version,
            "connectivity": "CONNECTED",
            "healthStatus": "UNKNOWN",
            "availabilityZone": f"{self.cluster_arn.split(':')[3]}a",
            "enableExecuteCommand": placement.enable_execute_command,
            "attachments": self._attachments(),
        }
        if self.started_by:
            result["startedBy"] = self.started_by
        if self.container_instance_arn:
            result["containerInstanceArn"] = self.container_instance_arn
        if placement.launch_type:
            result["launchType"] = placement.launch_type
        if placement.capacity_provider:
            result["capacityProviderName"] = placement.capacity_provider
        if placement.platform_version:
            result["platformVersion"] = placement.platform_version
            result["platformFamily"] = "Linux"
        for key in ("cpu", "memory"):
            if key in document:
                result[key] = document[key]
        for key, value in (
            ("pullStartedAt", self.pull_started_at),
            ("pullStoppedAt", self.pull_stopped_at),
            ("startedAt", self.started_at),
            ("stoppingAt", self.stopping_at),
            ("stoppedAt", self.stopped_at),
            ("executionStoppedAt", self.stopped_at),
        ):
            if value is not None:
                result[key] = epoch(value)
        if self.stopped_reason is not None and self.desired_status == STOPPED:
            result["stoppedReason"] = self.stopped_reason
            result["stopCode"] = self.stop_code
        if include_tags:
            result["tags"] = copy.deepcopy(self.tags)
        return result

    def _container(self, definition: dict[str, Any]) -> dict[str, Any]:
        container: dict[str, Any] = {
            "containerArn": self.arn.replace(":task/", ":container/", 1) + "/" + definition["name"],
            "taskArn": self.arn,
            "name": definition["name"],
            "image": definition.get("image"),
            "lastStatus": self.last_status,
            "networkInterfaces": [],
            "healthStatus": "UNKNOWN",
            "cpu": str(definition.get("cpu", 0)),
        }
        if definition.get("memory") is not None:
            container["memory"] = str(definition["memory"])
        if definition.get("memoryReservation") is not None:
            container["memoryReservation"] = str(definition["memoryReservation"])
        if self.last_status == RUNNING:
            # ECS reports the digest of what the agent pulled. The sandbox has no registry: a tag's "content" is
            # the hash of its reference, so the same reference always pulls the same digest.
            container["imageDigest"] = image_digest(definition.get("image") or "")
        if self.last_status == STOPPED and self.exit_code is not None:
            failed = definition["name"] in self.failed_containers
            container["exitCode"] = 1 if failed else 0
            if failed:
                container["reason"] = "Essential container exited with code 1"
            if self.outcome is not None and self._exit_due is not None:
                container["exitCode"] = self.outcome.exit_codes.get(definition["name"], 0)
                if self.outcome.unhealthy and self.stop_code == "ServiceSchedulerInitiated":
                    container["exitCode"] = 143  # stopped by ECS: SIGTERM
        return container

    def _attachments(self) -> list[dict[str, Any]]:
        config = (self.placement.network_configuration or {}).get("awsvpcConfiguration")
        if self.definition.network_mode != "awsvpc" or not config:
            return []
        status = {PROVISIONING: "PRECREATED", PENDING: "ATTACHED", RUNNING: "ATTACHED"}.get(self.last_status, "DELETED")
        subnet = (config.get("subnets") or [""])[0]
        details = [{"name": "subnetId", "value": subnet}, {"name": "privateIPv4Address", "value": self.private_ip}]
        return [
            {"id": str(uuid.UUID(self.id)), "type": "ElasticNetworkInterface", "status": status, "details": details}
        ]

    @property
    def private_ip(self) -> str:
        raw = int(self.id[:4], 16)
        return f"10.0.{raw // 256 % 256}.{raw % 254 + 1}"


# --- API operations on tasks ------------------------------------------------------------------------------------


def cluster_name(store: EcsStore, reference: str | None) -> str:
    """The name of an existing moto cluster given by name or ARN (default "default")."""
    name = (reference or "default").split("/")[-1]
    cluster = store.moto_backend.clusters.get(name)
    # moto keeps deleted clusters as INACTIVE; ECS no longer finds them.
    if cluster is None or cluster.status != "ACTIVE":
        raise cluster_not_found()
    return name


def find(store: EcsStore, cluster: str, reference: str) -> Task | None:
    task_id = reference.rsplit("/", maxsplit=1)[-1]
    for task in store.tasks.values():
        if task.cluster_name == cluster and task.id == task_id:
            return task
    return None


def list_tasks(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    # ECS lists tasks whose desired status is RUNNING unless asked otherwise.
    desired = params.get("desiredStatus") or RUNNING
    service = params.get("serviceName")
    family = params.get("family")
    tasks = [
        task
        for task in store.tasks.values()
        if task.cluster_name == cluster
        and task.desired_status == desired
        and (service is None or task.group == f"service:{service.split('/')[-1]}")
        and (family is None or task.definition.family == family)
        and (params.get("startedBy") is None or task.started_by == params["startedBy"])
        and (params.get("launchType") is None or task.placement.launch_type == params["launchType"])
    ]
    page, token = paginate([task.arn for task in tasks], params, default_page=100)
    response: dict[str, Any] = {"taskArns": page}
    if token:
        response["nextToken"] = token
    return response


def describe_tasks(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    references = params.get("tasks") or []
    if not references:
        raise invalid_parameter("Tasks cannot be empty.")
    if len(references) > 100:
        raise invalid_parameter("Too many tasks were provided. A maximum of 100 tasks can be described at once.")
    include_tags = "TAGS" in (params.get("include") or [])
    found, failures = [], []
    for reference in references:
        task = find(store, cluster, reference)
        if task is None:
            failures.append({"arn": reference, "reason": "MISSING"})
        else:
            found.append(task.describe(include_tags))
    return {"tasks": found, "failures": failures}


def stop_task(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    task = find(store, cluster, params.get("task") or "")
    if task is None:
        raise invalid_parameter("The referenced task was not found.")
    task.request_stop(params.get("reason") or "Task stopped by user", "UserInitiated")
    return {"task": task.describe()}


def run_task(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    token = params.get("clientToken")
    if token and token in store.run_task_tokens:
        # The same clientToken again (a retry after a lost answer): the tasks that request started, none more.
        return {"tasks": [store.tasks[arn].describe() for arn in store.run_task_tokens[token]], "failures": []}
    definition = resolve_for_service(store, params.get("taskDefinition") or "")
    count = int(params.get("count") or 1)
    if not 1 <= count <= 10:
        raise invalid_parameter("count must be between 1 and 10.")
    strategy = params.get("capacityProviderStrategy") or []
    launch_type = params.get("launchType") or (None if strategy else "EC2")
    if definition.network_mode == "awsvpc" and not params.get("networkConfiguration"):
        raise invalid_parameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    fargate = launch_type == "FARGATE" or any("FARGATE" in s.get("capacityProvider", "") for s in strategy)
    placement = Placement(
        launch_type=launch_type or ("FARGATE" if fargate else "EC2"),
        capacity_provider=strategy[0]["capacityProvider"] if strategy else None,
        platform_version=(params.get("platformVersion") or "1.4.0") if fargate else None,
        network_configuration=copy.deepcopy(params.get("networkConfiguration")),
        enable_execute_command=bool(params.get("enableExecuteCommand")),
    )
    tags = list(params.get("tags") or [])
    if params.get("propagateTags") == "TASK_DEFINITION":
        tags = copy.deepcopy(definition.tags) + tags
    tasks: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for _ in range(count):
        instance_arn = None
        if capacity.runs_on_instances(placement):
            fit = capacity.place(store, cluster, definition)
            if fit.reason == "NO_INSTANCES":
                raise invalid_parameter(capacity.NO_INSTANCES)
            if fit.instance_arn is None:
                failures.append({"arn": fit.closest_arn, "reason": fit.reason})
                continue
            instance_arn = fit.instance_arn
        task = Task(
            store,
            cluster,
            definition,
            placement,
            started_by=params.get("startedBy") or "",
            group=params.get("group") or f"family:{definition.family}",
            tags=tags,
            overrides=copy.deepcopy(params.get("overrides")),
            container_instance_arn=instance_arn,
        )
        store.tasks[task.arn] = task
        tasks.append(task.describe())
    if token:
        store.run_task_tokens[token] = [task["taskArn"] for task in tasks]
    return {"tasks": tasks, "failures": failures}


def image_digest(image: str) -> str:
    """The digest a pull of ``image`` gives: its own digest when pinned, else a stable hash of the reference."""
    if "@" in image:
        return image.split("@", 1)[1]
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()
