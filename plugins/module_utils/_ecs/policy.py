# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the least-privilege IAM policy of a deployer, built from the resolved service plans.

The deployer is whoever runs the deploy playbook: ``ecs_taskdef_live`` with ``definitions`` and
``ecs_service_rollout`` with ``services``. It needs exactly the ECS actions that api.py calls on those paths, scoped
to the declared clusters, services and task definition families wherever ECS evaluates a resource, plus
``iam:PassRole`` for the declared task and execution roles. tests/unit/plugins/module_utils/_ecs/test_policy.py
proves it: every client call in module_utils is either granted here or listed in ``NOT_GRANTED`` with a reason.

Services with a blue/green, linear or canary strategy add two things: ``elasticloadbalancing:DescribeRules`` (the
modules read the production listener rule's weights while ECS shifts traffic) and ``iam:PassRole`` of their
infrastructure role and lifecycle hook roles, passed to ``ecs.amazonaws.com`` only.

The internal ``ecs`` role calls ``sts:GetCallerIdentity``, which needs no permission, and ``sts:AssumeRole`` when
``ecs_assume_role_arn`` is set; that permission belongs to the identity that assumes the role, not to the role
that holds this policy.

Output is deterministic: statements in a fixed order, actions and resources sorted and unique.
"""

from __future__ import annotations

import re
from typing import Any

from .exceptions import ECSValidationError
from .verify_plan import ecr_image
from .vocabulary import ECS_PRINCIPAL, ECS_TASKS_PRINCIPAL, SCHEDULER_PRINCIPAL

POLICY_VERSION = "2012-10-17"

# Scopes: what an action is allowed on. Each scope becomes one statement, in SCOPE_ORDER. An action maps to the
# tuple of scopes it is granted on.
TASK_DEFINITIONS_ANY = "task_definitions_any"  # ECS evaluates these task definition actions only against "*"
SERVICES = "services"  # the declared services' ARNs
FAMILIES = "families"  # every revision of the declared task definition families
CLUSTERS = "clusters"  # the declared clusters' ARNs
IN_CLUSTERS = "in_clusters"  # "*", with the condition ecs:cluster = a declared cluster
CLUSTER_CONTENTS = "cluster_contents"  # every service and task of the declared clusters
# every service deployment and service revision of the declared services
SERVICE_DEPLOYMENTS = "service_deployments"

# What the deploy playbook calls: ecs_taskdef_live (DescribeServices, DescribeTaskDefinition, RegisterTaskDefinition,
# TagResource/UntagResource of a revision) and ecs_service_rollout on existing services (DescribeServices,
# DescribeTaskDefinition, UpdateService, TagResource/UntagResource of a service). TagResource also authorises the
# tags sent with RegisterTaskDefinition and CreateService (ECS's tag-on-create check).
DEPLOY_ACTIONS = {
    "ecs:DescribeServices": (SERVICES,),
    "ecs:DescribeTaskDefinition": (TASK_DEFINITIONS_ANY,),
    "ecs:RegisterTaskDefinition": (TASK_DEFINITIONS_ANY,),
    "ecs:TagResource": (SERVICES, FAMILIES),
    "ecs:UntagResource": (SERVICES, FAMILIES),
    "ecs:UpdateService": (SERVICES,),
    # Blue/green, linear and canary services: ecs_service_rollout follows (and on failure stops) its service
    # deployment; ecs_service_deployment also continues a PAUSE hook. ListServiceDeployments is evaluated against
    # the service, the other three against service-deployment ARNs.
    "ecs:ListServiceDeployments": (SERVICES,),
    "ecs:DescribeServiceDeployments": (SERVICE_DEPLOYMENTS,),
    "ecs:StopServiceDeployment": (SERVICE_DEPLOYMENTS,),
    "ecs:ContinueServiceDeployment": (SERVICE_DEPLOYMENTS,),
    # A service that declares monitoring or gateway_connectors: ECS reports them only on its service revisions.
    "ecs:DescribeServiceRevisions": (SERVICE_DEPLOYMENTS,),
}
# Blue/green, linear and canary services: ecs_service_rollout and ecs_service_deployment read the weights of the
# production listener rule (ELBv2 DescribeRules), which ECS changes while it shifts traffic. ELBv2 evaluates its
# Describe actions only against "*".
BLUE_GREEN_ACTIONS = ("elasticloadbalancing:DescribeRules",)
# ecs_service_rollout creating a declared service that does not exist yet (the bootstrap role's job, normally):
# it checks the cluster first.
CREATE_ACTIONS = {
    "ecs:CreateService": (SERVICES,),
    "ecs:DescribeClusters": (CLUSTERS,),
}
# ecs_taskdef_prune with the declared clusters: it lists and describes every service and task of each cluster to
# find the revisions still in use, then deregisters the old ones.
PRUNE_ACTIONS = {
    "ecs:DeregisterTaskDefinition": (TASK_DEFINITIONS_ANY,),
    "ecs:DescribeClusters": (CLUSTERS,),
    "ecs:DescribeServices": (CLUSTER_CONTENTS,),
    "ecs:DescribeTasks": (CLUSTER_CONTENTS,),
    "ecs:ListServices": (IN_CLUSTERS,),
    "ecs:ListTaskDefinitions": (TASK_DEFINITIONS_ANY,),
    "ecs:ListTasks": (IN_CLUSTERS,),
}
# The deploy role's checks before it writes (ecs_taskdef_live verify, on by default): reads only, never a secret's
# value. Clusters and roles are the declared ones. Images and secrets may live in any account and region: their
# actions get every resource of their own type. DescribeLogGroups, DescribeParameters and ELBv2's Describe actions
# take no resource-level permission, so they get "*".
VERIFY_CLUSTER_ACTIONS = ("ecs:DescribeClusters",)
VERIFY_ROLE_ACTIONS = ("iam:GetRole",)
VERIFY_TYPED_ACTIONS = ("ecr:BatchGetImage", "ecr:DescribeImages", "secretsmanager:DescribeSecret")
VERIFY_DESCRIBE_ONLY_ACTIONS = (
    "elasticloadbalancing:DescribeTargetGroups",
    "logs:DescribeLogGroups",
    "ssm:DescribeParameters",
)
VERIFY_READ_ACTIONS = VERIFY_TYPED_ACTIONS + VERIFY_DESCRIBE_ONLY_ACTIONS
# Calls the collection can make that this policy never grants, and why.
# A failed rollout says why (ecs_service_rollout): the stopped tasks of the failed deployment, the targets' health,
# and the last log lines of a failed container. Only a failure makes these calls; every deploy may fail.
FAILURE_TASK_ACTIONS = ("ecs:DescribeTasks", "ecs:ListTasks")
FAILURE_LOG_ACTIONS = ("logs:GetLogEvents",)
FAILURE_TARGET_ACTIONS = ("elasticloadbalancing:DescribeTargetHealth",)
# One-off tasks of a release (run_before_deploy, run_after_deploy, ecs_task_run): granted when a service declares
# some. RunTask is evaluated against the task definition; StopTask against the task, in the declared clusters.
TASK_RUN_ACTIONS = ("ecs:RunTask",)
TASK_STOP_ACTIONS = ("ecs:StopTask",)
FAILURE_SIDS = {
    "tasks": "ReadTasksOfDeclaredClusters",
    "list": "ListTasksOfDeclaredClusters",
    "logs": "ReadDeclaredLogGroups",
    "targets": "ReadTargetHealth",
    "run": "RunReleaseTasksOfDeclaredFamilies",
}

# deploy_suspend_scale_in: ecs_service_scaling reads the scalable targets of the services about to roll out
# (DescribeScalableTargets takes no resource-level permission: "*") and sets, then restores, their SuspendedState
# (RegisterScalableTarget). A scalable target's ARN carries a random id, not the service's name, so the write is
# scoped by Application Auto Scaling's condition keys to the desired count of ECS services.
SCALE_IN_READ_ACTIONS = ("application-autoscaling:DescribeScalableTargets",)
SCALE_IN_WRITE_ACTIONS = ("application-autoscaling:RegisterScalableTarget",)
SCALE_IN_CONDITION = {
    "StringEquals": {
        "application-autoscaling:service-namespace": "ecs",
        "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount",
    }
}
SCALE_IN_SIDS = {"read": "ReadScalableTargets", "write": "HoldScaleInOfEcsServices"}
# ecs_service_scaling with state: present (the bootstrap role) makes policies and scheduled actions; no deploy does.
_BOOTSTRAP_SCALING = "only ecs_service_scaling with state: present, which the bootstrap role runs, never a deploy"

NOT_GRANTED = {
    "ecs:DeleteService": "only ecs_service_rollout with state: absent, which no deploy uses",
    "scheduler:CreateSchedule": "only ecs_schedules in mode present, which the bootstrap role runs; a deploy moves "
    "the schedules that exist",
    "application-autoscaling:DescribeScalingPolicies": _BOOTSTRAP_SCALING,
    "application-autoscaling:PutScalingPolicy": _BOOTSTRAP_SCALING,
    "application-autoscaling:DeleteScalingPolicy": _BOOTSTRAP_SCALING,
    "application-autoscaling:DescribeScheduledActions": _BOOTSTRAP_SCALING,
    "application-autoscaling:PutScheduledAction": _BOOTSTRAP_SCALING,
    "application-autoscaling:DeleteScheduledAction": _BOOTSTRAP_SCALING,
    "ecs:ListClusters": "only ecs_taskdef_prune without clusters; the policy scopes pruning to the declared clusters",
}
# The bootstrap role's ecs_load_balancers makes load balancers, listeners, target groups and rules with the
# administrator's credentials; a deploy never does (ECS itself moves a blue/green rule's weights).
_BOOTSTRAP_ONLY = "only ecs_load_balancers, which the bootstrap role runs; a deploy makes no load balancer part"
NOT_GRANTED.update(
    {
        f"elasticloadbalancing:{action}": _BOOTSTRAP_ONLY
        for action in (
            "AddListenerCertificates",
            "CreateListener",
            "CreateLoadBalancer",
            "CreateRule",
            "CreateTargetGroup",
            "DescribeListeners",
            "DescribeLoadBalancers",
            "ModifyListener",
            "ModifyRule",
            "ModifyTargetGroup",
        )
    }
)

# Scheduled tasks (ecs_services[].schedules): the deploy moves each schedule of a released service to its new
# revision with ecs_schedules in mode follow, GetSchedule then UpdateSchedule, which passes the schedule's role to
# EventBridge Scheduler. Granted on the declared schedules only, and only when a service declares some.
SCHEDULE_ACTIONS = ("scheduler:GetSchedule", "scheduler:UpdateSchedule")
SCHEDULE_SID = "MoveDeclaredSchedules"
PASS_ROLE_TO_SCHEDULER_SID = "PassSchedulerRolesToScheduler"

# ecs_iam_roles runs in bootstrap only, under an administrator's identity: a deployer never makes or changes roles.
IAM_ROLES_NOT_GRANTED = {
    f"iam:{action}": "only ecs_iam_roles, which the bootstrap role runs; a deployer never makes or changes IAM roles"
    for action in (
        "AttachRolePolicy",
        "CreateRole",
        "DeleteRolePolicy",
        "DetachRolePolicy",
        "GetRolePolicy",
        "ListAttachedRolePolicies",
        "ListRolePolicies",
        "PutRolePolicy",
        "TagRole",
        "UntagRole",
        "UpdateAssumeRolePolicy",
        "UpdateRole",
    )
}
NOT_GRANTED.update(IAM_ROLES_NOT_GRANTED)
# ecs_clusters' log_groups and ecs_log_groups likewise: the deploy only checks that a log group exists.
NOT_GRANTED.update(
    {
        f"logs:{action}": (
            "only ecs_clusters (log_groups) and ecs_log_groups, which the bootstrap role runs; a deploy makes no "
            "log group"
        )
        for action in ("CreateLogGroup", "PutRetentionPolicy")
    }
)
NOT_GRANTED["ecs:CreateCluster"] = "only ecs_clusters, which the bootstrap role runs; a deploy makes no cluster"

# ecs_repositories runs in the bootstrap role, with the credentials that make clusters and roles; a deploy never
# makes or changes a repository, its policies, an OIDC provider or a user's policy.
REPOSITORY_BOOTSTRAP_ACTIONS = (
    "ecr:CreateRepository",
    "ecr:DeleteRepositoryPolicy",
    "ecr:DescribeRegistry",
    "ecr:DescribeRepositories",
    "ecr:GetLifecyclePolicy",
    "ecr:GetRepositoryPolicy",
    "ecr:PutImageScanningConfiguration",
    "ecr:PutImageTagMutability",
    "ecr:PutLifecyclePolicy",
    "ecr:SetRepositoryPolicy",
    "iam:AddClientIDToOpenIDConnectProvider",
    "iam:CreateOpenIDConnectProvider",
    "iam:GetOpenIDConnectProvider",
    "iam:GetUser",
    "iam:GetUserPolicy",
    "iam:ListOpenIDConnectProviders",
    "iam:PutUserPolicy",
)
NOT_GRANTED.update(
    dict.fromkeys(
        REPOSITORY_BOOTSTRAP_ACTIONS, "only ecs_repositories, in the bootstrap role; no deploy makes repositories"
    )
)

ECR_AUTHORIZATION_ACTIONS = ("ecr:GetAuthorizationToken",)
ECR_PUSH_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
)

SIDS = {
    TASK_DEFINITIONS_ANY: "TaskDefinitionsNoResourceLevel",
    SERVICES: "DeclaredServices",
    FAMILIES: "TagDeclaredFamilies",
    CLUSTERS: "DeclaredClusters",
    IN_CLUSTERS: "ListInDeclaredClusters",
    CLUSTER_CONTENTS: "ReadDeclaredClusters",
    SERVICE_DEPLOYMENTS: "DeclaredServiceDeployments",
}
SCOPE_ORDER = (TASK_DEFINITIONS_ANY, SERVICES, SERVICE_DEPLOYMENTS, FAMILIES, CLUSTERS, IN_CLUSTERS, CLUSTER_CONTENTS)
PASS_ROLE_SID = "PassDeclaredRolesToEcsTasks"
BLUE_GREEN_READ_SID = "ReadListenerRuleWeights"
PASS_ROLE_TO_ECS_SID = "PassDeclaredRolesToEcs"
ECR_TOKEN_SID = "EcrAuthorizationToken"
ECR_PUSH_SID = "EcrPushDeclaredRepositories"
VERIFY_SIDS = {
    "clusters": "VerifyDeclaredClusters",
    "roles": "VerifyDeclaredRoles",
    "typed": "VerifyImagesAndSecrets",
    "describe": "VerifyDescribeOnly",
}

REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
ACCOUNT_PATTERN = re.compile(r"^\d{12}$")
PARTITION_PATTERN = re.compile(r"^aws(-[a-z]+)*$")
REPOSITORY_PATTERN = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")


def partition_of(region: str) -> str:
    """The ARN partition of a region: ``aws-cn`` for China, ``aws-us-gov`` for GovCloud, else ``aws``."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def granted_actions(create_services: bool = False, prune: bool = False) -> dict[str, set[str]]:
    """Action -> the scopes it is granted on, for the chosen options (ECR and PassRole aside)."""
    granted: dict[str, set[str]] = {}
    tables = [DEPLOY_ACTIONS] + ([CREATE_ACTIONS] if create_services else []) + ([PRUNE_ACTIONS] if prune else [])
    for table in tables:
        for action, scopes in table.items():
            granted.setdefault(action, set()).update(scopes)
    return granted


def deploy_policy(
    plans: list[dict],
    region: str,
    account_id: str,
    partition: str | None = None,
    *,
    create_services: bool = False,
    prune: bool = False,
    ecr_repositories: list[str] | None = None,
    verify: bool = True,
    diagnose: bool = True,
    suspend_scale_in: bool = False,
) -> dict:
    """The IAM policy document a deployer of ``plans`` needs, and nothing more.

    Args:
        plans: service plans from ``declarations.resolve_services`` (keys used: name, cluster, family,
            execution_role_arn, task_role_arn, blue_green, load_balancer.infrastructure_role_arn,
            lifecycle_hook_role_arns).
        region: region of the clusters.
        account_id: account of the clusters, twelve digits.
        partition: ARN partition; by default derived from ``region``.
        create_services: also allow creating a declared service that does not exist (ecs:CreateService on the
            declared services, ecs:DescribeClusters on their clusters).
        prune: also allow ecs_taskdef_prune on the declared clusters.
        ecr_repositories: names or ARNs of ECR repositories the image-build job pushes to; empty: no ECR access.
        verify: also allow the deploy's checks before it writes (deploy_verify): read-only, no secret value.
        diagnose: also allow reading why a rollout failed - the stopped tasks of the declared clusters, the declared
            log groups, and (for services behind a load balancer) the health of their targets. A deploy whose
            policy lacks them still fails clearly, without the reason.
        suspend_scale_in: also allow holding the scale-in of the services' scalable targets during a rollout
            (the deploy role's ``deploy_suspend_scale_in``).

    Returns:
        The policy document (Version and Statement), deterministic for equal input.

    Raises:
        ECSValidationError: no plans, or a region, account, partition, role or repository that is not valid.
    """
    region, account_id = str(region or ""), str(account_id or "")
    partition = partition or partition_of(region)
    _check_where(region, account_id, partition)
    if not isinstance(plans, list) or not plans:
        raise ECSValidationError("deploy_policy needs the service plans of at least one declared service")
    arn = _ArnBuilder(partition, region, account_id)
    resources = _scope_resources(plans, arn)

    by_scope: dict[str, set[str]] = {}
    for action, scopes in granted_actions(create_services, prune).items():
        for scope in scopes:
            by_scope.setdefault(scope, set()).add(action)

    statements = []
    for scope in SCOPE_ORDER:
        if scope not in by_scope:
            continue
        statement = _statement(SIDS[scope], by_scope[scope], resources[scope])
        if scope in (IN_CLUSTERS, CLUSTER_CONTENTS):
            statement["Condition"] = {"ArnEquals": {"ecs:cluster": resources[CLUSTERS]}}
        statements.append(statement)

    if any(plan.get("blue_green") for plan in plans):
        statements.append(_statement(BLUE_GREEN_READ_SID, set(BLUE_GREEN_ACTIONS), ["*"]))

    pass_role = _statement(PASS_ROLE_SID, {"iam:PassRole"}, _role_arns(plans, partition, account_id))
    pass_role["Condition"] = {"StringEquals": {"iam:PassedToService": ECS_TASKS_PRINCIPAL}}
    statements.append(pass_role)
    ecs_roles = _ecs_role_arns(plans, partition, account_id)
    if ecs_roles:
        pass_to_ecs = _statement(PASS_ROLE_TO_ECS_SID, {"iam:PassRole"}, ecs_roles)
        pass_to_ecs["Condition"] = {"StringEquals": {"iam:PassedToService": ECS_PRINCIPAL}}
        statements.append(pass_to_ecs)

    statements += _schedule_statements(plans, arn, partition, account_id)

    statements += _failure_and_task_statements(plans, arn, resources, diagnose=diagnose)

    if verify:
        statements += _verify_statements(plans, resources[CLUSTERS], partition, account_id)

    if suspend_scale_in:
        statements.append(_statement(SCALE_IN_SIDS["read"], set(SCALE_IN_READ_ACTIONS), ["*"]))
        hold = _statement(SCALE_IN_SIDS["write"], set(SCALE_IN_WRITE_ACTIONS), ["*"])
        hold["Condition"] = {key: dict(value) for key, value in SCALE_IN_CONDITION.items()}
        statements.append(hold)

    if ecr_repositories:
        statements.append(_statement(ECR_TOKEN_SID, set(ECR_AUTHORIZATION_ACTIONS), ["*"]))
        repositories = [_repository_arn(repository, arn) for repository in ecr_repositories]
        statements.append(_statement(ECR_PUSH_SID, set(ECR_PUSH_ACTIONS), repositories))
    return {"Version": POLICY_VERSION, "Statement": statements}


def _failure_and_task_statements(
    plans: list[dict], arn: _ArnBuilder, resources: dict[str, list[str]], *, diagnose: bool
) -> list[dict]:
    """Reading why a rollout failed (``diagnose``), and running the release's one-off tasks (when declared)."""
    with_tasks = any(plan.get("run_before_deploy") or plan.get("run_after_deploy") for plan in plans)
    if not (diagnose or with_tasks):
        return []
    clusters = sorted({plan["cluster"] for plan in plans})
    tasks = [arn("ecs", f"task/{cluster}/*") for cluster in clusters]
    statements = [
        _statement(FAILURE_SIDS["tasks"], {"ecs:DescribeTasks", *(TASK_STOP_ACTIONS if with_tasks else ())}, tasks),
        _statement(FAILURE_SIDS["logs"], set(FAILURE_LOG_ACTIONS), _log_group_arns(plans, arn)),
    ]
    if diagnose:
        # ListTasks is evaluated against "*", with the cluster as a condition.
        statements.append(
            _with_cluster_condition(_statement(FAILURE_SIDS["list"], {"ecs:ListTasks"}, ["*"]), resources)
        )
        if any(plan.get("load_balancer") or (plan.get("service") or {}).get("load_balancers") for plan in plans):
            statements.append(_statement(FAILURE_SIDS["targets"], set(FAILURE_TARGET_ACTIONS), ["*"]))
    if with_tasks:
        statements.append(_statement(FAILURE_SIDS["run"], set(TASK_RUN_ACTIONS), resources[FAMILIES]))
    return statements


def _schedule_statements(plans: list[dict], arn: _ArnBuilder, partition: str, account_id: str) -> list[dict]:
    """Moving the declared schedules to a new revision, and passing their roles to EventBridge Scheduler."""
    with_schedules = [plan for plan in plans if plan.get("schedules")]
    if not with_schedules:
        return []
    schedules = [
        arn("scheduler", f"schedule/{schedule.get('group') or 'default'}/{schedule['schedule_name']}")
        for plan in with_schedules
        for schedule in plan["schedules"]
    ]
    roles = [
        _one_role(plan, "scheduler role", plan["scheduler_role_arn"], partition, account_id) for plan in with_schedules
    ]
    pass_role = _statement(PASS_ROLE_TO_SCHEDULER_SID, {"iam:PassRole"}, roles)
    pass_role["Condition"] = {"StringEquals": {"iam:PassedToService": SCHEDULER_PRINCIPAL}}
    return [_statement(SCHEDULE_SID, set(SCHEDULE_ACTIONS), schedules), pass_role]


def _with_cluster_condition(statement: dict, resources: dict[str, list[str]]) -> dict:
    statement["Condition"] = {"ArnEquals": {"ecs:cluster": resources[CLUSTERS]}}
    return statement


def _log_group_arns(plans: list[dict], arn: _ArnBuilder) -> list[str]:
    """The declared log groups: each plan's, and every awslogs group its containers name (any region)."""
    groups = set()
    for plan in plans:
        if plan.get("log_group"):
            groups.add(arn("logs", f"log-group:{plan['log_group']}:*"))
        for container in (plan.get("task_definition") or {}).get("containerDefinitions") or []:
            options = (container.get("logConfiguration") or {}).get("options") or {}
            if (container.get("logConfiguration") or {}).get("logDriver") == "awslogs" and options.get("awslogs-group"):
                region = options.get("awslogs-region") or arn.region
                groups.add(f"{arn.prefix}:logs:{region}:{arn.account_id}:log-group:{options['awslogs-group']}:*")
    return sorted(groups)


def _verify_statements(plans: list[dict], clusters: list[str], partition: str, account_id: str) -> list[dict]:
    typed = [*_verified_repositories(plans, partition), f"arn:{partition}:secretsmanager:*:*:secret:*"]
    return [
        _statement(VERIFY_SIDS["clusters"], set(VERIFY_CLUSTER_ACTIONS), clusters),
        _statement(VERIFY_SIDS["roles"], set(VERIFY_ROLE_ACTIONS), _role_arns(plans, partition, account_id)),
        _statement(VERIFY_SIDS["typed"], set(VERIFY_TYPED_ACTIONS), typed),
        _statement(VERIFY_SIDS["describe"], set(VERIFY_DESCRIBE_ONLY_ACTIONS), ["*"]),
    ]


def _verified_repositories(plans: list[dict], partition: str) -> list[str]:
    """The ECR repositories the checks before a deploy may read images of.

    When every service declares its repository, its images are pushed there (and a promotion reads them from the
    same repository of the source account): the declared names, in any account and region, and the ECR repositories
    the task definitions already name. Otherwise any repository, since a deploy may set any image.
    """
    declared = [plan.get("repository") for plan in plans]
    if not plans or not all(declared):
        return [f"arn:{partition}:ecr:*:*:repository/*"]
    names = {name if isinstance(name, str) else name.get("name") for name in declared}
    for plan in plans:
        for container in (plan.get("task_definition") or {}).get("containerDefinitions") or []:
            image = ecr_image(container.get("image") or "")
            if image:
                names.add(image.repository)
    return sorted(f"arn:{partition}:ecr:*:*:repository/{name}" for name in names)


class _ArnBuilder:
    def __init__(self, partition: str, region: str, account_id: str):
        self.prefix = f"arn:{partition}"
        self.region = region
        self.account_id = account_id

    def __call__(self, service: str, resource: str) -> str:
        return f"{self.prefix}:{service}:{self.region}:{self.account_id}:{resource}"


def _check_where(region: str, account_id: str, partition: str) -> None:
    if not REGION_PATTERN.match(region):
        raise ECSValidationError(
            f"deploy_policy: region {region!r} is not an AWS region name such as eu-west-1; set ecs_region"
        )
    if not ACCOUNT_PATTERN.match(account_id):
        raise ECSValidationError(f"deploy_policy: account {account_id!r} is not a twelve-digit AWS account ID")
    if not PARTITION_PATTERN.match(partition):
        raise ECSValidationError(f"deploy_policy: partition {partition!r} is not an AWS partition such as aws")


def _scope_resources(plans: list[dict], arn: _ArnBuilder) -> dict[str, list[str]]:
    clusters = sorted({plan["cluster"] for plan in plans})
    services = sorted({arn("ecs", f"service/{plan['cluster']}/{plan['name']}") for plan in plans})
    families = sorted({arn("ecs", f"task-definition/{plan['family']}:*") for plan in plans})
    deployments = sorted(
        {
            arn("ecs", f"{kind}/{plan['cluster']}/{plan['name']}/*")
            for plan in plans
            for kind in ("service-deployment", "service-revision")
        }
    )
    cluster_arns = [arn("ecs", f"cluster/{cluster}") for cluster in clusters]
    contents = [arn("ecs", f"{kind}/{cluster}/*") for cluster in clusters for kind in ("service", "task")]
    return {
        TASK_DEFINITIONS_ANY: ["*"],
        SERVICES: services,
        SERVICE_DEPLOYMENTS: deployments,
        FAMILIES: families,
        CLUSTERS: cluster_arns,
        IN_CLUSTERS: ["*"],
        CLUSTER_CONTENTS: contents,
    }


def _role_arns(plans: list[dict], partition: str, account_id: str) -> list[str]:
    """The task and execution roles of the plans, as ARNs (a bare role name is one of this account)."""
    arns = set()
    for plan in plans:
        for key in ("execution_role_arn", "task_role_arn"):
            role = plan.get(key)
            if role:
                arns.add(_one_role(plan, key, role, partition, account_id))
    if not arns:
        raise ECSValidationError("deploy_policy: the services declare no execution or task role to pass")
    return sorted(arns)


def _ecs_role_arns(plans: list[dict], partition: str, account_id: str) -> list[str]:
    """The roles ECS itself assumes for the plans: infrastructure roles of blue/green load balancers, hook roles."""
    arns = set()
    for plan in plans:
        balancer = plan.get("load_balancer") or {}
        if plan.get("blue_green") and balancer.get("infrastructure_role_arn"):
            role = balancer["infrastructure_role_arn"]
            arns.add(_one_role(plan, "load_balancer.infrastructure_role_arn", role, partition, account_id))
        for role in plan.get("lifecycle_hook_role_arns") or []:
            arns.add(_one_role(plan, "lifecycle hook role_arn", role, partition, account_id))
    return sorted(arns)


def _one_role(plan: dict, key: str, role: Any, partition: str, account_id: str) -> str:
    if not isinstance(role, str) or "*" in role or "?" in role:
        raise ECSValidationError(f"ecs_services[{plan.get('name')}]: {key} {role!r} must name one IAM role")
    if not role.startswith("arn:"):
        return f"arn:{partition}:iam::{account_id}:role/{role}"
    if ":role/" not in role:
        raise ECSValidationError(f"ecs_services[{plan.get('name')}]: {key} {role!r} is not an IAM role ARN")
    return role


def _repository_arn(repository: Any, arn: _ArnBuilder) -> str:
    if isinstance(repository, str) and repository.startswith("arn:"):
        if ":ecr:" not in repository or ":repository/" not in repository or "*" in repository:
            raise ECSValidationError(f"ecr repository {repository!r} is not the ARN of one ECR repository")
        return repository
    if not isinstance(repository, str) or not REPOSITORY_PATTERN.match(repository):
        raise ECSValidationError(
            f"ecr repository {repository!r} is not a repository name (lower-case letters, digits, . _ - and /)"
        )
    return arn("ecr", f"repository/{repository}")


def _statement(sid: str, actions: set[str], resources: list[str]) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": sorted(actions),
        "Resource": sorted(set(resources)),
    }
