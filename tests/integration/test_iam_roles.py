"""ecs_iam_roles through ansible-playbook against the sandbox: made, kept, changed only where declared, in check
mode, and bad input refused before any call."""

from __future__ import annotations

import json
import re

from tests.integration.conftest import run_playbook
from tests.support.aws import client

ACCOUNT = "123456789012"
WRITE_CALL = re.compile(r"^iam:(Create|Put|Update|Delete|Tag|Untag|Attach|Detach)")
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
LOGS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "WriteLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/shop/api:*"],
        },
        {"Sid": "Registry", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"},
    ],
}
MANAGED = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
ROLES = [
    {"name": "it-api-exec", "description": "exec of api", "trust_policy": TRUST, "inline_policies": {"exec": LOGS},
     "tags": {"team": "shop"}},
    {"name": "it-api-infra", "trust_policy": TRUST, "managed_policy_arns": [MANAGED]},
    {"name": "it-api-push", "path": "/ci/", "trust_policy": TRUST, "max_session_duration": 7200},
]  # fmt: skip


def _run(sandbox, roles, *args, **extra):
    sandbox.control("calls/reset", {})
    return run_playbook(sandbox, "iam_roles.yml", {"iam_roles": roles, **extra}, args=args)


def _calls(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if key.startswith("iam:")}


def _writes(sandbox) -> dict:
    return {key: count for key, count in _calls(sandbox).items() if WRITE_CALL.search(key)}


def test_roles_are_made_then_kept_with_one_read_per_role_and_declared_policy(clean_sandbox):
    iam = client(clean_sandbox, "iam")
    made = _run(clean_sandbox, ROLES)
    assert made.rc == 0, made.output[-5000:]
    assert _writes(clean_sandbox) == {
        "iam:CreateRole": 3,
        "iam:PutRolePolicy": 1,
        "iam:AttachRolePolicy": 1,
    }, made.output[-3000:]
    exec_role = iam.get_role(RoleName="it-api-exec")["Role"]
    assert exec_role["Description"] == "exec of api"
    assert {tag["Key"]: tag["Value"] for tag in exec_role["Tags"]} == {"team": "shop"}
    assert iam.get_role(RoleName="it-api-push")["Role"]["Path"] == "/ci/"
    assert iam.get_role(RoleName="it-api-push")["Role"]["MaxSessionDuration"] == 7200

    # What others add is kept, and a policy IAM holds in another spelling is not rewritten.
    respelled = json.loads(json.dumps(LOGS))
    respelled["Statement"].reverse()
    respelled["Statement"][0]["Action"] = "ecr:GetAuthorizationToken"
    respelled["Statement"][1]["Action"].reverse()
    iam.put_role_policy(RoleName="it-api-exec", PolicyName="exec", PolicyDocument=json.dumps(respelled))
    iam.put_role_policy(RoleName="it-api-exec", PolicyName="handmade", PolicyDocument=json.dumps(LOGS))
    other = iam.create_policy(PolicyName="it-other", PolicyDocument=json.dumps(LOGS))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="it-api-infra", PolicyArn=other)
    iam.tag_role(RoleName="it-api-exec", Tags=[{"Key": "owner", "Value": "ops"}])

    again = _run(clean_sandbox, ROLES)
    assert again.rc == 0, again.output[-5000:]
    assert "changed=0" in again.output, again.output[-3000:]
    assert _calls(clean_sandbox) == {
        "iam:GetRole": 3,
        "iam:GetRolePolicy": 1,
        "iam:ListAttachedRolePolicies": 1,
    }
    assert sorted(iam.list_role_policies(RoleName="it-api-exec")["PolicyNames"]) == ["exec", "handmade"]
    attached = iam.list_attached_role_policies(RoleName="it-api-infra")["AttachedPolicies"]
    assert sorted(policy["PolicyArn"] for policy in attached) == sorted([other, MANAGED])


def test_a_changed_declaration_is_shown_in_check_mode_then_written_and_purged_only_when_asked(clean_sandbox):
    iam = client(clean_sandbox, "iam")
    assert _run(clean_sandbox, ROLES).rc == 0
    iam.put_role_policy(RoleName="it-api-exec", PolicyName="handmade", PolicyDocument=json.dumps(LOGS))
    changed = json.loads(json.dumps(ROLES))
    changed[0]["trust_policy"]["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"] = "210987654321"
    changed[0]["inline_policies"]["exec"]["Statement"][0]["Resource"] = ["*"]

    check = _run(clean_sandbox, changed, "--check", "--diff")
    assert check.rc == 0, check.output[-5000:]
    assert _writes(clean_sandbox) == {}
    assert "update trust policy" in check.output and "put inline policy exec" in check.output
    assert '"210987654321"' in check.output  # the diff shows the new trust policy

    written = _run(clean_sandbox, changed, iam_purge_inline=True)
    assert written.rc == 0, written.output[-5000:]
    assert _writes(clean_sandbox) == {
        "iam:UpdateAssumeRolePolicy": 1,
        "iam:PutRolePolicy": 1,
        "iam:DeleteRolePolicy": 1,
    }
    assert iam.list_role_policies(RoleName="it-api-exec")["PolicyNames"] == ["exec"]


def test_bad_input_fails_naming_the_role_and_field_before_any_call(clean_sandbox):
    bad = json.loads(json.dumps(ROLES))
    bad[2]["inline_policies"] = {"push": {"Version": "2012-10-17", "Statement": [{"Effect": "Permit"}]}}
    run = _run(clean_sandbox, bad)
    assert run.rc != 0
    assert "roles[it-api-push].inline_policies.push.Statement[0].Effect must be Allow or Deny" in run.output
    assert _calls(clean_sandbox) == {}
