# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: bring declared options and a described service to one comparable shape.

The comparable shape uses ECS's own field names (camelCase, as UpdateService takes them), so a setting that
differs can be sent as it is. Both sides go through ``canonical``: the defaults ECS fills in are applied,
lists whose order means nothing (subnets, security groups, load balancers, constraints...) are sorted, and the
task definition is reduced to ``family:revision`` so an ARN and its short form compare equal. ``tags`` is a
plain dict whose keys are user data and are never transformed.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from .args import ECS_SPELLINGS, SERVICE_ARG_SPEC, SERVICE_DEFAULTS, SPEC_DRIVEN_OPTIONS
from .exceptions import ECSValidationError
from .plain import copy_document
from .service_rules import check_declared
from .tags import tags_to_dict
from .vocabulary import ECS_NAME_PATTERN, short_task_definition

# Settings the module compares and can send. Anything else in DescribeServices is reported, never compared.
COMPARED_SETTINGS = (
    "taskDefinition",
    "desiredCount",
    "launchType",
    "capacityProviderStrategy",
    "platformVersion",
    "networkConfiguration",
    "loadBalancers",
    "serviceRegistries",
    "healthCheckGracePeriodSeconds",
    "deploymentConfiguration",
    "deploymentController",
    "placementConstraints",
    "placementStrategy",
    "enableExecuteCommand",
    "enableECSManagedTags",
    "availabilityZoneRebalancing",
    "schedulingStrategy",
    "propagateTags",
    "serviceConnectConfiguration",
    "volumeConfigurations",
    "vpcLatticeConfigurations",
    "monitoring",
    "gatewayConnectors",
    "tags",
)

# Settings ECS reports on the service's deployments (the primary one is the service's), not on the service.
DEPLOYMENT_SETTINGS = ("serviceConnectConfiguration", "volumeConfigurations", "vpcLatticeConfigurations")
# Settings ECS reports only on service revisions (DescribeServiceRevisions): read only when declared.
REVISION_SETTINGS = ("monitoring", "gatewayConnectors")

REVISION_OPTIONS = ("monitoring", "gateway_connectors")


# Lists inside those settings whose items ECS may complete (a discovery name, a DNS name): a declared item is laid
# over the live item at the same place, so only its declared leaves count.
ITEMWISE_LISTS = frozenset(
    (
        "services",
        "clientAliases",
        "containerConfigurations",
        "volumeConfigurations",
        "vpcLatticeConfigurations",
        "gatewayConnectors",
        "metricConfigurations",
        "tagSpecifications",
    )
)

DEFAULT_DESIRED_COUNT = 1

# What ECS reports for a setting nobody set. Declared values are overlaid on these, so declaring a default
# against a service that never set it is not a change.
ECS_DEFAULTS: dict[str, Any] = {
    "capacityProviderStrategy": [],
    "loadBalancers": [],
    "serviceRegistries": [],
    "healthCheckGracePeriodSeconds": 0,
    "deploymentConfiguration": {
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "alarms": {"alarmNames": [], "enable": False, "rollback": False},
        "strategy": "ROLLING",
        # DeploymentConfiguration.earlySuccessCriteria.enable: "The default value is false."
        "earlySuccessCriteria": {"enable": False},
    },
    "deploymentController": {"type": "ECS"},
    "placementConstraints": [],
    "placementStrategy": [],
    "enableExecuteCommand": False,
    "enableECSManagedTags": False,
    # UpdateService: "If the service never had an AvailabilityZoneRebalancing value set, ECS treats this as DISABLED."
    "availabilityZoneRebalancing": "DISABLED",
    "schedulingStrategy": "REPLICA",
    "propagateTags": "NONE",
    # A service that never used these reports none of them.
    "serviceConnectConfiguration": {"enabled": False},
    "volumeConfigurations": [],
    "vpcLatticeConfigurations": [],
    "monitoring": {"metricConfigurations": []},
    "gatewayConnectors": [],
    "tags": {},
}

# Declared options ------------------------------------------------------------------------------------------


def resolve_items(top_level: dict, items: list[dict] | None) -> list[dict]:
    """One dict of per-service options for each service the run manages.

    Args:
        top_level: the module's params. Without ``services`` they describe the one service.
        items: the ``services`` option. Each item's unset options take the top-level value.

    Returns:
        A list of option dicts with every per-service key present (None meaning "not declared").

    Raises:
        ECSValidationError: an item with an unknown option or a value of the wrong type, named by its index.
    """
    inherited = {name: top_level.get(name) for name in SERVICE_ARG_SPEC}
    if not items:
        return [inherited]
    validator = ArgumentSpecValidator(_item_spec())
    resolved = []
    for index, item in enumerate(items):
        result = validator.validate(copy.deepcopy(item))
        if result.error_messages:
            raise ECSValidationError(f"services[{index}]: {'; '.join(result.error_messages)}")
        own = result.validated_parameters
        merged = dict(inherited)
        for name in SERVICE_ARG_SPEC:
            if own.get(name) is not None:
                merged[name] = own[name]
        resolved.append(merged)
    return resolved


def _item_spec() -> dict:
    spec = copy.deepcopy(SERVICE_ARG_SPEC)
    for option in spec.values():
        option.pop("default", None)
    return spec


def validate_declared(options: dict, label: str = "") -> None:
    """Reject options AWS would refuse, before anything is read or written.

    Raises:
        ECSValidationError: naming the offending field.
    """
    prefix = f"{label}: " if label else ""
    for required in ("cluster", "service"):
        if not options.get(required):
            raise ECSValidationError(f"{prefix}{required} is required")
    name = str(options["service"])
    if not name.startswith("arn:") and not ECS_NAME_PATTERN.match(name):
        raise ECSValidationError(
            f"{prefix}service must be 1 to 255 letters, digits, hyphens or underscores, got {len(name)} characters: "
            f"{name[:60]!r}{'...' if len(name) > 60 else ''}"
        )
    state = options.get("state") or SERVICE_DEFAULTS["state"]
    if state == "present" and not options.get("task_definition"):
        raise ECSValidationError(f"{prefix}task_definition is required when state is present")
    desired_count = options.get("desired_count")
    if desired_count is not None and desired_count < 0:
        raise ECSValidationError(f"{prefix}desired_count must be 0 or more, got {desired_count}")
    if options.get("launch_type") and options.get("capacity_provider_strategy"):
        raise ECSValidationError(
            f"{prefix}launch_type and capacity_provider_strategy are mutually exclusive: ECS takes one or the other"
        )
    if (
        options.get("health_check_grace_period_seconds") is not None
        and options["health_check_grace_period_seconds"] < 0
    ):
        raise ECSValidationError(f"{prefix}health_check_grace_period_seconds must be 0 or more")
    for index, balancer in enumerate(options.get("load_balancers") or []):
        if bool(balancer.get("target_group_arn")) == bool(balancer.get("load_balancer_name")):
            raise ECSValidationError(
                f"{prefix}load_balancers[{index}]: give exactly one of target_group_arn and load_balancer_name"
            )
    check_declared(options, prefix)


def declared_settings(options: dict) -> dict:
    """The settings a user declared, in the comparable shape. Undeclared settings are absent.

    Nested dicts carry only their declared leaves, so ``overlay`` keeps what is live for the others.
    """
    declared: dict[str, Any] = {}
    if options.get("task_definition"):
        declared["taskDefinition"] = options["task_definition"]
    _put(declared, "desiredCount", options.get("desired_count"))
    _put(declared, "launchType", options.get("launch_type"))
    if options.get("capacity_provider_strategy") is not None:
        declared["capacityProviderStrategy"] = [
            _drop_none(
                {"capacityProvider": item["capacity_provider"], "weight": item.get("weight"), "base": item.get("base")}
            )
            for item in options["capacity_provider_strategy"]
        ]
    _put(declared, "platformVersion", options.get("platform_version"))
    network = options.get("network_configuration")
    if network is not None:
        awsvpc = _drop_none(
            {
                "subnets": network.get("subnets"),
                "securityGroups": network.get("security_groups"),
                "assignPublicIp": _public_ip(network.get("assign_public_ip")),
            }
        )
        declared["networkConfiguration"] = {"awsvpcConfiguration": awsvpc}
    if options.get("load_balancers") is not None:
        declared["loadBalancers"] = [
            _drop_none(
                {
                    "targetGroupArn": item.get("target_group_arn"),
                    "loadBalancerName": item.get("load_balancer_name"),
                    "containerName": item.get("container_name"),
                    "containerPort": item.get("container_port"),
                    "advancedConfiguration": _declared_advanced_configuration(item.get("advanced_configuration")),
                }
            )
            for item in options["load_balancers"]
        ]
    if options.get("service_registries") is not None:
        declared["serviceRegistries"] = [
            _drop_none(
                {
                    "registryArn": item.get("registry_arn"),
                    "port": item.get("port"),
                    "containerName": item.get("container_name"),
                    "containerPort": item.get("container_port"),
                }
            )
            for item in options["service_registries"]
        ]
    _put(declared, "healthCheckGracePeriodSeconds", options.get("health_check_grace_period_seconds"))
    deployment = _declared_deployment_configuration(options.get("deployment_configuration"))
    if deployment:
        declared["deploymentConfiguration"] = deployment
    controller = options.get("deployment_controller")
    if controller is not None:
        declared["deploymentController"] = {"type": controller["type"]}
    if options.get("placement_constraints") is not None:
        declared["placementConstraints"] = [
            _drop_none({"type": item["type"], "expression": item.get("expression")})
            for item in options["placement_constraints"]
        ]
    if options.get("placement_strategy") is not None:
        declared["placementStrategy"] = [
            _drop_none({"type": item["type"], "field": item.get("field")}) for item in options["placement_strategy"]
        ]
    _put(declared, "enableExecuteCommand", options.get("enable_execute_command"))
    _put(declared, "enableECSManagedTags", options.get("enable_ecs_managed_tags"))
    _put(declared, "availabilityZoneRebalancing", options.get("availability_zone_rebalancing"))
    _put(declared, "schedulingStrategy", options.get("scheduling_strategy"))
    _put(declared, "propagateTags", options.get("propagate_tags"))
    for option, field in SPEC_DRIVEN_OPTIONS.items():
        if options.get(option) is not None:
            declared[field] = to_ecs(options[option], SERVICE_ARG_SPEC[option])
    if options.get("tags") is not None:
        declared["tags"] = {str(key): str(value) for key, value in options["tags"].items()}
    return declared


def to_ecs(value: Any, spec: dict) -> Any:
    """A declared value in ECS's shape, led by its argument spec: names camelCased, unset leaves dropped.

    A dict option without sub-options (a log driver's ``options``) is data, and goes as written.
    """
    suboptions = spec.get("options")
    if value is None or not suboptions:
        return copy_document(value)
    if isinstance(value, list):
        return [to_ecs(item, {"options": suboptions}) for item in value]
    return {
        ecs_name(name): to_ecs(item, suboptions[name])
        for name, item in value.items()
        if item is not None and name in suboptions
    }


def from_ecs(value: Any, spec: dict, where: str | None = None) -> Any:
    """The reverse of ``to_ecs``: a value in ECS's shape, in option names.

    Args:
        where: the path of ``value`` in the user's file: a member the spec does not know is an error naming it
            there. None (a value ECS reported): such members are left out.
    """
    suboptions = spec.get("options")
    if value is None or not suboptions:
        return copy_document(value)
    if isinstance(value, list):
        return [
            from_ecs(item, {"options": suboptions}, None if where is None else f"{where}[{index}]")
            for index, item in enumerate(value)
        ]
    if not isinstance(value, dict):
        raise ECSValidationError(f"{where or 'value'} must be a mapping, got {type(value).__name__}")
    by_member = {ecs_name(name): name for name in suboptions}
    unknown = sorted(set(value) - set(by_member))
    if unknown and where is not None:
        raise ECSValidationError(f"{where}.{unknown[0]} is not a field ECS knows here (known: {', '.join(by_member)})")
    return {
        by_member[member]: from_ecs(item, suboptions[by_member[member]], None if where is None else f"{where}.{member}")
        for member, item in value.items()
        if member in by_member and item is not None
    }


def ecs_name(option: str) -> str:
    """``size_in_gib`` -> ``sizeInGiB``: the ECS member an option name stands for."""
    if option in ECS_SPELLINGS:
        return ECS_SPELLINGS[option]
    head, *rest = option.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _declared_deployment_configuration(config: dict | None) -> dict:
    if not config:
        return {}
    declared: dict[str, Any] = {}
    _put(declared, "maximumPercent", config.get("maximum_percent"))
    _put(declared, "minimumHealthyPercent", config.get("minimum_healthy_percent"))
    breaker = config.get("deployment_circuit_breaker")
    if breaker is not None:
        declared["deploymentCircuitBreaker"] = {"enable": breaker["enable"], "rollback": breaker["rollback"]}
    alarms = config.get("alarms")
    if alarms is not None:
        declared["alarms"] = {
            "alarmNames": list(alarms["alarm_names"]),
            "enable": alarms["enable"],
            "rollback": alarms["rollback"],
        }
    _put(declared, "strategy", config.get("strategy"))
    _put(declared, "bakeTimeInMinutes", config.get("bake_time_in_minutes"))
    early = config.get("early_success_criteria")
    if early is not None:
        declared["earlySuccessCriteria"] = _drop_none(
            {
                "enable": early["enable"],
                "healthyPercent": early.get("healthy_percent"),
                "sourceServiceRevisionCleanup": early.get("source_service_revision_cleanup"),
            }
        )
    if config.get("lifecycle_hooks") is not None:
        declared["lifecycleHooks"] = [_declared_hook(hook) for hook in config["lifecycle_hooks"]]
    linear = config.get("linear_configuration")
    if linear is not None:
        declared["linearConfiguration"] = _drop_none(
            {"stepPercent": linear["step_percent"], "stepBakeTimeInMinutes": linear.get("step_bake_time_in_minutes")}
        )
    canary = config.get("canary_configuration")
    if canary is not None:
        declared["canaryConfiguration"] = _drop_none(
            {
                "canaryPercent": canary["canary_percent"],
                "canaryBakeTimeInMinutes": canary.get("canary_bake_time_in_minutes"),
            }
        )
    return declared


def _declared_hook(hook: dict) -> dict:
    """One lifecycle hook in ECS's shape. ``hookDetails`` is user data and goes as written."""
    timeout = hook.get("timeout_configuration")
    return _drop_none(
        {
            "targetType": hook.get("target_type"),
            "hookTargetArn": hook.get("hook_target_arn"),
            "roleArn": hook.get("role_arn"),
            "lifecycleStages": list(hook["lifecycle_stages"]),
            "hookDetails": copy_document(hook.get("hook_details")),
            "timeoutConfiguration": _drop_none(
                {"timeoutInMinutes": timeout.get("timeout_in_minutes"), "action": timeout.get("action")}
            )
            if timeout is not None
            else None,
        }
    )


def _declared_advanced_configuration(advanced: dict | None) -> dict | None:
    if advanced is None:
        return None
    return _drop_none(
        {
            "alternateTargetGroupArn": advanced.get("alternate_target_group_arn"),
            "productionListenerRule": advanced.get("production_listener_rule"),
            "testListenerRule": advanced.get("test_listener_rule"),
            "roleArn": advanced.get("role_arn"),
        }
    )


def _public_ip(assign: bool | None) -> str | None:
    if assign is None:
        return None
    return "ENABLED" if assign else "DISABLED"


def _put(target: dict, name: str, value: Any) -> None:
    if value is not None:
        target[name] = value


def _drop_none(values: dict) -> dict:
    return {name: value for name, value in values.items() if value is not None}


# Described service -----------------------------------------------------------------------------------------


def live_settings(service: dict | None, revision: dict | None = None) -> dict:
    """The compared settings of a DescribeServices item, with ECS's defaults where it left a field out.

    ``None`` (no service yet) gives the settings a service created with nothing declared would have. The settings
    ECS reports on deployments come from the primary deployment; ``revision``, the DescribeServiceRevisions item of
    the service's current revision, gives those it reports only there (read only when one of them is declared).
    """
    service = service or {}
    primary = next((item for item in service.get("deployments") or [] if item.get("status") == "PRIMARY"), {})
    sources = dict.fromkeys(DEPLOYMENT_SETTINGS, primary)
    sources.update({name: revision or {} for name in REVISION_SETTINGS})
    live: dict[str, Any] = copy_document(ECS_DEFAULTS)
    for name in COMPARED_SETTINGS:
        if name == "tags":
            continue
        value = sources.get(name, service).get(name)
        if isinstance(value, dict) and isinstance(live.get(name), dict):
            live[name] = overlay(live[name], value)
        elif value is not None:
            live[name] = copy_document(value)
    live["tags"] = tags_to_dict(service.get("tags"))
    return canonical(live)


def current_revision(service: dict, revisions: list[dict]) -> dict | None:
    """Of DescribeServiceRevisions items, the newest of ``service`` that runs the service's task definition."""
    mine = {item.get("arn") for item in service.get("currentServiceRevisions") or []}
    running = short_task_definition(service.get("taskDefinition") or "")
    candidates = [
        revision
        for revision in revisions
        if revision.get("serviceRevisionArn") in mine
        and short_task_definition(revision.get("taskDefinition") or "") == running
    ]
    return max(candidates, key=lambda revision: str(revision.get("createdAt") or ""), default=None)


# Both sides ------------------------------------------------------------------------------------------------


def canonical(settings: dict) -> dict:
    """Normalise a comparable document in place of its unordered lists and equivalent forms; returns a copy."""
    result = copy_document(settings)
    if result.get("taskDefinition"):
        result["taskDefinition"] = short_task_definition(result["taskDefinition"])
    if "capacityProviderStrategy" in result:
        result["capacityProviderStrategy"] = sorted(
            (
                {
                    "capacityProvider": item["capacityProvider"],
                    "weight": item.get("weight", 0),
                    "base": item.get("base", 0),
                }
                for item in result["capacityProviderStrategy"]
            ),
            key=lambda item: item["capacityProvider"],
        )
    awsvpc = (result.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    if awsvpc is not None:
        for name in ("subnets", "securityGroups"):
            if name in awsvpc:
                awsvpc[name] = sorted(awsvpc[name])
    for name in ("loadBalancers", "serviceRegistries", "placementConstraints"):
        if name in result:
            result[name] = sorted(result[name], key=_sort_key)
    deployment = result.get("deploymentConfiguration")
    if deployment and "alarms" in deployment and "alarmNames" in deployment["alarms"]:
        deployment["alarms"]["alarmNames"] = sorted(deployment["alarms"]["alarmNames"])
    return result


def _sort_key(item: dict) -> str:
    # Nested values (a load balancer's advancedConfiguration) are keyed by their sorted JSON, not by dict order.
    return "/".join(f"{name}={json.dumps(item[name], sort_keys=True, default=str)}" for name in sorted(item))


def overlay(base: dict, declared: dict) -> dict:
    """``base`` with every declared leaf put over it. Declared lists replace the live list whole."""
    merged = copy_document(base)
    for name, value in declared.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict) and name != "tags":
            merged[name] = overlay(merged[name], value)
        elif name in ITEMWISE_LISTS and _same_length_lists_of_dicts(merged.get(name), value):
            merged[name] = [overlay(live_item, item) for live_item, item in zip(merged[name], value)]
        else:
            merged[name] = copy_document(value)
    return merged


def _same_length_lists_of_dicts(live: Any, declared: Any) -> bool:
    return (
        isinstance(live, list)
        and isinstance(declared, list)
        and len(live) == len(declared)
        and all(isinstance(item, dict) for item in [*live, *declared])
    )


def project(document: dict, declared: dict) -> dict:
    """The parts of ``document`` that ``declared`` names, for a diff that shows only what the user wrote."""
    projected: dict[str, Any] = {}
    for name, value in declared.items():
        if name not in document:
            projected[name] = None
        elif isinstance(value, dict) and isinstance(document[name], dict) and name != "tags":
            projected[name] = project(document[name], value)
        else:
            projected[name] = copy_document(document[name])
    return projected


# Results ---------------------------------------------------------------------------------------------------


def service_result(service: dict | None) -> dict | None:
    """A DescribeServices item as the module returns it: snake_case, tags as a dict, times as ISO strings, and without
    its event history.

    ECS keeps a service's last hundred events; a rollout of 300 services would return 30,000 of them, most older than
    the run. The events that appeared during the run are returned on their own (``events_result``).
    """
    if service is None:
        return None
    untagged = dict(service)
    untagged.pop("events", None)
    tags = tags_to_dict(_plain(untagged.pop("tags", None)))
    result = _snake_plain(untagged)
    result["tags"] = tags
    return result


def settings_result(settings: dict) -> dict:
    """A comparable document in the module's option names (for diff and plan output)."""
    plain = copy_document(settings)
    tags = plain.pop("tags", None)
    result = camel_dict_to_snake_dict(plain)
    if tags is not None:
        result["tags"] = tags
    return result


def events_result(events: list[dict]) -> list[dict]:
    return [_snake_plain(event) for event in events]


@functools.lru_cache(maxsize=1024)
def _snake_name(name: str) -> str:
    """A field name as ``camel_dict_to_snake_dict`` writes it. A service has a few dozen names; 300 services repeat
    them thousands of times, and the conversion (regular expressions) is the costly part of a result."""
    return next(iter(camel_dict_to_snake_dict({name: None})))


def _snake_plain(value: Any) -> Any:
    """``camel_dict_to_snake_dict(_plain(value))`` in one walk, each field name converted once per process."""
    if isinstance(value, dict):
        return {_snake_name(name): _snake_plain(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_snake_plain(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value
