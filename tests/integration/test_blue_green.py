"""Native blue/green, linear and canary deployments through ecs_service_rollout and ecs_service_deployment, run by
ansible-playbook against the sandbox.

The load balancer (an ALB, and per service two target groups and a production rule forwarding 100/0) is made with
plain boto3 (tests/support/blue_green.py); each playbook asserts on the module results, on the listener rules and
on the sandbox's call counts itself. Deployment minutes are short (``minute_seconds``), so every scenario takes seconds.
"""

from __future__ import annotations

from tests.integration.conftest import run_playbook
from tests.support.blue_green import load_balancer


def _load_balancer(sandbox, services: tuple[str, ...] = ("web",)) -> dict[str, dict[str, str]]:
    """One ALB and, for each service, a blue and a green target group and a production rule forwarding 100/0.

    Returns, per service, ``blue``, ``green``, ``production`` (the rule ARN), ``role`` and ``balancer`` (the ALB name).
    """
    groups = {service: (f"bg-{service}-blue", f"bg-{service}-green") for service in services}
    return load_balancer(sandbox, "bg-web", groups, octet=9)


def test_blue_green_flips_traffic_back_and_forth_and_a_noop_writes_nothing(clean_sandbox):
    clean_sandbox.control("clock", {"minute_seconds": 0.2})
    run = run_playbook(clean_sandbox, "blue_green_rollout.yml", {"lb": _load_balancer(clean_sandbox)["web"]})
    assert run.rc == 0, run.output


def test_canary_and_linear_steps_and_the_batched_wait(clean_sandbox):
    """Canary 20 -> 100 and linear 40/80/100, each alone, then with a blue/green and a rolling service in one call."""
    clean_sandbox.control("clock", {"minute_seconds": 0.2})
    lbs = _load_balancer(clean_sandbox, ("canary", "linear", "bluegreen"))
    run = run_playbook(clean_sandbox, "blue_green_steps.yml", {"lbs": lbs})
    assert run.rc == 0, run.output


def test_failing_hook_stop_in_bake_time_and_the_modules_own_rollback(clean_sandbox):
    """A FAILED Lambda hook, wait_until BAKE_TIME, a rollback during the bake, ecs_service_deployment's errors and
    check mode, and ecs_service_rollout stopping a deployment that ran out of time."""
    clean_sandbox.control("clock", {"minute_seconds": 0.1})
    run = run_playbook(clean_sandbox, "blue_green_stop.yml", {"lb": _load_balancer(clean_sandbox)["web"]})
    assert run.rc == 0, run.output


def test_pause_hooks_continue_roll_back_and_time_out(clean_sandbox):
    clean_sandbox.control("clock", {"minute_seconds": 0.1})
    run = run_playbook(clean_sandbox, "blue_green_pause.yml", {"lb": _load_balancer(clean_sandbox)["web"]})
    assert run.rc == 0, run.output
