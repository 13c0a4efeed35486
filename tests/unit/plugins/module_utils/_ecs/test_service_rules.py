"""The cross-option rules of CreateService and UpdateService, and the wait options' ranges."""

from __future__ import annotations

import re

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_rules import (
    check_against_live,
    check_declared,
    check_grace_period,
    check_wait_options,
    grace_period_needs_a_check,
)

DC = "deployment_configuration"
DECLARED = [
    ({DC: {"minimum_healthy_percent": 101}}, f"{DC}.minimum_healthy_percent must be 0 to 100, got 101"),
    ({DC: {"minimum_healthy_percent": -1}}, f"{DC}.minimum_healthy_percent must be 0 to 100"),
    ({DC: {"maximum_percent": 90}}, f"{DC}.maximum_percent must be at least 100 for a REPLICA service, got 90"),
    (
        {DC: {"maximum_percent": 100, "minimum_healthy_percent": 100}, "scheduling_strategy": "DAEMON"},
        None,
    ),
    (
        {DC: {"maximum_percent": 50, "minimum_healthy_percent": 80}, "scheduling_strategy": "DAEMON"},
        f"{DC}.maximum_percent 50 is less than minimum_healthy_percent 80",
    ),
    ({DC: {"bake_time_in_minutes": 1441}}, f"{DC}.bake_time_in_minutes must be 0 to 1440, got 1441"),
    (
        {DC: {"linear_configuration": {"step_percent": 2.5}}},
        f"{DC}.linear_configuration.step_percent must be 3.0 to 100.0",
    ),
    (
        {DC: {"linear_configuration": {"step_percent": 10, "step_bake_time_in_minutes": -1}}},
        f"{DC}.linear_configuration.step_bake_time_in_minutes must be 0 to 1440",
    ),
    ({DC: {"canary_configuration": {"canary_percent": 0.05}}}, f"{DC}.canary_configuration.canary_percent must be 0.1"),
    (
        {DC: {"canary_configuration": {"canary_percent": 5, "canary_bake_time_in_minutes": 2000}}},
        f"{DC}.canary_configuration.canary_bake_time_in_minutes must be 0 to 1440",
    ),
    ({"scheduling_strategy": "DAEMON", "desired_count": 2}, "desired_count: a DAEMON service runs one task"),
    ({"scheduling_strategy": "DAEMON", "launch_type": "FARGATE"}, "scheduling_strategy DAEMON does not run on Fargate"),
    (
        {"scheduling_strategy": "DAEMON", "capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT"}]},
        "scheduling_strategy DAEMON does not run on Fargate",
    ),
    (
        {"scheduling_strategy": "DAEMON", "placement_strategy": [{"type": "spread"}]},
        "placement_strategy is not supported",
    ),
    (
        {"scheduling_strategy": "DAEMON", "deployment_controller": {"type": "CODE_DEPLOY"}},
        "deployment_controller.type CODE_DEPLOY does not support scheduling_strategy DAEMON",
    ),
    (
        {"scheduling_strategy": "DAEMON", DC: {"strategy": "BLUE_GREEN"}},
        f"{DC}.strategy BLUE_GREEN: a DAEMON service deploys ROLLING only",
    ),
    ({DC: {"maximum_percent": 200, "minimum_healthy_percent": 0}}, None),
    (
        {DC: {"early_success_criteria": {"enable": True, "healthy_percent": 50}}},
        f"{DC}.early_success_criteria.source_service_revision_cleanup is required when early success",
    ),
    (
        {
            DC: {
                "early_success_criteria": {
                    "enable": True,
                    "healthy_percent": 101,
                    "source_service_revision_cleanup": "DEFERRED",
                }
            }
        },
        f"{DC}.early_success_criteria.healthy_percent must be 0 to 100, got 101",
    ),
    (
        {
            DC: {
                "minimum_healthy_percent": 75,
                "early_success_criteria": {
                    "enable": True,
                    "healthy_percent": 50,
                    "source_service_revision_cleanup": "BLOCKING",
                },
            }
        },
        f"{DC}.early_success_criteria.healthy_percent 50 is less than minimum_healthy_percent 75",
    ),
    (
        {
            DC: {
                "strategy": "CANARY",
                "early_success_criteria": {
                    "enable": True,
                    "healthy_percent": 50,
                    "source_service_revision_cleanup": "BLOCKING",
                },
            }
        },
        f"{DC}.early_success_criteria belongs to a ROLLING deployment, and the strategy is CANARY",
    ),
    ({DC: {"early_success_criteria": {"enable": False}}}, None),
]


@pytest.mark.parametrize(("options", "message"), DECLARED)
def test_declared_rules(options, message):
    if message is None:
        check_declared(options, "services[0]: ")
        return
    with pytest.raises(ECSValidationError, match=re.escape(f"services[0]: {message}")):
        check_declared(options, "services[0]: ")


LIVE_LINEAR = {"deploymentConfiguration": {"strategy": "LINEAR"}, "loadBalancers": [{"targetGroupArn": "tg"}]}
AGAINST_LIVE = [
    ({DC: {"bake_time_in_minutes": 5}}, None, f"{DC}.bake_time_in_minutes belongs to a BLUE_GREEN, LINEAR or CANARY"),
    ({DC: {"bake_time_in_minutes": 5}}, LIVE_LINEAR, None),
    ({DC: {"strategy": "ROLLING", "bake_time_in_minutes": 5}}, LIVE_LINEAR, "and the strategy is ROLLING"),
    ({DC: {"lifecycle_hooks": []}}, {"deploymentConfiguration": {"strategy": "ROLLING"}}, "lifecycle_hooks belongs to"),
    ({DC: {"linear_configuration": {"step_percent": 10}}}, LIVE_LINEAR, None),
    (
        {DC: {"canary_configuration": {"canary_percent": 5}}},
        LIVE_LINEAR,
        "canary_configuration is only valid with strategy CANARY",
    ),
    ({DC: {"strategy": "CANARY", "canary_configuration": {"canary_percent": 5}}}, LIVE_LINEAR, None),
]


@pytest.mark.parametrize(("options", "live", "message"), AGAINST_LIVE)
def test_rules_that_read_the_live_service(options, live, message):
    if message is None:
        check_against_live(options, live)
        return
    with pytest.raises(ECSValidationError, match=re.escape(message)):
        check_against_live(options, live)


def test_a_grace_period_is_checked_only_without_load_balancer_or_vpc_lattice():
    grace = {"health_check_grace_period_seconds": 30}
    assert grace_period_needs_a_check(grace, None)
    assert not grace_period_needs_a_check({**grace, "load_balancers": [{"target_group_arn": "tg"}]}, None)
    assert not grace_period_needs_a_check(grace, {"loadBalancers": [{"targetGroupArn": "tg"}]})
    # Declared empty: the live load balancers are being removed.
    assert grace_period_needs_a_check({**grace, "load_balancers": []}, {"loadBalancers": [{"targetGroupArn": "tg"}]})
    assert not grace_period_needs_a_check({**grace, "vpc_lattice_configurations": [{"port_name": "http"}]}, None)
    assert not grace_period_needs_a_check({"health_check_grace_period_seconds": 0}, None)


def test_a_grace_period_without_any_health_check_is_refused():
    described = {"family": "web", "revision": 3, "containerDefinitions": [{"name": "app", "image": "nginx"}]}
    with pytest.raises(ECSValidationError, match=re.escape("health_check_grace_period_seconds is only used by")):
        check_grace_period({"health_check_grace_period_seconds": 30}, described)
    described["containerDefinitions"][0]["healthCheck"] = {"command": ["CMD", "true"], "interval": 30}
    check_grace_period({"health_check_grace_period_seconds": 30}, described)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"wait_timeout": 0}, "wait_timeout must be more than 0, got 0"),
        ({"wait_timeout": -5}, "wait_timeout must be more than 0, got -5"),
        ({"poll_interval": -1.0}, "poll_interval must be more than 0, got -1.0"),
    ],
)
def test_wait_options_must_be_positive(params, message):
    with pytest.raises(ECSValidationError, match=re.escape(message)):
        check_wait_options(params)
    check_wait_options({"wait_timeout": 600, "poll_interval": 0.2})
