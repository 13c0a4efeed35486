"""Settings of current services (Service Connect, EBS volumes, VPC Lattice, monitoring, gateway connectors and more),
DAEMON services and a lost CreateService answer, through ansible-playbook."""

from __future__ import annotations

from tests.integration.conftest import run_playbook
from tests.support.aws import client


def test_new_settings_daemon_and_a_lost_create_answer(clean_sandbox):
    run = run_playbook(clean_sandbox, "service_rollout_new_settings.yml")
    assert run.rc == 0, run.output[-6000:]
    services = client(clean_sandbox, "ecs").list_services(cluster="newset")["serviceArns"]
    assert sorted(arn.rsplit("/", 1)[-1] for arn in services) == ["agent", "connected", "web"]
