"""Throttling and lost responses: a deploy through the role converges, registers no duplicate, reports no failure."""

from __future__ import annotations

import itertools

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_normalize import normalize_task_definition
from tests.reliability.conftest import (
    CLUSTER,
    performed,
    reset_calls,
    run_playbook,
    service_declaration,
    writes,
)
from tests.support.aws import client

NEW_IMAGE = "public.ecr.aws/nginx/nginx:1.28"


def _revisions(sandbox, family: str) -> list[dict]:
    ecs = client(sandbox, "ecs")
    arns = ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")["taskDefinitionArns"]
    return [ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"] for arn in arns]


def _live(sandbox, services: list[str]) -> dict[str, dict]:
    ecs = client(sandbox, "ecs")
    found = {}
    for start in range(0, len(services), 10):
        for service in ecs.describe_services(cluster=CLUSTER, services=services[start : start + 10])["services"]:
            found[service["serviceName"]] = service
    return found


def _assert_no_transient_failure(run) -> None:
    assert run.rc == 0, run.output[-5000:]
    recap = run.recap()
    assert recap["failed"] == 0 and recap.get("rescued", 0) == 0 and recap.get("ignored", 0) == 0, recap
    for word in ("FAILED!", "fatal:", "...ignoring", "Throttl", "Rate exceeded"):
        assert word not in run.output, f"{word!r} in the output:\n{run.output[-5000:]}"


def test_a_ten_service_deploy_with_30_percent_throttled_converges_without_duplicates(clean_sandbox, network):
    names = [f"t{index:02d}" for index in range(10)]
    services = [service_declaration(name, network) for name in names]
    created = run_playbook(clean_sandbox, "deploy.yml", {"ecs_services": services})
    assert created.rc == 0, created.output

    changed = names[:6]
    reset_calls(clean_sandbox)
    clean_sandbox.control("throttle", {"rate": 0.3, "seed": 20240607})
    variables = {"ecs_services": services, "deploy_service_images": {name: {"app": NEW_IMAGE} for name in changed}}
    run = run_playbook(clean_sandbox, "deploy.yml", variables)
    calls = clean_sandbox.calls()
    clean_sandbox.control("throttle", {"rate": 0})  # the test's own reads below are not throttled

    _assert_no_transient_failure(run)
    throttled = calls.get("throttled", {})
    assert sum(throttled.values()) >= 5, calls  # throttling really happened (the seed gives 9), on ECS too
    assert any(key.startswith("ecs:") for key in throttled), calls
    # One registration and one deployment per changed service; nothing for the four others.
    assert performed(calls, "ecs:RegisterTaskDefinition") == len(changed), calls
    assert performed(calls, "ecs:UpdateService") == len(changed), calls
    for name in names:
        revisions = _revisions(clean_sandbox, f"rel-{name}")
        assert len(revisions) == (2 if name in changed else 1), (name, [r["revision"] for r in revisions])
        canonical = [normalize_task_definition(revision) for revision in revisions]
        assert all(a != b for a, b in itertools.combinations(canonical, 2)), name
    for name, service in _live(clean_sandbox, names).items():
        (deployment,) = service["deployments"]
        assert deployment["rolloutState"] == "COMPLETED", service
        image = client(clean_sandbox, "ecs").describe_task_definition(taskDefinition=service["taskDefinition"])
        expected = NEW_IMAGE if name in changed else "public.ecr.aws/nginx/nginx:1.27"
        assert image["taskDefinition"]["containerDefinitions"][0]["image"] == expected, name

    # Converged: the same deploy again, still throttled, has nothing to do.
    reset_calls(clean_sandbox)
    clean_sandbox.control("throttle", {"rate": 0.3, "seed": 7})
    again = run_playbook(clean_sandbox, "deploy.yml", variables)
    calls = clean_sandbox.calls()
    _assert_no_transient_failure(again)
    assert again.recap()["changed"] == 0, again.output[-3000:]
    assert sum(calls.get("throttled", {}).values()) > 0, calls
    assert {key: performed(calls, key) for key in writes(calls) if performed(calls, key)} == {}, calls


def test_a_lost_register_response_leaves_exactly_one_new_revision(clean_sandbox, network):
    services = [service_declaration("lost", network)]
    assert run_playbook(clean_sandbox, "deploy.yml", {"ecs_services": services}).rc == 0
    assert len(_revisions(clean_sandbox, "rel-lost")) == 1

    reset_calls(clean_sandbox)
    clean_sandbox.control(
        "faults", {"faults": [{"action": "ecs:RegisterTaskDefinition", "mode": "lose_response", "count": 1}]}
    )
    run = run_playbook(
        clean_sandbox, "deploy.yml", {"ecs_services": services, "deploy_service": "lost", "deploy_image": NEW_IMAGE}
    )
    calls = clean_sandbox.calls()

    _assert_no_transient_failure(run)
    assert calls["faulted"] == {"ecs:RegisterTaskDefinition": 1}, calls  # the response really was lost
    revisions = _revisions(clean_sandbox, "rel-lost")
    assert [revision["revision"] for revision in revisions] == [1, 2], revisions
    assert revisions[1]["containerDefinitions"][0]["image"] == NEW_IMAGE
    service = _live(clean_sandbox, ["lost"])["lost"]
    assert service["taskDefinition"] == revisions[1]["taskDefinitionArn"]
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"
    line = f"it-deploy/lost: deployed; app public.ecr.aws/nginx/nginx:1.27 -> {NEW_IMAGE}; rel-lost:1 -> rel-lost:2"
    assert line in run.output, run.output[-3000:]
