"""The AWS managed policy the bootstrap role attaches exists in every account of the sandbox."""

from __future__ import annotations

import json

POLICY_ARN = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"


def test_the_ecs_infrastructure_policy_for_load_balancers_can_be_attached(aws):
    iam = aws("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    iam.create_role(RoleName="sandbox-test-ecs-infra", AssumeRolePolicyDocument=json.dumps(trust))
    try:
        assert iam.get_policy(PolicyArn=POLICY_ARN)["Policy"]["PolicyName"] == (
            "AmazonECSInfrastructureRolePolicyForLoadBalancers"
        )
        iam.attach_role_policy(RoleName="sandbox-test-ecs-infra", PolicyArn=POLICY_ARN)
        attached = iam.list_attached_role_policies(RoleName="sandbox-test-ecs-infra")["AttachedPolicies"]
        assert [policy["PolicyArn"] for policy in attached] == [POLICY_ARN]
    finally:
        iam.detach_role_policy(RoleName="sandbox-test-ecs-infra", PolicyArn=POLICY_ARN)
        iam.delete_role(RoleName="sandbox-test-ecs-infra")
