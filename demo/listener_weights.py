"""Print where a blue/green, linear or canary service's production traffic goes: the weights of the forward action
of its production listener rule, per target group.

Plain boto3, so what it shows comes from the load balancer itself, not from the collection. The endpoint comes from
AWS_ENDPOINT_URL.

Usage: python listener_weights.py CLUSTER SERVICE [LABEL]
"""

from __future__ import annotations

import sys

import boto3


def weights(cluster: str, service: str) -> list[tuple[str, int]]:
    described = boto3.client("ecs").describe_services(cluster=cluster, services=[service])["services"][0]
    rules = [
        balancer["advancedConfiguration"]["productionListenerRule"]
        for balancer in described.get("loadBalancers") or []
        if (balancer.get("advancedConfiguration") or {}).get("productionListenerRule")
    ]
    if not rules:
        raise SystemExit(f"{cluster}/{service} has no production listener rule (is it a ROLLING service?)")
    found = []
    for rule in boto3.client("elbv2").describe_rules(RuleArns=rules)["Rules"]:
        for action in rule["Actions"]:
            for group in (action.get("ForwardConfig") or {}).get("TargetGroups") or []:
                name = group["TargetGroupArn"].split(":targetgroup/", 1)[-1].split("/", 1)[0]
                found.append((name, int(group.get("Weight", 0))))
    return found


def main(cluster: str, service: str, label: str = "") -> None:
    split = "  ".join(f"{name} {weight:>3} %" for name, weight in weights(cluster, service))
    print(f"    {label or 'production traffic'} of {cluster}/{service}: {split}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
