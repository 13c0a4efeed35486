"""The deployer's IAM policy: scoping, options, determinism, and proof that it covers every call the modules make.

The coverage tests read the collection's source: every boto3 client call and paginator in plugins/ is found with
``ast``, turned into its IAM action through botocore's model of the client's service (ECS for ``client`` and
``ecs_client``, ELBv2 for ``elbv2`` and ``elbv2_client``), and checked against the generated policy. Adding a client
call to api.py without granting it in policy.py (or declining it in ``NOT_GRANTED``) fails here.
"""

from __future__ import annotations

import ast
import json
import random
import re
from pathlib import Path

import botocore.session
import pytest
from ansible.errors import AnsibleFilterError
from botocore import xform_name

from ansible_collections.driftless.ecs.plugins.filter.deploy_policy import FilterModule
from ansible_collections.driftless.ecs.plugins.module_utils._ecs import policy
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError

REPO_ROOT = Path(__file__).resolve().parents[5]
PLUGINS = REPO_ROOT / "plugins"
ECS_UTILS = PLUGINS / "module_utils" / "_ecs"
COLLECTION_UTILS = "ansible_collections.driftless.ecs.plugins.module_utils._ecs"
DEPLOY_MODULES = ("ecs_taskdef_live", "ecs_service_rollout", "ecs_service_deployment", "ecs_schedules")
# Client methods that are not API calls.
CLIENT_HELPERS = {"get_paginator", "can_paginate", "get_waiter", "close"}
# A client variable: "client" (ECS), "<service>_client", or the bare botocore name of a service other than ECS.
CLIENT_NAME = re.compile(r"^(?:(?P<prefixed>[a-z0-9]+)_client|client|(?P<bare>elbv2))$")
# botocore service name -> IAM action prefix.
IAM_PREFIXES = {
    "ecs": "ecs",
    "elbv2": "elasticloadbalancing",
    "ecr": "ecr",
    "iam": "iam",
    "ssm": "ssm",
    "secretsmanager": "secretsmanager",
    "logs": "logs",
    "scheduler": "scheduler",
    "scaling": "application-autoscaling",
}
# A client variable's prefix -> its botocore service, where a hyphen keeps them apart.
BOTOCORE_NAMES = {"scaling": "application-autoscaling"}
TASK_DEFINITION_ACTIONS = {
    "ecs:DeregisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "ecs:ListTaskDefinitions",
    "ecs:RegisterTaskDefinition",
}

REGION = "eu-west-1"
ACCOUNT = "111122223333"
ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role"


def _container(name: str) -> dict:
    return {"name": name, "image": f"shop/{name}:1"}


DECLARED = [
    {
        "name": "web",
        "cluster": "shop-dev",
        "task_definition": {"family": "shop-dev-web", "containerDefinitions": [_container("app")]},
        "task_role": {"policy_statements": []},
    },
    {
        "name": "worker",
        "cluster": "shop-dev",
        "task_definition": {"containerDefinitions": [_container("worker"), _container("log-router")]},
    },
    {
        "name": "reports",
        "cluster": "shop-batch",
        "task_definition": {
            "family": "reports",
            "executionRoleArn": "shared-exec",
            "taskRoleArn": f"{ROLE}/team/reports-task",
            "containerDefinitions": [_container("reports")],
        },
    },
]


HOOK_ROLE = f"{ROLE}/shop-deploy-hooks"
# A canary service behind a load balancer, with a PAUSE hook and a Lambda hook that ECS invokes with its own role.
CANARY = {
    "name": "api",
    "cluster": "shop-dev",
    "task_definition": {
        "family": "shop-dev-api",
        "containerDefinitions": [{**_container("api"), "portMappings": [{"containerPort": 8080}]}],
    },
    "service": {
        "deployment_configuration": {
            "strategy": "CANARY",
            "canary_configuration": {"canary_percent": 10, "canary_bake_time_in_minutes": 1},
            "lifecycle_hooks": [
                {"target_type": "PAUSE", "lifecycle_stages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"]},
                {
                    "target_type": "AWS_LAMBDA",
                    "hook_target_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:smoke",
                    "role_arn": HOOK_ROLE,
                    "lifecycle_stages": ["POST_TEST_TRAFFIC_SHIFT"],
                },
            ],
        }
    },
    "run_before_deploy": [{"name": "migrate", "command": ["bin/migrate"]}],
    # A scheduled task: the deploy moves its schedule (scheduler:GetSchedule, UpdateSchedule, PassRole to Scheduler).
    "schedules": [{"name": "nightly", "schedule": "cron(0 3 * * ? *)", "command": ["bin/report"]}],
    "load_balancer": {
        "listener_arn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/shop/1/2",
        "vpc_id": "vpc-1",
        "priority": 20,
        "path_patterns": ["/api/*"],
    },
}


@pytest.fixture
def plans() -> list[dict]:
    return resolve_services(DECLARED, ACCOUNT)


@pytest.fixture
def all_plans() -> list[dict]:
    """The rolling services and a canary one."""
    return resolve_services([*DECLARED, CANARY], ACCOUNT)


def _policy(plans: list[dict], **options) -> dict:
    return policy.deploy_policy(plans, REGION, ACCOUNT, **options)


def _statement(document: dict, sid: str) -> dict:
    found = [statement for statement in document["Statement"] if statement["Sid"] == sid]
    assert len(found) == 1, f"expected one statement {sid}, got {[s['Sid'] for s in document['Statement']]}"
    return found[0]


def _granted(document: dict) -> set[str]:
    return {action for statement in document["Statement"] for action in statement["Action"]}


# Reading the source ------------------------------------------------------------------------------------------


def _client_calls(node: ast.AST) -> set[tuple[str, str]]:
    """(service, boto3 method) called on a client inside ``node``, paginators included.

    ``client`` and ``ecs_client`` are ECS clients; ``elbv2`` and ``elbv2_client`` are ELBv2 clients.
    """
    methods = set()
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        owner = call.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
        named = CLIENT_NAME.match(owner_name)
        if not named:
            continue
        service = named.group("prefixed") or named.group("bare") or "ecs"
        assert service in IAM_PREFIXES, f"a {service} client at line {call.lineno}: teach test_policy.py its service"
        method = call.func.attr
        if method in ("get_paginator", "get_waiter"):
            argument = call.args[0] if call.args else None
            assert isinstance(argument, ast.Constant), f"{method} with a name the test cannot read: line {call.lineno}"
            assert method == "get_paginator", f"waiter {argument.value!r}: teach test_policy.py its operation"
            methods.add((service, argument.value))
        elif method not in CLIENT_HELPERS:
            methods.add((service, method))
    return methods


@pytest.fixture(scope="session")
def service_models(ecs_model) -> dict:
    session = botocore.session.get_session()
    return {
        "ecs": ecs_model,
        **{name: session.get_service_model(BOTOCORE_NAMES.get(name, name)) for name in IAM_PREFIXES if name != "ecs"},
    }


def _to_actions(methods: set[tuple[str, str]], service_models: dict) -> set[str]:
    actions = set()
    for service, method in methods:
        operations = {xform_name(name): name for name in service_models[service].operation_names}
        assert method in operations, f"{method} is not a {service} operation; extend policy.py and this test"
        actions.add(f"{IAM_PREFIXES[service]}:{operations[method]}")
    return actions


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _api_call_graph() -> dict[str, set[tuple[str, str]]]:
    """api.py function -> client methods it calls, directly or through other api functions."""
    tree = _parse(ECS_UTILS / "api.py")
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    direct = {name: _client_calls(node) for name, node in functions.items()}
    calls = {
        name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in functions and n.id != name}
        for name, node in functions.items()
    }
    closed = {}
    for name in functions:
        seen, todo, methods = set(), [name], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            methods |= direct[current]
            todo.extend(calls[current])
        closed[name] = methods
    return closed


def _imported_utils(tree: ast.Module, inside_ecs: bool) -> set[str]:
    """Names of the _ecs module_utils files that a file imports (absolute, or relative from inside _ecs)."""
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.module and node.module.startswith(COLLECTION_UTILS + "."):
            names.add(node.module[len(COLLECTION_UTILS) + 1 :])
        elif node.module == COLLECTION_UTILS or (inside_ecs and node.level == 1 and not node.module):
            names.update(alias.name for alias in node.names)
        elif inside_ecs and node.level == 1:
            names.add(node.module)
    return {name for name in names if (ECS_UTILS / f"{name}.py").exists()}


def _reachable_methods(module_name: str) -> set[tuple[str, str]]:
    """Client methods a module can reach: every api function referenced by the files it imports, transitively."""
    graph = _api_call_graph()
    todo = [(PLUGINS / "modules" / f"{module_name}.py", False)]
    files: set[Path] = set()
    while todo:
        path, inside_ecs = todo.pop()
        if path in files:
            continue
        files.add(path)
        todo.extend((ECS_UTILS / f"{name}.py", True) for name in _imported_utils(_parse(path), inside_ecs))
    methods = set()
    for path in files - {ECS_UTILS / "api.py"}:
        tree = _parse(path)
        methods |= _client_calls(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "api":
                methods |= graph.get(node.attr, set())
            elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith("api"):
                for alias in node.names:
                    methods |= graph.get(alias.name, set())
    return methods


@pytest.fixture(scope="module")
def called_actions(service_models) -> set[str]:
    """Every action any file under plugins/ calls through a boto3 client."""
    methods = set()
    for path in sorted(PLUGINS.rglob("*.py")):
        methods |= _client_calls(_parse(path))
    return _to_actions(methods, service_models)


def _reachable_actions(service_models, *modules: str) -> set[str]:
    methods = set()
    for module in modules:
        methods |= _reachable_methods(module)
    return _to_actions(methods, service_models)


# Coverage: every call is granted ------------------------------------------------------------------------------


def test_the_scan_finds_the_calls_it_must(called_actions):
    """Guards the scanner itself: if it found nothing, the coverage tests below would pass for nothing."""
    assert {
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "ecs:ListTaskDefinitions",  # a paginator
        "ecs:RegisterTaskDefinition",
        "ecs:UpdateService",
        "elasticloadbalancing:DescribeRules",  # on an elbv2 client
    } <= called_actions


def test_every_client_call_is_granted_or_declined_with_a_reason(all_plans, called_actions):
    everything = _policy(
        all_plans, create_services=True, prune=True, ecr_repositories=["shop/web"], suspend_scale_in=True
    )
    missing = called_actions - _granted(everything) - set(policy.NOT_GRANTED)
    assert not missing, (
        f"plugins/ calls {sorted(missing)} but policy.py neither grants nor declines them: add each to "
        "DEPLOY_ACTIONS (the deploy playbook calls it), CREATE_ACTIONS, PRUNE_ACTIONS or NOT_GRANTED"
    )
    assert all(reason for reason in policy.NOT_GRANTED.values())
    assert set(policy.NOT_GRANTED) <= called_actions, "NOT_GRANTED lists an action nothing calls any more"


def test_the_default_policy_allows_every_call_of_the_deploy_modules(plans, all_plans, service_models):
    reachable = _reachable_actions(service_models, *DEPLOY_MODULES)
    assert {"ecs:RegisterTaskDefinition", "ecs:UpdateService", "elasticloadbalancing:DescribeRules"} <= reachable
    # What only happens when a declared service is missing (create), never in a deploy (NOT_GRANTED), or only for
    # blue/green services.
    optional = (
        set(policy.CREATE_ACTIONS)
        | set(policy.NOT_GRANTED)
        | set(policy.BLUE_GREEN_ACTIONS)
        | set(policy.FAILURE_TARGET_ACTIONS)  # services behind a load balancer
        | set(policy.TASK_RUN_ACTIONS + policy.TASK_STOP_ACTIONS)  # services that declare release tasks
        | set(policy.SCHEDULE_ACTIONS)  # services that declare scheduled tasks
    )
    missing = reachable - optional - _granted(_policy(plans))
    assert not missing, f"the deploy modules call {sorted(missing)}, which the default policy does not allow"
    missing = reachable - set(policy.CREATE_ACTIONS) - set(policy.NOT_GRANTED) - _granted(_policy(all_plans))
    assert not missing, f"the deploy modules call {sorted(missing)}, which a blue/green service's policy lacks"
    missing = reachable - set(policy.NOT_GRANTED) - _granted(_policy(all_plans, create_services=True))
    assert not missing, f"the deploy modules call {sorted(missing)}, which create_services does not allow"


def test_the_default_policy_grants_nothing_the_deploy_modules_do_not_call(plans, service_models):
    reachable = _reachable_actions(service_models, *DEPLOY_MODULES)
    assert _granted(_policy(plans)) <= reachable | {"iam:PassRole"}
    # The checks before deploying add reads only, each one a call of the verification.
    verify_only = _granted(_policy(plans)) - _granted(_policy(plans, verify=False))
    assert verify_only == set(policy.VERIFY_CLUSTER_ACTIONS + policy.VERIFY_ROLE_ACTIONS + policy.VERIFY_READ_ACTIONS)
    assert verify_only <= reachable
    assert _granted(_policy(plans, verify=False, diagnose=False)) == {
        "ecs:ContinueServiceDeployment",
        "ecs:DescribeServiceDeployments",
        "ecs:DescribeServiceRevisions",
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "ecs:ListServiceDeployments",
        "ecs:StopServiceDeployment",
        "ecs:RegisterTaskDefinition",
        "ecs:TagResource",
        "ecs:UntagResource",
        "ecs:UpdateService",
        "iam:PassRole",
    }
    create_only = _granted(_policy(plans, create_services=True, verify=False)) - _granted(_policy(plans, verify=False))
    assert create_only == {"ecs:CreateService", "ecs:DescribeClusters"} <= reachable


def test_the_prune_option_covers_ecs_taskdef_prune_and_no_more(plans, service_models):
    reachable = _reachable_actions(service_models, "ecs_taskdef_prune")
    pruning = _granted(_policy(plans, prune=True))
    assert not reachable - set(policy.NOT_GRANTED) - pruning
    assert pruning - _granted(_policy(plans)) <= reachable


def test_the_scan_sees_a_new_call_in_any_form(service_models):
    """What another api.py function would look like: each form of call is found and named as IAM names it."""
    source = """
def list_service_revisions(client, cluster, service):
    for page in client.get_paginator("list_attributes").paginate(cluster=cluster, targetType="container-instance"):
        yield page
def describe_capacity_providers(self, names):
    return self.ecs_client.describe_capacity_providers(capacityProviders=names, aws_retry=True)
def not_a_call(client):
    return client.meta.service_model.operation_model("UpdateService")
def describe_target_health(elbv2, arn):
    return elbv2.describe_target_health(TargetGroupArn=arn, aws_retry=True)
def describe_listeners(module):
    return module.elbv2_client.get_paginator("describe_listeners")
"""
    found = _to_actions(_client_calls(ast.parse(source)), service_models)
    assert found == {
        "ecs:ListAttributes",
        "ecs:DescribeCapacityProviders",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeListeners",
    }
    assert not found & _granted(_policy(resolve_services(DECLARED, ACCOUNT), create_services=True, prune=True))


def test_declined_actions_are_never_granted(plans):
    everything = _policy(plans, create_services=True, prune=True, ecr_repositories=["shop/web"])
    assert not set(policy.NOT_GRANTED) & _granted(everything)


# Scoping -------------------------------------------------------------------------------------------------------


def test_the_whole_default_document(plans):
    """The exact document: what a reviewer reads, and what changes to policy.py must update on purpose."""
    verify = _policy(plans)["Statement"][-4:]
    assert verify == [
        {
            "Sid": "VerifyDeclaredClusters",
            "Effect": "Allow",
            "Action": ["ecs:DescribeClusters"],
            "Resource": [
                "arn:aws:ecs:eu-west-1:111122223333:cluster/shop-batch",
                "arn:aws:ecs:eu-west-1:111122223333:cluster/shop-dev",
            ],
        },
        {
            "Sid": "VerifyDeclaredRoles",
            "Effect": "Allow",
            "Action": ["iam:GetRole"],
            "Resource": _statement(_policy(plans), "PassDeclaredRolesToEcsTasks")["Resource"],
        },
        {
            "Sid": "VerifyImagesAndSecrets",
            "Effect": "Allow",
            "Action": ["ecr:BatchGetImage", "ecr:DescribeImages", "secretsmanager:DescribeSecret"],
            "Resource": ["arn:aws:ecr:*:*:repository/*", "arn:aws:secretsmanager:*:*:secret:*"],
        },
        {
            "Sid": "VerifyDescribeOnly",
            "Effect": "Allow",
            "Action": ["elasticloadbalancing:DescribeTargetGroups", "logs:DescribeLogGroups", "ssm:DescribeParameters"],
            "Resource": ["*"],
        },
    ]
    diagnose = _policy(plans, verify=False)["Statement"][-3:]
    assert diagnose == [
        {
            "Sid": "ReadTasksOfDeclaredClusters",
            "Effect": "Allow",
            "Action": ["ecs:DescribeTasks"],
            "Resource": [f"{ARN}:task/shop-batch/*", f"{ARN}:task/shop-dev/*"],
        },
        {
            "Sid": "ReadDeclaredLogGroups",
            "Effect": "Allow",
            "Action": ["logs:GetLogEvents"],
            "Resource": [
                f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/shop-batch/reports:*",
                f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/shop-dev/web:*",
                f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/shop-dev/worker:*",
            ],
        },
        {
            "Sid": "ListTasksOfDeclaredClusters",
            "Effect": "Allow",
            "Action": ["ecs:ListTasks"],
            "Resource": ["*"],
            "Condition": {"ArnEquals": {"ecs:cluster": [f"{ARN}:cluster/shop-batch", f"{ARN}:cluster/shop-dev"]}},
        },
    ]
    assert _policy(plans, verify=False, diagnose=False) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TaskDefinitionsNoResourceLevel",
                "Effect": "Allow",
                "Action": ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"],
                "Resource": ["*"],
            },
            {
                "Sid": "DeclaredServices",
                "Effect": "Allow",
                "Action": [
                    "ecs:DescribeServices",
                    "ecs:ListServiceDeployments",
                    "ecs:TagResource",
                    "ecs:UntagResource",
                    "ecs:UpdateService",
                ],
                "Resource": [
                    f"{ARN}:service/shop-batch/reports",
                    f"{ARN}:service/shop-dev/web",
                    f"{ARN}:service/shop-dev/worker",
                ],
            },
            {
                "Sid": "DeclaredServiceDeployments",
                "Effect": "Allow",
                "Action": [
                    "ecs:ContinueServiceDeployment",
                    "ecs:DescribeServiceDeployments",
                    "ecs:DescribeServiceRevisions",
                    "ecs:StopServiceDeployment",
                ],
                "Resource": [
                    f"{ARN}:service-deployment/shop-batch/reports/*",
                    f"{ARN}:service-deployment/shop-dev/web/*",
                    f"{ARN}:service-deployment/shop-dev/worker/*",
                    f"{ARN}:service-revision/shop-batch/reports/*",
                    f"{ARN}:service-revision/shop-dev/web/*",
                    f"{ARN}:service-revision/shop-dev/worker/*",
                ],
            },
            {
                "Sid": "TagDeclaredFamilies",
                "Effect": "Allow",
                "Action": ["ecs:TagResource", "ecs:UntagResource"],
                "Resource": [
                    f"{ARN}:task-definition/reports:*",
                    f"{ARN}:task-definition/shop-dev-web:*",
                    f"{ARN}:task-definition/worker:*",
                ],
            },
            {
                "Sid": "PassDeclaredRolesToEcsTasks",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": [
                    f"{ROLE}/shared-exec",
                    f"{ROLE}/shop-dev-web-exec",
                    f"{ROLE}/shop-dev-web-task",
                    f"{ROLE}/shop-dev-worker-exec",
                    f"{ROLE}/team/reports-task",
                ],
                "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            },
        ],
    }


def test_star_is_only_for_task_definition_actions_the_ecr_token_and_the_rule_read(all_plans):
    everything = _policy(
        all_plans, create_services=True, prune=True, ecr_repositories=["shop/web"], suspend_scale_in=True
    )
    unscoped = (
        TASK_DEFINITION_ACTIONS
        | {"ecr:GetAuthorizationToken", "elasticloadbalancing:DescribeRules"}
        | set(policy.FAILURE_TARGET_ACTIONS)
        | set(policy.VERIFY_DESCRIBE_ONLY_ACTIONS)
        | set(policy.SCALE_IN_READ_ACTIONS)
    )
    for statement in everything["Statement"]:
        if "*" in statement["Resource"] and "Condition" not in statement:
            assert set(statement["Action"]) <= unscoped, statement
            assert statement["Resource"] == ["*"]
    for action in ("ecs:DescribeServices", "ecs:UpdateService", "ecs:TagResource", "iam:PassRole"):
        for statement in everything["Statement"]:
            if action in statement["Action"]:
                assert "*" not in statement["Resource"], (action, statement)


def test_services_are_scoped_to_their_arns(plans):
    statement = _statement(_policy(plans, create_services=True), "DeclaredServices")
    assert statement["Action"] == [
        "ecs:CreateService",
        "ecs:DescribeServices",
        "ecs:ListServiceDeployments",
        "ecs:TagResource",
        "ecs:UntagResource",
        "ecs:UpdateService",
    ]
    assert statement["Resource"] == sorted(f"{ARN}:service/{plan['cluster']}/{plan['name']}" for plan in plans)


def test_create_services_describes_only_the_declared_clusters(plans):
    statement = _statement(_policy(plans, create_services=True), "DeclaredClusters")
    assert statement["Action"] == ["ecs:DescribeClusters"]
    assert statement["Resource"] == [f"{ARN}:cluster/shop-batch", f"{ARN}:cluster/shop-dev"]
    assert "Condition" not in statement


def test_prune_lists_and_describes_tasks_only_in_the_declared_clusters(plans):
    document = _policy(plans, prune=True)
    clusters = [f"{ARN}:cluster/shop-batch", f"{ARN}:cluster/shop-dev"]
    listing = _statement(document, "ListInDeclaredClusters")
    assert listing["Action"] == ["ecs:ListServices", "ecs:ListTasks"]
    assert listing["Resource"] == ["*"]
    assert listing["Condition"] == {"ArnEquals": {"ecs:cluster": clusters}}
    reading = _statement(document, "ReadDeclaredClusters")
    assert reading["Action"] == ["ecs:DescribeServices", "ecs:DescribeTasks"]
    assert reading["Resource"] == [
        f"{ARN}:service/shop-batch/*",
        f"{ARN}:service/shop-dev/*",
        f"{ARN}:task/shop-batch/*",
        f"{ARN}:task/shop-dev/*",
    ]
    assert reading["Condition"] == {"ArnEquals": {"ecs:cluster": clusters}}
    anywhere = _statement(document, "TaskDefinitionsNoResourceLevel")
    assert anywhere["Action"] == sorted(TASK_DEFINITION_ACTIONS)


def test_tags_only_on_the_declared_services_and_families(plans):
    document = _policy(plans)
    statement = _statement(document, "TagDeclaredFamilies")
    assert statement["Resource"] == sorted(f"{ARN}:task-definition/{plan['family']}:*" for plan in plans)
    tagging = [s for s in document["Statement"] if "ecs:TagResource" in s["Action"]]
    assert [s["Sid"] for s in tagging] == ["DeclaredServices", "TagDeclaredFamilies"]
    assert tagging[0]["Action"] == sorted(tagging[0]["Action"])
    for untagging in document["Statement"]:
        assert ("ecs:TagResource" in untagging["Action"]) == ("ecs:UntagResource" in untagging["Action"])


def test_pass_role_only_the_declared_roles_only_to_ecs_tasks(plans):
    statement = _statement(_policy(plans), "PassDeclaredRolesToEcsTasks")
    expected = {plan["execution_role_arn"] for plan in plans}
    expected |= {plan["task_role_arn"] for plan in plans if plan["task_role_arn"]}
    # A bare role name in the task definition is a role of the account.
    expected = {arn if arn.startswith("arn:") else f"{ROLE}/{arn}" for arn in expected}
    assert statement["Resource"] == sorted(expected)
    assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    assert [s["Sid"] for s in _policy(plans)["Statement"] if "iam:PassRole" in s["Action"]] == [statement["Sid"]]


def test_a_blue_green_service_adds_the_rule_read_and_passes_its_ecs_roles_to_ecs_only(plans, all_plans):
    document = _policy(all_plans)
    added = [s for s in document["Statement"] if s["Sid"] not in {t["Sid"] for t in _policy(plans)["Statement"]}]
    # The canary sits behind a load balancer and runs a migration: its targets' health and RunTask come with it.
    assert [s["Sid"] for s in added if s["Sid"] in ("ReadTargetHealth", "RunReleaseTasksOfDeclaredFamilies")] == [
        "ReadTargetHealth",
        "RunReleaseTasksOfDeclaredFamilies",
    ]
    # And a scheduled task: test_policy_schedules.py checks its statements.
    scheduled = ("MoveDeclaredSchedules", "PassSchedulerRolesToScheduler")
    added = [s for s in added if s["Sid"] not in ("ReadTargetHealth", "RunReleaseTasksOfDeclaredFamilies", *scheduled)]
    assert added == [
        {
            "Sid": "ReadListenerRuleWeights",
            "Effect": "Allow",
            "Action": ["elasticloadbalancing:DescribeRules"],
            "Resource": ["*"],
        },
        {
            "Sid": "PassDeclaredRolesToEcs",
            "Effect": "Allow",
            "Action": ["iam:PassRole"],
            "Resource": [f"{ROLE}/shop-deploy-hooks", f"{ROLE}/shop-dev-api-ecs-infra"],
            "Condition": {"StringEquals": {"iam:PassedToService": "ecs.amazonaws.com"}},
        },
    ]
    # The roles ECS assumes are never passable to tasks, and the tasks' roles never to ECS itself.
    tasks = _statement(document, "PassDeclaredRolesToEcsTasks")
    assert not set(tasks["Resource"]) & set(added[1]["Resource"])
    assert f"{ROLE}/shop-dev-api-exec" in tasks["Resource"]
    # ECS changes the rule's weights itself: the deployer never modifies a rule.
    assert not [a for a in _granted(document) if a.startswith("elasticloadbalancing:") and "Describe" not in a]


def test_rolling_services_get_no_load_balancer_read_nor_pass_to_ecs(plans):
    sids = [statement["Sid"] for statement in _policy(plans)["Statement"]]
    assert "ReadListenerRuleWeights" not in sids and "PassDeclaredRolesToEcs" not in sids


def test_a_blue_green_service_without_load_balancer_passes_only_its_hook_roles():
    service = {key: value for key, value in CANARY.items() if key != "load_balancer"}
    document = _policy(resolve_services([service], ACCOUNT))
    assert _statement(document, "PassDeclaredRolesToEcs")["Resource"] == [HOOK_ROLE]
    assert _statement(document, "ReadListenerRuleWeights")["Action"] == ["elasticloadbalancing:DescribeRules"]


def test_a_service_without_task_role_passes_only_its_execution_role(plans):
    worker = [plan for plan in plans if plan["name"] == "worker"]
    statement = _statement(_policy(worker), "PassDeclaredRolesToEcsTasks")
    assert statement["Resource"] == [f"{ROLE}/shop-dev-worker-exec"]


@pytest.mark.parametrize("role", ["*", f"{ROLE}/*", f"{ROLE}/shop-*", "arn:aws:iam::111122223333:user/someone"])
def test_a_role_that_is_not_one_role_is_rejected(plans, role):
    broken = [dict(plans[0], task_role_arn=role)]
    with pytest.raises(ECSValidationError, match="task_role_arn"):
        _policy(broken)


# ECR ------------------------------------------------------------------------------------------------------------


def test_no_ecr_access_by_default(plans):
    # Only the checks before deploying read ECR: whether an image exists, and whether another account's repository
    # lets this one pull (BatchGetImage, a pull's first step, reads a manifest and no layer). No push.
    ecr = {action for action in _granted(_policy(plans)) if action.startswith("ecr:")}
    assert ecr == {"ecr:BatchGetImage", "ecr:DescribeImages"}
    assert not [action for action in _granted(_policy(plans, verify=False)) if action.startswith("ecr:")]


def test_ecr_push_on_the_named_repositories(plans):
    other = "arn:aws:ecr:us-east-1:444455556666:repository/shared/base"
    document = _policy(plans, ecr_repositories=["shop/web", other, "shop/web"])
    token = _statement(document, "EcrAuthorizationToken")
    assert token["Action"] == ["ecr:GetAuthorizationToken"]
    assert token["Resource"] == ["*"]
    push = _statement(document, "EcrPushDeclaredRepositories")
    assert push["Action"] == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
    ]
    assert push["Resource"] == [f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/shop/web", other]
    assert [s["Sid"] for s in document["Statement"]][-2:] == ["EcrAuthorizationToken", "EcrPushDeclaredRepositories"]


@pytest.mark.parametrize("repository", ["Shop/Web", "shop web", "", "arn:aws:ecr:eu-west-1:111122223333:repository/*"])
def test_a_bad_repository_is_rejected(plans, repository):
    with pytest.raises(ECSValidationError, match="repository"):
        _policy(plans, ecr_repositories=[repository])


# Determinism and shape -----------------------------------------------------------------------------------------


def test_the_document_does_not_depend_on_declaration_order(plans):
    expected = json.dumps(_policy(plans, create_services=True, prune=True, ecr_repositories=["b/repo", "a/repo"]))
    for seed in range(5):
        shuffled = list(plans)
        random.Random(seed).shuffle(shuffled)
        document = _policy(shuffled, create_services=True, prune=True, ecr_repositories=["a/repo", "b/repo"])
        assert json.dumps(document) == expected


def test_every_statement_is_readable_and_sorted(plans, all_plans):
    document = _policy(all_plans, create_services=True, prune=True, ecr_repositories=["shop/web"])
    sids = [statement["Sid"] for statement in document["Statement"]]
    assert len(sids) == len(set(sids))
    for statement in document["Statement"]:
        assert re.match(r"^[A-Za-z0-9]+$", statement["Sid"])
        assert statement["Effect"] == "Allow"
        assert statement["Action"] == sorted(set(statement["Action"]))
        assert statement["Resource"] == sorted(set(statement["Resource"]))
    # IAM counts the characters without whitespace: 2048 for a user's inline policy, 6144 managed, 10240 role inline.
    # The checks before deploying (verify) make the default too large for a user's inline policy: the role says so.
    assert len(json.dumps(_policy(plans), separators=(",", ":"))) < 6144
    assert len(json.dumps(_policy(plans, verify=False, diagnose=False), separators=(",", ":"))) < 2048
    assert len(json.dumps(_policy(all_plans), separators=(",", ":"))) < 6144


@pytest.mark.parametrize(
    ("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("eu-west-1", "aws")]
)
def test_the_partition_follows_the_region(region, partition):
    plans = resolve_services(DECLARED[:1], ACCOUNT, partition)
    document = policy.deploy_policy(plans, region, ACCOUNT)
    resources = [resource for statement in document["Statement"] for resource in statement["Resource"]]
    assert all(resource == "*" or resource.startswith(f"arn:{partition}:") for resource in resources)
    assert f"arn:{partition}:ecs:{region}:{ACCOUNT}:service/shop-dev/web" in resources


@pytest.mark.parametrize(
    ("region", "account", "message"),
    [
        ("", ACCOUNT, "region"),
        ("eu-west", ACCOUNT, "region"),
        (REGION, "1234", "account"),
        (REGION, None, "account"),
    ],
)
def test_where_must_be_valid(plans, region, account, message):
    with pytest.raises(ECSValidationError, match=message):
        policy.deploy_policy(plans, region, account)


def test_no_plans_no_policy():
    with pytest.raises(ECSValidationError, match="at least one"):
        policy.deploy_policy([], REGION, ACCOUNT)


# The filter -------------------------------------------------------------------------------------------------------


def test_the_filter_returns_the_document_and_turns_errors_into_filter_errors(plans):
    deploy_policy = FilterModule().filters()["deploy_policy"]
    assert deploy_policy(plans, REGION, int(ACCOUNT)) == _policy(plans)
    assert deploy_policy(
        plans, REGION, ACCOUNT, None, create_services="yes", prune=False, ecr_repositories=["shop/web"]
    ) == _policy(plans, create_services=True, ecr_repositories=["shop/web"])
    with pytest.raises(AnsibleFilterError, match="region"):
        deploy_policy(plans, "nowhere", ACCOUNT)
    with pytest.raises(AnsibleFilterError):
        deploy_policy(plans, REGION, ACCOUNT, create_services="maybe")


# The README tells every statement ----------------------------------------------------------------------------------


def test_the_roles_readme_names_every_statement_the_policy_can_hold(all_plans):
    """Each Sid of the fullest policy (blue/green plans, every option) is in roles/iam_policy/README.md, and the
    README names no statement the code cannot produce."""
    everything = _policy(
        all_plans, create_services=True, prune=True, ecr_repositories=["shop/web"], suspend_scale_in=True
    )
    produced = {statement["Sid"] for statement in everything["Statement"]}
    section = (REPO_ROOT / "roles" / "iam_policy" / "README.md").read_text()
    section = section[section.index("## What the policy allows") : section.index("## Variables")]
    in_tables = set(re.findall(r"^\| `([A-Z][A-Za-z]+)` \|", section, re.MULTILINE))
    in_options = set(re.findall(r"\(`([A-Z][A-Za-z]+)`\)", section))
    assert len(produced) >= 10
    assert produced == in_tables | in_options


# Holding scale-in during a rollout (deploy_suspend_scale_in) --------------------------------------------------------


def test_no_autoscaling_access_unless_scale_in_is_held(plans, all_plans):
    for document in (_policy(plans), _policy(all_plans, create_services=True, prune=True)):
        assert not any(action.startswith("application-autoscaling:") for action in _granted(document))


def test_holding_scale_in_reads_every_target_and_writes_only_ecs_desired_counts(plans):
    document = _policy(plans, suspend_scale_in=True)
    added = _granted(document) - _granted(_policy(plans))
    assert added == {
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:RegisterScalableTarget",
    }
    read = _statement(document, "ReadScalableTargets")
    assert read["Action"] == ["application-autoscaling:DescribeScalableTargets"]
    assert read["Resource"] == ["*"] and "Condition" not in read
    hold = _statement(document, "HoldScaleInOfEcsServices")
    assert hold["Action"] == ["application-autoscaling:RegisterScalableTarget"]
    assert hold["Condition"] == {
        "StringEquals": {
            "application-autoscaling:service-namespace": "ecs",
            "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount",
        }
    }


def test_the_scaling_module_calls_only_what_the_hold_grants_or_what_bootstrap_alone_does(plans, service_models):
    reachable = _reachable_actions(service_models, "ecs_service_scaling")
    scaling = {action for action in reachable if action.startswith("application-autoscaling:")}
    held = _granted(_policy(plans, suspend_scale_in=True))
    assert {"application-autoscaling:DescribeScalableTargets", "application-autoscaling:RegisterScalableTarget"} <= held
    assert scaling - held == {action for action in policy.NOT_GRANTED if action.startswith("application-autoscaling:")}


def test_the_filter_takes_the_hold_option(plans):
    deploy_policy = FilterModule().filters()["deploy_policy"]
    document = deploy_policy(plans, REGION, ACCOUNT, suspend_scale_in="true")
    assert "application-autoscaling:RegisterScalableTarget" in _granted(document)
    with pytest.raises(AnsibleFilterError):
        deploy_policy(plans, REGION, ACCOUNT, suspend_scale_in="maybe")
