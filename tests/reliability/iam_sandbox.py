"""The sandbox with moto's IAM enforcement, and ECS's resource-level permissions.

``python -m tests.reliability.iam_sandbox --port N`` runs ``python -m sandbox`` after one change: moto checks
every ECS call against the resource ``*`` only, so a policy scoped to service ARNs (the one the iam_policy role
produces) would be refused everything. Here each ECS call is checked against the resources ECS itself checks:
the service ARN of UpdateService, CreateService and DeleteService, every service ARN a DescribeServices names, the
ARN a TagResource or UntagResource names, and ``*`` for the task-definition actions, which have no resource-level
permissions. Enforcement is moto's own: it starts after ``INITIAL_NO_AUTH_ACTION_COUNT`` calls, and
``POST /moto-api/reset-auth`` with a number sets that count again and restarts counting.
"""

from __future__ import annotations

import json
import sys

from moto.core.exceptions import AccessDeniedError, JsonRESTError
from moto.ecs.responses import EC2ContainerServiceResponse

from sandbox.__main__ import main

SERVICE_ACTIONS = {"UpdateService", "CreateService", "DeleteService"}
TAG_ACTIONS = {"TagResource", "UntagResource", "ListTagsForResource"}


def _cluster_name(value: str | None) -> str:
    return (value or "default").rsplit("/", 1)[-1]


def _service_arn(response: EC2ContainerServiceResponse, cluster: str | None, service: str) -> str:
    if service.startswith("arn:"):
        return service
    prefix = f"arn:aws:ecs:{response.region}:{response.current_account}"
    return f"{prefix}:service/{_cluster_name(cluster)}/{service}"


def resources(response: EC2ContainerServiceResponse) -> list[str]:
    """The resources ECS authorises the request against."""
    action = response._get_action()
    try:
        params = json.loads(response.body or "{}")
    except ValueError:
        params = {}
    if action in SERVICE_ACTIONS:
        name = params.get("service") or params.get("serviceName") or ""
        return [_service_arn(response, params.get("cluster"), name)]
    if action == "DescribeServices":
        return [_service_arn(response, params.get("cluster"), name) for name in params.get("services") or []] or ["*"]
    if action == "DescribeServiceRevisions":
        return list(params.get("serviceRevisionArns") or []) or ["*"]
    if action in TAG_ACTIONS:
        return [params.get("resourceArn") or "*"]
    return ["*"]


def _authorize(self: EC2ContainerServiceResponse, resource: str = "*") -> None:
    del resource  # moto passes "*"; ECS checks the resources the request names.
    for each in resources(self):
        try:
            _ORIGINAL(self, each)
        except AccessDeniedError as error:
            # moto answers in IAM's XML; ECS answers with a JSON AccessDeniedException (HTTP 400).
            raise JsonRESTError("AccessDeniedException", error.message) from None


_ORIGINAL = EC2ContainerServiceResponse._authenticate_and_authorize_normal_action
EC2ContainerServiceResponse._authenticate_and_authorize_normal_action = _authorize

if __name__ == "__main__":
    sys.exit(main())
