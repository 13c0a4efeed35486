# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestration of ecs_clusters: the clusters of a run made where missing, and the declared services they already
hold, in one module call.

Orchestration layer. Steps:
  1. check the names (``cluster_plan.check_clusters``): bad input fails before any call;
  2. read every cluster (DescribeClusters, a hundred a call);
  3. create the missing ones (CreateCluster) unless ``create`` is false or in check mode, where they are reported;
  4. read the declared services of the clusters that existed before the run (DescribeServices, ten a call, eight
     calls at a time): a new cluster holds none.
"""

from __future__ import annotations

from typing import Any

from . import api
from .cluster_plan import check_clusters, create_request, existing_services, missing_clusters
from .parallel import in_parallel
from .waiting import Clock


def run(client: Any, params: dict, *, check_mode: bool = False, diff: bool = False, clock: Clock | None = None) -> dict:
    """ecs_clusters: the module's params in, its result out."""
    names, services = check_clusters(list(params.get("clusters") or []), list(params.get("services") or []))
    described = api.describe_clusters(client, names) if names else []
    missing = missing_clusters(names, described)
    create = bool(params.get("create", True))
    arns = {
        cluster["clusterName"]: cluster.get("clusterArn") for cluster in described if cluster.get("status") == "ACTIVE"
    }
    created = []
    if create and not check_mode:
        for name in missing:
            request = create_request(
                name, params.get("capacity_providers") or [], params.get("capacity_provider_strategy") or []
            )
            arns[name] = api.create_cluster(client, request).get("clusterArn")
            created.append(name)

    wanted: dict[str, list[str]] = {}
    for service in services:
        if service["cluster"] not in missing:
            wanted.setdefault(service["cluster"], []).append(service["name"])
    found = in_parallel(
        lambda cluster: existing_services(
            cluster, api.describe_services(client, cluster, sorted(set(wanted[cluster])))
        ),
        sorted(wanted),
    )
    result: dict[str, Any] = {
        "changed": bool(missing) and create,
        "clusters": [{"name": name, "arn": arns.get(name), "created": name in missing and create} for name in names],
        "new_clusters": missing if create else [],
        "missing_clusters": [] if create else missing,
        "existing_services": sorted(name for names_found in found for name in names_found),
    }
    if diff:
        result["diff"] = {
            "before": {"clusters": [name for name in names if name not in missing]},
            "after": {"clusters": names if create else [name for name in names if name not in missing]},
        }
    return result
