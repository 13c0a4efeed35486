# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: ECS clusters a run needs - which are missing, how to create them, and which declared services they already
hold. Knowledge layer."""

from __future__ import annotations

from .exceptions import ECSValidationError
from .vocabulary import ECS_NAME_PATTERN


def check_clusters(clusters: list[str], services: list[str]) -> tuple[list[str], list[dict]]:
    """The cluster names, each once, and the services to look for, checked before any call.

    Raises:
        ECSValidationError naming the entry (``clusters[1]``, ``services[3].cluster``).
    """
    names = []
    for index, name in enumerate(clusters):
        if not isinstance(name, str) or not ECS_NAME_PATTERN.match(name):
            raise ECSValidationError(f"clusters[{index}] must be 1 to 255 letters, digits, hyphens or underscores")
        if name not in names:
            names.append(name)
    looked_for = []
    for index, service in enumerate(services):
        cluster, _slash, name = str(service).partition("/")
        if not ECS_NAME_PATTERN.match(cluster) or not ECS_NAME_PATTERN.match(name):
            raise ECSValidationError(f"services[{index}] {service!r} must be cluster/name, both ECS names")
        if cluster not in names:
            raise ECSValidationError(
                f"services[{index}]: cluster {cluster} is not one of clusters ({', '.join(names)})"
            )
        looked_for.append({"cluster": cluster, "name": name})
    return names, looked_for


def missing_clusters(names: list[str], described: list[dict]) -> list[str]:
    """The names with no ACTIVE cluster (an INACTIVE one is a deleted cluster: its name can be used again)."""
    active = {cluster.get("clusterName") for cluster in described if cluster.get("status") == "ACTIVE"}
    return [name for name in names if name not in active]


def create_request(name: str, capacity_providers: list[str], strategy: list[dict]) -> dict:
    """CreateCluster of a new cluster, with its capacity providers and default strategy (the module's snake_case)."""
    request: dict = {"clusterName": name}
    if capacity_providers:
        request["capacityProviders"] = list(capacity_providers)
    if strategy:
        request["defaultCapacityProviderStrategy"] = [
            {
                "capacityProvider": item["capacity_provider"],
                **({"weight": item["weight"]} if item.get("weight") is not None else {}),
                **({"base": item["base"]} if item.get("base") is not None else {}),
            }
            for item in strategy
        ]
    return request


def existing_services(cluster: str, described: list[dict]) -> list[str]:
    """``cluster/name`` of the described services that hold their name (ACTIVE or DRAINING; INACTIVE ones are
    gone)."""
    return sorted(f"{cluster}/{service['serviceName']}" for service in described if service.get("status") != "INACTIVE")
