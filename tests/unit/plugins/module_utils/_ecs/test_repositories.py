"""ecs_repositories' run with the API faked: what it reads, when it writes, and check mode."""

from __future__ import annotations

import json

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api, repositories
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.repository_plan import (
    lifecycle_policy,
    pull_statements,
    push_policy,
)

ACCOUNT = "111111111111"
ROLE = "arn:aws:iam::222222222222:role/shop-prod-api-exec"
# DescribeRepositories' item, as ECR answers it.
LIVE = {
    "repositoryArn": f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/shop/api",
    "registryId": ACCOUNT,
    "repositoryName": "shop/api",
    "repositoryUri": f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/api",
    "imageTagMutability": "IMMUTABLE",
    "imageScanningConfiguration": {"scanOnPush": True},
    "encryptionConfiguration": {"encryptionType": "AES256"},
}


class FakeAws:
    def __init__(self, repositories=(), lifecycle=None, policy=None, providers=(), users=()):
        self.repositories = list(repositories)
        self.lifecycle, self.policy = lifecycle, policy
        self.providers, self.users = list(providers), set(users)
        self.writes: list[tuple] = []

    def install(self, monkeypatch):
        reads = {
            "describe_repositories": lambda _ecr: self.repositories,
            "get_lifecycle_policy": lambda _ecr, _name: self.lifecycle,
            "get_repository_policy": lambda _ecr, _name: self.policy,
            "list_open_id_connect_providers": lambda _iam: [p["arn"] for p in self.providers],
            "get_open_id_connect_provider": lambda _iam, arn: next(p for p in self.providers if p["arn"] == arn)[
                "answer"
            ],
            "get_user": lambda _iam, name: {"UserName": name} if name in self.users else None,
            "get_user_policy": lambda _iam, _user, _name: None,
        }
        for name, function in reads.items():
            monkeypatch.setattr(api, name, function)
        for name in (
            "create_repository",
            "put_image_scanning_configuration",
            "put_image_tag_mutability",
            "put_lifecycle_policy",
            "set_repository_policy",
            "delete_repository_policy",
            "create_open_id_connect_provider",
            "add_client_id_to_open_id_connect_provider",
            "put_user_policy",
        ):
            monkeypatch.setattr(api, name, self._writer(name))

    def _writer(self, name):
        def write(*args):
            self.writes.append((name, *args[1:]))
            if name == "create_repository":
                return {**LIVE, "repositoryName": args[1]}
            if name == "create_open_id_connect_provider":
                return "arn:created"
            return None

        return write


class Ecr:
    class meta:
        region_name = "eu-west-1"


def _run(fake, monkeypatch, entries, **options):
    fake.install(monkeypatch)
    params = {"repositories": entries, "account_id": ACCOUNT, "partition": None}
    return repositories.run(None, params, ecr=Ecr(), iam=object(), **options)


DECLARED = {
    "name": "shop/api",
    "keep_images": 50,
    "expire_untagged_days": 7,
    "immutable_tags": True,
    "pull_role_arns": [ROLE],
    "push_oidc": {"provider": "github", "subjects": ["repo:shop/api:ref:refs/heads/main"], "role_name": None},
}


def test_a_new_repository_is_made_with_everything_it_declares(monkeypatch):
    fake = FakeAws()
    result = _run(fake, monkeypatch, [DECLARED])

    assert result["changed"]
    assert [write[0] for write in fake.writes] == [
        "create_open_id_connect_provider",
        "create_repository",
        "put_lifecycle_policy",
        "set_repository_policy",
    ]
    assert fake.writes[0][1:] == ("https://token.actions.githubusercontent.com", ["sts.amazonaws.com"])
    assert fake.writes[1][1:] == ("shop/api", True, True)
    assert result["repositories"][0]["uri"] == LIVE["repositoryUri"]


def test_a_repository_as_declared_costs_reads_only(monkeypatch):
    fake = FakeAws(
        repositories=[LIVE],
        lifecycle=json.dumps(lifecycle_policy(50, 7)),
        policy=json.dumps({"Version": "2012-10-17", "Statement": pull_statements([ROLE], [])}),
        providers=[
            {
                "arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
                "answer": {"ClientIDList": ["sts.amazonaws.com"]},
            }
        ],
    )
    result = _run(fake, monkeypatch, [DECLARED], diff=True)

    assert not result["changed"]
    assert fake.writes == []
    assert result["diff"] == {"before": {}, "after": {}}


def test_check_mode_tells_and_writes_nothing(monkeypatch):
    fake = FakeAws(repositories=[{**LIVE, "imageTagMutability": "MUTABLE"}])
    result = _run(fake, monkeypatch, [DECLARED], check_mode=True, diff=True)

    assert result["changed"]
    assert fake.writes == []
    assert result["repositories"][0]["changes"] == ["immutable_tags", "lifecycle_policy", "repository_policy"]
    assert result["diff"]["before"]["shop/api"]["immutable_tags"] is False
    assert result["diff"]["after"]["shop/api"]["immutable_tags"] is True


def test_a_push_user_that_does_not_exist_fails_before_any_write(monkeypatch):
    fake = FakeAws()
    with pytest.raises(ECSValidationError) as raised:
        _run(fake, monkeypatch, [{"name": "shop/web", "push_user": "ci-legacy"}])
    assert "repositories[shop/web].push_user 'ci-legacy' is not an IAM user of this account" in raised.value.message
    assert fake.writes == []


def test_a_push_user_gets_the_push_policy_of_its_repository(monkeypatch):
    fake = FakeAws(repositories=[{**LIVE, "repositoryName": "shop/web", "imageTagMutability": "MUTABLE"}], users=["ci"])
    _run(fake, monkeypatch, [{"name": "shop/web", "push_user": "ci"}])

    (write,) = fake.writes
    assert write[:3] == ("put_user_policy", "ci", "driftless-ecr-push-shop-web")
    assert write[3] == push_policy(LIVE["repositoryArn"], immutable_tags=False)


def test_bad_entries_are_named_by_their_place(monkeypatch):
    with pytest.raises(ECSValidationError, match=r"repositories\[shop/api\]\.pull_role_arns\[0\] 'x' is not"):
        _run(FakeAws(), monkeypatch, [{"name": "shop/api", "pull_role_arns": ["x"]}])
    with pytest.raises(ECSValidationError, match=r"repositories\[shop/api\]: repository shop/api is declared more"):
        _run(FakeAws(), monkeypatch, [{"name": "shop/api"}, {"name": "shop/api"}])
