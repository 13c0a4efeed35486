"""ecs_service_rollout against the sandbox: each playbook asserts on module results and on the sandbox's calls."""

from __future__ import annotations

from tests.integration.conftest import run_playbook


def _run(sandbox, playbook: str, **extra_vars):
    run = run_playbook(sandbox, playbook, extra_vars)
    assert run.rc == 0, run.output
    return run


def test_create_then_noop_makes_one_describe_services(clean_sandbox):
    _run(clean_sandbox, "service_rollout_create.yml")


def test_image_rollout_completes_and_keeps_an_out_of_band_count(clean_sandbox):
    _run(clean_sandbox, "service_rollout_image.yml")


def test_failing_image_with_circuit_breaker_is_a_reported_failure(clean_sandbox):
    _run(clean_sandbox, "service_rollout_circuit_breaker.yml")


def test_failing_image_without_circuit_breaker_times_out_and_rolls_back(clean_sandbox):
    _run(clean_sandbox, "service_rollout_timeout.yml")


def test_an_ec2_service_without_container_instances_fails_saying_why(clean_sandbox):
    _run(clean_sandbox, "service_rollout_no_capacity.yml")


def test_each_setting_changed_alone_updates_then_nothing(clean_sandbox):
    _run(clean_sandbox, "service_rollout_settings.yml")


def test_check_mode_writes_nothing_and_diff_shows_compared_settings(clean_sandbox):
    _run(clean_sandbox, "service_rollout_check_mode.yml")


def test_ten_services_roll_out_together(clean_sandbox):
    _run(clean_sandbox, "service_rollout_many.yml")


def test_bad_input_fails_before_any_write(clean_sandbox):
    _run(clean_sandbox, "service_rollout_bad_input.yml")


def test_deployment_in_progress_is_waited_for_first(clean_sandbox):
    _run(clean_sandbox, "service_rollout_in_progress.yml")


def test_network_and_fargate_settings_changed_alone_update_then_nothing(clean_sandbox):
    _run(clean_sandbox, "service_rollout_network.yml")
