"""Image repositories through the bootstrap role: made once, pulled across accounts, pushed by CI and nothing else.

The inventory (files/repositories_inventory) has dev in the sandbox's own account and prod in 222222222222. dev's
bootstrap makes the repositories its services declare; prod's execution roles and deployer may pull from them; a
GitHub Actions role (made by the IAM step from the plan's extra_roles) and an existing IAM user may push, and the
sandbox's IAM simulator proves what they can do. The runs take the tags of the repositories and the IAM roles.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import run_playbook
from tests.support.aws import client

INVENTORY = str(Path(__file__).resolve().parent / "files" / "repositories_inventory")
ACCOUNT, PROD = "123456789012", "222222222222"
WRITE_CALL = re.compile(r":(Create|Put|Register|Update|Modify|Delete|Set|Tag|Untag|Attach|Add)")
API = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/shop/api"
WEB = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/shop/web"
PUSH = ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload", "ecr:PutImage"]  # fmt: skip
PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
NGINX = {"containerDefinitions": [{"name": "api", "image": "nginx"}]}
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"})


def _writes(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if WRITE_CALL.search(key)}


def _bootstrap(sandbox, *args: str, extra: dict | None = None):
    variables = {"target": "dev", **(extra or {})}
    return run_playbook(
        sandbox,
        "bootstrap_playbook.yml",
        variables,
        args=("-i", INVENTORY, "--tags", "bootstrap_repositories,bootstrap_iam", *args),
    )


def _recap_changed(output: str) -> int:
    found = re.search(r"shop-dev\s+:\s+ok=\d+\s+changed=(\d+)", output)
    assert found, output
    return int(found.group(1))


def _prod_ecr(sandbox, role: str = "shop-prod-api-exec"):
    """ECR as a role of prod's account (222222222222) sees it."""
    credentials = client(sandbox, "sts").assume_role(
        RoleArn=f"arn:aws:iam::{PROD}:role/{role}", RoleSessionName="pull"
    )["Credentials"]
    return boto3.client(
        "ecr",
        endpoint_url=sandbox.url,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _decisions(iam, principal: str, actions: list[str], resource: str) -> dict:
    answer = iam.simulate_principal_policy(PolicySourceArn=principal, ActionNames=actions, ResourceArns=[resource])
    return {result["EvalActionName"]: result["EvalDecision"] for result in answer["EvaluationResults"]}


def _prove_push_only(iam, role_arn: str) -> None:
    # IAM's evaluation: push to its repository, not to another one, and no pull (its tags are immutable).
    assert _decisions(iam, role_arn, PUSH, API) == dict.fromkeys(PUSH, "allowed")
    assert _decisions(iam, role_arn, PUSH, WEB) == dict.fromkeys(PUSH, "implicitDeny")
    assert _decisions(iam, role_arn, PULL, API) == dict.fromkeys(PULL, "implicitDeny")
    assert _decisions(iam, role_arn, ["ecr:GetAuthorizationToken"], "*") == {"ecr:GetAuthorizationToken": "allowed"}
    assert _decisions(iam, role_arn, ["ecr:DeleteRepository", "ecr:BatchDeleteImage"], API) == {
        "ecr:DeleteRepository": "implicitDeny",
        "ecr:BatchDeleteImage": "implicitDeny",
    }

    # The existing user pushes to its repository; its tags are mutable, so it may read the manifest it replaces,
    # but never download a layer.
    user = f"arn:aws:iam::{ACCOUNT}:user/ci-legacy"
    assert _decisions(iam, user, PUSH, WEB) == dict.fromkeys(PUSH, "allowed")
    assert _decisions(iam, user, PUSH, API) == dict.fromkeys(PUSH, "implicitDeny")
    assert _decisions(iam, user, PULL, WEB) == {
        "ecr:BatchGetImage": "allowed",
        "ecr:GetDownloadUrlForLayer": "implicitDeny",
    }
    assert iam.list_access_keys(UserName="ci-legacy")["AccessKeyMetadata"] == []


@pytest.fixture
def push_user(clean_sandbox):
    client(clean_sandbox, "iam").create_user(UserName="ci-legacy")
    clean_sandbox.control("calls/reset", {})
    return "ci-legacy"


def test_check_mode_writes_nothing_and_says_what_it_would_make(clean_sandbox, push_user):
    run = _bootstrap(clean_sandbox, "--check")

    assert run.rc == 0, run.output
    assert _writes(clean_sandbox) == {}
    assert f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop/api: would be changed: create, lifecycle_policy, " in (
        run.output
    )


def test_repositories_are_made_once_pulled_by_prod_and_pushed_only_by_ci(clean_sandbox, push_user):
    first = _bootstrap(clean_sandbox)

    assert first.rc == 0, first.output
    ecr, iam = client(clean_sandbox, "ecr"), client(clean_sandbox, "iam")
    made = {repository["repositoryName"]: repository for repository in ecr.describe_repositories()["repositories"]}
    assert sorted(made) == ["shop/api", "shop/tools", "shop/web"]
    assert made["shop/api"]["imageTagMutability"] == "IMMUTABLE"
    assert made["shop/web"]["imageTagMutability"] == "MUTABLE"
    assert all(repository["imageScanningConfiguration"]["scanOnPush"] for repository in made.values())

    rules = json.loads(ecr.get_lifecycle_policy(repositoryName="shop/api")["lifecyclePolicyText"])["rules"]
    assert [(rule["rulePriority"], rule["selection"]) for rule in rules] == [
        (1, {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7}),
        (2, {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50}),
    ]

    # prod's execution role of the service that uses the repository, and prod's deployer, by its account.
    (statement,) = json.loads(ecr.get_repository_policy(repositoryName="shop/api")["policyText"])["Statement"]
    assert statement["Principal"] == {"AWS": [f"arn:aws:iam::{PROD}:root"]}
    assert sorted(statement["Action"]) == ["ecr:BatchCheckLayerAvailability", *PULL]
    assert statement["Condition"] == {
        "ArnLike": {
            "aws:PrincipalArn": [
                f"arn:aws:iam::{PROD}:role/shop-deployer",
                f"arn:aws:iam::{PROD}:role/shop-prod-api-exec",
            ]
        }
    }
    with pytest.raises(ClientError):
        ecr.get_repository_policy(repositoryName="shop/tools")

    # Pulls across accounts: what the repository policy grants, and nothing where it grants nothing.
    ecr.put_image(repositoryName="shop/api", imageManifest=MANIFEST, imageTag="1.0")
    ecr.put_image(repositoryName="shop/tools", imageManifest=MANIFEST, imageTag="1.0")
    prod = _prod_ecr(clean_sandbox)
    wanted = {"registryId": ACCOUNT, "imageIds": [{"imageTag": "1.0"}]}
    assert prod.batch_get_image(repositoryName="shop/api", **wanted)["images"]
    with pytest.raises(ClientError) as refused:
        prod.batch_get_image(repositoryName="shop/tools", **wanted)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    # The grant names prod's execution role and deployer, not every principal of prod's account.
    with pytest.raises(ClientError) as refused:
        _prod_ecr(clean_sandbox, "shop-prod-intern").batch_get_image(repositoryName="shop/api", **wanted)
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"

    (provider,) = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert provider["Arn"] == f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider["Arn"])["ClientIDList"] == [
        "sts.amazonaws.com"
    ]

    # The push role: an extra_roles entry of api's plan, made by the IAM step with the services' roles.
    role = iam.get_role(RoleName="shop-api-push")["Role"]
    role_arn = role["Arn"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Federated": provider["Arn"]}
    assert trust["Condition"] == {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:shop/api:ref:refs/heads/main"]},
    }
    assert iam.list_role_policies(RoleName="shop-api-push")["PolicyNames"] == ["driftless-ecr-push"]
    assert iam.list_attached_role_policies(RoleName="shop-api-push")["AttachedPolicies"] == []

    _prove_push_only(iam, role_arn)

    clean_sandbox.control("calls/reset", {})
    second = _bootstrap(clean_sandbox)

    assert second.rc == 0, second.output
    assert _recap_changed(second.output) == 0, second.output
    assert _writes(clean_sandbox) == {}
    assert f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop/api: as declared" in second.output


@pytest.mark.parametrize(
    ("services", "message"),
    [
        (
            [{"name": "web", "cluster": "shop-dev", "repository": "shop/missing",
              "task_definition": {"containerDefinitions": [{"name": "web", "image": "nginx"}]}}],
            "ecs_services[web].repository names repository 'shop/missing', which ecs_repositories does not declare; "
            "declared: shop/tools, shop/web",
        ),
        (
            [{"name": "api", "cluster": "shop-dev", "repository": {"name": "shop/api", "keep_images": 0},
              "task_definition": {"containerDefinitions": [{"name": "api", "image": "nginx"}]}}],
            "ecs_services[api].repository.keep_images must be a whole number, 1 or more images, got 0",
        ),
        (
            [{"name": "api", "cluster": "shop-dev", "task_definition": NGINX,
              "repository": {"name": "shop/api", "push_oidc": {"provider": "github", "subjects": ["*"]}}}],
            "ecs_services[api].repository.push_oidc.subjects[0] '*' is not a github subject that names its repository",
        ),
        (
            [{"name": "api", "cluster": "shop-dev", "task_definition": NGINX, "repository": {"name": "Shop/API"}}],
            "ecs_services[api].repository.name 'Shop/API' is not an ECR repository name",
        ),
    ],
    ids=["undeclared", "keep_images", "subject", "name"],
)  # fmt: skip
def test_bad_repositories_are_refused_before_any_write(clean_sandbox, services, message):
    run = _bootstrap(clean_sandbox, extra={"ecs_services": services})

    assert run.rc != 0, run.output
    assert message in re.sub(r"\s+", " ", run.output), run.output
    assert _writes(clean_sandbox) == {}
