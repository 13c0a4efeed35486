"""Service deployments: the ``deployments`` entries of DescribeServices and the rolling-update controller.

A ``Deployment`` is one ``ecs-svc/...`` entry; its tasks carry its id in ``startedBy``. ``RollingController``
moves a service's tasks toward its PRIMARY deployment within maximumPercent/minimumHealthyPercent, applies the
deployment circuit breaker (and its rollback), and completes deployments. The controller is chosen by the
service's deploymentController type, so blue/green or canary strategies can be added as other controllers.

Each deployment also backs one entry of the newer service-deployment API (ListServiceDeployments,
DescribeServiceDeployments) and one service revision; a circuit-breaker rollback there is part of the failed
service deployment (status ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL), as ECS reports it.
"""

from __future__ import annotations

import copy
import math
import random
import string
from typing import TYPE_CHECKING, Any

from sandbox.ecs import capacity
from sandbox.ecs.state import EcsStore, epoch, monotonic, random_digits, utcnow
from sandbox.ecs.taskdefs import TaskDefinition
from sandbox.ecs.tasks import Placement, Task

if TYPE_CHECKING:
    from sandbox.ecs.services import Service

PRIMARY = "PRIMARY"
ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"

IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"

# Fields of UpdateService that ECS copies onto each deployment as it is created.
DEPLOYMENT_EXTRAS = ("serviceConnectConfiguration", "volumeConfigurations", "vpcLatticeConfigurations")
# Kept with each deployment too, but ECS reports them only on service revisions (DescribeServiceRevisions).
REVISION_EXTRAS = ("monitoring", "gatewayConnectors")


def circuit_breaker_threshold(desired_count: int) -> int:
    """Failed tasks that trip the breaker: half the desired count rounded up, at least 3 and at most 200."""
    return min(200, max(3, math.ceil(desired_count / 2)))


def _short_id() -> str:
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(21))


class Deployment:
    def __init__(
        self,
        service: Service,
        definition: TaskDefinition,
        rollback_of: Deployment | None = None,
        revision_arn: str | None = None,
    ) -> None:
        config = service.config
        self.id = f"ecs-svc/{random_digits(19)}"
        self.status = PRIMARY
        self.definition = definition
        self.failed_tasks = 0
        self.created_at = self.updated_at = utcnow()
        self.launch_type: str | None = config.get("launchType")
        self.capacity_provider_strategy = copy.deepcopy(config.get("capacityProviderStrategy"))
        self.platform_version: str | None = config.get("platformVersion")
        self.network_configuration = copy.deepcopy(config.get("networkConfiguration"))
        self.extras = {
            key: copy.deepcopy(config[key]) for key in (*DEPLOYMENT_EXTRAS, *REVISION_EXTRAS) if key in config
        }
        self.deployment_configuration = copy.deepcopy(config["deploymentConfiguration"])
        self.rollout_state = IN_PROGRESS
        self.rollout_state_reason = f"ECS deployment {self.id} in progress."
        self.counts = (0, 0, 0)
        # Circuit-breaker rollback bookkeeping.
        self.rollback_of = rollback_of
        self.rollback: Deployment | None = None
        self.rollback_reason = "ECS deployment circuit breaker: tasks failed to start."
        # Service-deployment view.
        self.service_deployment_arn = service.store.arn(
            f"service-deployment/{service.cluster_name}/{service.name}/{_short_id()}"
        )
        self.revision_arn = revision_arn or service.store.arn(
            f"service-revision/{service.cluster_name}/{service.name}/{random_digits(19)}"
        )
        self.source_revisions = [d.revision_arn for d in service.deployments]
        self.view_status = IN_PROGRESS
        self.view_reason: str | None = None
        self.finished_at = None
        self.breaker_status = "MONITORING" if self.breaker.get("enable") else "DISABLED"
        # Blue/green: which of a load balancer's two target groups the revision runs behind (0 is
        # targetGroupArn, 1 alternateTargetGroupArn), and the run of lifecycle stages (blue_green.BlueGreenRun).
        self.target_slot = 0
        self.run: Any = None

    @property
    def breaker(self) -> dict[str, Any]:
        return self.deployment_configuration.get("deploymentCircuitBreaker") or {}

    @property
    def fargate(self) -> bool:
        if self.capacity_provider_strategy:
            return any("FARGATE" in item.get("capacityProvider", "") for item in self.capacity_provider_strategy)
        return self.launch_type == "FARGATE"

    def placement(self, service: Service) -> Placement:
        strategy = self.capacity_provider_strategy or []
        return Placement(
            launch_type=self.launch_type or ("FARGATE" if self.fargate else "EC2"),
            capacity_provider=strategy[0].get("capacityProvider") if strategy else None,
            platform_version=self.platform_version if self.fargate else None,
            network_configuration=self.network_configuration,
            enable_execute_command=bool(service.config.get("enableExecuteCommand")),
        )

    def touch(self) -> None:
        self.updated_at = utcnow()

    def describe(self, desired_count: int) -> dict[str, Any]:
        pending, running, _ = self.counts
        result: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "taskDefinition": self.definition.arn,
            "desiredCount": desired_count,
            "pendingCount": pending,
            "runningCount": running,
            "failedTasks": self.failed_tasks,
            "createdAt": epoch(self.created_at),
            "updatedAt": epoch(self.updated_at),
        }
        if self.capacity_provider_strategy:
            result["capacityProviderStrategy"] = copy.deepcopy(self.capacity_provider_strategy)
        else:
            result["launchType"] = self.launch_type
        if self.fargate:
            result["platformVersion"] = self.platform_version
            result["platformFamily"] = "Linux"
        if self.network_configuration:
            result["networkConfiguration"] = copy.deepcopy(self.network_configuration)
        result["rolloutState"] = self.rollout_state
        result["rolloutStateReason"] = self.rollout_state_reason
        result.update({key: copy.deepcopy(value) for key, value in self.extras.items() if key in DEPLOYMENT_EXTRAS})
        return result

    # --- service-deployment API view ---

    def brief(self, service: Service) -> dict[str, Any]:
        result = {
            "serviceDeploymentArn": self.service_deployment_arn,
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "startedAt": epoch(self.created_at),
            "createdAt": epoch(self.created_at),
            "targetServiceRevisionArn": self.revision_arn,
            "status": self.view_status,
        }
        if self.finished_at is not None:
            result["finishedAt"] = epoch(self.finished_at)
        if self.view_reason:
            result["statusReason"] = self.view_reason
        return result

    def detail(self, service: Service) -> dict[str, Any]:
        result = self.brief(service)
        result.pop("targetServiceRevisionArn")
        pending, running, _ = self.counts
        result["updatedAt"] = epoch(self.updated_at)
        result["targetServiceRevision"] = {
            "arn": self.revision_arn,
            "requestedTaskCount": service.desired_count if self.status == PRIMARY else running + pending,
            "runningTaskCount": running,
            "pendingTaskCount": pending,
        }
        live = {d.revision_arn: d for d in service.deployments}
        sources = []
        for arn in self.source_revisions:
            source = live.get(arn)
            source_pending, source_running, _ = source.counts if source else (0, 0, 0)
            sources.append(
                {
                    "arn": arn,
                    "requestedTaskCount": source_running + source_pending,
                    "runningTaskCount": source_running,
                    "pendingTaskCount": source_pending,
                }
            )
        result["sourceServiceRevisions"] = sources
        result["deploymentConfiguration"] = copy.deepcopy(self.deployment_configuration)
        result["deploymentCircuitBreaker"] = {
            "status": self.breaker_status,
            "failureCount": self.failed_tasks + (self.rollback.failed_tasks if self.rollback else 0),
            "threshold": circuit_breaker_threshold(service.desired_count),
        }
        if self.run is not None:
            self.run.add_details(result)
        if self.rollback is not None:
            result["rollback"] = {
                "reason": self.rollback_reason,
                "startedAt": epoch(self.rollback.created_at),
                "serviceRevisionArn": self.rollback.revision_arn,
            }
        return result

    def revision(self, service: Service) -> dict[str, Any]:
        result: dict[str, Any] = {
            "serviceRevisionArn": self.revision_arn,
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "taskDefinition": self.definition.arn,
            "loadBalancers": copy.deepcopy(service.config.get("loadBalancers", [])),
            "serviceRegistries": copy.deepcopy(service.config.get("serviceRegistries", [])),
            "containerImages": [
                {"containerName": c["name"], "image": c.get("image")} for c in self.definition.containers
            ],
            "createdAt": epoch(self.created_at),
        }
        if self.capacity_provider_strategy:
            result["capacityProviderStrategy"] = copy.deepcopy(self.capacity_provider_strategy)
        else:
            result["launchType"] = self.launch_type
        if self.fargate:
            result["platformVersion"] = self.platform_version
            result["platformFamily"] = "Linux"
        if self.network_configuration:
            result["networkConfiguration"] = copy.deepcopy(self.network_configuration)
        result.update(copy.deepcopy(self.extras))
        return result


class RollingController:
    """The ECS deployment controller's rolling update, one simulation step at a time."""

    def __init__(self, store: EcsStore, service: Service) -> None:
        self.store = store
        self.service = service

    def step(self, tasks: list[Task]) -> None:
        """One step for the service's ``tasks`` (all of them, stopped ones included); new tasks are appended."""
        service = self.service
        self._advance_tasks(tasks)
        if not service.deployments:
            return
        primary = service.deployments[0]
        self._apply_circuit_breaker(primary)
        primary = service.deployments[0]
        self._maintain(primary, tasks)

    def _advance_tasks(self, tasks: list[Task]) -> None:
        now = monotonic()
        for task in tasks:
            change = task.advance(now)
            if change is not None:
                self.service.steady = False
            if change == "failed":
                self._record_failure(task)

    def _maintain(self, primary: Deployment, tasks: list[Task]) -> None:
        """Move the tasks toward ``primary`` and complete it once it runs the desired count alone."""
        self._stop_surplus(primary, tasks)
        tasks.extend(self._launch(primary, tasks))
        self._update_counts(tasks)
        self._finish(primary, tasks)

    def _record_failure(self, task: Task) -> None:
        service = self.service
        deployment = service.deployment(task.started_by)
        if deployment is not None:
            deployment.failed_tasks += 1
            deployment.touch()
        service.add_event(f"(service {service.name}) (task {task.id}) failed to start: {task.stopped_reason}.")

    def _apply_circuit_breaker(self, primary: Deployment) -> None:
        service = self.service
        if primary.rollout_state != IN_PROGRESS or not primary.breaker.get("enable"):
            return
        if primary.failed_tasks < circuit_breaker_threshold(service.desired_count):
            return
        primary.rollout_state = FAILED
        primary.rollout_state_reason = "ECS deployment circuit breaker: tasks failed to start."
        primary.breaker_status = "TRIGGERED"
        primary.touch()
        service.add_event(
            f"(service {service.name}) (deployment {primary.id}) deployment failed: tasks failed to start."
        )
        original = primary.rollback_of
        if original is not None:
            # The rollback itself failed: nothing older to go back to.
            original.view_status, original.view_reason = "ROLLBACK_FAILED", primary.rollout_state_reason
            original.finished_at = utcnow()
            return
        if not primary.breaker.get("rollback") or not self.roll_back(primary, "ECS deployment circuit breaker"):
            primary.view_status, primary.view_reason = "STOPPED", primary.rollout_state_reason
            primary.finished_at = utcnow()

    def roll_back(self, primary: Deployment, cause: str) -> bool:
        """Start a PRIMARY deployment on the last COMPLETED one's task definition; False when there is none."""
        service = self.service
        target = service.last_completed
        if target is None or target is primary:
            return False
        rollback = Deployment(service, target.definition, rollback_of=primary, revision_arn=target.revision_arn)
        rollback.rollout_state_reason = f"{cause}: rolling back to deploymentId {target.id}."
        primary.rollback = rollback
        primary.view_status = "ROLLBACK_IN_PROGRESS"
        primary.view_reason = primary.rollout_state_reason
        service.start_deployment(rollback)
        service.add_event(f"(service {service.name}) rolling back to deployment {target.id}.")
        return True

    def _stop_surplus(self, primary: Deployment, tasks: list[Task]) -> None:
        """Stop old deployments' tasks and tasks beyond the desired count, keeping minimumHealthyPercent."""
        service = self.service
        desired = service.desired_count
        minimum = math.ceil(desired * service.minimum_healthy_percent / 100)
        own = [t for t in tasks if t.live and t.started_by == primary.id]
        old = [t for t in tasks if t.live and t.started_by != primary.id]
        # Tasks that are not running yet go first: stopping them costs no capacity.
        own.sort(key=lambda t: (t.healthy, -t.created_at.timestamp()))
        old.sort(key=lambda t: (t.healthy, t.created_at.timestamp()))
        candidates = old + own[: max(0, len(own) - desired)]
        healthy = sum(1 for t in tasks if t.healthy)
        stopped = []
        for task in candidates:
            if task.healthy:
                if healthy - 1 < minimum:
                    continue
                healthy -= 1
            if task.request_stop(
                f"Scaling activity initiated by (deployment {primary.id})", "ServiceSchedulerInitiated"
            ):
                stopped.append(task)
        if stopped:
            service.steady = False
            ids = " ".join(f"(task {t.id})" for t in stopped)
            service.add_event(f"(service {service.name}) has stopped {len(stopped)} running tasks: {ids}.")

    def _launch(self, primary: Deployment, tasks: list[Task]) -> list[Task]:
        service = self.service
        # A deployment the circuit breaker failed launches nothing more; neither does a deleted service.
        if primary.rollout_state == FAILED or service.status != "ACTIVE":
            return []
        desired = service.desired_count
        maximum = math.floor(desired * service.maximum_percent / 100)
        own_live = sum(1 for t in tasks if t.live and t.started_by == primary.id)
        occupied = sum(1 for t in tasks if t.active)
        count = min(desired - own_live, maximum - occupied)
        if count <= 0:
            return []
        return self._start_tasks(primary, count)

    def _start_tasks(self, primary: Deployment, count: int) -> list[Task]:
        service = self.service
        placement = primary.placement(service)
        started = []
        for _ in range(count):
            instance_arn = None
            if capacity.runs_on_instances(placement):
                fit = capacity.place(self.store, service.cluster_name, primary.definition)
                if fit.instance_arn is None:
                    # ECS keeps trying and says so in the events, now and then rather than at every attempt.
                    message = capacity.unplaced_event(service.name, fit)
                    if all(event["message"] != message for event in service.events[:3]):
                        service.add_event(message)
                    break
                instance_arn = fit.instance_arn
            task = Task(
                self.store,
                service.cluster_name,
                primary.definition,
                placement,
                started_by=primary.id,
                group=service.group,
                tags=service.task_tags(primary.definition),
                container_instance_arn=instance_arn,
            )
            self.store.tasks[task.arn] = task
            started.append(task)
        if not started:
            return started
        service.steady = False
        ids = " ".join(f"(task {t.id})" for t in started)
        service.add_event(f"(service {service.name}) has started {len(started)} tasks: {ids}.")
        return started

    def _update_counts(self, tasks: list[Task]) -> None:
        for deployment in self.service.deployments:
            own = [t for t in tasks if t.started_by == deployment.id]
            counts = (
                sum(1 for t in own if t.live and not t.healthy),
                sum(1 for t in own if t.last_status == "RUNNING"),
                sum(1 for t in own if t.live),
            )
            if counts != deployment.counts:
                deployment.counts = counts
                deployment.touch()

    def _finish(self, primary: Deployment, tasks: list[Task]) -> None:
        service = self.service
        others_active = any(t.active for t in tasks if t.started_by != primary.id)
        own = [t for t in tasks if t.started_by == primary.id and t.active]
        settled = not others_active and all(t.healthy for t in own) and len(own) == service.desired_count
        if primary.rollout_state == IN_PROGRESS and not settled and self._early_success(own, others_active):
            self._complete(primary, early=True)
        if not settled:
            return
        if primary.rollout_state == IN_PROGRESS:
            self._complete(primary)
        elif len(service.deployments) > 1 and primary.rollout_state == COMPLETED:
            self._retire_older(primary)  # completed early: the old tasks are gone now
        if not service.steady and len(service.deployments) == 1 and primary.rollout_state == COMPLETED:
            service.steady = True
            service.add_event(f"(service {service.name}) has reached a steady state.")

    def _early_success(self, own: list[Task], others_active: bool) -> bool:
        """DeploymentConfiguration.earlySuccessCriteria: the deployment succeeds once ``healthyPercent`` of the
        desired count is healthy on the new revision; with BLOCKING cleanup the old tasks must be gone first,
        with DEFERRED they are removed afterwards."""
        criteria = (self.service.config.get("deploymentConfiguration") or {}).get("earlySuccessCriteria") or {}
        if not criteria.get("enable"):
            return False
        needed = math.ceil(self.service.desired_count * int(criteria.get("healthyPercent") or 0) / 100)
        healthy = sum(1 for task in own if task.healthy)
        blocking = criteria.get("sourceServiceRevisionCleanup") == "BLOCKING"
        return healthy >= needed and not (blocking and others_active)

    def _retire_older(self, primary: Deployment) -> None:
        for old in self.service.deployments[1:]:
            old.status = INACTIVE
            if old.view_status == IN_PROGRESS:
                old.view_status, old.view_reason = "STOPPED", "Stopped in favour of a newer service deployment."
                old.finished_at = utcnow()
        self.service.deployments = [primary]

    def _complete(self, primary: Deployment, early: bool = False) -> None:
        service = self.service
        if not early:
            self._retire_older(primary)
        primary.rollout_state = COMPLETED
        primary.rollout_state_reason = f"ECS deployment {primary.id} completed."
        primary.finished_at = utcnow()
        primary.touch()
        if primary.breaker_status == "MONITORING":
            primary.breaker_status = "MONITORING_COMPLETE"
        original = primary.rollback_of
        if original is not None:
            original.view_status = "ROLLBACK_SUCCESSFUL"
            original.finished_at = utcnow()
        else:
            primary.view_status = "SUCCESSFUL"
        service.last_completed = primary
        service.add_event(f"(service {service.name}) (deployment {primary.id}) deployment completed.")
