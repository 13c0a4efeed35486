# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_taskdef_live: which task definition should a service run?

Steps, each a function:
  1. ``prepare_item``      validate and type the declared definition (pure, raises before any call);
  2. ``read_baselines``    one batched DescribeServices per cluster, then DescribeTaskDefinition of what is live;
  3. ``desired_definition`` choose each container's image: given, live (drift adopted) or declared (pure);
  4. ``plan_item``         canonical before/after and their differences (pure);
  5. ``apply_plan``        nothing, tag in place, reuse an identical newest revision, or register one.
"""

from __future__ import annotations

import copy
import time
from typing import Any, Callable

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from . import api
from .common import SERVER_ERROR_CODES, THROTTLING_CODES, AnsibleECSError
from .diff import differences
from .taskdef_normalize import KEYED_LISTS, normalize_task_definition, tags_to_dict
from .taskdef_validate import prepare_declared_definition, validate_images

REGISTER_ATTEMPTS = 4
# A throttled registration was not performed: as many tries as common.WRITE_RETRY gives the other writes.
THROTTLED_ATTEMPTS = 11


def prepare_item(item: dict, request_shape: Any, prefix: str = "") -> dict:
    """Validate one declared item (cluster, service, task_definition, images, force_bootstrap_image).

    Returns:
        The item with ``request``: the declared definition typed as a RegisterTaskDefinition request.
    """
    request = prepare_declared_definition(item["task_definition"], request_shape, f"{prefix}task_definition")
    validate_images(item.get("images"), request, f"{prefix}images")
    return {**item, "request": request}


def read_baselines(client: Any, items: list[dict]) -> list[dict]:
    """Attach to each item the live service (or None) and the baseline task definition (or None).

    The baseline is the revision the service runs; for a service that does not exist yet, the newest ACTIVE
    revision of the family. DescribeServices is batched: ten services a call, per cluster.
    """
    services_by_cluster: dict[str, dict[str, dict]] = {}
    for cluster in sorted({item["cluster"] for item in items if item.get("cluster") and item.get("service")}):
        names = sorted({item["service"] for item in items if item.get("cluster") == cluster and item.get("service")})
        found = api.describe_services(client, cluster, names)
        services_by_cluster[cluster] = {
            service["serviceName"]: service for service in found if service.get("status") != "INACTIVE"
        }

    described: dict[str, dict | None] = {}
    result = []
    for item in items:
        service = services_by_cluster.get(item.get("cluster") or "", {}).get(item.get("service") or "")
        reference = service["taskDefinition"] if service else item["request"]["family"]
        if reference not in described:
            described[reference] = api.describe_task_definition(client, reference)
        result.append({**item, "live_service": service, "baseline": described[reference]})
    return result


def desired_definition(
    request: dict, images: dict | None, live_definition: dict | None, force_bootstrap_image: bool
) -> tuple[dict, list[dict], list[dict]]:
    """Choose the image of every container.

    A container named in ``images`` gets that image. Otherwise, while a service runs it, the image that runs
    live is kept (an outside pipeline's deploy wins) unless ``force_bootstrap_image`` asks for the declared one.
    A container the live revision lacks, or a service that does not exist yet, gets the declared image.

    Returns:
        (desired request, per-container image choices, drift: the live values kept over the declared ones)
    """
    images = images or {}
    live_images = {
        container["name"]: container.get("image")
        for container in (live_definition or {}).get("containerDefinitions", [])
    }
    desired = copy.deepcopy(request)
    choices: list[dict] = []
    drift: list[dict] = []
    for container in desired["containerDefinitions"]:
        name = container["name"]
        declared = container.get("image")
        if name in images:
            image, source = images[name], "images"
        elif name in live_images and not force_bootstrap_image:
            image, source = live_images[name], "live"
            if image != declared:
                drift.append({"container": name, "field": "image", "declared": declared, "live": image})
        else:
            image, source = declared, "declared"
        container["image"] = image
        choices.append({"container": name, "image": image, "source": source, "live_image": live_images.get(name)})
    return desired, choices, drift


def align_identifiers(desired: dict, baseline: dict | None) -> dict:
    """Let a role written as a short name match the ARN ECS stored for it.

    ECS accepts ``taskRoleArn: my-role`` and returns ``arn:aws:iam::123456789012:role/my-role``. Both name the
    same role, so the live form is adopted for the comparison; any other difference still counts.
    """
    if not baseline:
        return desired
    aligned = dict(desired)
    for field in ("taskRoleArn", "executionRoleArn"):
        written, stored = desired.get(field), baseline.get(field)
        if written and stored and not written.startswith("arn:") and stored.endswith("/" + written):
            aligned[field] = stored
    return aligned


def plan_item(desired: dict, baseline: dict | None) -> dict:
    """Canonical before/after and what differs. Tags are apart: they can change without a new revision."""
    after = normalize_task_definition(align_identifiers(desired, baseline))
    before = normalize_task_definition(baseline) if baseline else None
    if before is None:
        return {"before": None, "after": after, "changes": [], "tag_changes": [], "substantive": True}
    changes = differences({**before, "tags": {}}, {**after, "tags": {}}, KEYED_LISTS)
    tag_changes = differences(before.get("tags", {}), after.get("tags", {}))
    return {
        "before": before,
        "after": after,
        "changes": changes,
        "tag_changes": tag_changes,
        "substantive": bool(changes),
    }


def apply_plan(client: Any, item: dict, plan: dict, check_mode: bool, sleep: Callable[[float], None]) -> dict:
    """Carry out a plan and say what was done. In check mode, say what would be done and write nothing."""
    baseline = item["baseline"]
    desired = item["desired"]
    outcome = {"registered": False, "tagged": False, "reused": False, "changed": False}
    if not plan["substantive"]:
        outcome["arn"] = baseline["taskDefinitionArn"]
        if plan["tag_changes"]:
            outcome.update(changed=True, tagged=True)
            if not check_mode:
                retag(client, baseline["taskDefinitionArn"], baseline.get("tags"), desired.get("tags"))
        return outcome

    outcome["changed"] = True
    family = desired["family"]
    newest = baseline  # without a live service, read_baselines already read the family's newest revision
    if item["live_service"] is not None:
        # The family's newest revision may already hold this content: a run that registered it and then
        # stopped before the service moved, or a concurrent deploy. Reusing it avoids a duplicate revision.
        newest = api.describe_task_definition(client, family)
        if newest and _same_revision_content(newest, desired):
            outcome.update(arn=newest["taskDefinitionArn"], reused=True)
            return outcome
    if check_mode:
        outcome.update(registered=True, arn=_next_arn(newest, family))
        return outcome
    registered = register_once(client, desired, sleep)
    outcome.update(registered=True, arn=registered["taskDefinitionArn"])
    return outcome


def register_once(
    client: Any,
    request: dict,
    sleep: Callable[[float], None],
    attempts: int = REGISTER_ATTEMPTS,
    throttled_attempts: int = THROTTLED_ATTEMPTS,
):
    """Register ``request`` and never leave two revisions of it.

    RegisterTaskDefinition is not idempotent: a call whose response was lost (a 5xx, a reset connection, a read
    timeout) may have registered the revision anyway. Before trying again, the family's newest revision is read;
    if it holds this content, it is the one this call made. A throttled call was not performed, so it is simply
    sent again after a pause; throttling has its own, larger budget (``throttled_attempts``, as many as the other
    writes get), so that a busy account does not use up the ``attempts`` meant for lost responses.
    """
    request = _register_request(request)
    last_error: Exception | None = None
    failures = throttles = 0
    while True:
        try:
            return api.register_task_definition(client, request)
        except botocore.exceptions.ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code not in THROTTLING_CODES + SERVER_ERROR_CODES and status < 500:
                raise AnsibleECSError(message="Failed to register task definition", exception=error) from error
            last_error = error
            if code in THROTTLING_CODES:
                throttles += 1
                if throttles >= throttled_attempts:
                    break
                sleep(_backoff(throttles - 1))
                continue
        except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError) as error:
            last_error = error
        failures += 1
        sleep(_backoff(failures - 1))
        newest = api.describe_task_definition(client, request["family"])
        if newest and _same_revision_content(newest, request):
            return newest
        if failures >= attempts:
            break
    raise AnsibleECSError(
        message=f"Failed to register task definition after {failures + throttles} attempts", exception=last_error
    )


def retag(client: Any, arn: str, live_tags: Any, wanted_tags: Any) -> None:
    current, wanted = tags_to_dict(live_tags), tags_to_dict(wanted_tags)
    to_set = {key: value for key, value in wanted.items() if current.get(key) != value}
    to_unset = [key for key in current if key not in wanted]
    if to_set:
        api.tag_resource(client, arn, to_set)
    if to_unset:
        api.untag_resource(client, arn, to_unset)


def _same_revision_content(described: dict, desired: dict) -> bool:
    return normalize_task_definition(described) == normalize_task_definition(align_identifiers(desired, described))


def _register_request(desired: dict) -> dict:
    request = copy.deepcopy(desired)
    tags = tags_to_dict(request.pop("tags", None))
    if tags:
        request["tags"] = [{"key": key, "value": value} for key, value in tags.items()]
    return request


def _next_arn(newest: dict | None, family: str) -> str:
    """The ARN a registration would get: one past the newest revision ECS knows (check mode's prediction)."""
    if not newest:
        return f"{family}:1"
    prefix = newest["taskDefinitionArn"].rsplit("/", 1)[0]
    return f"{prefix}/{family}:{newest['revision'] + 1}"


def _backoff(attempt: int) -> float:
    return min(2.0**attempt, 10.0)


def resolve(
    client: Any,
    items: list[dict],
    check_mode: bool,
    sleep: Callable[[float], None] = time.sleep,
) -> list[dict]:
    """Resolve every prepared item: read what is live, plan, apply. Returns one result per item, in order."""
    return [resolve_one(client, item, check_mode, sleep) for item in read_baselines(client, items)]


def resolve_one(client: Any, item: dict, check_mode: bool, sleep: Callable[[float], None]) -> dict:
    baseline = item["baseline"]
    live_service = item["live_service"]
    desired, choices, drift = desired_definition(
        item["request"],
        item.get("images"),
        baseline if live_service else None,
        item.get("force_bootstrap_image", False),
    )
    plan = plan_item(desired, baseline)
    outcome = apply_plan(client, {**item, "desired": desired}, plan, check_mode, sleep)
    tag_changes = [{**change, "path": f"tags.{change['path']}"} for change in plan["tag_changes"]]
    return {
        "cluster": item.get("cluster"),
        "service": item.get("service"),
        "family": desired["family"],
        "task_definition_arn": outcome["arn"],
        "live_task_definition_arn": live_service["taskDefinition"] if live_service else None,
        "baseline_task_definition_arn": baseline["taskDefinitionArn"] if baseline else None,
        "changed": outcome["changed"],
        "registered": outcome["registered"],
        "reused_revision": outcome["reused"],
        "tagged": outcome["tagged"],
        "images": choices,
        "drift": drift,
        "changes": plan["changes"] + tag_changes,
        "diff": {"before": plan["before"] or {}, "after": plan["after"]},
    }


ITEM_KEYS = ("cluster", "service", "task_definition", "images", "force_bootstrap_image")


def run_module(module: Any) -> dict:
    """Entry point of the module: validate everything, then resolve, then shape the result."""
    params = module.params
    client = api.connect(module)
    request_shape = client.meta.service_model.operation_model("RegisterTaskDefinition").input_shape
    if params.get("definitions"):
        declared = [
            prepare_item(_item_params(item), request_shape, f"definitions[{index}].")
            for index, item in enumerate(params["definitions"])
        ]
    else:
        declared = [prepare_item(_item_params(params), request_shape)]
    results = resolve(client, declared, module.check_mode)
    if not module._diff:
        for result in results:
            result.pop("diff")
    if params.get("definitions"):
        return {"changed": any(result["changed"] for result in results), "results": results}
    return results[0]


def _item_params(params: dict) -> dict:
    item = {key: params.get(key) for key in ITEM_KEYS}
    item["images"] = {name: image for name, image in (item["images"] or {}).items() if image is not None}
    return item
