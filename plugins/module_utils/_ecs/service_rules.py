# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the rules CreateService and UpdateService enforce across options, and the ranges of the wait options.

Each rule comes from the ECS API reference (DeploymentConfiguration, LinearConfiguration, CanaryConfiguration,
CreateService) and names the option with its path. ``check_declared`` needs only what the user gave;
``check_against_live`` also reads the service as it runs, because an option left out keeps its live value (the
strategy a linear configuration belongs to, the load balancers a grace period needs).
"""

from __future__ import annotations

from .exceptions import ECSValidationError
from .vocabulary import TRAFFIC_SHIFT_STRATEGIES

# LinearConfiguration.stepPercent: "multiples of 0.1 from 3.0 to 100.0"; CanaryConfiguration.canaryPercent:
# "from 0.1 to 100.0"; bake times of both, and the blue/green bake time: "0 to 1440 minutes (24 hours)".
STEP_PERCENT_RANGE = (3.0, 100.0)
CANARY_PERCENT_RANGE = (0.1, 100.0)
BAKE_MINUTES_RANGE = (0, 1440)
# What only a blue/green, linear or canary deployment uses, and the one strategy each other setting belongs to.
_TRAFFIC_SHIFT_ONLY = ("bake_time_in_minutes", "lifecycle_hooks")
_STRATEGY_OF_SETTING = {"linear_configuration": "LINEAR", "canary_configuration": "CANARY"}
# What checks a task's health besides its containers: option and DescribeServices field.
_HEALTH_CHECKED_BY = (("load_balancers", "loadBalancers"), ("vpc_lattice_configurations", "vpcLatticeConfigurations"))


def check_wait_options(params: dict, prefix: str = "") -> None:
    """``wait_timeout`` and ``poll_interval`` are positive: a wait needs time, and a poll needs a pause."""
    for name in ("wait_timeout", "poll_interval"):
        value = params.get(name)
        if value is not None and value <= 0:
            raise ECSValidationError(f"{prefix}{name} must be more than 0, got {value}")


def check_declared(options: dict, prefix: str = "") -> None:
    """Rules that the declared options break by themselves, whatever runs live."""
    config = options.get("deployment_configuration") or {}
    where = f"{prefix}deployment_configuration"
    minimum, maximum = config.get("minimum_healthy_percent"), config.get("maximum_percent")
    daemon = options.get("scheduling_strategy") == "DAEMON"
    if minimum is not None and not 0 <= minimum <= 100:
        raise ECSValidationError(f"{where}.minimum_healthy_percent must be 0 to 100, got {minimum}")
    if maximum is not None and not daemon and maximum < 100:
        raise ECSValidationError(
            f"{where}.maximum_percent must be at least 100 for a REPLICA service, got {maximum}: the new tasks "
            "must fit beside the ones they replace"
        )
    if minimum is not None and maximum is not None and maximum < minimum:
        raise ECSValidationError(
            f"{where}.maximum_percent {maximum} is less than minimum_healthy_percent {minimum}; it must be at least "
            "as much"
        )
    _check_range(config.get("bake_time_in_minutes"), BAKE_MINUTES_RANGE, f"{where}.bake_time_in_minutes")
    linear = config.get("linear_configuration") or {}
    _check_range(linear.get("step_percent"), STEP_PERCENT_RANGE, f"{where}.linear_configuration.step_percent")
    _check_range(
        linear.get("step_bake_time_in_minutes"),
        BAKE_MINUTES_RANGE,
        f"{where}.linear_configuration.step_bake_time_in_minutes",
    )
    canary = config.get("canary_configuration") or {}
    _check_range(canary.get("canary_percent"), CANARY_PERCENT_RANGE, f"{where}.canary_configuration.canary_percent")
    _check_range(
        canary.get("canary_bake_time_in_minutes"),
        BAKE_MINUTES_RANGE,
        f"{where}.canary_configuration.canary_bake_time_in_minutes",
    )
    _check_early_success(config, f"{where}.early_success_criteria")
    if daemon:
        _check_daemon(options, prefix)


def check_against_live(options: dict, live: dict | None, prefix: str = "") -> None:
    """Rules that depend on what runs: a setting left out keeps its live value.

    Args:
        options: the declared options of one service (snake_case).
        live: its DescribeServices item, or None for a service to create.
    """
    live = live or {}
    config = options.get("deployment_configuration") or {}
    live_config = live.get("deploymentConfiguration") or {}
    strategy = config.get("strategy") or live_config.get("strategy") or "ROLLING"
    where = f"{prefix}deployment_configuration"
    for setting in _TRAFFIC_SHIFT_ONLY:
        if config.get(setting) is not None and strategy not in TRAFFIC_SHIFT_STRATEGIES:
            raise ECSValidationError(
                f"{where}.{setting} belongs to a BLUE_GREEN, LINEAR or CANARY deployment, and the strategy is "
                f"{strategy}; set deployment_configuration.strategy, or leave {setting} out"
            )
    for setting, owner in _STRATEGY_OF_SETTING.items():
        if config.get(setting) is not None and strategy != owner:
            raise ECSValidationError(
                f"{where}.{setting} is only valid with strategy {owner}, and the strategy is {strategy}"
            )


def grace_period_needs_a_check(options: dict, live: dict | None) -> bool:
    """Whether a declared grace period has neither a load balancer nor a VPC Lattice target to apply to.

    Then only a container health check of the task definition can use it (CreateService: the grace period covers
    "Elastic Load Balancing, VPC Lattice, and container health checks"); the caller reads the task definition.
    """
    if not options.get("health_check_grace_period_seconds"):
        return False
    live = live or {}
    for option, field in (
        ("load_balancers", "loadBalancers"),
        ("vpc_lattice_configurations", "vpcLatticeConfigurations"),
    ):
        declared = options.get(option)
        if declared or (declared is None and _live_setting(live, field)):
            return False
    return True


def _live_setting(live: dict, field: str) -> object:
    # ECS reports VPC Lattice (like Service Connect and volumes) on the service's primary deployment.
    primary = next((item for item in live.get("deployments") or [] if item.get("status") == "PRIMARY"), {})
    return live.get(field) or primary.get(field)


def names_the_task_definition(options: dict) -> bool:
    """Whether the declared settings name ports or volumes of the task definition, which must then have them."""
    connect = options.get("service_connect_configuration") or {}
    return bool(
        connect.get("services")
        or options.get("vpc_lattice_configurations")
        or options.get("gateway_connectors")
        or options.get("volume_configurations")
    )


def check_task_definition_names(options: dict, definition: dict, prefix: str = "") -> None:
    """Refuse port names and volumes the task definition does not have, as ECS would.

    Service Connect services, VPC Lattice configurations and gateway connectors name a port mapping (its ``name``);
    a service's volume configuration names a task-definition volume with ``configuredAtLaunch`` true.
    """
    reference = f"{definition.get('family')}:{definition.get('revision')}"
    ports = {
        mapping.get("name")
        for container in definition.get("containerDefinitions") or []
        for mapping in container.get("portMappings") or []
        if mapping.get("name")
    }
    connect = options.get("service_connect_configuration") or {}
    uses = [(f"service_connect_configuration.services[{i}]", s) for i, s in enumerate(connect.get("services") or [])]
    uses += [
        (f"vpc_lattice_configurations[{i}]", s) for i, s in enumerate(options.get("vpc_lattice_configurations") or [])
    ]
    uses += [(f"gateway_connectors[{i}]", s) for i, s in enumerate(options.get("gateway_connectors") or [])]
    for path, item in uses:
        if item.get("port_name") not in ports:
            raise ECSValidationError(
                f"{prefix}{path}.port_name: {item.get('port_name')!r} is not the name of a port mapping in "
                f"{reference} (named ports: {', '.join(sorted(ports)) or 'none'}); give the port mapping a name"
            )
    at_launch = {volume.get("name") for volume in definition.get("volumes") or [] if volume.get("configuredAtLaunch")}
    for index, volume in enumerate(options.get("volume_configurations") or []):
        if volume.get("name") not in at_launch:
            raise ECSValidationError(
                f"{prefix}volume_configurations[{index}].name: {volume.get('name')!r} is not a volume of {reference} "
                f"with configuredAtLaunch true (volumes configured at launch: {', '.join(sorted(at_launch)) or 'none'})"
            )


def check_grace_period(options: dict, definition: dict, prefix: str = "") -> None:
    """Refuse a grace period that no health check would use: no load balancer, no VPC Lattice, no container check.

    Args:
        definition: the task definition the service will run (DescribeTaskDefinition's ``taskDefinition``).
    """
    if any(container.get("healthCheck") for container in definition.get("containerDefinitions") or []):
        return
    raise ECSValidationError(
        f"{prefix}health_check_grace_period_seconds is only used by a load balancer, VPC Lattice or a container "
        f"health check, and {definition.get('family')}:{definition.get('revision')} has none of them; add "
        "load_balancers, or a healthCheck to a container (its startPeriod also delays the first check)"
    )


def _check_early_success(config: dict, where: str) -> None:
    """EarlySuccessCriteria: with enable true, "you must also specify healthyPercent and
    sourceServiceRevisionCleanup"; healthyPercent is 0 to 100 and at least minimumHealthyPercent; rolling only."""
    early = config.get("early_success_criteria")
    if not early or not early.get("enable"):
        return
    for field in ("healthy_percent", "source_service_revision_cleanup"):
        if early.get(field) is None:
            raise ECSValidationError(f"{where}.{field} is required when early success criteria are enabled")
    percent = early["healthy_percent"]
    if not 0 <= percent <= 100:
        raise ECSValidationError(f"{where}.healthy_percent must be 0 to 100, got {percent}")
    minimum = config.get("minimum_healthy_percent")
    if minimum is not None and percent < minimum:
        raise ECSValidationError(
            f"{where}.healthy_percent {percent} is less than minimum_healthy_percent {minimum}: it must be at "
            "least as much"
        )
    if config.get("strategy") not in (None, "ROLLING"):
        raise ECSValidationError(f"{where} belongs to a ROLLING deployment, and the strategy is {config['strategy']}")


def _check_daemon(options: dict, prefix: str) -> None:
    """CreateService: a DAEMON service runs one task per instance; it has no count, no Fargate, no strategy."""
    if options.get("desired_count") is not None:
        raise ECSValidationError(
            f"{prefix}desired_count: a DAEMON service runs one task on each container instance; leave it out"
        )
    if options.get("launch_type") == "FARGATE" or any(
        "FARGATE" in str(item.get("capacity_provider", "")) for item in options.get("capacity_provider_strategy") or []
    ):
        raise ECSValidationError(f"{prefix}scheduling_strategy DAEMON does not run on Fargate; use EC2 instances")
    if options.get("placement_strategy"):
        raise ECSValidationError(f"{prefix}placement_strategy is not supported with scheduling_strategy DAEMON")
    controller = (options.get("deployment_controller") or {}).get("type")
    if controller not in (None, "ECS"):
        raise ECSValidationError(
            f"{prefix}deployment_controller.type {controller} does not support scheduling_strategy DAEMON"
        )
    strategy = (options.get("deployment_configuration") or {}).get("strategy")
    if strategy not in (None, "ROLLING"):
        raise ECSValidationError(
            f"{prefix}deployment_configuration.strategy {strategy}: a DAEMON service deploys ROLLING only"
        )


def _check_range(value: float | None, bounds: tuple, path: str) -> None:
    if value is not None and not bounds[0] <= value <= bounds[1]:
        raise ECSValidationError(f"{path} must be {bounds[0]} to {bounds[1]}, got {value}")
