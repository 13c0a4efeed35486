# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_service_adopt_info: the declaration of the services a cluster already runs.

Orchestration layer. Reads only:
  1. ListServices (when no names are given), DescribeServices ten a call;
  2. DescribeServiceRevisions of the services' current revisions, twenty a call (monitoring and gateway
     connectors are reported nowhere else);
  3. one DescribeTaskDefinition (with tags) per distinct revision.
Then ``adoption`` builds each service's declaration and task-definition file. No secret value is ever read: the
task definitions carry secrets as ``valueFrom`` references, and nothing else is asked for.
"""

from __future__ import annotations

from typing import Any

from . import api
from .adoption import adopted_service
from .exceptions import ECSValidationError
from .service_normalize import current_revision
from .waiting import Clock

TASK_DEFINITION_DIRECTORY = "taskdefs"


def run(client: Any, params: dict, *, check_mode: bool = False, diff: bool = False, clock: Clock | None = None) -> dict:
    """ecs_service_adopt_info: read the cluster's services and return their declarations. Never writes."""
    cluster = params["cluster"]
    asked = [name for name in params.get("services") or [] if name]
    if api.describe_cluster(client, cluster) is None:
        raise ECSValidationError(f"cluster: cluster {cluster!r} does not exist or is not ACTIVE")
    names = asked or [arn.rsplit("/", 1)[-1] for arn in api.list_services(client, cluster)]
    described = [
        service for service in api.describe_services(client, cluster, names) if service.get("status") != "INACTIVE"
    ]
    by_name = {service["serviceName"]: service for service in described}
    revision_arns = sorted(
        {item["arn"] for service in described for item in service.get("currentServiceRevisions") or []}
    )
    revisions = api.describe_service_revisions(client, revision_arns) if revision_arns else []
    definitions: dict[str, dict | None] = {}
    adopted = []
    for name in sorted(by_name):
        service = by_name[name]
        reference = service.get("taskDefinition")
        if reference not in definitions:
            definitions[reference] = api.describe_task_definition(client, reference)
        definition = definitions[reference]
        if definition is None:
            raise ECSValidationError(f"services: {name} runs {reference}, which cannot be described")
        path = f"{TASK_DEFINITION_DIRECTORY}/{name}.json"
        adopted.append(adopted_service(service, current_revision(service, revisions), definition, path))
    return {
        "changed": False,
        "cluster": cluster,
        "region": getattr(getattr(client, "meta", None), "region_name", None),
        "services": adopted,
        "missing": [name for name in asked if name not in by_name],
    }
