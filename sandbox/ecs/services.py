"""ECS services: CreateService, UpdateService, DescribeServices, DeleteService, ListServices and their events.

A service stores every field CreateService/UpdateService accept and returns them with the defaults ECS fills.
Changes that ECS rolls out (a new task definition, forceNewDeployment, network, platform, capacity providers,
load balancers, service registries, Service Connect, volumes) start a new deployment; the rest apply in place.
Services are also registered in moto's own ECS backend, so moto's Application Auto Scaling finds them.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from moto.ec2.models import ec2_backends

from sandbox.ecs import blue_green, capacity
from sandbox.ecs import deployments as rolling
from sandbox.ecs.controllers import CONTROLLERS, controller_for
from sandbox.ecs.deployments import Deployment
from sandbox.ecs.errors import (
    invalid_parameter,
    service_not_active,
    service_not_found,
)
from sandbox.ecs.state import EcsStore, epoch, monotonic, paginate, utcnow
from sandbox.ecs.taskdefs import TaskDefinition, resolve_for_service
from sandbox.ecs.tasks import Task, cluster_name

MAX_EVENTS = 100
SERVICE_LINKED_ROLE = "role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"

# Fields stored as given (after defaults) and returned by DescribeServices under the same name.
_SERVICE_FIELDS = (
    "loadBalancers",
    "serviceRegistries",
    "launchType",
    "capacityProviderStrategy",
    "platformVersion",
    "deploymentConfiguration",
    "placementConstraints",
    "placementStrategy",
    "networkConfiguration",
    "healthCheckGracePeriodSeconds",
    "schedulingStrategy",
    "deploymentController",
    "enableECSManagedTags",
    "propagateTags",
    "enableExecuteCommand",
    "availabilityZoneRebalancing",
)
# Accepted and kept, but ECS reports them on deployments or service revisions rather than on the service.
_DEPLOYMENT_ONLY_FIELDS = (*rolling.DEPLOYMENT_EXTRAS, *rolling.REVISION_EXTRAS)
# UpdateService fields whose change ECS rolls out as a new deployment.
_REDEPLOY_FIELDS = (
    "networkConfiguration",
    "platformVersion",
    "capacityProviderStrategy",
    "loadBalancers",
    "serviceRegistries",
    *_DEPLOYMENT_ONLY_FIELDS,
)
_UPDATABLE_FIELDS = tuple(f for f in _SERVICE_FIELDS if f not in ("launchType", "schedulingStrategy"))


class Service:
    def __init__(self, store: EcsStore, cluster: str, name: str, config: dict[str, Any]) -> None:
        self.store = store
        self.cluster_name = cluster
        self.cluster_arn = store.arn(f"cluster/{cluster}")
        self.name = name
        self.arn = store.arn(f"service/{cluster}/{name}")
        self.status = "ACTIVE"
        self.config = config
        self.desired_count = 0
        self.client_token: str | None = None
        self.definition: TaskDefinition | None = None
        self.role_arn: str | None = None
        self.tags: list[dict[str, str]] = []
        self.created_at = utcnow()
        self.events: list[dict[str, Any]] = []
        self.deployments: list[Deployment] = []
        self.history: list[Deployment] = []
        self.last_completed: Deployment | None = None
        self.steady = False
        # moto's task-set code looks for this attribute on anything in its services dict.
        self.task_sets: list[Any] = []

    # moto's resource-groups tagging reads this name.
    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @property
    def group(self) -> str:
        return f"service:{self.name}"

    @property
    def maximum_percent(self) -> int:
        return self.config["deploymentConfiguration"]["maximumPercent"]

    @property
    def minimum_healthy_percent(self) -> int:
        return self.config["deploymentConfiguration"]["minimumHealthyPercent"]

    def deployment(self, deployment_id: str) -> Deployment | None:
        return next((d for d in self.deployments if d.id == deployment_id), None)

    def add_event(self, message: str) -> None:
        # Newest first, as DescribeServices lists them.
        self.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": utcnow(), "message": message})
        del self.events[MAX_EVENTS:]

    def start_deployment(self, deployment: Deployment) -> None:
        for current in self.deployments:
            current.status = rolling.ACTIVE
            current.touch()
        self.deployments.insert(0, deployment)
        self.history.insert(0, deployment)
        self.definition = deployment.definition
        self.steady = False

    def task_tags(self, definition: TaskDefinition) -> list[dict[str, str]]:
        source = self.config.get("propagateTags")
        if source == "SERVICE":
            return copy.deepcopy(self.tags)
        if source == "TASK_DEFINITION":
            return copy.deepcopy(definition.tags)
        return []

    def describe(self, include_tags: bool = False) -> dict[str, Any]:
        config = self.config
        # Deployment counts are brought up to date by the simulation step that runs before every request; tasks
        # of deployments that are gone have all stopped.
        result: dict[str, Any] = {
            "serviceArn": self.arn,
            "serviceName": self.name,
            "clusterArn": self.cluster_arn,
            "loadBalancers": copy.deepcopy(config["loadBalancers"]),
            "serviceRegistries": copy.deepcopy(config["serviceRegistries"]),
            "status": self.status,
            "desiredCount": self.desired_count,
            "runningCount": sum(d.counts[1] for d in self.deployments),
            "pendingCount": sum(d.counts[0] for d in self.deployments),
        }
        for key in ("launchType", "capacityProviderStrategy", "platformVersion"):
            if config.get(key) is not None:
                result[key] = copy.deepcopy(config[key])
        if self.deployments and self.deployments[0].fargate:
            result["platformFamily"] = "Linux"
        if self.definition is not None:
            result["taskDefinition"] = self.definition.arn
        result["deploymentConfiguration"] = copy.deepcopy(config["deploymentConfiguration"])
        result["deployments"] = [
            d.describe(self.desired_count if d.status == rolling.PRIMARY else d.counts[2]) for d in self.deployments
        ]
        if self.role_arn:
            result["roleArn"] = self.role_arn
        result["events"] = [{**event, "createdAt": epoch(event["createdAt"])} for event in self.events]
        result["createdAt"] = epoch(self.created_at)
        if self.deployments:
            primary = self.deployments[0]
            result["currentServiceDeployment"] = primary.service_deployment_arn
            result["currentServiceRevisions"] = [
                {
                    "arn": d.revision_arn,
                    "requestedTaskCount": d.counts[2],
                    "runningTaskCount": d.counts[1],
                    "pendingTaskCount": d.counts[0],
                }
                for d in self.deployments
            ]
        for key in _SERVICE_FIELDS:
            if key not in result and config.get(key) is not None:
                result[key] = copy.deepcopy(config[key])
        result["createdBy"] = self.store.caller_arn
        if include_tags:
            result["tags"] = copy.deepcopy(self.tags)
        return result


# --- request handling -------------------------------------------------------------------------------------------


def _find(store: EcsStore, cluster: str, reference: str) -> Service | None:
    return store.services.get((cluster, (reference or "").split("/")[-1]))


def _deployment_configuration(given: dict[str, Any] | None, current: dict[str, Any] | None, daemon: bool) -> dict:
    """ECS keeps fields an update leaves out, and fills maximumPercent/minimumHealthyPercent/circuit breaker."""
    result = copy.deepcopy(current) if current else {}
    result.update(copy.deepcopy(given or {}))
    result.setdefault("maximumPercent", 100 if daemon else 200)
    result.setdefault("minimumHealthyPercent", 0 if daemon else 100)
    breaker = result.setdefault("deploymentCircuitBreaker", {})
    breaker.setdefault("enable", False)
    breaker.setdefault("rollback", False)
    if result["maximumPercent"] < 100 and not daemon:
        raise invalid_parameter("maximumPercent must be at least 100 for a REPLICA service.")
    if not 0 <= result["minimumHealthyPercent"] <= 100:
        raise invalid_parameter("minimumHealthyPercent must be between 0 and 100.")
    if result["maximumPercent"] < result["minimumHealthyPercent"]:
        raise invalid_parameter("maximumPercent must be greater than or equal to minimumHealthyPercent.")
    blue_green.validate(result, given or {})
    return result


def _network_configuration(store: EcsStore, given: dict[str, Any]) -> dict[str, Any]:
    """Validate subnets and security groups against moto's EC2, and fill assignPublicIp like ECS."""
    result = copy.deepcopy(given)
    awsvpc = result.get("awsvpcConfiguration")
    if not awsvpc or not awsvpc.get("subnets"):
        raise invalid_parameter("subnets can not be empty.")
    ec2 = ec2_backends[store.account_id][store.region]
    known_subnets = {subnet.id for subnet in ec2.describe_subnets()}
    for subnet in awsvpc["subnets"]:
        if subnet not in known_subnets:
            raise invalid_parameter(f"Error retrieving subnet information for [{subnet}]: The subnet ID does not exist")
    known_groups = {group.id for group in ec2.describe_security_groups()}
    for group in awsvpc.get("securityGroups") or []:
        if group not in known_groups:
            raise invalid_parameter(f"Error retrieving security group information for [{group}]: does not exist")
    awsvpc.setdefault("assignPublicIp", "DISABLED")
    return result


def _check_compatibility(config: dict[str, Any], definition: TaskDefinition) -> None:
    networked = config.get("networkConfiguration") is not None
    if definition.network_mode == "awsvpc" and not networked:
        raise invalid_parameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
    if definition.network_mode != "awsvpc" and networked:
        raise invalid_parameter("Network Configuration is not valid for the given networkMode of this task definition.")
    # The grace period covers load balancer, VPC Lattice and container health checks: with none, nothing uses it.
    checked = config.get("loadBalancers") or config.get("vpcLatticeConfigurations")
    if config.get("healthCheckGracePeriodSeconds") and not checked and not definition.has_health_check:
        raise invalid_parameter(
            "Health check grace period is only valid for services configured to use load balancers, VPC Lattice "
            "or container health checks."
        )
    strategy = config.get("capacityProviderStrategy") or []
    fargate = config.get("launchType") == "FARGATE" or any("FARGATE" in s.get("capacityProvider", "") for s in strategy)
    if fargate and "FARGATE" not in definition.compatibilities:
        raise invalid_parameter("Task definition does not support launch_type FARGATE.")
    _check_named_ports(config, definition)
    _check_launch_volumes(config, definition)
    for metric in (config.get("monitoring") or {}).get("metricConfigurations") or []:
        # MetricConfiguration.resolutionSeconds: "The valid values are 20 and 60."
        if metric.get("resolutionSeconds") not in (20, 60):
            raise invalid_parameter("resolutionSeconds must be 20 or 60.")


def _check_named_ports(config: dict[str, Any], definition: TaskDefinition) -> None:
    """Service Connect, VPC Lattice and gateway connectors name a port mapping of the task definition."""
    named = {mapping.get("name") for c in definition.containers for mapping in c.get("portMappings") or []} - {None}
    connect = config.get("serviceConnectConfiguration") or {}
    uses = [("Service Connect", item.get("portName")) for item in connect.get("services") or []]
    uses += [("VPC Lattice", item.get("portName")) for item in config.get("vpcLatticeConfigurations") or []]
    uses += [("gateway connector", item.get("portName")) for item in config.get("gatewayConnectors") or []]
    for feature, port_name in uses:
        if port_name not in named:
            raise invalid_parameter(
                f"The {feature} portName '{port_name}' does not match a named port mapping in the task definition "
                f"{definition.arn}."
            )


def _check_launch_volumes(config: dict[str, Any], definition: TaskDefinition) -> None:
    """A volume configured by the service is a task-definition volume marked configuredAtLaunch.

    ServiceVolumeConfiguration.name: "This value must match the volume name from the Volume object in the task
    definition" (one that is configuredAtLaunch).
    """
    at_launch = {v.get("name") for v in definition.document.get("volumes") or [] if v.get("configuredAtLaunch")}
    given = [item.get("name") for item in config.get("volumeConfigurations") or []]
    for name in given:
        if name not in at_launch:
            raise invalid_parameter(
                f"The volume '{name}' in volumeConfigurations must be a volume of the task definition with "
                "configuredAtLaunch set to true."
            )


def _new_service_config(store: EcsStore, params: dict[str, Any], definition: TaskDefinition) -> dict[str, Any]:
    """CreateService's fields as given, with the defaults ECS fills in."""
    if params.get("launchType") and params.get("capacityProviderStrategy"):
        raise invalid_parameter("Specifying both a launch type and capacity provider strategy is not supported.")
    daemon = params.get("schedulingStrategy") == "DAEMON"
    config: dict[str, Any] = {
        key: copy.deepcopy(params[key])
        for key in (*_SERVICE_FIELDS, *_DEPLOYMENT_ONLY_FIELDS)
        if params.get(key) is not None
    }
    if not config.get("capacityProviderStrategy"):
        config.pop("capacityProviderStrategy", None)
        config.setdefault("launchType", "EC2")
    defaults = {
        "loadBalancers": [],
        "serviceRegistries": [],
        "placementConstraints": [],
        "placementStrategy": [],
        "schedulingStrategy": "REPLICA",
        "deploymentController": {"type": "ECS"},
        "enableECSManagedTags": False,
        "propagateTags": "NONE",
        "enableExecuteCommand": False,
        # CreateService: "when no value is specified for AvailabilityZoneRebalancing, ECS defaults the value to
        # ENABLED" (for a service that can rebalance: not a DAEMON one).
        "availabilityZoneRebalancing": "DISABLED" if daemon else "ENABLED",
    }
    for key, value in defaults.items():
        config.setdefault(key, value)
    config["deploymentConfiguration"] = _deployment_configuration(params.get("deploymentConfiguration"), None, daemon)
    if config.get("networkConfiguration") is not None:
        config["networkConfiguration"] = _network_configuration(store, config["networkConfiguration"])
    _check_compatibility(config, definition)
    fargate = config.get("launchType") == "FARGATE" or any(
        "FARGATE" in s.get("capacityProvider", "") for s in config.get("capacityProviderStrategy", [])
    )
    if fargate:
        config.setdefault("platformVersion", "LATEST")
    if config["loadBalancers"]:
        config.setdefault("healthCheckGracePeriodSeconds", 0)
    controller = config["deploymentController"].get("type", "ECS")
    if controller not in CONTROLLERS:
        raise invalid_parameter(f"The {controller} deployment controller is not supported by the sandbox.")
    return config


def create_service(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    name = params.get("serviceName") or ""
    if not name:
        raise invalid_parameter("serviceName can not be blank.")
    existing = _find(store, cluster, name)
    token = params.get("clientToken")
    if existing is not None and existing.status != "INACTIVE":
        # The same clientToken again (a retry after a lost answer): the service that request made.
        if token and existing.client_token == token:
            return {"service": existing.describe()}
        raise invalid_parameter("Creation of service was not idempotent.")
    if params.get("schedulingStrategy") == "DAEMON" and params.get("desiredCount") is not None:
        raise invalid_parameter("The DAEMON scheduling strategy does not support a desiredCount.")
    definition = resolve_for_service(store, params.get("taskDefinition") or "")
    config = _new_service_config(store, params, definition)

    service = Service(store, cluster, name, config)
    service.client_token = token
    service.desired_count = int(params.get("desiredCount") or 0)
    if config["schedulingStrategy"] == "DAEMON":
        service.desired_count = capacity.instance_count(store, cluster)
    if service.desired_count < 0:
        raise invalid_parameter("desiredCount can not be negative.")
    service.tags = copy.deepcopy(params.get("tags") or [])
    if params.get("role"):
        role = params["role"]
        service.role_arn = (
            role if role.startswith("arn:") else f"arn:{store.partition}:iam::{store.account_id}:role/{role}"
        )
    elif config["loadBalancers"] and definition.network_mode != "awsvpc":
        service.role_arn = f"arn:{store.partition}:iam::{store.account_id}:{SERVICE_LINKED_ROLE}"
    service.start_deployment(Deployment(service, definition))
    store.services[(cluster, name)] = service
    # moto's Application Auto Scaling checks that the service exists in moto's ECS backend.
    store.moto_backend.services[f"{cluster}:{name}"] = service
    result = service.describe()
    if service.tags:
        result["tags"] = copy.deepcopy(service.tags)
    return {"service": result}


def update_service(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    service = _find(store, cluster, params.get("service") or "")
    if service is None:
        raise service_not_found()
    if service.status != "ACTIVE":
        raise service_not_active()
    config = service.config
    redeploy = bool(params.get("forceNewDeployment"))
    definition = service.definition
    if params.get("taskDefinition"):
        definition = resolve_for_service(store, params["taskDefinition"])
        redeploy = redeploy or service.definition is None or definition.arn != service.definition.arn
    changes: dict[str, Any] = {}
    for key in (*_UPDATABLE_FIELDS, *_DEPLOYMENT_ONLY_FIELDS):
        if params.get(key) is None:
            continue
        value = copy.deepcopy(params[key])
        if key == "deploymentConfiguration":
            daemon = config.get("schedulingStrategy") == "DAEMON"
            value = _deployment_configuration(value, config["deploymentConfiguration"], daemon)
        elif key == "networkConfiguration":
            value = _network_configuration(store, value)
        elif key == "deploymentController" and value.get("type", "ECS") not in CONTROLLERS:
            raise invalid_parameter(f"The {value.get('type')} deployment controller is not supported by the sandbox.")
        changes[key] = value
    if changes.get("capacityProviderStrategy"):
        changes["launchType"] = None
    candidate = {**config, **changes}
    candidate = {key: value for key, value in candidate.items() if value is not None}
    assert definition is not None
    _check_compatibility(candidate, definition)
    redeploy = redeploy or any(key in changes and changes[key] != config.get(key) for key in _REDEPLOY_FIELDS)
    service.config = candidate
    if params.get("desiredCount") is not None:
        desired = int(params["desiredCount"])
        if desired < 0:
            raise invalid_parameter("desiredCount can not be negative.")
        if desired != service.desired_count:
            service.desired_count = desired
            service.steady = False
    if redeploy:
        service.start_deployment(Deployment(service, definition))
    return {"service": service.describe()}


def describe_services(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    references = params.get("services") or []
    if not references:
        raise invalid_parameter("Services cannot be empty.")
    if len(references) > 10:
        raise invalid_parameter("Too many services were provided. A maximum of 10 services can be described at once.")
    include_tags = "TAGS" in (params.get("include") or [])
    found, failures = [], []
    for reference in references:
        service = _find(store, cluster, reference)
        if service is None:
            arn = reference if reference.startswith("arn:") else store.arn(f"service/{cluster}/{reference}")
            failures.append({"arn": arn, "reason": "MISSING"})
        else:
            found.append(service.describe(include_tags))
    return {"services": found, "failures": failures}


def delete_service(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    service = _find(store, cluster, params.get("service") or "")
    if service is None:
        raise service_not_found()
    if service.status != "ACTIVE":
        raise service_not_active()
    if service.desired_count > 0 and not params.get("force"):
        raise invalid_parameter("The service cannot be stopped while it is scaled above 0.")
    service.desired_count = 0
    service.status = "DRAINING"
    return {"service": service.describe()}


def list_services(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    cluster = cluster_name(store, params.get("cluster"))
    arns = sorted(
        service.arn
        for (service_cluster, _), service in store.services.items()
        if service_cluster == cluster
        and service.status == "ACTIVE"
        and (params.get("launchType") is None or service.config.get("launchType") == params["launchType"])
        and (
            params.get("schedulingStrategy") is None
            or service.config.get("schedulingStrategy") == params["schedulingStrategy"]
        )
    )
    page, token = paginate(arns, params, default_page=10)
    response: dict[str, Any] = {"serviceArns": page}
    if token:
        response["nextToken"] = token
    return response


def find_by_arn(store: EcsStore, arn: str) -> Service | None:
    return next((s for s in store.services.values() if s.arn == arn), None)


# --- simulation ---------------------------------------------------------------------------------------------------


def tick(store: EcsStore) -> None:
    """Advance every service of the store, and RunTask tasks that belong to none."""
    grouped: dict[tuple[str, str], list[Task]] = {}
    for task in store.tasks.values():
        grouped.setdefault((task.cluster_name, task.group), []).append(task)
    for service in list(store.services.values()):
        if service.status == "INACTIVE":
            continue
        tasks = grouped.pop((service.cluster_name, service.group), [])
        if service.status == "ACTIVE" and service.config.get("schedulingStrategy") == "DAEMON":
            # "exactly one task on each active container instance": ECS reports that many as desiredCount.
            _follow_instances(store, service)
        controller_for(store, service).step(tasks)
        if service.status == "DRAINING" and not any(task.active for task in tasks):
            service.status = "INACTIVE"
            service.deployments = []
            store.moto_backend.services.pop(f"{service.cluster_name}:{service.name}", None)
        _prune_stopped(store, tasks)
    # What is left are RunTask tasks: they follow their lifecycle with no controller.
    now = monotonic()
    for task in (task for tasks in grouped.values() for task in tasks):
        task.advance(now)
    _update_cluster_counts(store)


def _follow_instances(store: EcsStore, service: Service) -> None:
    wanted = capacity.instance_count(store, service.cluster_name)
    if wanted != service.desired_count:
        service.desired_count = wanted
        service.steady = False


def _prune_stopped(store: EcsStore, tasks: list[Task], keep: int = 100) -> None:
    """ECS forgets stopped tasks after a while; keep the newest ones so failing retries cannot grow without end."""
    stopped = [t for t in tasks if t.last_status == "STOPPED"]
    if len(stopped) <= keep:
        return
    stopped.sort(key=lambda t: t.stopped_at or t.created_at)
    for task in stopped[: len(stopped) - keep]:
        del store.tasks[task.arn]


def _update_cluster_counts(store: EcsStore) -> None:
    clusters = store.moto_backend.clusters
    counts = {name: [0, 0, 0] for name in clusters}
    for task in store.tasks.values():
        if task.cluster_name in counts:
            if task.last_status == "RUNNING":
                counts[task.cluster_name][0] += 1
            elif task.live:
                counts[task.cluster_name][1] += 1
    for (cluster, _), service in store.services.items():
        if cluster in counts and service.status == "ACTIVE":
            counts[cluster][2] += 1
    for name, (running, pending, services) in counts.items():
        cluster_object = clusters.get(name)
        if cluster_object is not None:
            cluster_object.running_tasks_count = running
            cluster_object.pending_tasks_count = pending
            cluster_object.active_services_count = services
