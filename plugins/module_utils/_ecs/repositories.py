# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_repositories: every ECR repository of a run, its policies and its push-only access.

Steps:
  1. check every entry (``repository_plan.check_repository``): a bad name, count, provider or subject fails here,
     before any call;
  2. read, side by side: every repository of the registry (DescribeRepositories, one call for a thousand), the
     account's OIDC providers (ListOpenIDConnectProviders), then for each declared repository that exists its
     lifecycle and repository policies, for each provider in use its audiences, and for each push user the user and
     its push policy. A push user that does not exist fails here, before any write;
  3. compare canonically with what was declared (``repository_plan``); check mode stops here and reports the plan;
  4. write only what differs: CreateRepository, PutImageScanningConfiguration, PutImageTagMutability,
     PutLifecyclePolicy, SetRepositoryPolicy (or DeleteRepositoryPolicy when only this collection's statements
     were in it), CreateOpenIDConnectProvider (or AddClientIDToOpenIDConnectProvider), PutUserPolicy.

The push role a repository's ``push_oidc`` needs is an IAM role like the others: the bootstrap role makes it with
``ecs_iam_roles``, from the plan's ``extra_roles`` (``repository_plan.push_role``).
"""

from __future__ import annotations

import json
from typing import Any

from . import api
from .exceptions import ECSValidationError
from .parallel import in_parallel
from .repository_plan import (
    OIDC_AUDIENCE,
    OIDC_PROVIDERS,
    ROLE_ARN_PATTERN,
    check_repository,
    lifecycle_policy,
    oidc_provider_arn,
    pull_statements,
    push_policy,
    repository_arn,
    repository_changes,
    repository_policy,
    same_document,
    user_policy_name,
)
from .waiting import Clock


def run(
    client: Any,
    params: dict,
    *,
    check_mode: bool = False,
    diff: bool = False,
    clock: Clock | None = None,
    ecr: Any = None,
    iam: Any = None,
) -> dict:
    """ecs_repositories: the module's params in, its result out."""
    wanted = _declared(params.get("repositories") or [])
    region = getattr(getattr(ecr, "meta", None), "region_name", None) or "*"
    account_id = params.get("account_id") or (api.registry_id(ecr) if wanted else "")
    partition = params.get("partition") or _partition(region)

    live = _read(ecr, iam, wanted, account_id, partition)
    _check_users(wanted, live)
    plans = [_plan(entry, live, account_id, partition, region) for entry in wanted]
    for plan in plans:
        if plan["live"] is None and region != "*":
            plan["uri"] = f"{account_id}.dkr.ecr.{region}.amazonaws.com/{plan['name']}"
    providers = _provider_plans(wanted, live, account_id, partition)
    result: dict = {
        "changed": any(plan["changes"] for plan in plans) or any(p["changes"] for p in providers),
        "repositories": [_shown(plan) for plan in plans],
        "oidc_providers": [{key: p[key] for key in ("provider", "arn", "changes")} for p in providers],
    }
    if diff:
        result["diff"] = {
            "before": {plan["name"]: plan["before"] for plan in plans if plan["changes"]},
            "after": {plan["name"]: plan["after"] for plan in plans if plan["changes"]},
        }
    if check_mode or not result["changed"]:
        return result
    for provider in providers:
        _write_provider(iam, provider)
    created = in_parallel(lambda plan: _write_repository(ecr, iam, plan), plans)
    for plan, repository in zip(plans, created):
        if repository:
            result["repositories"][plans.index(plan)].update(_identity(repository))
    return result


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _declared(entries: list) -> list[dict]:
    wanted, names = [], set()
    for index, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"repositories[{name or index}]"
        declared = {key: value for key, value in (entry or {}).items() if key != "pull_role_arns" and value is not None}
        checked = check_repository(declared, where)
        roles = entry.get("pull_role_arns") or []
        for position, role in enumerate(roles):
            if not isinstance(role, str) or not ROLE_ARN_PATTERN.match(role):
                raise ECSValidationError(f"{where}.pull_role_arns[{position}] {role!r} is not the ARN of an IAM role")
        checked["pull_role_arns"] = sorted(set(roles))
        if checked["name"] in names:
            raise ECSValidationError(f"{where}: repository {checked['name']} is declared more than once")
        names.add(checked["name"])
        wanted.append(checked)
    return wanted


def _read(ecr: Any, iam: Any, wanted: list[dict], account_id: str, partition: str) -> dict:
    existing = {repository["repositoryName"]: repository for repository in api.describe_repositories(ecr)}
    providers_used = sorted({entry["push_oidc"]["provider"] for entry in wanted if entry["push_oidc"]})
    provider_arns = api.list_open_id_connect_providers(iam) if providers_used else []

    reads: list[tuple] = []
    for entry in wanted:
        if entry["name"] in existing:
            if entry["keep_images"] or entry["expire_untagged_days"]:
                reads.append(("lifecycle", entry["name"]))
            reads.append(("policy", entry["name"]))
        if entry["push_user"]:
            reads.append(("user", entry["push_user"]))
            reads.append(("user_policy", (entry["push_user"], user_policy_name(entry["name"]))))
    for provider in providers_used:
        arn = oidc_provider_arn(provider, account_id, partition)
        if arn in provider_arns:
            reads.append(("provider", arn))

    def read(item: tuple) -> Any:
        kind, key = item
        if kind == "lifecycle":
            return api.get_lifecycle_policy(ecr, key)
        if kind == "policy":
            return api.get_repository_policy(ecr, key)
        if kind == "user":
            return api.get_user(iam, key)
        if kind == "user_policy":
            return api.get_user_policy(iam, *key)
        return api.get_open_id_connect_provider(iam, key)

    answers = dict(zip(reads, in_parallel(read, reads)))
    return {"repositories": existing, "provider_arns": provider_arns, "answers": answers}


def _check_users(wanted: list[dict], live: dict) -> None:
    missing = [
        f"repositories[{entry['name']}].push_user {entry['push_user']!r} is not an IAM user of this account"
        for entry in wanted
        if entry["push_user"] and live["answers"].get(("user", entry["push_user"])) is None
    ]
    if missing:
        raise ECSValidationError("; ".join(missing) + "; nothing was written (the push user must exist already)")


def _plan(entry: dict, live: dict, account_id: str, partition: str, region: str) -> dict:
    name = entry["name"]
    repository = live["repositories"].get(name)
    answers = live["answers"]
    changes = repository_changes(repository, entry)
    arn = (repository or {}).get("repositoryArn") or repository_arn(name, account_id, partition, region)

    wanted_lifecycle = lifecycle_policy(entry["keep_images"], entry["expire_untagged_days"])
    live_lifecycle = answers.get(("lifecycle", name)) if repository else None
    if wanted_lifecycle and not same_document(live_lifecycle, wanted_lifecycle):
        changes.append("lifecycle_policy")

    live_policy = answers.get(("policy", name)) if repository else None
    statements = pull_statements(entry["pull_role_arns"], entry["pull_accounts"], partition)
    wanted_policy = repository_policy(live_policy, statements)
    if not same_document(live_policy, wanted_policy):
        changes.append("repository_policy" if wanted_policy else "repository_policy_removed")

    user_policy = None
    if entry["push_user"]:
        user_policy = push_policy(arn, entry["immutable_tags"])
        live_user_policy = answers.get(("user_policy", (entry["push_user"], user_policy_name(name))))
        if not same_document(live_user_policy, user_policy):
            changes.append("push_user_policy")
    else:
        live_user_policy = None
    return {
        "name": name,
        "entry": entry,
        "arn": arn,
        "live": repository,
        "changes": changes,
        "lifecycle_policy": wanted_lifecycle,
        "repository_policy": wanted_policy,
        "user_policy": user_policy,
        "before": {
            "exists": repository is not None,
            "scan_on_push": ((repository or {}).get("imageScanningConfiguration") or {}).get("scanOnPush"),
            "immutable_tags": (repository or {}).get("imageTagMutability") == "IMMUTABLE" if repository else None,
            "lifecycle_policy": _document(live_lifecycle),
            "repository_policy": _document(live_policy),
            "push_user_policy": live_user_policy,
        },
        "after": {
            "exists": True,
            "scan_on_push": entry["scan_on_push"],
            "immutable_tags": entry["immutable_tags"],
            "lifecycle_policy": wanted_lifecycle or _document(live_lifecycle),
            "repository_policy": wanted_policy,
            "push_user_policy": user_policy,
        },
    }


def _document(text: Any) -> Any:
    if isinstance(text, str):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _provider_plans(wanted: list[dict], live: dict, account_id: str, partition: str) -> list[dict]:
    plans = []
    for provider in sorted({entry["push_oidc"]["provider"] for entry in wanted if entry["push_oidc"]}):
        arn = oidc_provider_arn(provider, account_id, partition)
        if arn not in live["provider_arns"]:
            changes = ["create"]
        else:
            audiences = (live["answers"].get(("provider", arn)) or {}).get("ClientIDList") or []
            changes = [] if OIDC_AUDIENCE in audiences else ["audience"]
        plans.append({"provider": provider, "arn": arn, "changes": changes})
    return plans


def _write_provider(iam: Any, provider: dict) -> None:
    if "create" in provider["changes"]:
        url = f"https://{OIDC_PROVIDERS[provider['provider']]['host']}"
        provider["arn"] = api.create_open_id_connect_provider(iam, url, [OIDC_AUDIENCE])
    elif "audience" in provider["changes"]:
        api.add_client_id_to_open_id_connect_provider(iam, provider["arn"], OIDC_AUDIENCE)


def _write_repository(ecr: Any, iam: Any, plan: dict) -> dict | None:
    entry, changes, name = plan["entry"], plan["changes"], plan["name"]
    created = None
    if "create" in changes:
        created = api.create_repository(ecr, name, entry["scan_on_push"], entry["immutable_tags"])
        plan["arn"] = created["repositoryArn"]
    if "scan_on_push" in changes:
        api.put_image_scanning_configuration(ecr, name, entry["scan_on_push"])
    if "immutable_tags" in changes:
        api.put_image_tag_mutability(ecr, name, entry["immutable_tags"])
    if "lifecycle_policy" in changes:
        api.put_lifecycle_policy(ecr, name, plan["lifecycle_policy"])
    if "repository_policy" in changes:
        api.set_repository_policy(ecr, name, plan["repository_policy"])
    if "repository_policy_removed" in changes:
        api.delete_repository_policy(ecr, name)
    if "push_user_policy" in changes:
        document = push_policy(plan["arn"], entry["immutable_tags"])
        api.put_user_policy(iam, entry["push_user"], user_policy_name(name), document)
    return created


def _identity(repository: dict) -> dict:
    return {
        "arn": repository.get("repositoryArn"),
        "uri": repository.get("repositoryUri"),
        "registry_id": repository.get("registryId"),
    }


def _shown(plan: dict) -> dict:
    live = plan["live"] or {}
    return {
        "name": plan["name"],
        "arn": plan["arn"],
        "uri": live.get("repositoryUri") or plan.get("uri"),
        "registry_id": live.get("registryId") or plan["arn"].split(":")[4],
        "changes": plan["changes"],
        "pull_role_arns": plan["entry"]["pull_role_arns"],
        "pull_accounts": plan["entry"]["pull_accounts"],
        "push_role_name": (plan["entry"]["push_oidc"] or {}).get("role_name"),
        "push_user": plan["entry"]["push_user"],
    }
