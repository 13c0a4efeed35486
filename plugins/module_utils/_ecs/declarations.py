# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: turn the ``ecs_services`` declaration the roles share into complete, checked service plans.

Every role reads the same list (see docs/ecs_services.md). Resolving it in one place means the defaults (family,
role names, log group, target group name, main container) and the checks (names too long for AWS, a task
definition file that is not JSON) are the same for bootstrap, deploy, iam_policy and promote.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from . import schedule_plan
from .args import SERVICE_ARG_SPEC, SPEC_DRIVEN_OPTIONS
from .exceptions import ECSValidationError
from .load_balancer_plan import CLASSIC, check_load_balancers, check_network_listeners, resolve_reference
from .repository_plan import service_repository
from .scaling_plan import resolve_autoscaling
from .service_normalize import from_ecs
from .shapes import unknown_key_message
from .taskdef_input import unwrap
from .vocabulary import (
    DEPLOYMENT_STRATEGIES,
    ECS_CONTROLLER,
    ECS_NAME_PATTERN,
    IAM_ROLE_NAME_PATTERN,
    MAX_IAM_ROLE_NAME,
    MAX_TARGET_GROUP_NAME,
    TARGET_GROUP_NAME_PATTERN,
    TRAFFIC_SHIFT_STRATEGIES,
)

# Appended to the target group name for the second (alternate) target group of a blue/green service.
ALTERNATE_TARGET_GROUP_SUFFIX = "-alt"
BLUE_GREEN_LOAD_BALANCER_KEYS = (
    "alternate_target_group_name",
    "test_listener_arn",
    "test_listener",
    "test_priority",
    "test_path_patterns",
    "test_host_headers",
    "infrastructure_role_name",
)
# The keys of an ecs_services item and of its blocks (docs/ecs_services.md). ``service`` takes ecs_service_rollout's
# options (args.SERVICE_ARG_SPEC), checked to the last nested key.
ITEM_KEYS = (
    "name",
    "cluster",
    "task_definition",
    "task_definition_file",
    "main_container",
    "service",
    "service_definition",
    "service_definition_file",
    "load_balancer",
    "task_role",
    "execution_role_name",
    "execution_role",
    "log_group",
    "run_before_deploy",
    "run_after_deploy",
    "schedules",
    "repository",
    "autoscaling",
)
# The keys of one task of run_before_deploy / run_after_deploy.
RELEASE_TASK_KEYS = ("name", "container", "command", "environment", "cpu", "memory", "count")
LOAD_BALANCER_KEYS = (
    "listener_arn",
    # A load balancer and listener declared in ecs_load_balancers, or a Classic Load Balancer (load_balancer_plan).
    "name",
    "listener",
    "load_balancer_name",
    "vpc_id",
    "container_name",
    "container_port",
    "priority",
    "path_patterns",
    "host_headers",
    "health_check_path",
    "target_group_name",
    *BLUE_GREEN_LOAD_BALANCER_KEYS,
)
TASK_ROLE_KEYS = ("name", "policy_statements")


def parse_task_definition_file(text: str, path: str, where: str) -> dict:
    """The JSON of a task definition file, or an error naming the file and the place the JSON breaks."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ECSValidationError(f"{where}.task_definition_file {path} is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise ECSValidationError(f"{where}.task_definition_file {path} must hold a JSON object (the task definition)")
    return document


def resolve_services(
    services: Any,
    account_id: str,
    partition: str = "aws",
    file_contents: dict[str, str] | None = None,
    only: str | None = None,
    *,
    load_balancers: Any = None,
) -> list[dict]:
    """Complete plans for the declared services, in declaration order.

    Args:
        services: the ``ecs_services`` list.
        account_id: account of the environment, for the ARNs of the roles the bootstrap role makes.
        partition: ARN partition.
        file_contents: service name -> text of its ``task_definition_file`` (read by the role on the controller).
        only: a service name: resolve just that one (``deploy_service``); unknown names are an error.
        load_balancers: the ``ecs_load_balancers`` list that ``load_balancer.name`` refers to.

    Raises:
        ECSValidationError: naming the service and the field.
    """
    if not isinstance(services, list) or not services:
        raise ECSValidationError("ecs_services must be a non-empty list of service declarations")
    file_contents = file_contents or {}
    declared_balancers = check_load_balancers(load_balancers)
    plans = [
        _resolve_one(item, index, account_id, partition, file_contents, load_balancers=declared_balancers)
        for index, item in enumerate(services)
    ]
    check_network_listeners(plans, declared_balancers)
    names = [plan["name"] for plan in plans]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ECSValidationError(f"ecs_services declares {', '.join(duplicates)} more than once")
    if only:
        if only not in names:
            raise ECSValidationError(f"no service named {only!r} in ecs_services; declared: {', '.join(names)}")
        plans = [plan for plan in plans if plan["name"] == only]
    return plans


def _resolve_one(
    item: Any,
    index: int,
    account_id: str,
    partition: str,
    file_contents: dict[str, str],
    *,
    load_balancers: dict[str, dict] | None = None,
) -> dict:
    if not isinstance(item, dict):
        raise ECSValidationError(f"ecs_services[{index}] must be a mapping")
    name = item.get("name")
    where = f"ecs_services[{name}]" if isinstance(name, str) and name else f"ecs_services[{index}]"
    if not isinstance(name, str) or not ECS_NAME_PATTERN.match(name):
        raise ECSValidationError(f"{where}.name must be 1 to 255 letters, digits, hyphens or underscores")
    item = _with_service_definition(item, where, file_contents)
    check_known_keys(item, where)
    cluster = item.get("cluster")
    if not isinstance(cluster, str) or not ECS_NAME_PATTERN.match(cluster):
        raise ECSValidationError(f"{where}.cluster must be 1 to 255 letters, digits, hyphens or underscores")

    definition = _task_definition(item, where, file_contents)
    definition.setdefault("family", name)
    containers = definition.get("containerDefinitions")
    if not isinstance(containers, list) or not containers or not all(isinstance(c, dict) for c in containers):
        raise ECSValidationError(f"{where}.task_definition.containerDefinitions must list at least one container")
    container_names = [container.get("name") for container in containers]
    main_container = item.get("main_container") or container_names[0]
    if main_container not in container_names:
        raise ECSValidationError(
            f"{where}.main_container {main_container!r} is not a container of the task definition; "
            f"its containers are {', '.join(repr(c) for c in container_names)}"
        )

    # execution_role: false - the task definition has no execution role (an adopted service that never had one).
    with_execution_role = item.get("execution_role", True)
    if not isinstance(with_execution_role, bool):
        raise ECSValidationError(f"{where}.execution_role must be true or false, got {with_execution_role!r}")
    if not with_execution_role and (item.get("execution_role_name") or definition.get("executionRoleArn")):
        raise ECSValidationError(
            f"{where}.execution_role is false, yet an execution role is named "
            "(execution_role_name or task_definition.executionRoleArn): remove one of them"
        )
    execution_role_name = (item.get("execution_role_name") or f"{cluster}-{name}-exec") if with_execution_role else None
    task_role = item.get("task_role")
    task_role_name = (task_role or {}).get("name") or (f"{cluster}-{name}-task" if task_role is not None else None)
    for label, role_name in (("execution_role_name", execution_role_name), ("task_role.name", task_role_name)):
        if role_name and len(role_name) > MAX_IAM_ROLE_NAME:
            raise ECSValidationError(
                f"{where}.{label} {role_name!r} is {len(role_name)} characters; IAM allows {MAX_IAM_ROLE_NAME}. "
                "Shorten the cluster or service name, or set it explicitly"
            )
    role_prefix = f"arn:{partition}:iam::{account_id}:role/"
    execution_role_arn = definition.get("executionRoleArn") or (
        role_prefix + execution_role_name if execution_role_name else None
    )
    if execution_role_arn:
        definition["executionRoleArn"] = execution_role_arn
    task_role_arn = definition.get("taskRoleArn") or (role_prefix + task_role_name if task_role_name else None)
    if task_role_arn:
        definition["taskRoleArn"] = task_role_arn

    service = copy.deepcopy(item.get("service") or {})
    if not isinstance(service, dict):
        raise ECSValidationError(f"{where}.service must be a mapping of ecs_service_rollout options")
    strategy = _strategy(service, where)
    blue_green = strategy in TRAFFIC_SHIFT_STRATEGIES

    release_tasks = _release_tasks(
        item, where, containers=container_names, main_container=main_container, definition=definition, service=service
    )
    plan = {
        **release_tasks,
        "name": name,
        "cluster": cluster,
        "family": definition["family"],
        "main_container": main_container,
        "task_definition": definition,
        "service": service,
        "deployment_strategy": strategy,
        "blue_green": blue_green,
        "lifecycle_hook_role_arns": _hook_roles(service, where),
        "execution_role_name": execution_role_name,
        "execution_role_arn": execution_role_arn,
        "task_role_name": task_role_name,
        "task_role_arn": task_role_arn,
        "task_role_policy_statements": copy.deepcopy((task_role or {}).get("policy_statements") or []),
        "log_group": item.get("log_group") or f"/ecs/{cluster}/{name}",
        "secret_arns": _secret_sources(definition),
        "load_balancer": _load_balancer(
            item.get("load_balancer"),
            where,
            f"{cluster}-{name}",
            containers,
            main_container,
            load_balancers=load_balancers or {},
            blue_green=blue_green,
        ),
        "repository": service_repository(item.get("repository"), where),
        # IAM roles that other kinds of this service need (a push role, a schedule's role): bootstrap makes them
        # with the service's own roles, in one ecs_iam_roles call.
        "extra_roles": [],
    }
    plan["autoscaling"] = resolve_autoscaling(
        item.get("autoscaling"),
        where,
        service=name,
        load_balanced=bool(plan["load_balancer"] or service.get("load_balancers")),
    )
    if blue_green and plan["load_balancer"]:
        _blue_green_load_balancer(plan["load_balancer"], where, f"{cluster}-{name}", role_prefix)
    elif plan["load_balancer"]:
        for key in BLUE_GREEN_LOAD_BALANCER_KEYS:
            if plan["load_balancer"].get(key):
                raise ECSValidationError(
                    f"{where}.load_balancer.{key} is only for the {', '.join(TRAFFIC_SHIFT_STRATEGIES)} strategies; "
                    f"service.deployment_configuration.strategy is {strategy}"
                )
    # Scheduled tasks (schedule_plan): their schedules, and the role EventBridge Scheduler assumes, made by bootstrap.
    return {
        **plan,
        **schedule_plan.resolve(item, where, plan, container_names, account_id=account_id, partition=partition),
    }


def _release_tasks(
    item: dict, where: str, *, containers: list[str], main_container: str, definition: dict, service: dict
) -> dict:
    """run_before_deploy and run_after_deploy, checked: named, once per service, on a container that exists."""
    found: dict[str, list[dict]] = {}
    names: set[str] = set()
    for phase in ("run_before_deploy", "run_after_deploy"):
        declared = item.get(phase) or []
        if not isinstance(declared, list) or not all(isinstance(task, dict) for task in declared):
            raise ECSValidationError(f"{where}.{phase} must be a list of tasks (mappings)")
        found[phase] = []
        for index, task in enumerate(declared):
            checked = _release_task(task, f"{where}.{phase}[{index}]", containers, main_container)
            if checked["name"] in names:
                raise ECSValidationError(
                    f"{where}.{phase}[{index}].name: {checked['name']!r} is given twice in this service's tasks"
                )
            names.add(checked["name"])
            found[phase].append(checked)
    needs_subnets = names and definition.get("networkMode") == "awsvpc"
    if needs_subnets and not (service.get("network_configuration") or {}).get("subnets"):
        raise ECSValidationError(
            f"{where}.service.network_configuration: the service's tasks use the awsvpc network mode, so its "
            "run_before_deploy and run_after_deploy tasks need subnets: declare service.network_configuration"
        )
    return found


def _release_task(task: dict, at: str, containers: list[str], main_container: str) -> dict:
    _check_keys(task, {key: key for key in RELEASE_TASK_KEYS}, at)
    name = task.get("name")
    if not isinstance(name, str) or not name:
        raise ECSValidationError(f"{at}.name is required: it names the task in the summary")
    container = task.get("container") or main_container
    if container not in containers:
        raise ECSValidationError(
            f"{at}.container {container!r} is not a container of the task definition; its containers are "
            f"{', '.join(repr(c) for c in containers)}"
        )
    command = task.get("command")
    if command is not None and (not isinstance(command, list) or not all(isinstance(p, str) for p in command)):
        raise ECSValidationError(f"{at}.command must be a list of strings, got {command!r}")
    count = task.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10:
        raise ECSValidationError(f"{at}.count must be 1 to 10 (RunTask's limit), got {count!r}")
    environment = task.get("environment") or []
    if not isinstance(environment, list) or not all(isinstance(e, dict) and e.get("name") for e in environment):
        raise ECSValidationError(f"{at}.environment must be a list of {{name, value}} mappings")
    return {
        "name": name,
        "container": container,
        "command": command,
        "environment": environment,
        "cpu": task.get("cpu"),
        "memory": task.get("memory"),
        "count": count,
    }


def check_known_keys(item: dict, where: str) -> None:
    """Name the first key of an ecs_services item, or of its service, load_balancer or task_role block, that nothing
    reads, with the closest known one: a misspelled option is an error before anything is read or written.

    Raises:
        ECSValidationError: ``ecs_services[api].service.desired_cout is not a known key; did you mean 'desired_count'?``
    """
    _check_keys(item, ITEM_KEYS, where)
    for block, known in (("load_balancer", LOAD_BALANCER_KEYS), ("task_role", TASK_ROLE_KEYS)):
        if isinstance(item.get(block), dict):
            _check_keys(item[block], known, f"{where}.{block}")
    if isinstance(item.get("service"), dict):
        _check_options(item["service"], SERVICE_ARG_SPEC, f"{where}.service")


def _check_keys(block: dict, known: Any, where: str) -> None:
    for key in block:
        if key not in known:
            raise ECSValidationError(unknown_key_message(f"{where}.{key}", key, known, "is not a known key"))


def _check_options(values: dict, spec: dict, where: str, *, whole: bool = False) -> None:
    """Check ``values`` against an argument spec, recursing into the suboptions of dicts and lists of dicts.

    Keys are checked everywhere; with ``whole`` (inside the settings led by their spec, such as Service Connect)
    required members and choices too, so a deep mistake is named by its path before the module sees it.
    """
    known = {alias: name for name, option in spec.items() for alias in (name, *option.get("aliases", []))}
    _check_keys(values, known, where)
    for name, option in spec.items() if whole else ():
        given = [values[alias] for alias in (name, *option.get("aliases", [])) if values.get(alias) is not None]
        if option.get("required") and not given:
            raise ECSValidationError(f"{where}.{name} is required")
        choices = option.get("choices")
        if choices and given and given[0] not in choices and str(given[0]) not in map(str, choices):
            raise ECSValidationError(
                f"{where}.{name}: {given[0]!r} is not one of {', '.join(str(choice) for choice in choices)}"
            )
    for key, value in values.items():
        options = spec[known[key]].get("options")
        if not options:
            continue
        deep = whole or known[key] in SPEC_DRIVEN_OPTIONS
        if isinstance(value, dict):
            _check_options(value, options, f"{where}.{key}", whole=deep)
        elif isinstance(value, list):
            for index, element in enumerate(value):
                if isinstance(element, dict):
                    _check_options(element, options, f"{where}.{key}[{index}]", whole=deep)


def _strategy(service: dict, where: str) -> str:
    """The declared deployment strategy (ROLLING when none), checked against what ECS knows."""
    configuration = service.get("deployment_configuration") or {}
    if not isinstance(configuration, dict):
        raise ECSValidationError(f"{where}.service.deployment_configuration must be a mapping")
    strategy = configuration.get("strategy") or "ROLLING"
    if strategy not in DEPLOYMENT_STRATEGIES:
        raise ECSValidationError(
            f"{where}.service.deployment_configuration.strategy {strategy!r} is not one of "
            f"{', '.join(DEPLOYMENT_STRATEGIES)}"
        )
    controller = (service.get("deployment_controller") or {}).get("type") or ECS_CONTROLLER
    if strategy in TRAFFIC_SHIFT_STRATEGIES and controller != ECS_CONTROLLER:
        raise ECSValidationError(
            f"{where}.service.deployment_controller.type {controller!r} cannot run the {strategy} strategy: "
            "ECS-native blue/green, linear and canary deployments need the ECS controller (leave it unset)"
        )
    return strategy


def _hook_roles(service: dict, where: str) -> list[str]:
    """The role_arn of every declared lifecycle hook, in declaration order, each once."""
    hooks = (service.get("deployment_configuration") or {}).get("lifecycle_hooks") or []
    if not isinstance(hooks, list) or not all(isinstance(hook, dict) for hook in hooks):
        raise ECSValidationError(f"{where}.service.deployment_configuration.lifecycle_hooks must be a list of mappings")
    roles: list[str] = []
    for index, hook in enumerate(hooks):
        role = hook.get("role_arn")
        if role is None:
            continue
        if not isinstance(role, str) or not role.startswith("arn:") or ":role/" not in role or "*" in role:
            raise ECSValidationError(
                f"{where}.service.deployment_configuration.lifecycle_hooks[{index}].role_arn {role!r} must be the "
                "ARN of one IAM role"
            )
        if role not in roles:
            roles.append(role)
    return roles


def _blue_green_load_balancer(balancer: dict, where: str, default_prefix: str, role_prefix: str) -> None:
    """Add the alternate target group, the optional test rule and the infrastructure role of a blue/green service."""
    field = f"{where}.load_balancer.alternate_target_group_name"
    alternate = balancer.get("alternate_target_group_name")
    if alternate:
        _check_target_group_name(alternate, field, "shorten it")
    else:
        alternate = balancer["target_group_name"] + ALTERNATE_TARGET_GROUP_SUFFIX
        _check_target_group_name(
            alternate,
            field,
            f"it defaults to the target group name followed by {ALTERNATE_TARGET_GROUP_SUFFIX!r}: shorten "
            "load_balancer.target_group_name (or the cluster or service name it defaults from), or set "
            "load_balancer.alternate_target_group_name",
        )
    if alternate == balancer["target_group_name"]:
        raise ECSValidationError(f"{field} must differ from load_balancer.target_group_name")
    balancer["alternate_target_group_name"] = alternate

    named = balancer.get("listener_arn") is None
    test_option = "test_listener" if named else "test_listener_arn"
    test_listener, test_priority = balancer.get(test_option), balancer.get("test_priority")
    if bool(test_listener) != bool(test_priority):
        raise ECSValidationError(
            f"{where}.load_balancer needs both {test_option} and test_priority for a test listener rule, or neither"
        )
    if test_listener:
        production = balancer["listener"] if named else balancer["listener_arn"]
        if test_listener == production and str(test_priority) == str(balancer["priority"]):
            raise ECSValidationError(
                f"{where}.load_balancer.test_priority {test_priority} is the production rule's priority on the same "
                "listener; the test rule needs its own"
            )
        balancer.setdefault("test_path_patterns", balancer.get("path_patterns") or [])
        balancer.setdefault("test_host_headers", balancer.get("host_headers") or [])
    else:
        for key in ("test_path_patterns", "test_host_headers"):
            if balancer.get(key):
                raise ECSValidationError(f"{where}.load_balancer.{key} needs {test_option} and test_priority")
        balancer["test_listener_arn"] = None
        balancer["test_listener"] = None
        balancer["test_priority"] = None

    role = balancer.get("infrastructure_role_name") or f"{default_prefix}-ecs-infra"
    label = f"{where}.load_balancer.infrastructure_role_name"
    if len(role) > MAX_IAM_ROLE_NAME:
        raise ECSValidationError(
            f"{label} {role!r} is {len(role)} characters; IAM allows {MAX_IAM_ROLE_NAME}. It defaults to "
            '"<cluster>-<name>-ecs-infra": shorten the cluster or service name, or set it explicitly'
        )
    if not IAM_ROLE_NAME_PATTERN.match(role):
        raise ECSValidationError(f"{label} {role!r} may hold only letters, digits and +=,.@_-")
    balancer["infrastructure_role_name"] = role
    balancer["infrastructure_role_arn"] = role_prefix + role


def _check_target_group_name(name: Any, field: str, fix: str) -> None:
    if not isinstance(name, str):
        raise ECSValidationError(f"{field} must be a string")
    if len(name) > MAX_TARGET_GROUP_NAME:
        raise ECSValidationError(
            f"{field} {name!r} is {len(name)} characters; AWS allows {MAX_TARGET_GROUP_NAME}. To fix it, {fix}"
        )
    if not TARGET_GROUP_NAME_PATTERN.match(name):
        raise ECSValidationError(
            f"{field} {name!r} may hold only letters, digits and hyphens, and may not start or end with a hyphen"
        )


def _task_definition(item: dict, where: str, file_contents: dict[str, str]) -> dict:
    inline, path = item.get("task_definition"), item.get("task_definition_file")
    if (inline is None) == (path is None):
        raise ECSValidationError(f"{where} needs exactly one of task_definition and task_definition_file")
    if inline is not None:
        if not isinstance(inline, dict):
            raise ECSValidationError(f"{where}.task_definition must be a mapping in the RegisterTaskDefinition shape")
        # A described revision or the CLI's whole answer works too: its read-only fields are dropped here.
        return unwrap(copy.deepcopy(inline), f"{where}.task_definition")[0]
    if item["name"] not in file_contents:
        raise ECSValidationError(f"{where}.task_definition_file {path} was not read")
    return unwrap(parse_task_definition_file(file_contents[item["name"]], path, where), f"{where}.task_definition")[0]


# What a DescribeServices item holds beyond CreateService's request: dropped from a service_definition.
SERVICE_READ_ONLY_FIELDS = (
    "serviceArn",
    "clusterArn",
    "status",
    "runningCount",
    "pendingCount",
    "deployments",
    "events",
    "createdAt",
    "createdBy",
    "taskSets",
    "currentServiceDeployment",
    "currentServiceRevisions",
    "platformFamily",
    "resourceManagementType",
    "clientToken",
)
SERVICE_FILE_SUFFIX = "#service"


def declared_files(services: list, inventory_dir: str = "") -> list[dict]:
    """The files ``ecs_services`` names, to read in one lookup: ``[{"key", "path"}]``.

    ``key`` is how ``resolve_services`` finds the text (the service's name, or name + ``#service`` for a service
    definition file); a relative path is the inventory's when such a file is there, else as written (from where
    Ansible runs).
    """
    found = []
    for item in services if isinstance(services, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        for option, suffix in (("task_definition_file", ""), ("service_definition_file", SERVICE_FILE_SUFFIX)):
            path = item.get(option)
            if not isinstance(path, str) or not path:
                continue
            beside = os.path.join(inventory_dir, path) if inventory_dir and not os.path.isabs(path) else ""
            found.append({"key": item["name"] + suffix, "path": beside if beside and os.path.isfile(beside) else path})
    return found


def _with_service_definition(item: dict, where: str, file_contents: dict[str, str]) -> dict:
    """The item with its ``service_definition`` (CreateService JSON, camelCase, as ``create-service
    --cli-input-json`` and ecspresso keep it, or a DescribeServices item) turned into the snake_case ``service``."""
    inline, path = item.get("service_definition"), item.get("service_definition_file")
    if inline is None and path is None:
        return item
    option = "service_definition" if path is None else "service_definition_file"
    if inline is not None and path is not None:
        raise ECSValidationError(f"{where} takes one of service_definition and service_definition_file")
    if item.get("service") is not None:
        raise ECSValidationError(f"{where} takes service or {option}, not both: they declare the same settings")
    if path is not None:
        text = file_contents.get(item["name"] + SERVICE_FILE_SUFFIX)
        if text is None:
            raise ECSValidationError(f"{where}.service_definition_file {path} was not read")
        try:
            inline = json.loads(text)
        except ValueError as error:
            raise ECSValidationError(f"{where}.service_definition_file {path} is not valid JSON: {error}") from None
    if not isinstance(inline, dict):
        raise ECSValidationError(f"{where}.{option} must be a mapping in the CreateService shape")
    document = dict(inline.get("service") if isinstance(inline.get("service"), dict) else inline)
    for field in SERVICE_READ_ONLY_FIELDS:
        document.pop(field, None)
    checked = dict(item)
    for field, key in (("cluster", "cluster"), ("serviceName", "name")):
        value = document.pop(field, None)
        if value is None:
            continue
        value = str(value).rsplit("/", 1)[-1]
        if checked.get(key) is None:
            checked[key] = value
        elif checked[key] != value:
            raise ECSValidationError(f"{where}.{option}.{field} {value!r} is not the declared {key} {checked[key]!r}")
    declared_family = ((item.get("task_definition") or {}).get("family")) or item.get("name")
    named = document.pop("taskDefinition", None)
    if named and item.get("task_definition") is not None:
        family = str(named).rsplit("/", 1)[-1].split(":", 1)[0]
        if family != declared_family:
            raise ECSValidationError(
                f"{where}.{option}.taskDefinition {named!r} is of family {family!r}, and the declared task "
                f"definition's family is {declared_family!r}"
            )
    checked.pop("service_definition", None)
    checked.pop("service_definition_file", None)
    checked["service"] = service_options_from_request(document, f"{where}.{option}")
    return checked


def service_options_from_request(document: dict, where: str) -> dict:
    """CreateService's camelCase fields as ecs_service_rollout's options; an unknown one is named, camelCase."""
    document = dict(document)
    if "roleArn" in document:
        document["role"] = document.pop("roleArn")
    tags = document.pop("tags", None)
    network = document.pop("networkConfiguration", None)
    # Led by their spec: ECS spells some members its own way (sizeInGiB), and log options are data.
    spec_driven = {
        option: from_ecs(document.pop(member), SERVICE_ARG_SPEC[option], f"{where}.{member}")
        for option, member in SPEC_DRIVEN_OPTIONS.items()
        if member in document
    }
    options = camel_dict_to_snake_dict(document)
    known = set(SERVICE_ARG_SPEC)
    for camel, snake in zip(document, options):
        if snake not in known:
            raise ECSValidationError(unknown_key_message(f"{where}.{camel}", camel, sorted(known), "is not supported"))
    options.update(spec_driven)
    if tags is not None:
        options["tags"] = {tag["key"]: tag.get("value", "") for tag in tags} if isinstance(tags, list) else tags
    if network is not None:
        awsvpc = (network or {}).get("awsvpcConfiguration") or {}
        public = awsvpc.get("assignPublicIp")
        options["network_configuration"] = {
            key: value
            for key, value in {
                "subnets": awsvpc.get("subnets"),
                "security_groups": awsvpc.get("securityGroups"),
                "assign_public_ip": None if public is None else public == "ENABLED",
            }.items()
            if value is not None
        }
    return options


def _secret_sources(definition: dict) -> list[str]:
    """Every valueFrom of the containers' secrets (and log secretOptions): what the execution role must read."""
    sources: list[str] = []
    for container in definition.get("containerDefinitions", []):
        entries = list(container.get("secrets") or [])
        entries += (container.get("logConfiguration") or {}).get("secretOptions") or []
        for entry in entries:
            source = entry.get("valueFrom")
            if source and source not in sources:
                sources.append(source)
    return sources


def _load_balancer(
    declared: Any,
    where: str,
    default_target_group: str,
    containers: list[dict],
    main_container: str,
    *,
    load_balancers: dict[str, dict] | None = None,
    blue_green: bool = False,
) -> dict | None:
    if not declared:
        return None
    if not isinstance(declared, dict):
        raise ECSValidationError(f"{where}.load_balancer must be a mapping")
    balancer = resolve_reference(copy.deepcopy(declared), where, load_balancers or {}, blue_green)
    named = bool(declared.get("name") or declared.get("listener"))
    with_rule = balancer["kind"] == "application"
    required = ("priority",) if named else ("listener_arn", "vpc_id", "priority")
    for option in required if with_rule else ():
        if not balancer.get(option):
            raise ECSValidationError(f"{where}.load_balancer.{option} is required")
    if with_rule and not balancer.get("path_patterns") and not balancer.get("host_headers"):
        raise ECSValidationError(f"{where}.load_balancer needs path_patterns or host_headers for its listener rule")
    balancer.setdefault("container_name", main_container)
    container = next((c for c in containers if c.get("name") == balancer["container_name"]), None)
    if container is None:
        raise ECSValidationError(
            f"{where}.load_balancer.container_name {balancer['container_name']!r} is not a container of the service"
        )
    if not balancer.get("container_port"):
        ports = [m.get("containerPort") for m in container.get("portMappings") or [] if m.get("containerPort")]
        if not ports:
            raise ECSValidationError(
                f"{where}.load_balancer.container_port is required: container {container['name']!r} maps no port"
            )
        balancer["container_port"] = int(ports[0])
    if balancer["kind"] == CLASSIC:
        return balancer
    if balancer["kind"] == "application":
        balancer.setdefault("health_check_path", "/")
    target_group = balancer.get("target_group_name") or default_target_group
    if len(target_group) > MAX_TARGET_GROUP_NAME:
        raise ECSValidationError(
            f"{where}.load_balancer.target_group_name {target_group!r} is {len(target_group)} characters; AWS allows "
            f"{MAX_TARGET_GROUP_NAME}. The cluster name is part of it: shorten the cluster or service name, or set "
            "load_balancer.target_group_name"
        )
    if not TARGET_GROUP_NAME_PATTERN.match(target_group):
        raise ECSValidationError(
            f"{where}.load_balancer.target_group_name {target_group!r} may hold only letters, digits and hyphens, "
            "and may not start or end with a hyphen"
        )
    balancer["target_group_name"] = target_group
    return balancer
