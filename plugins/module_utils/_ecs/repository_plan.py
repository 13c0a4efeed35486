# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: ECR repositories of the declaration, checked, and the documents that make them what was declared.

A service declares its image repository inline (``repository: {name: shop/api, ...}``) or names one of the shared
``ecs_repositories`` of its environment (``repository: shop/api``). Everything a repository needs is derived here,
before anything is read or written: the lifecycle policy (keep the last N images, expire untagged ones after D
days), the statements of the repository policy that let the execution roles of the other environments pull across
accounts, the OIDC identity provider and the push-only role a CI system assumes, and the push-only inline policy of
an existing IAM user. ``ecs_repositories`` (the module) compares these documents with what ECR and IAM hold,
canonically, so that a second run writes nothing.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from .exceptions import ECSValidationError
from .verify_plan import ecr_image
from .vocabulary import IAM_ROLE_NAME_PATTERN, MAX_IAM_ROLE_NAME

# CreateRepository's constraints on repositoryName.
MIN_REPOSITORY_NAME, MAX_REPOSITORY_NAME = 2, 256
REPOSITORY_NAME_PATTERN = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
ACCOUNT_PATTERN = re.compile(r"^\d{12}$")
ROLE_ARN_PATTERN = re.compile(r"^arn:[a-z-]+:iam::(\d{12}):role/[\w+=,.@/-]+$")
# IAM user names: 1 to 64 of these characters.
IAM_USER_NAME_PATTERN = re.compile(r"^[\w+=,.@-]{1,64}$")

REPOSITORY_KEYS = (
    "name",
    "keep_images",
    "expire_untagged_days",
    "immutable_tags",
    "scan_on_push",
    "pull_accounts",
    "push_oidc",
    "push_user",
)
PUSH_OIDC_KEYS = ("provider", "subjects", "role_name")

# The OIDC issuers of the CI systems a push role may trust. ``subject`` is the shape of their token's sub claim:
# GitHub Actions "repo:OWNER/REPO:ref:refs/heads/main" (or :environment:NAME, :pull_request...), GitLab
# "project_path:GROUP/PROJECT:ref_type:branch:ref:main". A subject that names no repository or project would let
# any repository on the platform push.
OIDC_PROVIDERS = {
    "github": {
        "host": "token.actions.githubusercontent.com",
        "subject": re.compile(r"^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:\S+$"),
        "example": "repo:OWNER/REPOSITORY:ref:refs/heads/main",
    },
    "gitlab": {
        "host": "gitlab.com",
        "subject": re.compile(r"^project_path:[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+:\S+$"),
        "example": "project_path:GROUP/PROJECT:ref_type:branch:ref:main",
    },
}
# The audience the CI job asks its token for; AWS's own recommendation for GitHub, and what GitLab jobs set in
# id_tokens (aud: sts.amazonaws.com).
OIDC_AUDIENCE = "sts.amazonaws.com"

# What ECS's execution role needs to pull an image, and what a push needs (ECS-FACTS).
PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
PUSH_ACTIONS = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
]
# A re-push of a mutable tag reads the manifest it replaces; an immutable tag can never be pushed twice.
REPUSH_ACTION = "ecr:BatchGetImage"
# The repository policy statements this collection owns; statements with other Sids are the user's and are kept.
PULL_STATEMENT_SID = "DriftlessPullFromOtherEnvironments"
PULL_ACCOUNTS_STATEMENT_SID = "DriftlessPullFromAccounts"
OWNED_SIDS = (PULL_STATEMENT_SID, PULL_ACCOUNTS_STATEMENT_SID)
PUSH_POLICY_NAME = "driftless-ecr-push"
# IAM's limit on an inline policy name: a user's push policy is named after its repository.
MAX_POLICY_NAME = 128


def service_repository(value: Any, where: str) -> Any:
    """The ``repository`` of one ecs_services item: None, the name of a shared repository, or a checked entry."""
    if value is None:
        return None
    if isinstance(value, str):
        check_name(value, f"{where}.repository")
        return value
    return check_repository(value, f"{where}.repository")


def check_name(name: Any, where: str) -> str:
    if not isinstance(name, str) or not MIN_REPOSITORY_NAME <= len(name) <= MAX_REPOSITORY_NAME:
        raise ECSValidationError(
            f"{where} must be an ECR repository name of {MIN_REPOSITORY_NAME} to {MAX_REPOSITORY_NAME} characters, "
            f"got {name!r}"
        )
    if not REPOSITORY_NAME_PATTERN.match(name):
        raise ECSValidationError(
            f"{where} {name!r} is not an ECR repository name: lowercase letters and digits, separated by one '.', "
            "'_' or '-', in path parts joined by '/' (shop/api)"
        )
    return name


def check_repository(entry: Any, where: str) -> dict:
    """One repository entry, checked, with its defaults. Raises ECSValidationError naming the field."""
    if not isinstance(entry, dict):
        raise ECSValidationError(f"{where} must be a repository name or a mapping with at least a name")
    for key in entry:
        if key not in REPOSITORY_KEYS:
            raise ECSValidationError(f"{where}.{key} is not a known key; known: {', '.join(REPOSITORY_KEYS)}")
    name = entry.get("name")
    if name is None:
        raise ECSValidationError(f"{where}.name is required")
    check_name(name, f"{where}.name")
    checked = {
        "name": name,
        "keep_images": _positive(entry.get("keep_images"), f"{where}.keep_images", "1 or more images"),
        "expire_untagged_days": _positive(
            entry.get("expire_untagged_days"), f"{where}.expire_untagged_days", "1 or more days"
        ),
        "immutable_tags": _flag(entry.get("immutable_tags"), False, f"{where}.immutable_tags"),
        "scan_on_push": _flag(entry.get("scan_on_push"), True, f"{where}.scan_on_push"),
        "pull_accounts": _accounts(entry.get("pull_accounts"), f"{where}.pull_accounts"),
        "push_oidc": _push_oidc(entry.get("push_oidc"), name, f"{where}.push_oidc"),
        "push_user": _push_user(entry.get("push_user"), f"{where}.push_user"),
    }
    if checked["push_user"] and len(user_policy_name(name)) > MAX_POLICY_NAME:
        raise ECSValidationError(
            f"{where}.push_user: the user's inline policy {user_policy_name(name)!r} would be "
            f"{len(user_policy_name(name))} characters and IAM allows {MAX_POLICY_NAME}: shorten the repository name"
        )
    return checked


def user_policy_name(repository: str) -> str:
    """One inline policy a repository: a user may push to several."""
    return f"{PUSH_POLICY_NAME}-{repository.replace('/', '-')}"


def _positive(value: Any, where: str, meaning: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ECSValidationError(f"{where} must be a whole number, {meaning}, got {value!r}")
    return value


def _flag(value: Any, default: bool, where: str) -> bool:
    if value is None:
        return default
    if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
        return value.lower() in ("true", "yes")
    if not isinstance(value, bool):
        raise ECSValidationError(f"{where} must be true or false, got {value!r}")
    return value


def _accounts(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ECSValidationError(f"{where} must be a list of 12-digit AWS account ids")
    accounts = []
    for index, given in enumerate(value):
        account = str(given)
        if not ACCOUNT_PATTERN.match(account):
            raise ECSValidationError(f"{where}[{index}] {account!r} is not a 12-digit AWS account id")
        if account not in accounts:
            accounts.append(account)
    return accounts


def _push_user(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not IAM_USER_NAME_PATTERN.match(value):
        raise ECSValidationError(
            f"{where} must be the name of an existing IAM user (1 to 64 characters), got {value!r}"
        )
    return value


def default_push_role_name(repository: str) -> str:
    return repository.replace("/", "-") + "-push"


def _push_oidc(value: Any, repository: str, where: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ECSValidationError(f"{where} must be a mapping: {{provider: github|gitlab, subjects: [...]}}")
    for key in value:
        if key not in PUSH_OIDC_KEYS:
            raise ECSValidationError(f"{where}.{key} is not a known key; known: {', '.join(PUSH_OIDC_KEYS)}")
    provider = value.get("provider")
    if provider not in OIDC_PROVIDERS:
        raise ECSValidationError(f"{where}.provider must be one of {', '.join(OIDC_PROVIDERS)}, got {provider!r}")
    known = OIDC_PROVIDERS[provider]
    subjects = value.get("subjects")
    if not isinstance(subjects, list) or not subjects:
        raise ECSValidationError(
            f"{where}.subjects must list at least one subject of the {provider} token that may push, such as "
            f"{known['example']!r}"
        )
    for index, subject in enumerate(subjects):
        if not isinstance(subject, str) or not known["subject"].match(subject):
            raise ECSValidationError(
                f"{where}.subjects[{index}] {subject!r} is not a {provider} subject that names its repository: "
                f"{known['example']!r} (wildcards * after the repository only)"
            )
    role_name = value.get("role_name") or default_push_role_name(repository)
    if (
        not isinstance(role_name, str)
        or len(role_name) > MAX_IAM_ROLE_NAME
        or not IAM_ROLE_NAME_PATTERN.match(role_name)
    ):
        shown = len(role_name) if isinstance(role_name, str) else role_name
        raise ECSValidationError(
            f"{where}.role_name {role_name!r} must be 1 to {MAX_IAM_ROLE_NAME} letters, digits or +=,.@_- "
            f"(it is {shown} characters); it defaults to the repository name with '-push': set role_name"
        )
    return {"provider": provider, "subjects": list(dict.fromkeys(subjects)), "role_name": role_name}


def resolve_repositories(
    plans: list[dict],
    shared: Any,
    account_id: str,
    partition: str = "aws",
    *,
    environments: Any = None,
    whole_declaration: bool = True,
    region: str = "*",
) -> list[dict]:
    """The repositories of a run, each checked and complete, in declaration order.

    Args:
        plans: the resolved service plans (``resolve_services``); their ``repository`` is None, a name of a shared
            repository, or an inline entry.
        shared: the environment's ``ecs_repositories`` list (or None).
        account_id: the account of the environment, which owns the repositories.
        partition: ARN partition.
        environments: the other environments that pull: ``[{name, account_id, execution_role_arns: {repository:
            [role ARN]}, deployer_role_arn}]`` (see ``pulling_environments``).
        whole_declaration: the run covers every service (no ``bootstrap_service``): shared repositories that no
            service names are made too.
        region: the region of the repositories, for the push policy's ARN; ``*`` when unknown.

    Raises:
        ECSValidationError: a bad entry, a name declared twice, or a reference to an undeclared repository.
    """
    if shared is None:
        shared = []
    if not isinstance(shared, list):
        raise ECSValidationError("ecs_repositories must be a list of repository entries")
    declared: dict[str, dict] = {}
    for index, entry in enumerate(shared):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"ecs_repositories[{name}]" if isinstance(name, str) and name else f"ecs_repositories[{index}]"
        checked = check_repository(entry, where)
        if checked["name"] in declared:
            raise ECSValidationError(f"{where}: repository {checked['name']} is declared more than once")
        declared[checked["name"]] = checked
    used: dict[str, list[str]] = {}
    for plan in plans:
        repository = plan.get("repository")
        if repository is None:
            continue
        where = f"ecs_services[{plan['name']}].repository"
        if isinstance(repository, str):
            if repository not in declared:
                known = ", ".join(sorted(declared)) or "none"
                raise ECSValidationError(
                    f"{where} names repository {repository!r}, which ecs_repositories does not declare; "
                    f"declared: {known}"
                )
            name = repository
        else:
            name = repository["name"]
            if name in declared and declared[name] != repository:
                raise ECSValidationError(
                    f"{where} declares repository {name} with other settings than another declaration of it; declare "
                    "it once in ecs_repositories and name it (repository: NAME)"
                )
            declared[name] = repository
        used.setdefault(name, []).append(plan["name"])
    names = list(declared) if whole_declaration else [name for name in declared if name in used]
    return [
        _complete(
            declared[name], used.get(name, []), account_id, partition, region=region, environments=environments or []
        )
        for name in names
    ]


def _complete(
    entry: dict, services: list[str], account_id: str, partition: str, *, region: str, environments: list
) -> dict:
    name = entry["name"]
    pulling: set[str] = set()
    for environment in environments:
        roles = (environment.get("execution_role_arns") or {}).get(name)
        # An environment of the same account pulls with its own IAM policy; only other accounts need a grant.
        if not roles or str(environment.get("account_id")) == str(account_id):
            continue
        pulling.update(roles)
        # Its deployer reads the image (BatchGetImage) before a promotion writes anything.
        if environment.get("deployer_role_arn"):
            pulling.add(environment["deployer_role_arn"])
    repository = {
        **copy.deepcopy(entry),
        "services": services,
        "arn": repository_arn(name, account_id, partition, region),
        "pull_role_arns": sorted(pulling),
        "push_role": None,
    }
    if entry["push_oidc"]:
        repository["push_role"] = push_role(entry, account_id, partition, repository["arn"])
    # The ecs_repositories options of this repository, as the bootstrap role passes them.
    repository["request"] = {
        **{key: copy.deepcopy(entry[key]) for key in REPOSITORY_KEYS},
        "pull_role_arns": repository["pull_role_arns"],
    }
    return repository


def repository_arn(name: str, account_id: str, partition: str = "aws", region: str = "*") -> str:
    return f"arn:{partition}:ecr:{region or '*'}:{account_id}:repository/{name}"


def with_push_roles(plans: list[dict], repositories: list[dict]) -> list[dict]:
    """The service plans with each repository's push role in ``extra_roles`` (the bootstrap's ecs_iam_roles call
    makes every one): on the first plan whose service uses the repository, or on the run's first plan for a shared
    repository that no service of the run names. ``repository`` of each plan becomes the repository's name, and
    ``ecr_pull_resources`` the repositories its execution role needs to pull from (None without a repository)."""
    plans = copy.deepcopy(plans)
    partition = next((r["arn"].split(":")[1] for r in repositories if r.get("arn")), "aws")
    for plan in plans:
        plan.setdefault("extra_roles", [])
        repository = plan.get("repository")
        if isinstance(repository, dict):
            plan["repository"] = repository["name"]
        plan["ecr_pull_resources"] = pull_resources(plan, partition) if plan["repository"] else None
    for repository in repositories:
        if not repository.get("push_role") or not plans:
            continue
        owner = next((plan for plan in plans if plan.get("repository") == repository["name"]), plans[0])
        owner["extra_roles"].append(copy.deepcopy(repository["push_role"]))
    return plans


def pull_resources(plan: dict, partition: str = "aws") -> list[str]:
    """The repositories the execution role of a service with a repository pulls from: that repository in any account
    and region (a promotion pulls it from the source environment's account, whose repository policy decides), and
    every other ECR repository its task definition names (a sidecar's)."""
    names = {plan["repository"]}
    for container in (plan.get("task_definition") or {}).get("containerDefinitions") or []:
        image = ecr_image(container.get("image") or "")
        if image:
            names.add(image.repository)
    return sorted(f"arn:{partition}:ecr:*:*:repository/{name}" for name in names)


def push_policy(repository_arn: str, immutable_tags: bool) -> dict:
    """Exactly the push permissions: a registry token, and the upload of layers and manifests to this one
    repository. Nothing that lists, deletes or pulls layers."""
    actions = PUSH_ACTIONS + ([] if immutable_tags else [REPUSH_ACTION])
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AuthenticateToRegistry",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*",
            },
            {"Sid": "PushImages", "Effect": "Allow", "Action": sorted(actions), "Resource": repository_arn},
        ],
    }


def oidc_provider_arn(provider: str, account_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:oidc-provider/{OIDC_PROVIDERS[provider]['host']}"


def push_role(entry: dict, account_id: str, partition: str, repository_arn: str) -> dict:
    """The ``extra_roles`` entry of the push role: trusted by the CI's OIDC provider for the declared subjects
    and the STS audience only, allowed to push to this repository only."""
    oidc = entry["push_oidc"]
    host = OIDC_PROVIDERS[oidc["provider"]]["host"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": oidc_provider_arn(oidc["provider"], account_id, partition)},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{host}:aud": OIDC_AUDIENCE},
                    "StringLike": {f"{host}:sub": list(oidc["subjects"])},
                },
            }
        ],
    }
    return {
        "name": oidc["role_name"],
        "description": f"Pushes images to ECR repository {entry['name']} from {oidc['provider']} CI; nothing else",
        "trust_policy": trust,
        "inline_policies": {PUSH_POLICY_NAME: push_policy(repository_arn, entry["immutable_tags"])},
        "managed_policy_arns": [],
        "tags": {},
    }


def pulling_environments(environments: Any, partition: str = "aws") -> list[dict]:
    """The other environments of the inventory that pull images of these repositories.

    Args:
        environments: ``[{name, account_id, services: that environment's ecs_services, deployer_role_arn}]`` as the
            role reads them from hostvars.

    Returns:
        ``[{name, account_id, execution_role_arns: {repository: [ARN]}, deployer_role_arn}]``: for each repository,
        the execution roles of that environment's services that use it (its declared executionRoleArn, its
        execution_role_name, or the default CLUSTER-SERVICE-exec).
    """
    found = []
    for environment in environments or []:
        account = str(environment.get("account_id") or "")
        if not ACCOUNT_PATTERN.match(account):
            continue
        roles: dict[str, list[str]] = {}
        for item in environment.get("services") or []:
            if not isinstance(item, dict) or not item.get("repository"):
                continue
            repository = item["repository"]
            name = repository if isinstance(repository, str) else (repository or {}).get("name")
            role = _execution_role_arn(item, account, partition)
            if name and role:
                roles.setdefault(name, [])
                if role not in roles[name]:
                    roles[name].append(role)
        found.append(
            {
                "name": environment.get("name"),
                "account_id": account,
                "execution_role_arns": roles,
                "deployer_role_arn": environment.get("deployer_role_arn") or None,
            }
        )
    return found


def _execution_role_arn(item: dict, account: str, partition: str) -> str | None:
    if item.get("execution_role") is False:
        return None
    declared = (
        (item.get("task_definition") or {}).get("executionRoleArn")
        if isinstance(item.get("task_definition"), dict)
        else None
    )
    if isinstance(declared, str) and ROLE_ARN_PATTERN.match(declared):
        return declared
    name = item.get("execution_role_name") or f"{item.get('cluster')}-{item.get('name')}-exec"
    return f"arn:{partition}:iam::{account}:role/{name}"


# Documents the module compares and writes ---------------------------------------------------------------------


def lifecycle_policy(keep_images: int | None, expire_untagged_days: int | None) -> dict | None:
    """The lifecycle policy of the declaration, or None when it declares neither rule (the live one is left).

    The rule that counts every image must have the highest rulePriority (ECR evaluates a tagStatus ``any`` rule
    last), so untagged images are expired first.
    """
    rules = []
    if expire_untagged_days:
        rules.append(
            {
                "rulePriority": len(rules) + 1,
                "description": f"Expire untagged images {expire_untagged_days} days after their push",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": expire_untagged_days,
                },
                "action": {"type": "expire"},
            }
        )
    if keep_images:
        rules.append(
            {
                "rulePriority": len(rules) + 1,
                "description": f"Keep the last {keep_images} images",
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep_images},
                "action": {"type": "expire"},
            }
        )
    return {"rules": rules} if rules else None


def pull_statements(pull_role_arns: list[str], pull_accounts: list[str], partition: str = "aws") -> list[dict]:
    """The repository policy statements that let other accounts pull.

    ECR refuses a repository policy that names a principal which does not exist ("Principal not found"), and the
    other environment's execution role may not exist yet (that environment is bootstrapped later). So the
    principal is the other account, and the condition ``aws:PrincipalArn`` narrows it to the named roles: the
    policy is valid before the roles exist and grants nothing more once they do.
    """
    statements = []
    if pull_role_arns:
        matches = [ROLE_ARN_PATTERN.match(arn) for arn in pull_role_arns]
        accounts = sorted({match.group(1) for match in matches if match})
        statements.append(
            {
                "Sid": PULL_STATEMENT_SID,
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:{partition}:iam::{account}:root" for account in accounts]},
                "Action": list(PULL_ACTIONS),
                "Condition": {"ArnLike": {"aws:PrincipalArn": sorted(pull_role_arns)}},
            }
        )
    if pull_accounts:
        statements.append(
            {
                "Sid": PULL_ACCOUNTS_STATEMENT_SID,
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:{partition}:iam::{account}:root" for account in sorted(pull_accounts)]},
                "Action": list(PULL_ACTIONS),
            }
        )
    return statements


def repository_policy(live_text: str | None, statements: list[dict]) -> dict | None:
    """The repository policy to hold: the live statements that are not this collection's, then ours.

    Returns None when nothing remains (the policy is then deleted, or never made).
    """
    kept = []
    if live_text:
        live = json.loads(live_text)
        found = live.get("Statement") or []
        kept = [s for s in ([found] if isinstance(found, dict) else found) if s.get("Sid") not in OWNED_SIDS]
    wanted = kept + statements
    return {"Version": "2012-10-17", "Statement": wanted} if wanted else None


def canonical(document: Any) -> Any:
    """A policy document in one comparable form: lists of strings sorted, single strings as lists, keys sorted
    (IAM and ECR may answer with another order or with a one-element list as a string)."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return document
    return _canonical(document)


_LISTY = {"Action", "NotAction", "Resource", "NotResource", "AWS", "Federated", "Service"}


def _canonical(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        if all(isinstance(v, str) for v in items):
            return sorted(set(items))
        if key in ("Statement",):
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        return items
    if isinstance(value, str) and key in _LISTY:
        return [value]
    if isinstance(value, str) and ":" in key:
        # A condition value given as one string is the one-element list.
        return [value]
    return value


def same_document(live: Any, wanted: Any) -> bool:
    if live is None or wanted is None:
        return live is None and wanted is None
    return canonical(live) == canonical(wanted)


def repository_changes(live: dict | None, wanted: dict) -> list[str]:
    """The settings of one repository that differ: ``create``, ``scan_on_push``, ``immutable_tags``."""
    if live is None:
        return ["create"]
    changes = []
    scanning = (live.get("imageScanningConfiguration") or {}).get("scanOnPush", False)
    if bool(scanning) != wanted["scan_on_push"]:
        changes.append("scan_on_push")
    immutable = live.get("imageTagMutability", "MUTABLE") in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION")
    if immutable != wanted["immutable_tags"]:
        changes.append("immutable_tags")
    return changes


def repository_images(plans: list[dict], account_id: str, region: str, partition: str = "aws") -> list[dict]:
    """The plans with every container image written as the service's own repository (``shop/api:bootstrap``, or
    ``shop/api@sha256:...``) turned into that repository's URI in the environment's registry.

    The name alone is the repository: the same declaration then names the right registry in every account and
    region. An image of any other name is left as written (``nginx:1.27`` stays Docker Hub's).

    Raises:
        ECSValidationError: such an image, and no region to find the registry in.
    """
    plans = copy.deepcopy(plans)
    suffix = ".amazonaws.com.cn" if partition == "aws-cn" else ".amazonaws.com"
    for plan in plans:
        repository = plan.get("repository")
        name = repository if isinstance(repository, str) else (repository or {}).get("name")
        if not name:
            continue
        for container in (plan.get("task_definition") or {}).get("containerDefinitions") or []:
            image = container.get("image")
            if not isinstance(image, str) or not (image.startswith(f"{name}:") or image.startswith(f"{name}@")):
                continue
            if not region or region == "*":
                raise ECSValidationError(
                    f"ecs_services[{plan['name']}] container {container.get('name')} image {image} names the "
                    "service's repository; its registry needs the region: set ecs_region"
                )
            container["image"] = f"{account_id}.dkr.ecr.{region}{suffix}/{image}"
    return plans
