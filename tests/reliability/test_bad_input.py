"""A catalogue of bad inputs to the modules and the roles: each fails naming the problem, and nothing is written."""

from __future__ import annotations

import re

from tests.reliability.conftest import reset_calls, run_playbook, service_declaration, writes


def _failed_cases(output: str) -> int:
    return len(re.findall(r"^failed: \[localhost\]", output, re.MULTILINE))


def test_bad_input_to_the_modules_fails_naming_the_problem_and_writes_nothing(clean_sandbox, network):
    services = [service_declaration("bad", network)]
    assert run_playbook(clean_sandbox, "deploy.yml", {"ecs_services": services}).rc == 0

    reset_calls(clean_sandbox)
    run = run_playbook(clean_sandbox, "bad_input_modules.yml", network, args=("-v",))
    calls = clean_sandbox.calls()

    assert run.rc == 0, run.output
    assert writes(calls) == {}, calls
    # Every case ran and failed as it should: 29 + 14 + 2 looped cases, and 3 single ones.
    recap = run.recap()
    assert recap["failed"] == 0 and recap["ok"] == 6, recap
    assert len(re.findall(r"^(?:ok|failed): \[localhost\] => \(item=", run.output, re.MULTILINE)) == 45, run.output


def test_bad_input_to_the_roles_fails_naming_the_problem_and_writes_nothing(clean_sandbox, network, tmp_path):
    good = tmp_path / "other.json"
    good.write_text(
        '{"family": "rel-other", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",'
        ' "memory": "512", "containerDefinitions": [{"name": "app", "image": "public.ecr.aws/nginx/nginx:1.27"}]}'
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"family": "rel-bad", "containerDefinitions": [{"name": "app",, }]')
    listed = tmp_path / "listed.json"
    listed.write_text('[{"family": "rel-bad"}]')

    reset_calls(clean_sandbox)
    run = run_playbook(
        clean_sandbox,
        "bad_input_roles.yml",
        {**network, "good_json_file": str(good), "bad_json_file": str(broken), "list_json_file": str(listed)},
    )
    calls = clean_sandbox.calls()

    assert run.rc == 0, run.output[-8000:]
    assert writes(calls) == {}, calls
    assert len(re.findall(r"^included: .*role_case.yml for localhost => \(item=", run.output, re.MULTILINE)) == 25
