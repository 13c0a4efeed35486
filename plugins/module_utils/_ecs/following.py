# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Following native service deployments through the API. Following layer: calls ``api``, holds no module logic.

Many trackers are refreshed with one batched DescribeServiceDeployments; the production listener rules of many
services are read with one DescribeRules. Both ecs_service_rollout and ecs_service_deployment use these.
"""

from __future__ import annotations

from typing import Any, Callable

from . import api
from .exceptions import AnsibleECSError
from .native_deployments import Tracker, production_rules, rule_weights
from .waiting import Clock, poll


def refresh(client: Any, trackers: list[Tracker], seen_at: str) -> None:
    """One batched DescribeServiceDeployments for all ``trackers``."""
    if not trackers:
        return
    found = {
        item.get("serviceDeploymentArn"): item
        for item in api.describe_service_deployments(client, [t.arn for t in trackers])
    }
    for tracker in trackers:
        tracker.see(found.get(tracker.arn), seen_at)


def current_deployment_arn(client: Any, cluster: str, service: dict) -> str | None:
    """The service's current service deployment: ``currentServiceDeployment``, else the newest listed."""
    arn = service.get("currentServiceDeployment")
    if arn:
        return arn
    rows = api.list_service_deployments(client, cluster, service.get("serviceArn") or service.get("serviceName"))
    return rows[0].get("serviceDeploymentArn") if rows else None


def follow(
    client: Any,
    trackers: list[Tracker],
    done: Callable[[Tracker], bool],
    *,
    deadline: float,
    interval: float,
    clock: Clock,
) -> bool:
    """Poll the trackers not ``done`` yet, together, until all are or ``deadline`` passes. True: all done."""
    pending = list(trackers)

    def fetch() -> list[Tracker]:
        refresh(client, pending, clock.wall())
        pending[:] = [tracker for tracker in pending if not done(tracker)]
        return pending

    ok, _left, _elapsed = poll(fetch, lambda still: not still, deadline, interval, clock)
    return ok


def stop_for_rollback(client: Any, tracker: Tracker) -> None:
    """StopServiceDeployment ROLLBACK. A deployment that ended meanwhile (ConflictException) is left as it is."""
    try:
        api.stop_service_deployment(client, tracker.arn, "ROLLBACK")
    except AnsibleECSError as error:
        if "ConflictException" not in str(error.exception or ""):
            raise
        return
    tracker.stopped_by_module = True


def traffic(elbv2: Any, service: dict | None) -> dict[str, int] | None:
    """Target group ARN -> weight, read from the service's production listener rules; None when unreadable."""
    return traffic_of_services(elbv2, [service])[0]


def traffic_of_services(elbv2: Any, services: list[dict | None]) -> list[dict[str, int] | None]:
    """``traffic`` of each service, in order, with one DescribeRules for all of them."""
    rules_of = [production_rules(service) for service in services]
    wanted = list(dict.fromkeys(rule for rules in rules_of for rule in rules))
    if elbv2 is None or not wanted:
        return [None] * len(services)
    try:
        described = {rule.get("RuleArn"): rule for rule in api.describe_rules(elbv2, wanted)}
    except AnsibleECSError:
        return [None] * len(services)
    return [
        rule_weights([described[rule] for rule in rules if rule in described]) if rules else None for rules in rules_of
    ]
