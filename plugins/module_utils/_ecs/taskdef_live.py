# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_taskdef_live: which task definition should a service run? Orchestration layer.

Steps, each a function, on ``Definition`` records (one per declared task definition):
  1. ``prepare``        validate and type every declared definition (pure, raises before any call);
  2. ``read_baselines`` one batched DescribeServices per cluster, then DescribeTaskDefinition of what is live;
  3. ``resolve_one``    choose each container's image and compare (``taskdef_compare``, pure), then apply;
  4. ``apply_plan``     nothing, tag in place, reuse an identical newest revision, or register one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from . import api
from .exceptions import AnsibleECSError
from .parallel import in_parallel
from .plain import copy_document
from .tags import tag_changes, tags_to_dict, tags_to_list
from .taskdef_compare import desired_definition, next_arn, plan_item, same_revision_content
from .taskdef_validate import prepare_declared, validate_images
from .verification import verify
from .verify_plan import VerifyItem
from .waiting import Clock

REGISTER_ATTEMPTS = 4
# A throttled registration was not performed: as many tries as api.RETRY_THROTTLED gives the other writes.
THROTTLED_ATTEMPTS = 11


@dataclass
class Definition:
    """One declared task definition of the run, and everything learnt about it along the way."""

    cluster: str | None
    service: str | None
    # The definition as declared, typed as a RegisterTaskDefinition request.
    request: dict
    images: dict = field(default_factory=dict)
    force_bootstrap_image: bool = False
    # The DescribeServices item of the service (None: no such service), and the revision compared with.
    live_service: dict | None = None
    baseline: dict | None = None
    # How messages name the declared definition, and the read-only fields dropped from it (a described one).
    option: str = "task_definition"
    ignored_fields: list = field(default_factory=list)

    @property
    def family(self) -> str:
        return self.request["family"]


def prepare(options: dict, request_shape: Any, prefix: str = "") -> Definition:
    """Validate one declared item (cluster, service, task_definition, images, force_bootstrap_image).

    Raises:
        ECSValidationError: naming the field, with ``prefix`` (``definitions[2].``) before it.
    """
    option = f"{prefix}task_definition"
    request, ignored = prepare_declared(options["task_definition"], request_shape, option)
    images = {name: image for name, image in (options.get("images") or {}).items() if image is not None}
    validate_images(images, request, f"{prefix}images")
    return Definition(
        cluster=options.get("cluster"),
        service=options.get("service"),
        request=request,
        images=images,
        force_bootstrap_image=bool(options.get("force_bootstrap_image")),
        option=option,
        ignored_fields=ignored,
    )


def read_baselines(client: Any, definitions: list[Definition]) -> None:
    """Set the live service (or None) and the baseline task definition (or None) of every definition.

    The baseline is the revision the service runs; for a service that does not exist yet, the newest ACTIVE
    revision of the family. DescribeServices is batched: ten services a call, per cluster.
    """
    services_by_cluster: dict[str, dict[str, dict]] = {}
    for cluster in sorted({item.cluster for item in definitions if item.cluster and item.service}):
        names = sorted({item.service for item in definitions if item.cluster == cluster and item.service})
        found = api.describe_services(client, cluster, names)
        services_by_cluster[cluster] = {
            service["serviceName"]: service for service in found if service.get("status") != "INACTIVE"
        }

    references = []
    for item in definitions:
        item.live_service = services_by_cluster.get(item.cluster or "", {}).get(item.service or "")
        reference = item.live_service["taskDefinition"] if item.live_service else item.family
        if reference not in references:
            references.append(reference)
    # One read per distinct revision, several at a time: a hundred services cost the latency of about twelve reads.
    described = dict(zip(references, in_parallel(lambda ref: api.describe_task_definition(client, ref), references)))
    for item in definitions:
        item.baseline = described[item.live_service["taskDefinition"] if item.live_service else item.family]


def apply_plan(
    client: Any, item: Definition, desired: dict, plan: dict, *, check_mode: bool, sleep: Callable[[float], None]
) -> dict:
    """Carry out a plan and say what was done. In check mode, say what would be done and write nothing."""
    baseline = item.baseline
    outcome = {"registered": False, "tagged": False, "reused": False, "changed": False}
    if not plan["substantive"]:
        outcome["arn"] = baseline["taskDefinitionArn"]
        if plan["tag_changes"]:
            outcome.update(changed=True, tagged=True)
            if not check_mode:
                retag(client, baseline["taskDefinitionArn"], baseline.get("tags"), desired.get("tags"))
        return outcome

    family = desired["family"]
    newest = baseline  # without a live service, read_baselines already read the family's newest revision
    if item.live_service is not None:
        # The family's newest revision may already hold this content: a run that registered it and then
        # stopped before the service moved, or a concurrent deploy. Reusing it avoids a duplicate revision.
        newest = api.describe_task_definition(client, family)
        if newest and same_revision_content(newest, desired):
            # Nothing is written: the service's move to this revision is ecs_service_rollout's change, not this one.
            outcome.update(arn=newest["taskDefinitionArn"], reused=True)
            return outcome
    outcome["changed"] = True
    if check_mode:
        outcome.update(registered=True, arn=next_arn(newest, family))
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
            if code not in api.THROTTLING_CODES + api.SERVER_ERROR_CODES and status < 500:
                raise AnsibleECSError(message="Failed to register task definition", exception=error) from error
            last_error = error
            if code in api.THROTTLING_CODES:
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
        if newest and same_revision_content(newest, request):
            return newest
        if failures >= attempts:
            break
    raise AnsibleECSError(
        message=f"Failed to register task definition after {failures + throttles} attempts", exception=last_error
    )


def retag(client: Any, arn: str, live_tags: Any, wanted_tags: Any) -> None:
    to_set, to_remove = tag_changes(live_tags, wanted_tags)
    if to_set:
        api.tag_resource(client, arn, to_set)
    if to_remove:
        api.untag_resource(client, arn, to_remove)


def _register_request(desired: dict) -> dict:
    request = copy_document(desired)
    tags = tags_to_dict(request.pop("tags", None))
    if tags:
        request["tags"] = tags_to_list(tags)
    return request


def _backoff(attempt: int) -> float:
    return min(2.0**attempt, 10.0)


@dataclass
class Planned:
    """What one definition's run will do: the desired revision, the images chosen, and the comparison's plan."""

    desired: dict
    choices: list
    drift: list
    plan: dict

    @property
    def moves_the_service(self) -> bool:
        """A revision other than the live one (registered, or reused): new tasks will start from it."""
        return bool(self.plan["substantive"])


def plan_one(item: Definition) -> Planned:
    """Choose each container's image and compare with the baseline (pure, once the baseline is read)."""
    desired, choices, drift = desired_definition(
        item.request, item.images, item.baseline if item.live_service else None, item.force_bootstrap_image, item.option
    )
    return Planned(desired, choices, drift, plan_item(desired, item.baseline))


def resolve_one(
    client: Any, item: Definition, check_mode: bool, sleep: Callable[[float], None], planned: Planned | None = None
) -> dict:
    """Apply the plan of one definition whose baseline was read; its result, with a ``diff`` the caller may drop."""
    planned = planned or plan_one(item)
    baseline = item.baseline
    live_service = item.live_service
    plan = planned.plan
    outcome = apply_plan(client, item, planned.desired, plan, check_mode=check_mode, sleep=sleep)
    tag_diff = [{**change, "path": f"tags.{change['path']}"} for change in plan["tag_changes"]]
    return {
        "cluster": item.cluster,
        "service": item.service,
        "family": planned.desired["family"],
        "task_definition_arn": outcome["arn"],
        "live_task_definition_arn": live_service["taskDefinition"] if live_service else None,
        "baseline_task_definition_arn": baseline["taskDefinitionArn"] if baseline else None,
        "changed": outcome["changed"],
        "registered": outcome["registered"],
        "reused_revision": outcome["reused"],
        "tagged": outcome["tagged"],
        "images": planned.choices,
        "drift": planned.drift,
        "ignored_fields": item.ignored_fields,
        "changes": plan["changes"] + tag_diff,
        "diff": {"before": plan["before"] or {}, "after": plan["after"]},
    }


def verify_items(definitions: list[Definition], planned: list[Planned], region: str, labels: list[str]) -> list:
    """The definitions whose tasks this run will start: a new or reused revision, or a service to create."""
    items = []
    for item, plan, label in zip(definitions, planned, labels):
        creates_a_service = item.service is not None and item.live_service is None
        if not plan.moves_the_service and not creates_a_service:
            continue
        arn = (item.live_service or {}).get("serviceArn") or (item.baseline or {}).get("taskDefinitionArn") or ""
        account = arn.split(":")[4] if arn.count(":") >= 5 else None
        items.append(
            VerifyItem(
                label=label,
                definition=plan.desired,
                region=region,
                account=account or None,
                cluster=item.cluster if item.service else None,
                cluster_known=item.live_service is not None,
                load_balancers=(item.live_service or {}).get("loadBalancers") or [],
            )
        )
    return items


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    connect_to: Callable | None = None,
) -> dict:
    """ecs_taskdef_live: validate every definition, then read, plan and apply each, then shape the result.

    Returns:
        One definition's result, or ``{"changed", "results"}`` with ``definitions``.

    Raises:
        ECSValidationError: bad input, found before any call.
        AnsibleECSError: an AWS call failed.
    """
    clock = clock or Clock()
    request_shape = client.meta.service_model.operation_model("RegisterTaskDefinition").input_shape
    listed = params.get("definitions")
    if listed:
        definitions = [
            prepare(options, request_shape, f"definitions[{index}].") for index, options in enumerate(listed)
        ]
    else:
        definitions = [prepare(params, request_shape)]
    read_baselines(client, definitions)
    planned = [plan_one(item) for item in definitions]
    verified = None
    if params.get("verify"):
        labels = [_label(item, index, bool(listed)) for index, item in enumerate(definitions)]
        items = verify_items(definitions, planned, client.meta.region_name, labels)
        verified = verify(client, items, connect_to) if items else {"checked": 0, "calls": 0, "notes": []}
    results: list[dict] = []
    for index, (item, plan) in enumerate(zip(definitions, planned)):
        try:
            results.append(resolve_one(client, item, check_mode, clock.sleep, plan))
        except AnsibleECSError as error:
            if not listed:
                raise
            raise _with_earlier_results(error, index, results, diff) from error
    if not diff:
        for result in results:
            result.pop("diff")
    warnings = [drift_warning(result, kept) for result in results for kept in result["drift"]]
    if listed:
        answer = {"changed": any(result["changed"] for result in results), "results": results}
    else:
        answer = dict(results[0])
    if verified is not None:
        answer["verify"] = verified
    if warnings:
        answer["warnings"] = warnings
    return answer


def _label(item: Definition, index: int, listed: bool) -> str:
    where = f"{item.cluster}/{item.service}" if item.service else item.family
    return f"definitions[{index}] ({where})" if listed else where


def _with_earlier_results(error: AnsibleECSError, index: int, done: list[dict], diff: bool) -> AnsibleECSError:
    """The failure of ``definitions[index]``, carrying what the items before it did (registered, tagged)."""
    if not diff:
        for result in done:
            result.pop("diff", None)
    return AnsibleECSError(
        message=f"definitions[{index}]: {error.message}",
        exception=error.exception,
        changed=any(result["changed"] for result in done),
        results=done,
    )


def drift_warning(result: dict, kept: dict) -> str:
    """One line about a live image kept over the declared one: an outside deploy, shown without ``-v``."""
    where = f"{result['cluster']}/{result['service']}" if result.get("service") else result["family"]
    return (
        f"{where}: container {kept['container']} keeps the live image {kept['live']} (declared: {kept['declared']}); "
        "give images (deploy_image) to deploy another one, or force_bootstrap_image to go back to the declared one"
    )
