"""iam:SimulatePrincipalPolicy in the sandbox: IAM's evaluation of a principal's identity-based policies."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
REPOSITORY = "arn:aws:ecr:us-east-1:123456789012:repository/shop/api"
OTHER = "arn:aws:ecr:us-east-1:123456789012:repository/shop/web"


@pytest.fixture
def iam(aws):
    return aws("iam")


def _role(iam, name: str, *statements: dict) -> str:
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    if statements:
        document = {"Version": "2012-10-17", "Statement": list(statements)}
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(document))
    return arn


def _decisions(answer: dict) -> dict:
    return {result["EvalActionName"]: result["EvalDecision"] for result in answer["EvaluationResults"]}


def test_allow_on_one_resource_implicit_deny_elsewhere_and_wildcards(iam):
    arn = _role(
        iam, "pusher", {"Effect": "Allow", "Action": ["ecr:Put*", "ecr:UploadLayerPart"], "Resource": REPOSITORY}
    )

    own = iam.simulate_principal_policy(
        PolicySourceArn=arn,
        ActionNames=["ecr:PutImage", "ECR:uploadlayerpart", "ecr:BatchGetImage"],
        ResourceArns=[REPOSITORY],
    )
    other = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["ecr:PutImage"], ResourceArns=[OTHER])

    assert _decisions(own) == {
        "ecr:PutImage": "allowed",
        "ECR:uploadlayerpart": "allowed",  # action names are case-insensitive
        "ecr:BatchGetImage": "implicitDeny",
    }
    (put, *_rest) = own["EvaluationResults"]
    assert put["EvalResourceName"] == REPOSITORY
    assert put["MatchedStatements"] == [{"SourcePolicyId": "inline", "SourcePolicyType": "role"}]
    assert put["ResourceSpecificResults"][0]["EvalResourceDecision"] == "allowed"
    assert _decisions(other) == {"ecr:PutImage": "implicitDeny"}


def test_explicit_deny_wins_and_is_the_most_restrictive_over_resources(iam):
    arn = _role(
        iam,
        "denied",
        {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ecr:PutImage", "Resource": OTHER},
    )

    answer = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["ecr:PutImage"], ResourceArns=[REPOSITORY, OTHER]
    )

    (result,) = answer["EvaluationResults"]
    assert result["EvalDecision"] == "explicitDeny"
    assert {r["EvalResourceName"]: r["EvalResourceDecision"] for r in result["ResourceSpecificResults"]} == {
        REPOSITORY: "allowed",
        OTHER: "explicitDeny",
    }


def test_attached_managed_policies_and_not_action(iam):
    arn = _role(iam, "managed")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}
    policy = iam.create_policy(PolicyName="all-but-iam", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="managed", PolicyArn=policy)

    answer = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["ecr:PutImage", "iam:CreateUser"])

    assert _decisions(answer) == {"ecr:PutImage": "allowed", "iam:CreateUser": "implicitDeny"}
    assert answer["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyType"] == "user-managed"


def test_a_user_and_conditions_on_context_values(iam):
    iam.create_user(UserName="ci")
    statement = {
        "Effect": "Allow",
        "Action": "ecr:PutImage",
        "Resource": "*",
        "Condition": {"StringLike": {"aws:RequestTag/team": "shop-*"}},
    }
    iam.put_user_policy(
        UserName="ci", PolicyName="push", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    arn = "arn:aws:iam::123456789012:user/ci"

    without = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["ecr:PutImage"])
    matching = iam.simulate_principal_policy(
        PolicySourceArn=arn,
        ActionNames=["ecr:PutImage"],
        ContextEntries=[
            {"ContextKeyName": "aws:RequestTag/team", "ContextKeyValues": ["shop-api"], "ContextKeyType": "string"}
        ],
    )

    assert _decisions(without) == {"ecr:PutImage": "implicitDeny"}
    assert without["EvaluationResults"][0]["MissingContextValues"] == ["aws:RequestTag/team"]
    assert _decisions(matching) == {"ecr:PutImage": "allowed"}


def test_an_unknown_principal_and_an_operator_the_sandbox_cannot_judge_are_refused(iam):
    with pytest.raises(ClientError) as error:
        iam.simulate_principal_policy(
            PolicySourceArn="arn:aws:iam::123456789012:role/nobody", ActionNames=["ecr:PutImage"]
        )
    assert error.value.response["Error"]["Code"] == "NoSuchEntity"

    arn = _role(
        iam,
        "dated",
        {
            "Effect": "Allow",
            "Action": "ecr:*",
            "Resource": "*",
            "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01"}},
        },
    )
    with pytest.raises(ClientError) as error:
        iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["ecr:PutImage"])
    assert error.value.response["Error"]["Code"] == "InvalidInput"
    assert "DateLessThan" in error.value.response["Error"]["Message"]
