"""ecs_iam_roles: canonical policy comparison, the writes a role needs, and the run's reads and writes.

IAM answers are shaped as IAM sends them: documents URL-encoded (RFC 3986) in GetRole and GetRolePolicy, which
botocore leaves as text; ``Tags`` as ``[{Key, Value}]``; ``Description`` absent when the role has none.
"""

from __future__ import annotations

import datetime
import json
import urllib.parse

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import api, iam_roles
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError, ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.iam_role_plan import (
    check_roles,
    documents_equal,
    plan_role,
    reads_of,
)

ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }
    ],
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Registry", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
            "Resource": [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/shop/api:*"],
        },
    ],
}
MANAGED = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"


def _encoded(document: dict) -> str:
    """A document as IAM returns it: compact JSON, URL-encoded."""
    return urllib.parse.quote(json.dumps(document, separators=(",", ":")), safe="")


def _get_role_answer(name: str, trust: dict | None = None, **extra) -> dict:
    return {
        "Role": {
            "Path": "/",
            "RoleName": name,
            "RoleId": "AROA" + "X" * 17,
            "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "CreateDate": datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC),
            "AssumeRolePolicyDocument": _encoded(trust or TRUST),
            "MaxSessionDuration": 3600,
            "RoleLastUsed": {},
            **extra,
        }
    }


def _live(name: str = "shop-api-exec", trust: dict | None = None, **extra) -> dict:
    role = dict(_get_role_answer(name, trust, **extra)["Role"])
    role["AssumeRolePolicyDocument"] = json.loads(urllib.parse.unquote(role["AssumeRolePolicyDocument"]))
    return role


def _role(**changes) -> dict:
    return {"name": "shop-api-exec", "trust_policy": TRUST, "inline_policies": {"exec": POLICY}, **changes}


# Canonical comparison -----------------------------------------------------------------------------------------------


def test_a_document_iam_reorders_and_respells_is_equal():
    respelled = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Logs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/shop/api:*",
            },
            {"Sid": "Registry", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": ["*"]},
        ],
    }
    assert documents_equal(POLICY, respelled)
    assert documents_equal(POLICY, json.loads(urllib.parse.unquote(_encoded(POLICY))))


def test_an_account_principal_and_its_root_arn_are_equal():
    by_id = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "*"}]}
    by_arn = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]}, "Action": "*"}],
    }
    assert documents_equal(by_id, by_arn)


def test_a_condition_value_as_a_boolean_or_as_text_is_equal():
    declared = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": False}}}
        ],
    }
    live = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
    assert documents_equal(declared, live)


@pytest.mark.parametrize(
    "change",
    [
        {"Effect": "Deny"},
        {"Action": ["logs:PutLogEvents"]},
        {"Resource": ["arn:aws:logs:us-east-1:123456789012:log-group:/ecs/shop/web:*"]},
        {"Condition": {"StringEquals": {"aws:SourceAccount": "210987654321"}}},
        {"Sid": "Other"},
    ],
)
def test_a_real_difference_is_a_difference(change):
    changed = json.loads(json.dumps(POLICY))
    changed["Statement"][1].update(change)
    assert not documents_equal(POLICY, changed)


def test_a_missing_document_is_never_equal():
    assert not documents_equal(POLICY, None)


# Checks -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (_role(name="a" * 65), r"roles\[a{65}\]\.name must be 1 to 64"),
        (
            _role(trust_policy={"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}),
            r"roles\[shop-api-exec\]\.trust_policy\.Statement\[0\] names no Principal",
        ),
        (
            _role(inline_policies={"exec": {"Statement": [{"Effect": "Maybe"}]}}),
            r"roles\[shop-api-exec\]\.inline_policies\.exec\.Statement\[0\]\.Effect must be Allow or Deny",
        ),
        (_role(managed_policy_arns=["AmazonECSTaskExecutionRolePolicy"]), r"managed_policy_arns: .* is not a managed"),
        (_role(max_session_duration=60), r"max_session_duration must be whole seconds from 3600"),
        (_role(path="service-role"), r"\.path must start and end with /"),
        (_role(tags={"aws:team": "x"}), r"keys starting with aws: belong to AWS"),
    ],
)
def test_a_bad_role_is_refused_naming_the_field(role, message):
    with pytest.raises(ECSValidationError, match=message):
        check_roles([role])


def test_a_role_given_twice_alike_counts_once_and_unlike_is_refused():
    assert check_roles([_role(), _role(description=None)]) == [_role()]
    with pytest.raises(ECSValidationError, match=r"roles\[shop-api-exec\] is declared twice"):
        check_roles([_role(), _role(description="other")])


def test_tag_values_written_as_numbers_are_text():
    assert check_roles([_role(tags={"version": 2})])[0]["tags"] == {"version": "2"}


# Plans --------------------------------------------------------------------------------------------------------------


def test_a_missing_role_is_created_with_everything_and_needs_no_other_read():
    role = _role(description="exec of api", managed_policy_arns=[MANAGED], tags={"team": "shop"}, path="/ecs/")
    assert reads_of(role, None, purge_inline=True, purge_managed=True) == []
    writes = plan_role(role, None, {})
    assert [write["action"] for write in writes] == ["create_role", "put_role_policy", "attach_role_policy"]
    assert writes[0]["request"] == {
        "RoleName": "shop-api-exec",
        "AssumeRolePolicyDocument": TRUST,
        "Path": "/ecs/",
        "Description": "exec of api",
        "Tags": [{"Key": "team", "Value": "shop"}],
    }


def test_a_role_as_declared_needs_no_write_and_only_the_declared_reads():
    live = _live(Description="exec of api", Tags=[{"Key": "team", "Value": "shop"}, {"Key": "owner", "Value": "x"}])
    role = _role(description="exec of api", managed_policy_arns=[MANAGED], tags={"team": "shop"})
    assert reads_of(role, live, purge_inline=False, purge_managed=False) == [("policy", "exec"), ("attached", "")]
    assert plan_role(role, live, {"exec": POLICY}, attached=[MANAGED, "arn:aws:iam::aws:policy/Other"]) == []


def test_what_differs_is_written_and_what_others_added_is_kept():
    trust = json.loads(json.dumps(TRUST))
    trust["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"] = "210987654321"
    live = _live(trust=trust, Description="old", Tags=[{"Key": "team", "Value": "old"}, {"Key": "keep", "Value": "1"}])
    role = _role(description="new", managed_policy_arns=[MANAGED], tags={"team": "shop"}, max_session_duration=7200)
    writes = plan_role(role, live, {"exec": None}, attached=["arn:aws:iam::aws:policy/Other"])
    assert writes == [
        {"action": "update_assume_role_policy", "document": TRUST},
        {"action": "update_role", "settings": {"Description": "new", "MaxSessionDuration": 7200}},
        {"action": "put_role_policy", "policy_name": "exec", "document": POLICY},
        {"action": "attach_role_policy", "policy_arn": MANAGED},
        {"action": "tag_role", "tags": {"team": "shop"}},
    ]


def test_purges_remove_only_what_is_not_declared():
    live = _live(Tags=[{"Key": "stale", "Value": "1"}, {"Key": "aws:cloudformation:stack-name", "Value": "s"}])
    role = _role(managed_policy_arns=[MANAGED])
    assert reads_of(role, live, purge_inline=True, purge_managed=True) == [
        ("policy", "exec"),
        ("inline_names", ""),
        ("attached", ""),
    ]
    writes = plan_role(
        role,
        live,
        {"exec": POLICY},
        inline_names=["exec", "handmade"],
        attached=[MANAGED, "arn:aws:iam::aws:policy/Other"],
        purge_inline=True,
        purge_managed=True,
        purge_tags=True,
    )
    assert writes == [
        {"action": "delete_role_policy", "policy_name": "handmade"},
        {"action": "detach_role_policy", "policy_arn": "arn:aws:iam::aws:policy/Other"},
        {"action": "untag_role", "keys": ["stale"]},
    ]


# The API's decoding, against IAM's own answer shapes -----------------------------------------------------------------


@pytest.fixture
def stubbed_iam():
    iam = boto3.client("iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(iam) as stubber:
        yield iam, stubber


def test_documents_come_back_decoded(stubbed_iam):
    iam, stubber = stubbed_iam
    stubber.add_response("get_role", _get_role_answer("shop-api-exec"), {"RoleName": "shop-api-exec"})
    stubber.add_response(
        "get_role_policy",
        {"RoleName": "shop-api-exec", "PolicyName": "exec", "PolicyDocument": _encoded(POLICY)},
        {"RoleName": "shop-api-exec", "PolicyName": "exec"},
    )
    stubber.add_client_error("get_role_policy", "NoSuchEntity", http_status_code=404)
    assert api.get_role(iam, "shop-api-exec")["AssumeRolePolicyDocument"] == TRUST
    assert api.get_role_policy(iam, "shop-api-exec", "exec") == POLICY
    assert api.get_role_policy(iam, "shop-api-exec", "other") is None


# The run ------------------------------------------------------------------------------------------------------------


class FakeIAM:
    """The api functions of ecs_iam_roles over a dict of roles; every call recorded."""

    def __init__(self, roles: dict[str, dict], policies: dict | None = None, attached: dict | None = None):
        self.roles = roles
        self.policies = policies or {}
        self.attached = attached or {}
        self.calls: list[tuple] = []
        self.fail: set[str] = set()

    def install(self, monkeypatch):
        def record(name, function):
            def call(_iam, *args):
                self.calls.append((name, *[a for a in args if isinstance(a, str)]))
                if name in self.fail:
                    raise AnsibleECSError(f"Failed to {name}")
                return function(*args)

            monkeypatch.setattr(api, name, call)

        record("get_role", self.roles.get)
        record("get_role_policy", lambda name, policy: self.policies.get((name, policy)))
        record("list_role_policies", lambda name: [p for (r, p) in self.policies if r == name])
        record("list_attached_role_policies", lambda name: self.attached.get(name, []))
        record("create_role", lambda request: {"Arn": f"arn:aws:iam::{ACCOUNT}:role/{request['RoleName']}"})
        for name in (
            "update_assume_role_policy",
            "update_role",
            "put_role_policy",
            "delete_role_policy",
            "attach_role_policy",
            "detach_role_policy",
            "tag_role",
            "untag_role",
        ):
            record(name, lambda *args: None)

    def writes(self):
        return [call for call in self.calls if not call[0].startswith(("get_", "list_"))]


def _run(fake, monkeypatch, roles, check_mode=False, **params):
    fake.install(monkeypatch)
    return iam_roles.run(None, {"roles": roles, **params}, check_mode=check_mode, diff=True, iam=object())


def test_a_second_run_reads_one_role_and_its_declared_policy_and_writes_nothing(monkeypatch):
    fake = FakeIAM({"shop-api-exec": _live()}, policies={("shop-api-exec", "exec"): POLICY})
    result = _run(fake, monkeypatch, [_role()])
    assert result["changed"] is False
    assert result["roles"] == [
        {
            "name": "shop-api-exec",
            "arn": f"arn:aws:iam::{ACCOUNT}:role/shop-api-exec",
            "created": False,
            "changed": False,
            "actions": [],
        }
    ]
    assert sorted(fake.calls) == [("get_role", "shop-api-exec"), ("get_role_policy", "shop-api-exec", "exec")]
    assert result["diff"] == {"before": {}, "after": {}}


def test_check_mode_reports_the_writes_and_makes_none(monkeypatch):
    fake = FakeIAM({"shop-api-exec": _live()}, policies={("shop-api-exec", "exec"): None})
    result = _run(fake, monkeypatch, [_role(), _role(name="shop-api-task", inline_policies={})], check_mode=True)
    assert fake.writes() == []
    assert result["changed"] is True
    assert [(role["name"], role["actions"]) for role in result["roles"]] == [
        ("shop-api-exec", ["put inline policy exec"]),
        ("shop-api-task", ["create role"]),
    ]
    assert result["diff"]["before"]["shop-api-exec"]["inline_policies"] == {}
    assert result["diff"]["after"]["shop-api-exec"]["inline_policies"] == {"exec": POLICY}
    assert result["diff"]["before"]["shop-api-task"] == {}


def test_a_new_role_is_created_then_given_its_policies(monkeypatch):
    fake = FakeIAM({})
    result = _run(fake, monkeypatch, [_role(managed_policy_arns=[MANAGED])])
    assert fake.writes() == [
        ("create_role",),
        ("put_role_policy", "shop-api-exec", "exec"),
        ("attach_role_policy", "shop-api-exec", MANAGED),
    ]
    assert result["roles"][0]["arn"] == f"arn:aws:iam::{ACCOUNT}:role/shop-api-exec"
    assert result["roles"][0]["created"] is True


def test_a_failed_write_stops_its_role_only_and_fails_with_every_result(monkeypatch):
    fake = FakeIAM({"shop-api-exec": _live()}, policies={("shop-api-exec", "exec"): None})
    fake.fail = {"put_role_policy"}
    with pytest.raises(AnsibleECSError, match="role shop-api-exec: Failed to put_role_policy") as failure:
        _run(fake, monkeypatch, [_role(), _role(name="shop-web-exec", inline_policies={})])
    roles = failure.value.kwargs["roles"]
    assert roles[0]["not_done"] == ["put inline policy exec"]
    assert roles[1]["created"] is True
    assert failure.value.kwargs["changed"] is True


def test_a_bad_role_fails_before_any_call(monkeypatch):
    fake = FakeIAM({})
    with pytest.raises(ECSValidationError):
        _run(fake, monkeypatch, [_role(), _role(name="bad name")])
    assert fake.calls == []
