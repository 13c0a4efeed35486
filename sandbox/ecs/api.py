"""Wire the extension into moto: replace moto's ECS response methods for the actions the sandbox models.

moto still parses the request (account, region, authentication) and still serves everything else, such as
clusters and capacity providers. The replaced methods read the raw JSON body, so user map keys (dockerLabels,
log options) reach the model untouched, and answer with JSON written here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.core.utils import camelcase_to_underscores
from moto.ecs.models import Cluster
from moto.ecs.responses import EC2ContainerServiceResponse

from sandbox.ecs import service_deployments, services, targets, taskdefs, tasks
from sandbox.ecs.errors import EcsError, invalid_parameter
from sandbox.ecs.state import LOCK, EcsStore, store_for

Handler = Callable[[EcsStore, dict[str, Any]], dict[str, Any]]

_CONTENT_TYPE = {"Content-Type": "application/x-amz-json-1.1"}


def _tag_target(store: EcsStore, arn: str) -> Any:
    """The sandbox resource an ARN names, or None when it is one of moto's (clusters, capacity providers)."""
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    if resource.startswith("service/"):
        return services.find_by_arn(store, arn)
    if resource.startswith("task-definition/"):
        return taskdefs.find(store, arn)
    if resource.startswith("task/"):
        return store.tasks.get(arn) or next(
            (t for t in store.tasks.values() if t.id == arn.rsplit("/", maxsplit=1)[-1]), None
        )
    return None


def _is_sandbox_arn(arn: str) -> bool:
    resource = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    return resource.split("/", 1)[0] in ("service", "task-definition", "task")


def list_tags_for_resource(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    target = _tag_target(store, params.get("resourceArn") or "")
    if target is None:
        raise invalid_parameter("The specified resource could not be found.")
    return {"tags": [dict(tag) for tag in target.tags]}


def tag_resource(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    target = _tag_target(store, params.get("resourceArn") or "")
    if target is None:
        raise invalid_parameter("The specified resource could not be found.")
    new = {tag["key"]: tag.get("value", "") for tag in params.get("tags") or []}
    target.tags = [tag for tag in target.tags if tag["key"] not in new]
    target.tags += [{"key": key, "value": value} for key, value in new.items()]
    return {}


def untag_resource(store: EcsStore, params: dict[str, Any]) -> dict[str, Any]:
    target = _tag_target(store, params.get("resourceArn") or "")
    if target is None:
        raise invalid_parameter("The specified resource could not be found.")
    keys = set(params.get("tagKeys") or [])
    target.tags = [tag for tag in target.tags if tag["key"] not in keys]
    return {}


HANDLERS: dict[str, Handler] = {
    "RegisterTaskDefinition": taskdefs.register,
    "DescribeTaskDefinition": taskdefs.describe,
    "DeregisterTaskDefinition": taskdefs.deregister,
    "DeleteTaskDefinitions": taskdefs.delete,
    "ListTaskDefinitions": taskdefs.list_definitions,
    "ListTaskDefinitionFamilies": taskdefs.list_families,
    "CreateService": services.create_service,
    "UpdateService": services.update_service,
    "DescribeServices": services.describe_services,
    "DeleteService": services.delete_service,
    "ListServices": services.list_services,
    "ListServiceDeployments": service_deployments.list_service_deployments,
    "DescribeServiceDeployments": service_deployments.describe_service_deployments,
    "DescribeServiceRevisions": service_deployments.describe_service_revisions,
    "StopServiceDeployment": service_deployments.stop_service_deployment,
    "ContinueServiceDeployment": service_deployments.continue_service_deployment,
    "RunTask": tasks.run_task,
    "ListTasks": tasks.list_tasks,
    "DescribeTasks": tasks.describe_tasks,
    "StopTask": tasks.stop_task,
}
# Tag actions go to moto when the ARN is one of moto's resources (a cluster, for instance).
TAG_HANDLERS: dict[str, Handler] = {
    "ListTagsForResource": list_tags_for_resource,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
}


def _json_default(value: Any) -> Any:
    if hasattr(value, "timestamp"):
        return value.timestamp()
    raise TypeError(f"cannot serialise {type(value).__name__}")


# Task definitions live apart from the simulation: neither their answers nor their effects depend on where
# services and tasks stand. These actions skip the step before answering, whose cost grows with the number of
# services (ECS's own latency does not): a deploy of 300 services reads 300 task definitions.
OUTSIDE_THE_SIMULATION = frozenset(
    {"RegisterTaskDefinition", "DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"}
)


def _method(
    handler: Handler, fallback: Callable[..., Any] | None = None, *, advance: bool = True
) -> Callable[..., Any]:
    def respond(self: EC2ContainerServiceResponse) -> Any:
        params = json.loads(self.body or "{}") if isinstance(self.body, str | bytes) else {}
        if fallback is not None and not _is_sandbox_arn(params.get("resourceArn") or ""):
            return fallback(self)
        with LOCK:
            store = store_for(self.current_account, self.region)
            if advance:
                # Bring the simulation up to date so the answer reflects the time of the request.
                services.tick(store)
            result = handler(store, params)
        return 200, dict(_CONTENT_TYPE), json.dumps(result, default=_json_default)

    respond.__name__ = handler.__name__
    return respond


def _delete_cluster(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto deletes a cluster whatever runs in it; ECS refuses while it has services or tasks."""

    def delete_cluster(self: EC2ContainerServiceResponse) -> Any:
        params = json.loads(self.body or "{}")
        name = (params.get("cluster") or "default").split("/")[-1]
        with LOCK:
            store = store_for(self.current_account, self.region)
            services.tick(store)
            if any(c == name and s.status != "INACTIVE" for (c, _), s in store.services.items()):
                raise EcsError(
                    "ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active."
                )
            if any(t.cluster_name == name and t.active for t in store.tasks.values()):
                raise EcsError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
        return original(self)

    return delete_cluster


def _complete_clusters(original_init: Callable[..., Any]) -> Callable[..., Any]:
    """moto leaves out a cluster's capacity providers when it has none; ECS returns empty lists.

    Clients index them (community.aws's ecs_cluster does), so their absence would break them on the sandbox only.
    """

    def init(cluster: Cluster, *args: Any, **kwargs: Any) -> None:
        original_init(cluster, *args, **kwargs)
        if cluster.capacity_providers is None:
            cluster.capacity_providers = []
        if cluster.default_capacity_provider_strategy is None:
            cluster.default_capacity_provider_strategy = []

    return init


_installed = False


def install() -> None:
    """Patch moto's ECS responses once per process."""
    global _installed  # noqa: PLW0603 - a process-wide patch is applied exactly once
    if _installed:
        return
    for action, handler in HANDLERS.items():
        setattr(
            EC2ContainerServiceResponse,
            camelcase_to_underscores(action),
            _method(handler, advance=action not in OUTSIDE_THE_SIMULATION),
        )
    for action, handler in TAG_HANDLERS.items():
        name = camelcase_to_underscores(action)
        setattr(EC2ContainerServiceResponse, name, _method(handler, getattr(EC2ContainerServiceResponse, name)))
    EC2ContainerServiceResponse.delete_cluster = _delete_cluster(EC2ContainerServiceResponse.delete_cluster)
    Cluster.__init__ = _complete_clusters(Cluster.__init__)
    targets.install()
    _installed = True
