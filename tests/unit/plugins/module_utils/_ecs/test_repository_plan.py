"""Repositories of the declaration: the checks, the documents, and what the comparison sees as equal."""

from __future__ import annotations

import json

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import policy
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.repository_plan import (
    check_repository,
    lifecycle_policy,
    pull_statements,
    pulling_environments,
    push_policy,
    repository_changes,
    repository_images,
    repository_policy,
    resolve_repositories,
    same_document,
    service_repository,
    with_push_roles,
)

ACCOUNT, PROD = "111111111111", "222222222222"
GITHUB = {"provider": "github", "subjects": ["repo:shop/api:ref:refs/heads/main"]}


def _plan(name: str, repository=None) -> dict:
    return {"name": name, "cluster": "shop-dev", "repository": repository}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "x"}, "repository.name must be an ECR repository name of 2 to 256 characters, got 'x'"),
        ({"name": "a" * 257}, "repository.name must be an ECR repository name of 2 to 256 characters"),
        ({"name": "Shop/api"}, "repository.name 'Shop/api' is not an ECR repository name"),
        ({"name": "shop//api"}, "repository.name 'shop//api' is not an ECR repository name"),
        ({"name": "shop/api", "keep_images": 0}, "repository.keep_images must be a whole number, 1 or more images"),
        ({"name": "shop/api", "expire_untagged_days": -1}, "repository.expire_untagged_days must be a whole number"),
        ({"name": "shop/api", "immutable_tags": "sometimes"}, "repository.immutable_tags must be true or false"),
        ({"name": "shop/api", "pull_accounts": ["12"]}, "repository.pull_accounts[0] '12' is not a 12-digit"),
        ({"name": "shop/api", "push_oidc": {"provider": "jenkins", "subjects": ["x"]}}, "provider must be one of"),
        ({"name": "shop/api", "push_oidc": {"provider": "github", "subjects": []}}, "subjects must list at least one"),
        (
            {"name": "shop/api", "push_oidc": {"provider": "github", "subjects": ["repo:*"]}},
            "repository.push_oidc.subjects[0] 'repo:*' is not a github subject that names its repository",
        ),
        (
            {"name": "shop/api", "push_oidc": {"provider": "gitlab", "subjects": ["repo:shop/api:ref:main"]}},
            "is not a gitlab subject",
        ),
        (
            {"name": "shop/" + "a" * 70, "push_oidc": GITHUB},
            "repository.push_oidc.role_name 'shop-" + "a" * 70 + "-push' must be 1 to 64",
        ),
        ({"name": "shop/api", "push_user": "bad user"}, "repository.push_user must be the name of an existing IAM"),
        ({"name": "shop/api", "keep": 5}, "repository.keep is not a known key"),
    ],
)
def test_a_bad_entry_is_refused_naming_its_field(entry, message):
    with pytest.raises(ECSValidationError) as raised:
        check_repository(entry, "repository")
    assert message in raised.value.message


def test_defaults_and_subjects_once():
    checked = check_repository(
        {"name": "shop/api", "push_oidc": {**GITHUB, "subjects": GITHUB["subjects"] * 2}}, "repository"
    )
    assert checked["scan_on_push"] is True
    assert checked["immutable_tags"] is False
    assert checked["push_oidc"] == {**GITHUB, "role_name": "shop-api-push"}


def test_a_service_names_a_shared_repository_or_declares_one():
    assert service_repository(None, "ecs_services[api]") is None
    assert service_repository("shop/api", "ecs_services[api]") == "shop/api"
    with pytest.raises(ECSValidationError, match=r"ecs_services\[api\]\.repository 'Shop' is not"):
        service_repository("Shop", "ecs_services[api]")


def test_references_resolve_to_the_shared_entry_and_undeclared_ones_are_refused():
    plans = [_plan("api", check_repository({"name": "shop/api"}, "r")), _plan("web", "shop/web"), _plan("db")]
    found = resolve_repositories(plans, [{"name": "shop/web"}, {"name": "shop/tools"}], ACCOUNT)
    assert [(r["name"], r["services"]) for r in found] == [
        ("shop/web", ["web"]),
        ("shop/tools", []),
        ("shop/api", ["api"]),
    ]
    only_used = resolve_repositories(
        plans, [{"name": "shop/web"}, {"name": "shop/tools"}], ACCOUNT, whole_declaration=False
    )
    assert [r["name"] for r in only_used] == ["shop/web", "shop/api"]

    with pytest.raises(ECSValidationError) as raised:
        resolve_repositories([_plan("web", "shop/missing")], [{"name": "shop/web"}], ACCOUNT)
    assert raised.value.message == (
        "ecs_services[web].repository names repository 'shop/missing', which ecs_repositories does not declare; "
        "declared: shop/web"
    )
    with pytest.raises(ECSValidationError, match=r"ecs_repositories\[shop/web\]: repository shop/web is declared more"):
        resolve_repositories([], [{"name": "shop/web"}, {"name": "shop/web"}], ACCOUNT)


def test_the_other_accounts_execution_roles_and_deployer_may_pull():
    environments = pulling_environments(
        [
            {
                "name": "shop-prod",
                "account_id": PROD,
                "deployer_role_arn": f"arn:aws:iam::{PROD}:role/shop-deployer",
                "services": [
                    {"name": "api", "cluster": "shop-prod", "repository": {"name": "shop/api"}},
                    {"name": "web", "cluster": "shop-prod", "repository": "shop/web", "execution_role_name": "web-x"},
                    {"name": "db", "cluster": "shop-prod"},
                ],
            },
            # Same account as the repositories: its own IAM policy suffices.
            {
                "name": "shop-staging",
                "account_id": ACCOUNT,
                "services": [{"name": "api", "cluster": "s", "repository": "shop/api"}],
            },
            {"name": "localhost", "account_id": "", "services": []},
        ]
    )
    assert [e["name"] for e in environments] == ["shop-prod", "shop-staging"]
    plans = [_plan("api", check_repository({"name": "shop/api"}, "r")), _plan("web", "shop/web")]
    found = {
        r["name"]: r for r in resolve_repositories(plans, [{"name": "shop/web"}], ACCOUNT, environments=environments)
    }
    assert found["shop/api"]["pull_role_arns"] == [
        f"arn:aws:iam::{PROD}:role/shop-deployer",
        f"arn:aws:iam::{PROD}:role/shop-prod-api-exec",
    ]
    assert found["shop/web"]["pull_role_arns"] == [
        f"arn:aws:iam::{PROD}:role/shop-deployer",
        f"arn:aws:iam::{PROD}:role/web-x",
    ]
    assert found["shop/web"]["request"]["pull_role_arns"] == found["shop/web"]["pull_role_arns"]


def test_pull_statements_name_accounts_and_narrow_to_roles():
    role = f"arn:aws:iam::{PROD}:role/shop-prod-api-exec"
    (by_role, by_account) = pull_statements([role], ["333333333333"])
    assert by_role["Principal"] == {"AWS": [f"arn:aws:iam::{PROD}:root"]}
    assert by_role["Condition"] == {"ArnLike": {"aws:PrincipalArn": [role]}}
    assert by_role["Action"] == ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert by_account["Principal"] == {"AWS": ["arn:aws:iam::333333333333:root"]} and "Condition" not in by_account
    assert pull_statements([], []) == []


def test_the_repository_policy_keeps_statements_it_does_not_own():
    theirs = {
        "Sid": "CodeBuild",
        "Effect": "Allow",
        "Principal": {"Service": "codebuild.amazonaws.com"},
        "Action": "ecr:*",
    }
    ours = pull_statements([f"arn:aws:iam::{PROD}:role/r"], [])
    live = json.dumps({"Version": "2012-10-17", "Statement": [theirs, *ours]})
    assert repository_policy(live, ours)["Statement"] == [theirs, *ours]
    assert repository_policy(live, [])["Statement"] == [theirs]
    only_ours = json.dumps({"Version": "2012-10-17", "Statement": ours})
    assert repository_policy(only_ours, []) is None
    assert repository_policy(None, []) is None


def test_documents_compare_canonically():
    wanted = push_policy("arn:aws:ecr:eu-west-1:1:repository/shop/api", immutable_tags=True)
    answered = json.loads(json.dumps(wanted))
    answered["Statement"][0]["Action"] = ["ecr:GetAuthorizationToken"]
    answered["Statement"][1]["Action"] = list(reversed(answered["Statement"][1]["Action"]))
    answered["Statement"].reverse()
    assert same_document(json.dumps(answered), wanted)
    assert not same_document(answered, push_policy("arn:aws:ecr:eu-west-1:1:repository/shop/api", immutable_tags=False))
    assert same_document(None, None) and not same_document(None, wanted)


def test_push_permissions_are_exactly_those_of_a_push():
    immutable = push_policy("ARN", immutable_tags=True)["Statement"]
    assert immutable[0] == {
        "Sid": "AuthenticateToRegistry", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"
    }  # fmt: skip
    assert immutable[1]["Action"] == [
        "ecr:BatchCheckLayerAvailability",
        "ecr:CompleteLayerUpload",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
    ]
    assert push_policy("ARN", immutable_tags=False)["Statement"][1]["Action"].count("ecr:BatchGetImage") == 1


def test_lifecycle_rules_expire_untagged_first_and_count_last():
    rules = lifecycle_policy(50, 7)["rules"]
    assert [(r["rulePriority"], r["selection"]["tagStatus"]) for r in rules] == [(1, "untagged"), (2, "any")]
    assert lifecycle_policy(None, None) is None
    assert lifecycle_policy(5, None)["rules"][0]["selection"]["countNumber"] == 5


def test_repository_settings_that_differ():
    wanted = check_repository({"name": "shop/api", "immutable_tags": True}, "r")
    assert repository_changes(None, wanted) == ["create"]
    live = {"imageScanningConfiguration": {"scanOnPush": False}, "imageTagMutability": "MUTABLE"}
    assert repository_changes(live, wanted) == ["scan_on_push", "immutable_tags"]
    live = {"imageScanningConfiguration": {"scanOnPush": True}, "imageTagMutability": "IMMUTABLE"}
    assert repository_changes(live, wanted) == []


def test_push_roles_join_extra_roles_of_the_plan_that_uses_the_repository():
    api = check_repository({"name": "shop/api", "push_oidc": GITHUB}, "r")
    plans = [_plan("web", "shop/web"), _plan("api", api)]
    repositories = resolve_repositories(plans, [{"name": "shop/web"}], ACCOUNT, region="eu-west-1")
    resolved = with_push_roles(plans, repositories)
    assert resolved[0]["extra_roles"] == []
    assert resolved[0]["ecr_pull_resources"] == ["arn:aws:ecr:*:*:repository/shop/web"]
    (role,) = resolved[1]["extra_roles"]
    assert resolved[1]["repository"] == "shop/api"
    assert role["name"] == "shop-api-push"
    (trust,) = role["trust_policy"]["Statement"]
    assert trust["Principal"] == {
        "Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    }
    assert trust["Condition"] == {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:shop/api:ref:refs/heads/main"]},
    }
    statements = role["inline_policies"]["driftless-ecr-push"]["Statement"]
    assert statements[1]["Resource"] == f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/shop/api"


def test_the_deployer_reads_images_of_the_declared_repositories_only_when_every_service_declares_one():
    plans = [
        {"repository": "shop/api", "task_definition": {"containerDefinitions": [{"image": "nginx"}]}},
        {
            "repository": {"name": "shop/web"},
            "task_definition": {
                "containerDefinitions": [{"image": f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/base:1"}]
            },
        },
    ]
    assert policy._verified_repositories(plans, "aws") == [
        "arn:aws:ecr:*:*:repository/base",
        "arn:aws:ecr:*:*:repository/shop/api",
        "arn:aws:ecr:*:*:repository/shop/web",
    ]
    assert policy._verified_repositories([*plans, {"repository": None}], "aws") == ["arn:aws:ecr:*:*:repository/*"]


def test_an_image_written_as_the_services_repository_is_the_environments_registry():
    containers = [
        {"name": "api", "image": "shop/api:bootstrap"},
        {"name": "pinned", "image": "shop/api@sha256:abc"},
        {"name": "proxy", "image": "nginx:1.27"},
        {"name": "other", "image": "shop/api-tools:1"},
    ]
    plans = [{"name": "api", "repository": "shop/api", "task_definition": {"containerDefinitions": containers}}]

    (resolved,) = repository_images(plans, ACCOUNT, "eu-west-1")

    assert [c["image"] for c in resolved["task_definition"]["containerDefinitions"]] == [
        f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/api:bootstrap",
        f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/api@sha256:abc",
        "nginx:1.27",
        "shop/api-tools:1",
    ]
    assert plans[0]["task_definition"]["containerDefinitions"][0]["image"] == "shop/api:bootstrap"
    with pytest.raises(ECSValidationError, match=r"ecs_services\[api\] container api image shop/api:bootstrap"):
        repository_images(plans, ACCOUNT, "")
