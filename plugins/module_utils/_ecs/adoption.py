# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the declaration of a service that already runs, for the adopt role. Knowledge layer.

From what ECS reports of a service (DescribeServices, its task definition with tags, and its current service
revision) this builds what a team would have written:

- the task-definition file, in the RegisterTaskDefinition shape: read-only fields dropped, and every value ECS
  fills in when it is not given left out. A value counts as filled in when the canonical form of the task
  definition (the one every comparison uses) is the same without it, so the file says what the team chose;
- the ``ecs_services`` item: the service settings that differ from ECS's defaults, in the option names the roles
  take. ``desired_count`` is left out on purpose: a deploy never fights the count an autoscaler or an operator
  set;
- the settings a declaration cannot hold, each with the reason, never dropped silently.

The guarantee, proved by tests/integration/test_adopt.py: a deploy of the adopted declaration changes nothing.
"""

from __future__ import annotations

import copy
from typing import Any

from .declarations import service_options_from_request
from .service_normalize import COMPARED_SETTINGS, DEPLOYMENT_SETTINGS, ECS_DEFAULTS, REVISION_SETTINGS, canonical
from .tags import AWS_TAG_PREFIX, tags_to_dict
from .taskdef_normalize import READ_ONLY_FIELDS, normalize_task_definition

# What identifies a task definition and its containers: always written.
_KEPT_TASK_FIELDS = ("family", "containerDefinitions")
_KEPT_CONTAINER_FIELDS = ("name", "image")
# The role ECS uses when a service names none: not a choice of the team.
_SERVICE_LINKED_ROLE = "/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"


def adopted_service(service: dict, revision: dict | None, definition: dict, task_definition_file: str) -> dict:
    """One service as ecs_service_adopt_info returns it: its declaration, task-definition file and what neither holds.

    Args:
        service: the DescribeServices item (with tags).
        revision: its current service revision (DescribeServiceRevisions), or None.
        definition: the task definition it runs (DescribeTaskDefinition with tags).
        task_definition_file: where the declaration expects the file, relative to the inventory.
    """
    declaration, unexpressed = service_declaration(service, revision, task_definition_file)
    document, left_out = task_definition_document(definition)
    if not document.get("executionRoleArn"):
        # Otherwise the roles would give the service the execution role they make for every service: a change.
        declaration["execution_role"] = False
    return {
        "name": service["serviceName"],
        "declaration": declaration,
        "task_definition_file": task_definition_file,
        "task_definition": document,
        "unexpressed": unexpressed + left_out,
    }


def task_definition_document(described: dict) -> tuple[dict, list[dict]]:
    """The task-definition file of a described revision, and what it could not hold.

    Args:
        described: DescribeTaskDefinition's ``taskDefinition`` with its ``tags`` (as ``api`` returns it).

    Returns:
        (the RegisterTaskDefinition request, ``[{"setting", "reason"}]``)
    """
    document = {key: copy.deepcopy(value) for key, value in described.items() if key not in READ_ONLY_FIELDS}
    raw_tags = document.pop("tags", None)
    unexpressed = _aws_tags(raw_tags, "task_definition")
    tags = tags_to_dict(raw_tags)
    if tags:
        document["tags"] = [{"key": key, "value": tags[key]} for key in sorted(tags)]
    return _without_filled_in(document), unexpressed


def _without_filled_in(document: dict) -> dict:
    """``document`` without the values its canonical form does not need."""
    reference = normalize_task_definition(document)
    result = copy.deepcopy(document)

    def same(candidate: dict) -> bool:
        return normalize_task_definition(candidate) == reference

    for key in [key for key in document if key not in _KEPT_TASK_FIELDS]:
        trial = {name: value for name, value in result.items() if name != key}
        if same(trial):
            result = trial
    for index, container in enumerate(result.get("containerDefinitions") or []):
        for key in [key for key in container if key not in _KEPT_CONTAINER_FIELDS]:
            trial = copy.deepcopy(result)
            del trial["containerDefinitions"][index][key]
            if same(trial):
                result = trial
        for mapping_index, mapping in enumerate(result["containerDefinitions"][index].get("portMappings") or []):
            for key in [key for key in mapping if key != "containerPort"]:
                trial = copy.deepcopy(result)
                del trial["containerDefinitions"][index]["portMappings"][mapping_index][key]
                if same(trial):
                    result = trial
    return result


def service_declaration(service: dict, revision: dict | None, task_definition_file: str) -> tuple[dict, list[dict]]:
    """The ``ecs_services`` item of a described service, and the settings it could not hold.

    Args:
        service: the DescribeServices item (with tags).
        revision: the DescribeServiceRevisions item of its current revision (monitoring, gateway connectors), or
            None when it could not be read.
        task_definition_file: the path the item names, relative to the inventory.

    Returns:
        (``{"name", "cluster", "task_definition_file", "service"}``, ``[{"setting", "reason"}]``)
    """
    unexpressed: list[dict] = []
    request = _create_service_request(service, revision, unexpressed)
    options = service_options_from_request(request, f"ecs_services[{service.get('serviceName')}].service")
    item = {
        "name": service["serviceName"],
        "cluster": service["clusterArn"].rsplit("/", 1)[-1],
        "task_definition_file": task_definition_file,
        "service": options,
    }
    return item, unexpressed


def _create_service_request(service: dict, revision: dict | None, unexpressed: list[dict]) -> dict:
    """The CreateService fields of ``service`` whose value is not ECS's default."""
    primary = next((item for item in service.get("deployments") or [] if item.get("status") == "PRIMARY"), {})
    sources = dict.fromkeys(DEPLOYMENT_SETTINGS, primary)
    sources.update({name: revision or {} for name in REVISION_SETTINGS})
    request: dict[str, Any] = {}
    for name in COMPARED_SETTINGS:
        if name in ("taskDefinition", "desiredCount", "tags"):
            continue
        value = sources.get(name, service).get(name)
        if value is None:
            continue
        if name == "deploymentConfiguration":
            value = _non_default_members(value, ECS_DEFAULTS[name])
            if value:
                request[name] = value
        elif name not in ECS_DEFAULTS or canonical({name: value}) != canonical({name: ECS_DEFAULTS[name]}):
            request[name] = copy.deepcopy(value)
    if request.get("capacityProviderStrategy"):
        request.pop("launchType", None)
    role = service.get("roleArn")
    if role and _SERVICE_LINKED_ROLE not in role:
        request["roleArn"] = role
    unexpressed.extend(_aws_tags(service.get("tags"), "service"))
    tags = tags_to_dict(service.get("tags"))
    if tags:
        request["tags"] = [{"key": key, "value": tags[key]} for key in sorted(tags)]
    if service.get("taskSets"):
        unexpressed.append(
            {
                "setting": "service.task_sets",
                "reason": "task sets belong to the service's EXTERNAL deployment controller, which makes them",
            }
        )
    return request


def _aws_tags(tags: list | None, owner: str) -> list[dict]:
    """The tags under ``aws:``: they belong to AWS, no declaration may hold them, and a deploy leaves them alone."""
    keys = sorted(tag.get("key", "") for tag in tags or [] if str(tag.get("key", "")).startswith(AWS_TAG_PREFIX))
    return [{"setting": f"{owner}.tags.{key}", "reason": "tags under aws: belong to AWS"} for key in keys]


def _non_default_members(value: dict, defaults: dict) -> dict:
    result = {}
    for name, member in value.items():
        default = defaults.get(name)
        if isinstance(member, dict) and isinstance(default, dict):
            if canonical({"x": {**default, **member}}) != canonical({"x": default}):
                result[name] = copy.deepcopy(member)
        elif member != default:
            result[name] = copy.deepcopy(member)
    return result
