"""A deploy of a hundred services through the shipped playbook: a no-op writes nothing and counts 100 unchanged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.aws import client
from tests.support.playbooks import ansible_playbook_env

SERVICES = 100
WRITES = ("Create", "Register", "Update", "Delete", "Deregister", "Tag", "Untag", "Put", "Run", "Stop")


def _deploy(sandbox, inventory: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "driftless.ecs.deploy", "-i", str(inventory)]
    variables = {"deploy_verify": False, "deploy_poll_interval": 0.2, "deploy_wait_timeout": 300}
    return subprocess.run(
        [*command, "-e", "target=many", "-e", json.dumps(variables)],
        env=ansible_playbook_env(sandbox),
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_no_op_deploy_of_a_hundred_services_writes_nothing_and_counts_them(clean_sandbox, tmp_path):
    clean_sandbox.control("config", {"ec2_capacity": "unlimited", "task_start_delay": 0.05, "task_stop_delay": 0.05})
    client(clean_sandbox, "ecs").create_cluster(clusterName="it-many")
    services = [
        {
            "name": f"svc-{index:03d}",
            "cluster": "it-many",
            "execution_role": False,
            "task_definition": {
                "containerDefinitions": [{"name": "app", "image": "registry.example/app:1", "memory": 32}]
            },
            "service": {"launch_type": "EC2", "desired_count": 1},
        }
        for index in range(SERVICES)
    ]
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "vars": {"ansible_connection": "local", "ecs_region": "us-east-1"},
                    "children": {"many": {"hosts": {"many-env": {}}, "vars": {"ecs_services": services}}},
                }
            }
        )
    )
    created = _deploy(clean_sandbox, inventory)
    assert created.returncode == 0, created.stdout[-4000:]
    assert f"{SERVICES} services: {SERVICES} changed ({SERVICES} created), 0 unchanged, 0 failed" in created.stdout

    clean_sandbox.control("calls/reset", {})
    again = _deploy(clean_sandbox, inventory)
    assert again.returncode == 0, again.stdout[-4000:]
    calls = clean_sandbox.calls()
    writes = {key: value for key, value in calls.items() if ":" in key and key.split(":", 1)[1].startswith(WRITES)}
    assert writes == {}, writes
    assert f"{SERVICES} services: 0 changed, {SERVICES} unchanged, 0 failed" in again.stdout, again.stdout[-3000:]
    ecs_calls = sum(value for key, value in calls.items() if key.startswith("ecs:") and isinstance(value, int))
    assert ecs_calls <= 1.2 * SERVICES, calls
