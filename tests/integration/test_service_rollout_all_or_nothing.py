"""release: all_or_nothing, through ansible-playbook: when one service fails, the others the run moved go back."""

from __future__ import annotations

from tests.integration.conftest import run_playbook
from tests.support.aws import client
from tests.support.blue_green import load_balancer


def test_one_failure_puts_back_the_rolling_and_the_baking_service_and_leaves_the_unmoved_one(clean_sandbox):
    clean_sandbox.control("clock", {"minute_seconds": 0.1})
    lb = load_balancer(clean_sandbox, "aon-web", {"bg": ("aon-bg-blue", "aon-bg-green")}, octet=11)["bg"]

    run = run_playbook(clean_sandbox, "service_rollout_all_or_nothing.yml", {"lb": lb}, json_output=True)

    (released,) = run.results("Release the four as one unit; bad fails")
    assert released["failed"] is True
    by_name = {result["service_name"]: result for result in released["results"]}
    assert by_name["bad"]["rolled_back"] is True and by_name["bad"]["rolled_back_by"] == "ecs"
    assert by_name["roll"]["put_back"] == {"action": "rolled back to web:1", "outcome": "COMPLETED"}
    assert by_name["bg"]["put_back"] == {
        "action": "stopped its service deployment with a rollback",
        "outcome": "ROLLBACK_SUCCESSFUL",
    }
    assert "put_back" not in by_name["calm"] and by_name["calm"]["changed"] is False
    assert "all_or_nothing put back" in released["msg"], released["msg"]

    ecs = client(clean_sandbox, "ecs")
    services = ecs.describe_services(cluster="aon", services=["bg", "roll", "bad", "calm"])["services"]
    assert {service["serviceName"]: service["taskDefinition"].rsplit("/", 1)[-1] for service in services} == {
        "bg": "web:1",
        "roll": "web:1",
        "bad": "web:1",
        "calm": "web:1",
    }
    calls = clean_sandbox.calls()
    # roll: its rollout and its put-back; bg: its rollout, then a stop; bad: its rollout; calm: nothing.
    assert calls.get("ecs:UpdateService") == 4, calls
    assert calls.get("ecs:StopServiceDeployment") == 1, calls
