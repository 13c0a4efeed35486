"""ECR across accounts, as ECR allows it: another account's repository answers only what its policy grants."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json"})


def _dev_ecr(sandbox, aws):
    """ECR of account 222222222222, through an assumed role, as a promotion's source account."""
    credentials = aws("sts").assume_role(RoleArn="arn:aws:iam::222222222222:role/dev", RoleSessionName="test")[
        "Credentials"
    ]
    return boto3.client(
        "ecr",
        endpoint_url=sandbox.url,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def test_another_accounts_repository_answers_only_what_its_policy_grants(sandbox, aws):
    dev = _dev_ecr(sandbox, aws)
    dev.create_repository(repositoryName="shop/web")
    dev.put_image(repositoryName="shop/web", imageManifest=MANIFEST, imageTag="1.0")
    prod = aws("ecr")
    wanted = {"registryId": "222222222222", "repositoryName": "shop/web", "imageIds": [{"imageTag": "1.0"}]}

    with pytest.raises(ClientError) as error:
        prod.batch_get_image(**wanted)
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "ecr:BatchGetImage" in error.value.response["Error"]["Message"]

    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ],
    }
    dev.set_repository_policy(repositoryName="shop/web", policyText=json.dumps(policy))
    pulled = prod.batch_get_image(**wanted)
    assert [image["imageId"]["imageTag"] for image in pulled["images"]] == ["1.0"]
    missing = prod.batch_get_image(**{**wanted, "imageIds": [{"imageTag": "9.9"}]})
    assert missing["images"] == [] and missing["failures"][0]["imageId"] == {"imageTag": "9.9"}
    # The policy grants pulls, not DescribeImages: that one stays refused.
    with pytest.raises(ClientError) as error:
        prod.describe_images(**wanted)
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    # The account's own repositories are as moto keeps them.
    assert prod.describe_repositories()["repositories"] == []


def test_a_condition_on_the_principal_arn_narrows_the_account_to_its_roles(sandbox, aws):
    dev = _dev_ecr(sandbox, aws)
    dev.create_repository(repositoryName="shop/api")
    dev.put_image(repositoryName="shop/api", imageManifest=MANIFEST, imageTag="1.0")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
                "Action": ["ecr:BatchGetImage"],
                "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/shop-prod-*-exec"]}},
            }
        ],
    }
    dev.set_repository_policy(repositoryName="shop/api", policyText=json.dumps(policy))
    wanted = {"registryId": "222222222222", "repositoryName": "shop/api", "imageIds": [{"imageTag": "1.0"}]}

    def as_role(name):
        sts = aws("sts")
        credentials = sts.assume_role(RoleArn=f"arn:aws:iam::123456789012:role/{name}", RoleSessionName="test")
        return boto3.client(
            "ecr",
            endpoint_url=sandbox.url,
            region_name="us-east-1",
            aws_access_key_id=credentials["Credentials"]["AccessKeyId"],
            aws_secret_access_key=credentials["Credentials"]["SecretAccessKey"],
            aws_session_token=credentials["Credentials"]["SessionToken"],
        )

    assert as_role("shop-prod-api-exec").batch_get_image(**wanted)["images"]
    for refused in (as_role("intern"), aws("ecr")):  # another role, and the account's root
        with pytest.raises(ClientError) as error:
            refused.batch_get_image(**wanted)
        assert error.value.response["Error"]["Code"] == "AccessDeniedException"
