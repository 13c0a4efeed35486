"""ecs_task_run through ansible-playbook against the sandbox (see targets/task_run.yml for every case)."""

from __future__ import annotations

from tests.integration.conftest import run_playbook


def test_one_off_tasks_succeed_fail_time_out_and_survive_a_lost_answer(clean_sandbox):
    run = run_playbook(clean_sandbox, "task_run.yml")
    assert run.rc == 0, run.output[-8000:]
    assert "hunter2" not in run.output
