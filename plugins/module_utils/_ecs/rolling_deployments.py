# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: where a rolling deployment stands, read from one DescribeServices item. Knowledge layer.

A rollout is followed through ITS deployment, found by id, and that deployment's ``rolloutState``. botocore's
``services_stable`` waiter only checks that one deployment runs the desired count, so it reports success after
ECS's circuit breaker rolled a failed deployment back; nothing here relies on it.

Every function answers one of the constants of ``vocabulary`` (IN_PROGRESS, COMPLETED, FAILED, REPLACED, MISSING)
or a yes/no; the polling itself is ``waiting.poll``.
"""

from __future__ import annotations

from .vocabulary import COMPLETED, FAILED, IN_PROGRESS, MISSING, REPLACED


def primary_deployment(service: dict | None) -> dict | None:
    """The PRIMARY deployment of a DescribeServices item, or None (a service being created may have none)."""
    for deployment in (service or {}).get("deployments") or []:
        if deployment.get("status") == "PRIMARY":
            return deployment
    return None


def deployment_by_id(service: dict | None, deployment_id: str) -> dict | None:
    for deployment in (service or {}).get("deployments") or []:
        if deployment.get("id") == deployment_id:
            return deployment
    return None


def is_gone(service: dict | None) -> bool:
    return service is None or service.get("status") == "INACTIVE"


def rollout_state(service: dict | None, deployment: dict) -> str:
    """``rolloutState`` of a deployment. Without one (deployment controllers that predate it), a deployment
    is COMPLETED once it is the only one left and runs the desired count."""
    state = deployment.get("rolloutState")
    if state:
        return state
    only_one = len((service or {}).get("deployments") or []) == 1
    if only_one and deployment.get("runningCount") == deployment.get("desiredCount"):
        return COMPLETED
    return IN_PROGRESS


def deployment_state(service: dict | None, deployment_id: str) -> str:
    """Where the deployment ``deployment_id`` of ``service`` stands: one of the constants above.

    FAILED wins over everything: a deployment ECS failed stays failed whether or not it was rolled back.
    """
    if is_gone(service):
        return MISSING
    ours = deployment_by_id(service, deployment_id)
    if ours is not None and ours.get("rolloutState") == FAILED:
        return FAILED
    if ours is not None and ours.get("rolloutState") == COMPLETED:
        # It completed; a deployment someone started afterwards (ours is then ACTIVE) does not undo that.
        return COMPLETED
    primary = primary_deployment(service)
    if primary is None or primary.get("id") != deployment_id:
        return REPLACED
    return rollout_state(service, primary)


def deployment_settled(service: dict | None, deployment_id: str) -> bool:
    return deployment_state(service, deployment_id) != IN_PROGRESS


def primary_in_progress(service: dict | None) -> bool:
    """True when the service's PRIMARY deployment is still rolling out (someone else's, or an earlier run's)."""
    primary = primary_deployment(service)
    return primary is not None and not is_gone(service) and rollout_state(service, primary) == IN_PROGRESS


def replacement_settled(service: dict | None, replaced_id: str) -> bool:
    """True once a deployment other than ``replaced_id`` is PRIMARY and has finished, well or badly.

    This is how ECS's own circuit-breaker rollback is followed: it starts a deployment we did not ask for.
    """
    if is_gone(service):
        return True
    primary = primary_deployment(service)
    if primary is None or primary.get("id") == replaced_id:
        return False
    return rollout_state(service, primary) != IN_PROGRESS


def circuit_breaker_rolls_back(service: dict | None) -> bool:
    breaker = ((service or {}).get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
    return bool(breaker.get("enable")) and bool(breaker.get("rollback"))


# ECS's service event when no container instance has room for a task (EC2 launch type or capacity providers).
UNABLE_TO_PLACE = "was unable to place a task"


def placement_problem(events: list[dict]) -> str | None:
    """The newest service event saying ECS could not place a task, among ``events`` (any order), or None.

    A rolling deployment that cannot place its tasks stays IN_PROGRESS without a failure of its own: this event is
    the only place ECS tells why (no container instance, or not enough CPU, memory or ports on any).
    """
    found = [event for event in events if UNABLE_TO_PLACE in (event.get("message") or "")]
    if not found:
        return None
    newest = max(found, key=lambda event: str(event.get("createdAt") or ""))
    return newest["message"]
