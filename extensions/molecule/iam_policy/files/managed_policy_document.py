"""Print the default version's document of a managed policy, as JSON: what IAM really stores."""

from __future__ import annotations

import json
import sys

import boto3


def main(arn: str) -> None:
    iam = boto3.client("iam")
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    if isinstance(document, str):
        document = json.loads(document)
    print(json.dumps(document))


if __name__ == "__main__":
    main(sys.argv[1])
