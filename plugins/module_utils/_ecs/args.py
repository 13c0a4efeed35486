# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every argument spec of the driftless.ecs modules, built from shared fragments. Foundation layer.

Each module's ``main()`` takes its whole AnsibleAWSModule arguments from one function here (``ecs_taskdef_live()``
...), so the options of a module, and the fragments two modules share (the wait options, one service's options),
are read in one place. The functions return deep copies: a module may not change a fragment another one uses.
"""

from __future__ import annotations

import copy

from .vocabulary import DEPLOYMENT_STRATEGIES, WAIT_UNTIL_COMPLETED

# How a module waits for what it started: ecs_service_rollout and ecs_service_deployment.
WAIT_ARG_SPEC = {
    "wait": {"type": "bool", "default": True},
    "wait_until": {"type": "str", "default": WAIT_UNTIL_COMPLETED},
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

_EARLY_SUCCESS_OPTIONS = {
    "enable": {"type": "bool", "required": True},
    "healthy_percent": {"type": "int"},
    "source_service_revision_cleanup": {"type": "str", "choices": ["BLOCKING", "DEFERRED"]},
}

_CANARY_OPTIONS = {
    "canary_percent": {"type": "float", "required": True},
    "canary_bake_time_in_minutes": {"type": "int"},
}

_LOG_CONFIGURATION_OPTIONS = {
    "log_driver": {
        "type": "str",
        "required": True,
        "choices": ["json-file", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "awsfirelens"],
    },
    # The driver's own options (awslogs-group...) are data: their keys go to ECS as written.
    "options": {"type": "dict"},
    # References to secrets (valueFrom ARNs), never their values.
    "secret_options": {
        "type": "list",
        "elements": "dict",
        "no_log": False,
        "options": {"name": {"type": "str", "required": True}, "value_from": {"type": "str", "required": True}},
    },
}

_SERVICE_CONNECT_SERVICE_OPTIONS = {
    "port_name": {"type": "str", "required": True},
    "discovery_name": {"type": "str"},
    "client_aliases": {
        "type": "list",
        "elements": "dict",
        "options": {
            "port": {"type": "int", "required": True},
            "dns_name": {"type": "str"},
            "test_traffic_rules": {
                "type": "dict",
                "options": {
                    "header": {
                        "type": "dict",
                        "required": True,
                        "options": {
                            "name": {"type": "str", "required": True},
                            "value": {"type": "dict", "options": {"exact": {"type": "str", "required": True}}},
                        },
                    }
                },
            },
        },
    },
    "ingress_port_override": {"type": "int"},
    "timeout": {
        "type": "dict",
        "options": {"idle_timeout_seconds": {"type": "int"}, "per_request_timeout_seconds": {"type": "int"}},
    },
    "tls": {
        "type": "dict",
        "options": {
            "issuer_certificate_authority": {
                "type": "dict",
                "required": True,
                "options": {"aws_pca_authority_arn": {"type": "str"}},
            },
            "kms_key": {"type": "str", "no_log": False},
            "role_arn": {"type": "str"},
        },
    },
}

_SERVICE_CONNECT_OPTIONS = {
    "enabled": {"type": "bool", "required": True},
    "namespace": {"type": "str"},
    "services": {"type": "list", "elements": "dict", "options": _SERVICE_CONNECT_SERVICE_OPTIONS},
    "log_configuration": {"type": "dict", "options": _LOG_CONFIGURATION_OPTIONS},
    "access_log_configuration": {
        "type": "dict",
        "options": {
            "format": {"type": "str", "required": True, "choices": ["TEXT", "JSON"]},
            "include_query_parameters": {"type": "str", "choices": ["DISABLED", "ENABLED"]},
        },
    },
    "container_configurations": {
        "type": "list",
        "elements": "dict",
        "options": {"log_level": {"type": "str", "choices": ["debug", "info"]}},
    },
}

_MANAGED_EBS_VOLUME_OPTIONS = {
    "encrypted": {"type": "bool"},
    "kms_key_id": {"type": "str", "no_log": False},
    "volume_type": {"type": "str"},
    "size_in_gib": {"type": "int"},
    "snapshot_id": {"type": "str"},
    "volume_initialization_rate": {"type": "int"},
    "iops": {"type": "int"},
    "throughput": {"type": "int"},
    "tag_specifications": {
        "type": "list",
        "elements": "dict",
        "options": {
            "resource_type": {"type": "str", "required": True, "choices": ["volume"]},
            "tags": {
                "type": "list",
                "elements": "dict",
                "options": {"key": {"type": "str", "no_log": False}, "value": {"type": "str"}},
            },
            "propagate_tags": {"type": "str", "choices": ["TASK_DEFINITION", "SERVICE", "NONE"]},
        },
    },
    "role_arn": {"type": "str", "required": True},
    "filesystem_type": {"type": "str", "choices": ["ext3", "ext4", "xfs", "ntfs"]},
}

_VOLUME_CONFIGURATION_OPTIONS = {
    "name": {"type": "str", "required": True},
    "managed_ebs_volume": {"type": "dict", "options": _MANAGED_EBS_VOLUME_OPTIONS},
}

_VPC_LATTICE_OPTIONS = {
    "role_arn": {"type": "str", "required": True},
    "target_group_arn": {"type": "str", "required": True},
    "port_name": {"type": "str", "required": True},
    "advanced_configuration": {
        "type": "dict",
        "options": {
            "alternate_target_group_arn": {"type": "str"},
            "production_listener_rule": {"type": "str"},
            "test_listener_rule": {"type": "str"},
        },
    },
}

_MONITORING_OPTIONS = {
    "metric_configurations": {
        "type": "list",
        "elements": "dict",
        "options": {
            "metric_names": {"type": "list", "elements": "str", "required": True},
            # MetricConfiguration.resolutionSeconds: "The valid values are 20 and 60."
            "resolution_seconds": {"type": "int", "required": True, "choices": [20, 60]},
        },
    },
}

_GATEWAY_CONNECTOR_OPTIONS = {
    "port_name": {"type": "str", "required": True},
    "health_check": {
        "type": "dict",
        "options": {
            "health_check_protocol": {"type": "str", "choices": ["HTTP", "HTTPS"]},
            "health_check_port": {"type": "int"},
            "health_check_path": {"type": "str"},
            "health_check_timeout_seconds": {"type": "int"},
            "health_check_interval_seconds": {"type": "int"},
            "healthy_threshold_count": {"type": "int"},
            "unhealthy_threshold_count": {"type": "int"},
            "matcher": {"type": "dict", "options": {"http_code": {"type": "str"}, "grpc_code": {"type": "str"}}},
        },
    },
    "filters": {"type": "dict", "options": {"access_types": {"type": "list", "elements": "str"}}},
    "deregistration_delay": {"type": "dict", "options": {"timeout_seconds": {"type": "int"}}},
}

# The service options whose ECS shape follows their argument spec, and the member each one is in ECS.
SPEC_DRIVEN_OPTIONS = {
    "service_connect_configuration": "serviceConnectConfiguration",
    "volume_configurations": "volumeConfigurations",
    "vpc_lattice_configurations": "vpcLatticeConfigurations",
    "monitoring": "monitoring",
    "gateway_connectors": "gatewayConnectors",
}

# Option names whose ECS spelling is not the plain camelCase of the snake_case one.
ECS_SPELLINGS = {"size_in_gib": "sizeInGiB", "managed_ebs_volume": "managedEBSVolume"}

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
            "early_success_criteria": {"type": "dict", "options": _EARLY_SUCCESS_OPTIONS},
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
    "enable_ecs_managed_tags": {"type": "bool"},
    "availability_zone_rebalancing": {"type": "str", "choices": ["ENABLED", "DISABLED"]},
    "scheduling_strategy": {"type": "str", "choices": ["REPLICA", "DAEMON"]},
    "role": {"type": "str"},
    "propagate_tags": {"type": "str", "choices": ["TASK_DEFINITION", "SERVICE", "NONE"]},
    "service_connect_configuration": {"type": "dict", "options": _SERVICE_CONNECT_OPTIONS},
    "volume_configurations": {"type": "list", "elements": "dict", "options": _VOLUME_CONFIGURATION_OPTIONS},
    "vpc_lattice_configurations": {"type": "list", "elements": "dict", "options": _VPC_LATTICE_OPTIONS},
    "monitoring": {"type": "dict", "options": _MONITORING_OPTIONS},
    "gateway_connectors": {"type": "list", "elements": "dict", "options": _GATEWAY_CONNECTOR_OPTIONS},
    "tags": {"type": "dict"},
    "force_new_deployment": {"type": "bool"},
}

# Defaults of the top-level options only; ``services`` items inherit from the top level instead.
SERVICE_DEFAULTS = {"state": "present", "force_new_deployment": False}

ROLLOUT_ARG_SPEC = {
    "rollback": {"type": "bool", "default": True},
    "services": {"type": "list", "elements": "dict"},
    "release": {"type": "str", "default": "independent", "choices": ["independent", "all_or_nothing"]},
    # A failed rollout reports the last lines of one failed container.
    "log_lines": {"type": "int", "default": 50},
}

# ecs_service_deployment: acts on the current service deployment of one service.
SERVICE_DEPLOYMENT_ARG_SPEC = {
    "cluster": {"type": "str", "required": True},
    "service": {"type": "str", "required": True, "aliases": ["name"]},
    "action": {"type": "str", "default": "status", "choices": ["status", "continue", "rollback"]},
    "hook_id": {"type": "str"},
}


# ecs_taskdef_live: one declared task definition, or several in ``definitions``.
TASKDEF_ITEM_ARG_SPEC = {
    "cluster": {"type": "str"},
    "service": {"type": "str"},
    "task_definition": {"type": "dict", "required": True},
    "images": {"type": "dict"},
    "force_bootstrap_image": {"type": "bool", "default": False},
}

TASKDEF_PRUNE_ARG_SPEC = {
    "family": {"type": "str", "required": True},
    "keep": {"type": "int", "default": 10},
    "clusters": {"type": "list", "elements": "str"},
}

_CONTAINER_OVERRIDE_OPTIONS = {
    "name": {"type": "str", "required": True},
    # raw, not a list of str: Ansible would split a string on commas; a command that is not a list is refused.
    "command": {"type": "raw"},
    "environment": {
        "type": "list",
        "elements": "dict",
        "options": {
            "name": {"type": "str", "required": True},
            "value": {"type": "str", "default": ""},
            # Shown in results and check mode only when marked safe; masked everywhere otherwise.
            "safe": {"type": "bool", "default": False},
        },
    },
    "cpu": {"type": "int"},
    "memory": {"type": "int"},
}

# ecs_task_run: one run at the top level, or several in ``runs``.
TASK_RUN_ITEM_ARG_SPEC = {
    "name": {"type": "str"},
    "cluster": {"type": "str"},
    "service": {"type": "str"},
    "task_definition": {"type": "str"},
    "container_overrides": {"type": "list", "elements": "dict", "options": _CONTAINER_OVERRIDE_OPTIONS},
    "count": {"type": "int", "default": 1},
    "started_by": {"type": "str"},
    "tags": {"type": "dict"},
    "propagate_tags": {"type": "str", "choices": ["TASK_DEFINITION", "SERVICE", "NONE"]},
    "launch_type": {"type": "str", "choices": ["EC2", "FARGATE", "EXTERNAL"]},
    "capacity_provider_strategy": copy.deepcopy(SERVICE_ARG_SPEC["capacity_provider_strategy"]),
    "platform_version": {"type": "str"},
    "network_configuration": copy.deepcopy(SERVICE_ARG_SPEC["network_configuration"]),
    "group": {"type": "str"},
}

ADOPT_INFO_ARG_SPEC = {
    "cluster": {"type": "str", "required": True},
    "services": {"type": "list", "elements": "str"},
}

LIVE_INFO_ARG_SPEC = {
    "cluster": {"type": "str", "required": True},
    "service": {"type": "str"},
    "services": {"type": "list", "elements": "str"},
}


def service_rollout_argument_spec() -> dict:
    """The complete argument spec of ecs_service_rollout (without the AWS connection options)."""
    spec = copy.deepcopy(SERVICE_ARG_SPEC)
    for name, default in SERVICE_DEFAULTS.items():
        spec[name]["default"] = default
    spec.update(copy.deepcopy(ROLLOUT_ARG_SPEC))
    spec.update(copy.deepcopy(WAIT_ARG_SPEC))
    return spec


def ecs_service_rollout() -> dict:
    """AnsibleAWSModule arguments of ecs_service_rollout."""
    return {
        "argument_spec": service_rollout_argument_spec(),
        "mutually_exclusive": [("service", "services")],
        "required_one_of": [("service", "services")],
    }


def ecs_service_deployment() -> dict:
    """AnsibleAWSModule arguments of ecs_service_deployment: it only waits when asked to."""
    spec = copy.deepcopy(SERVICE_DEPLOYMENT_ARG_SPEC)
    spec.update(copy.deepcopy(WAIT_ARG_SPEC))
    spec["wait"]["default"] = False
    return {"argument_spec": spec}


def ecs_taskdef_live() -> dict:
    """AnsibleAWSModule arguments of ecs_taskdef_live: the item's options at the top, or items in ``definitions``."""
    item = copy.deepcopy(TASKDEF_ITEM_ARG_SPEC)
    single = {**copy.deepcopy(TASKDEF_ITEM_ARG_SPEC), "task_definition": {"type": "dict"}}
    run_wide = {
        "definitions": {"type": "list", "elements": "dict", "options": item},
        "verify": {"type": "bool", "default": False},
    }
    return {
        "argument_spec": {**single, **run_wide},
        "mutually_exclusive": [("task_definition", "definitions")],
        "required_one_of": [("task_definition", "definitions")],
    }


def ecs_taskdef_prune() -> dict:
    """AnsibleAWSModule arguments of ecs_taskdef_prune."""
    return {"argument_spec": copy.deepcopy(TASKDEF_PRUNE_ARG_SPEC)}


def ecs_service_live_info() -> dict:
    """AnsibleAWSModule arguments of ecs_service_live_info."""
    return {
        "argument_spec": copy.deepcopy(LIVE_INFO_ARG_SPEC),
        "mutually_exclusive": [("service", "services")],
        "required_one_of": [("service", "services")],
    }


def ecs_service_adopt_info() -> dict:
    """AnsibleAWSModule arguments of ecs_service_adopt_info."""
    return {"argument_spec": copy.deepcopy(ADOPT_INFO_ARG_SPEC)}


def ecs_task_run() -> dict:
    """AnsibleAWSModule arguments of ecs_task_run: one run at the top level, or several in ``runs``."""
    spec = copy.deepcopy(TASK_RUN_ITEM_ARG_SPEC)
    spec["name"]["default"] = "task"
    # Items are validated by the run (task_run), so that a bad one is named by its place in the list.
    spec["runs"] = {"type": "list", "elements": "dict"}
    spec["wait_timeout"] = {"type": "int", "default": 600}
    spec["poll_interval"] = {"type": "float", "default": 5.0}
    spec["log_lines"] = {"type": "int", "default": 50}
    return {
        "argument_spec": spec,
        "mutually_exclusive": [("runs", "task_definition"), ("runs", "service")],
        "required_one_of": [("runs", "task_definition", "service")],
    }


def ecs_account_info() -> dict:
    """AnsibleAWSModule arguments of ecs_account_info: the connection options only."""
    return {"argument_spec": {}}


# ecs_iam_roles ------------------------------------------------------------------------------------------------------


IAM_ROLE_OPTIONS = {
    "name": {"type": "str", "required": True},
    "description": {"type": "str"},
    "path": {"type": "str"},
    "trust_policy": {"type": "dict", "required": True},
    "inline_policies": {"type": "dict"},
    "managed_policy_arns": {"type": "list", "elements": "str"},
    "tags": {"type": "dict"},
    "max_session_duration": {"type": "int"},
}


def ecs_iam_roles() -> dict:
    """AnsibleAWSModule arguments of ecs_iam_roles. Types here; what IAM would refuse is checked by the run
    (iam_role_plan.check_roles), which names the role and the field."""
    return {
        "argument_spec": {
            "roles": {"type": "list", "elements": "dict", "required": True, "options": IAM_ROLE_OPTIONS},
            "purge_inline_policies": {"type": "bool", "default": False},
            "purge_managed_policies": {"type": "bool", "default": False},
            "purge_tags": {"type": "bool", "default": False},
        },
    }


# ecs_log_groups -----------------------------------------------------------------------------------------------------

LOG_GROUP_OPTIONS = {
    "name": {"type": "str", "required": True},
    "retention_days": {"type": "int"},
    "tags": {"type": "dict"},
}


def ecs_log_groups() -> dict:
    """AnsibleAWSModule arguments of ecs_log_groups; what CloudWatch Logs would refuse is checked by the run
    (log_group_plan.check_log_groups), which names the group and the field."""
    return {
        "argument_spec": {
            "log_groups": {"type": "list", "elements": "dict", "required": True, "options": LOG_GROUP_OPTIONS},
        },
    }


def ecs_load_balancers() -> dict:
    """AnsibleAWSModule arguments of ecs_load_balancers: the declared load balancers and the services' plans, checked
    by the run (load_balancer_plan) so that a bad one is named by its path."""
    return {
        "argument_spec": {
            "load_balancers": {"type": "list", "elements": "dict", "default": []},
            "services": {"type": "list", "elements": "dict", "default": []},
            "manage": {"type": "bool", "default": True},
        }
    }


REPOSITORY_ITEM_ARG_SPEC = {
    "name": {"type": "str", "required": True},
    "scan_on_push": {"type": "bool", "default": True},
    "immutable_tags": {"type": "bool", "default": False},
    "keep_images": {"type": "int"},
    "expire_untagged_days": {"type": "int"},
    "pull_accounts": {"type": "list", "elements": "str", "default": []},
    "pull_role_arns": {"type": "list", "elements": "str", "default": []},
    "push_oidc": {
        "type": "dict",
        "options": {
            "provider": {"type": "str", "required": True, "choices": ["github", "gitlab"]},
            "subjects": {"type": "list", "elements": "str", "required": True},
            "role_name": {"type": "str"},
        },
    },
    "push_user": {"type": "str"},
}


def ecs_repositories() -> dict:
    return {
        "argument_spec": {
            "repositories": {
                "type": "list",
                "elements": "dict",
                "required": True,
                "options": copy.deepcopy(REPOSITORY_ITEM_ARG_SPEC),
            },
            "account_id": {"type": "str"},
            "partition": {"type": "str"},
        }
    }


# ecs_clusters -------------------------------------------------------------------------------------------------------


def ecs_clusters() -> dict:
    """AnsibleAWSModule arguments of ecs_clusters; names are checked by the run (cluster_plan.check_clusters)."""
    return {
        "argument_spec": {
            "clusters": {"type": "list", "elements": "str", "required": True},
            "create": {"type": "bool", "default": True},
            "capacity_providers": {"type": "list", "elements": "str", "default": []},
            "capacity_provider_strategy": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "capacity_provider": {"type": "str", "required": True},
                    "weight": {"type": "int"},
                    "base": {"type": "int"},
                },
            },
            "services": {"type": "list", "elements": "str", "default": []},
            "log_groups": {"type": "list", "elements": "dict", "default": [], "options": LOG_GROUP_OPTIONS},
        },
    }


# ecs_service_scaling: ``services`` items are checked by the run (service_scaling), so that a bad one is named by its
# place in the list and its field (services[0].min ...), as the roles' declaration is.
SERVICE_SCALING_STATES = ("present", "suspend_scale_in", "restore")
SERVICE_SCALING_ARG_SPEC = {
    "state": {"type": "str", "default": "present", "choices": list(SERVICE_SCALING_STATES)},
    "services": {"type": "list", "elements": "dict", "required": True},
    "purge_policies": {"type": "bool", "default": False},
    "purge_scheduled_actions": {"type": "bool", "default": False},
}


def ecs_service_scaling() -> dict:
    """AnsibleAWSModule arguments of ecs_service_scaling."""
    return {"argument_spec": copy.deepcopy(SERVICE_SCALING_ARG_SPEC)}


# ecs_schedules -------------------------------------------------------------------------------------------------

SCHEDULE_ITEM_ARG_SPEC = {
    "name": {"type": "str", "required": True},
    "group": {"type": "str", "default": "default"},
    "label": {"type": "str"},
    "cluster": {"type": "str", "required": True},
    "service": {"type": "str", "required": True},
    "task_definition": {"type": "str"},
    "schedule": {"type": "str"},
    "timezone": {"type": "str", "default": "UTC"},
    "enabled": {"type": "bool", "default": True},
    "container": {"type": "str"},
    "command": {"type": "list", "elements": "str"},
    "count": {"type": "int", "default": 1},
    "description": {"type": "str"},
    "flexible_window_minutes": {"type": "int"},
    "role_arn": {"type": "str"},
}


def ecs_schedules() -> dict:
    """AnsibleAWSModule arguments of ecs_schedules: every schedule of the run in one list."""
    return {
        "argument_spec": {
            "schedules": {
                "type": "list",
                "elements": "dict",
                "required": True,
                "options": copy.deepcopy(SCHEDULE_ITEM_ARG_SPEC),
            },
            "mode": {"type": "str", "choices": ["present", "follow"], "default": "present"},
        },
    }
