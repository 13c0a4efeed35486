"""ecs_service_rollout against the sandbox: each playbook asserts on module results and on the sandbox's calls."""

from __future__ import annotations

import pytest

from tests.integration.conftest import run_playbook


def _run(sandbox, playbook: str, **extra_vars):
    run = run_playbook(sandbox, playbook, extra_vars)
    assert run.rc == 0, run.output
    return run


def test_create_then_noop_makes_one_describe_services(clean_sandbox):
    _run(clean_sandbox, "service_rollout_create.yml")
