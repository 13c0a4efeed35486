"""ecs_service_live_info against the sandbox: each playbook asserts on module results and on the sandbox's calls."""

from __future__ import annotations

from tests.integration.conftest import run_playbook


def test_report_of_eleven_services_is_batched_and_writes_nothing(clean_sandbox):
    run = run_playbook(clean_sandbox, "live_info.yml")
    assert run.rc == 0, run.output


def test_bad_input_fails_before_any_call(clean_sandbox):
    run = run_playbook(clean_sandbox, "live_info_bad_input.yml")
    assert run.rc == 0, run.output
