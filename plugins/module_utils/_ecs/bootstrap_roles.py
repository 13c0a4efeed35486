# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the IAM roles the bootstrap role makes for the service plans, as ecs_iam_roles entries. Knowledge layer.

One list for the whole run, so that one module call makes them all:

- each service's task execution role, when the plan names it (a declaration whose executionRoleArn names another
  role keeps that role, and it is left alone), with one inline policy: ECR pull, log writing on the service's log
  group only, and the SSM parameters and Secrets Manager secrets its containers name, one by one;
- each service's task role on the same terms, with the statements the service declares (no policy without any);
- the infrastructure role of each blue/green, linear or canary service behind a load balancer, with the AWS managed
  policy that lets ECS move the listener rules' weights;
- every ``extra_roles`` entry of every plan: roles another kind needs (the push role of a repository, the role a
  schedule runs its task with), made here with the rest.

A role named by two plans (a shared infrastructure role, an extra role two services need) is listed once, as the
first plan declares it; ecs_iam_roles refuses two different declarations of one name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .exceptions import ECSValidationError

POLICY_VERSION = "2012-10-17"
SECRET_ARN = re.compile(r"^arn:[^:]+:secretsmanager:[^:]+:[0-9]{12}:secret:[^:]+")
PARAMETER_ARN = re.compile(r"^arn:[^:]+:ssm:")
# Secrets Manager adds six random characters to a secret's name in its ARN: "-??????" matches them in a policy.
SECRET_SUFFIX = "-??????"


def bootstrap_roles(
    plans: list[dict],
    *,
    account_id: str,
    region: str,
    task_trust_policy: dict,
    infrastructure_trust_policy: dict,
    execution_policy_name: str,
    task_policy_name: str,
    infrastructure_policy_name: str,
    ecr_pull_resources: list[str],
    execution_statements: list[dict],
) -> list[dict]:
    """The ecs_iam_roles entries of every role the plans need, in plan order, each name once."""
    roles: dict[str, dict] = {}

    def add(role: dict) -> None:
        roles.setdefault(role["name"], role)

    for plan in plans:
        where = f"ecs_services[{plan.get('name')}]"
        execution = plan.get("execution_role_name")
        if execution and (plan.get("execution_role_arn") or "").endswith(f":role/{execution}"):
            add(
                {
                    "name": execution,
                    "description": f"ECS task execution role of service {plan['name']} in cluster {plan['cluster']}",
                    "trust_policy": task_trust_policy,
                    "inline_policies": {
                        execution_policy_name: execution_policy(
                            plan,
                            account_id=account_id,
                            region=region,
                            ecr_pull_resources=ecr_pull_resources,
                            extra_statements=execution_statements,
                        )
                    },
                }
            )
        task = plan.get("task_role_name")
        if task and (plan.get("task_role_arn") or "").endswith(f":role/{task}"):
            statements = plan.get("task_role_policy_statements") or []
            add(
                {
                    "name": task,
                    "description": f"ECS task role of service {plan['name']} in cluster {plan['cluster']}",
                    "trust_policy": task_trust_policy,
                    "inline_policies": (
                        {task_policy_name: {"Version": POLICY_VERSION, "Statement": statements}} if statements else {}
                    ),
                }
            )
        balancer = plan.get("load_balancer") or {}
        if balancer and plan.get("blue_green") and balancer.get("infrastructure_role_name"):
            partition = str(balancer.get("infrastructure_role_arn") or "arn:aws").split(":")[1]
            add(
                {
                    "name": balancer["infrastructure_role_name"],
                    "description": (
                        f"ECS infrastructure role for the load balancer of service {plan['name']} in cluster "
                        f"{plan['cluster']}"
                    ),
                    "trust_policy": infrastructure_trust_policy,
                    "managed_policy_arns": [f"arn:{partition}:iam::aws:policy/{infrastructure_policy_name}"],
                }
            )
        extra = plan.get("extra_roles") or []
        if not isinstance(extra, list) or not all(isinstance(role, dict) and role.get("name") for role in extra):
            raise ECSValidationError(f"{where}.extra_roles must be a list of IAM role entries, each with a name")
        for role in extra:
            add(json.loads(json.dumps(role)))
    return list(roles.values())


def execution_policy(
    plan: dict, *, account_id: str, region: str, ecr_pull_resources: list[str], extra_statements: list[dict]
) -> dict:
    """The execution role's inline policy: what AmazonECSTaskExecutionRolePolicy grants, scoped to the service's
    log group, plus reading exactly the parameters and secrets its containers name."""
    partition = str(plan["execution_role_arn"]).split(":")[1]
    secret_arns = [str(arn) for arn in plan.get("secret_arns") or []]
    parameters = [arn for arn in secret_arns if PARAMETER_ARN.match(arn)]
    # A valueFrom may add ":json-key:version-stage:version-id" to the secret's ARN; the policy names the secret.
    secrets = list(dict.fromkeys(match.group(0) for match in map(SECRET_ARN.match, secret_arns) if match))
    statements: list[dict[str, Any]] = [
        {"Sid": "AuthenticateToRegistry", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
        {
            "Sid": "PullImages",
            "Effect": "Allow",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": list(ecr_pull_resources),
        },
        {
            "Sid": "WriteLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"arn:{partition}:logs:{region}:{account_id}:log-group:{plan['log_group']}:*"],
        },
    ]
    if parameters:
        statements.append(
            {"Sid": "ReadParameters", "Effect": "Allow", "Action": ["ssm:GetParameters"], "Resource": parameters}
        )
    if secrets:
        statements.append(
            {
                "Sid": "ReadSecrets",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue"],
                "Resource": secrets + [arn + SECRET_SUFFIX for arn in secrets],
            }
        )
    return {"Version": POLICY_VERSION, "Statement": statements + list(extra_statements or [])}


FULL_SECRET_SOURCE = re.compile(r"^arn:[^:]+:(ssm|secretsmanager):[^:]+:[0-9]{12}:")


def scope_problems(plans: list[dict]) -> list[str]:
    """Why an execution role could not be scoped exactly, one message a service: secrets that are not full ARNs, and
    containers that log with awslogs to a group other than the service's (the only one its role may write to)."""
    problems = []
    for plan in plans:
        not_arns = [str(arn) for arn in plan.get("secret_arns") or [] if not FULL_SECRET_SOURCE.match(str(arn))]
        if not_arns:
            problems.append(
                f"Service {plan['name']}: secrets must name full ARNs of SSM parameters or Secrets Manager secrets so "
                f"that the execution role can read exactly those; not ARNs: {', '.join(not_arns)}"
            )
        groups = [
            ((container.get("logConfiguration") or {}).get("options") or {}).get("awslogs-group", plan["log_group"])
            for container in (plan.get("task_definition") or {}).get("containerDefinitions") or []
            if (container.get("logConfiguration") or {}).get("logDriver") == "awslogs"
        ]
        if any(group != plan["log_group"] for group in groups):
            problems.append(
                f"Service {plan['name']}: containers log with awslogs to {', '.join(dict.fromkeys(groups))} but the "
                f"service's log group is {plan['log_group']}, the only one its execution role may write to. Set "
                "log_group, or the awslogs-group option of the containers, so that they agree."
            )
    return problems
