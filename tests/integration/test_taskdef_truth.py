"""ecs_taskdef_live's ``changed`` means that it wrote something, and a failed list keeps what it did."""

from __future__ import annotations

from tests.integration.conftest import run_playbook
from tests.support.aws import client


def _definition(family: str, image: str) -> dict:
    return {"family": family, "containerDefinitions": [{"name": "app", "image": image, "memory": 128}]}


def test_a_reused_revision_is_not_a_change_and_a_failed_list_keeps_earlier_results(clean_sandbox):
    ecs = client(clean_sandbox, "ecs")
    ecs.create_cluster(clusterName="it-truth")
    first = ecs.register_task_definition(**_definition("it-truth", "nginx:1.27"))["taskDefinition"]
    ecs.create_service(cluster="it-truth", serviceName="truth", taskDefinition=first["taskDefinitionArn"])
    # A run that registered the new revision and stopped before the service moved to it.
    newest = ecs.register_task_definition(**_definition("it-truth", "nginx:1.28"))["taskDefinition"]
    clean_sandbox.control("calls/reset", {})
    clean_sandbox.control(
        "faults",
        {"faults": [{"action": "ecs:RegisterTaskDefinition", "mode": "error", "count": 20, "after": 1}]},
    )

    run = run_playbook(
        clean_sandbox,
        "taskdef_truth.yml",
        {
            "reused_definition": _definition("it-truth", "nginx:1.27"),
            "reused_image": "nginx:1.28",
            "failing_list": [
                {"task_definition": _definition("it-truth-a", "nginx:1")},
                {"task_definition": _definition("it-truth-b", "nginx:1")},
            ],
        },
        json_output=True,
    )

    (reused,) = run.results("Resolve a service whose newest revision already holds the declared content")
    assert reused["reused_revision"] is True, reused
    assert reused["task_definition_arn"] == newest["taskDefinitionArn"]
    assert (reused["changed"], reused["registered"]) == (False, False), reused

    (failed,) = run.results("Resolve a list whose second registration fails")
    assert failed["failed"] is True
    assert failed["msg"].startswith("definitions[1]: Failed to register task definition"), failed["msg"]
    # The first item was registered before the second failed: the result says so, and changed says it wrote.
    assert failed["changed"] is True
    assert [(item["family"], item["registered"]) for item in failed["results"]] == [("it-truth-a", True)]

    calls = clean_sandbox.calls()
    registered = calls["ecs:RegisterTaskDefinition"]
    faulted = calls.get("faulted", {}).get("ecs:RegisterTaskDefinition", 0)
    # it-truth-a's registration went through; every other one hit the fault: the reused revision registered nothing.
    assert registered - faulted == 1, calls
    assert not {key for key in calls if key.startswith("ecs:") and key.split(":")[1].startswith(("Update", "Tag"))}
    families = {
        family: [arn.rsplit("/", 1)[-1] for arn in ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"]]
        for family in ("it-truth", "it-truth-a", "it-truth-b")
    }
    assert families == {"it-truth": ["it-truth:1", "it-truth:2"], "it-truth-a": ["it-truth-a:1"], "it-truth-b": []}
