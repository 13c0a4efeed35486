"""ecs_services[].service_definition_file: a service kept as CreateService JSON, or as describe-services output."""

from __future__ import annotations

import json
import re

from tests.integration.conftest import run_playbook
from tests.support.aws import client


def test_a_service_from_create_service_json_then_from_its_describe_output_changes_nothing(clean_sandbox, tmp_path):
    clean_sandbox.control("config", {"ec2_capacity": "unlimited"})
    ecs = client(clean_sandbox, "ecs")
    ecs.create_cluster(clusterName="it-svcdef")
    create = tmp_path / "api-service.json"
    create.write_text(
        json.dumps(
            {
                "cluster": "it-svcdef",
                "serviceName": "api",
                "desiredCount": 2,
                "launchType": "EC2",
                "enableECSManagedTags": True,
                "deploymentConfiguration": {"maximumPercent": 150, "minimumHealthyPercent": 50},
                "tags": [{"key": "team", "value": "shop"}],
            }
        )
    )
    created = run_playbook(clean_sandbox, "deploy_service_definition.yml", {"service_file": str(create)})
    assert created.rc == 0, created.output[-4000:]
    assert "it-svcdef/api: created" in created.output
    (service,) = ecs.describe_services(cluster="it-svcdef", services=["api"], include=["TAGS"])["services"]
    assert (service["desiredCount"], service["enableECSManagedTags"]) == (2, True)
    assert service["deploymentConfiguration"]["maximumPercent"] == 150

    described = tmp_path / "api-described.json"
    described.write_text(json.dumps({"services": [service], "failures": []}["services"][0], default=str))
    clean_sandbox.control("calls/reset", {})
    again = run_playbook(clean_sandbox, "deploy_service_definition.yml", {"service_file": str(described)})
    assert again.rc == 0, again.output[-4000:]
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0 ", again.output), again.output[-3000:]
    calls = clean_sandbox.calls()
    assert "ecs:UpdateService" not in calls and "ecs:RegisterTaskDefinition" not in calls, calls
