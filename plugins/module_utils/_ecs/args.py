# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument spec fragments shared by driftless.ecs modules. Modules compose deep copies of them."""

from __future__ import annotations

import copy

WAIT_ARG_SPEC = {
    "wait": {"type": "bool", "default": True},
    "wait_timeout": {"type": "int", "default": 600},
    "poll_interval": {"type": "float", "default": 5.0},
}

_CIRCUIT_BREAKER_OPTIONS = {
    "enable": {"type": "bool", "required": True},
    "rollback": {"type": "bool", "required": True},
}

_ALARM_OPTIONS = {
    "alarm_names": {"type": "list", "elements": "str", "required": True},
    "enable": {"type": "bool", "required": True},
    "rollback": {"type": "bool", "required": True},
}

DEPLOYMENT_STRATEGIES = ("ROLLING", "BLUE_GREEN", "LINEAR", "CANARY")

_ADVANCED_LB_OPTIONS = {
    "alternate_target_group_arn": {"type": "str", "required": True},
    "production_listener_rule": {"type": "str", "required": True},
    "test_listener_rule": {"type": "str"},
    "role_arn": {"type": "str", "required": True},
}

_LIFECYCLE_HOOK_OPTIONS = {
    "target_type": {"type": "str", "choices": ["AWS_LAMBDA", "PAUSE"]},
    "hook_target_arn": {"type": "str"},
    "role_arn": {"type": "str"},
    "lifecycle_stages": {"type": "list", "elements": "str", "required": True},
    "hook_details": {"type": "raw"},
    "timeout_configuration": {
        "type": "dict",
        "options": {
            "timeout_in_minutes": {"type": "int"},
            "action": {"type": "str", "choices": ["CONTINUE", "ROLLBACK"]},
        },
    },
}

_LINEAR_OPTIONS = {
    "step_percent": {"type": "float", "required": True},
    "step_bake_time_in_minutes": {"type": "int"},
}

_CANARY_OPTIONS = {
    "canary_percent": {"type": "float", "required": True},
    "canary_bake_time_in_minutes": {"type": "int"},
}

# One service's options, without defaults: in ``services`` items an unset value means "take the top-level one",
# and at the top level an unset setting means "leave it as it is live".
SERVICE_ARG_SPEC = {
    "cluster": {"type": "str"},
    "service": {"type": "str", "aliases": ["name"]},
    "state": {"type": "str", "choices": ["present", "absent"]},
    "task_definition": {"type": "str"},
    "desired_count": {"type": "int"},
    "launch_type": {"type": "str", "choices": ["EC2", "FARGATE", "EXTERNAL"]},
    "capacity_provider_strategy": {
        "type": "list",
        "elements": "dict",
        "options": {
            "capacity_provider": {"type": "str", "required": True},
            "weight": {"type": "int"},
            "base": {"type": "int"},
        },
    },
    "platform_version": {"type": "str"},
    "network_configuration": {
        "type": "dict",
        "options": {
            "subnets": {"type": "list", "elements": "str"},
            "security_groups": {"type": "list", "elements": "str"},
            "assign_public_ip": {"type": "bool"},
        },
    },
    "load_balancers": {
        "type": "list",
        "elements": "dict",
        "options": {
            "target_group_arn": {"type": "str"},
            "load_balancer_name": {"type": "str"},
            "container_name": {"type": "str", "required": True},
            "container_port": {"type": "int", "required": True},
            "advanced_configuration": {"type": "dict", "options": _ADVANCED_LB_OPTIONS},
        },
    },
    "service_registries": {
        "type": "list",
        "elements": "dict",
        "options": {
            "registry_arn": {"type": "str", "required": True},
            "port": {"type": "int"},
            "container_name": {"type": "str"},
            "container_port": {"type": "int"},
        },
    },
    "health_check_grace_period_seconds": {"type": "int"},
    "deployment_configuration": {
        "type": "dict",
        "options": {
            "maximum_percent": {"type": "int"},
            "minimum_healthy_percent": {"type": "int"},
            "deployment_circuit_breaker": {"type": "dict", "options": _CIRCUIT_BREAKER_OPTIONS},
            "alarms": {"type": "dict", "options": _ALARM_OPTIONS},
            "strategy": {"type": "str", "choices": list(DEPLOYMENT_STRATEGIES)},
            "bake_time_in_minutes": {"type": "int"},
            "lifecycle_hooks": {"type": "list", "elements": "dict", "options": _LIFECYCLE_HOOK_OPTIONS},
            "linear_configuration": {"type": "dict", "options": _LINEAR_OPTIONS},
            "canary_configuration": {"type": "dict", "options": _CANARY_OPTIONS},
        },
    },
    "deployment_controller": {
        "type": "dict",
        "options": {"type": {"type": "str", "required": True, "choices": ["ECS", "CODE_DEPLOY", "EXTERNAL"]}},
    },
    "placement_constraints": {
        "type": "list",
        "elements": "dict",
        "options": {
            "type": {"type": "str", "required": True, "choices": ["distinctInstance", "memberOf"]},
            "expression": {"type": "str"},
        },
    },
    "placement_strategy": {
        "type": "list",
        "elements": "dict",
        "options": {
            "type": {"type": "str", "required": True, "choices": ["random", "spread", "binpack"]},
            "field": {"type": "str"},
        },
    },
    "enable_execute_command": {"type": "bool"},
    "propagate_tags": {"type": "str", "choices": ["TASK_DEFINITION", "SERVICE", "NONE"]},
    "tags": {"type": "dict"},
    "force_new_deployment": {"type": "bool"},
}

# Defaults of the top-level options only; ``services`` items inherit from the top level instead.
SERVICE_DEFAULTS = {"state": "present", "force_new_deployment": False}

ROLLOUT_ARG_SPEC = {
    "rollback": {"type": "bool", "default": True},
    "services": {"type": "list", "elements": "dict"},
    "wait_until": {"type": "str", "default": "completed"},
}

# ecs_service_deployment: acts on the current service deployment of one service.
SERVICE_DEPLOYMENT_ARG_SPEC = {
    "cluster": {"type": "str", "required": True},
    "service": {"type": "str", "required": True, "aliases": ["name"]},
    "action": {"type": "str", "default": "status", "choices": ["status", "continue", "rollback"]},
    "hook_id": {"type": "str"},
    "wait_until": {"type": "str", "default": "completed"},
}


def service_rollout_argument_spec() -> dict:
    """The complete argument spec of ecs_service_rollout (without the AWS connection options)."""
    spec = copy.deepcopy(SERVICE_ARG_SPEC)
    for name, default in SERVICE_DEFAULTS.items():
        spec[name]["default"] = default
    spec.update(copy.deepcopy(ROLLOUT_ARG_SPEC))
    spec.update(copy.deepcopy(WAIT_ARG_SPEC))
    return spec


def service_deployment_argument_spec() -> dict:
    """The complete argument spec of ecs_service_deployment (without the AWS connection options)."""
    spec = copy.deepcopy(SERVICE_DEPLOYMENT_ARG_SPEC)
    spec.update(copy.deepcopy(WAIT_ARG_SPEC))
    spec["wait"]["default"] = False
    return spec
