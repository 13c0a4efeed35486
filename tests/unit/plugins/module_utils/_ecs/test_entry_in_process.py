"""A module run in process answers what the same module answers as a module: validation, results, failures, masking.

``Definition.in_process`` runs a module's ``run`` inside the action plugin's worker. These tests give it real
argument specs of the collection (``args``) and orchestration functions that stand in for AWS, and check what the
task would receive.
"""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs import args
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.entry import Definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError

CONNECTION = {"region": "us-east-1", "access_key": "AKIDEXAMPLE", "secret_key": "not-for-any-output"}


def _answer(run, arguments=None):
    return Definition(args.ecs_taskdef_prune, run).in_process(
        {**CONNECTION, **(arguments if arguments is not None else {"family": "web"})},
        name="driftless.ecs.test",
        check_mode=False,
        diff=False,
    )


def test_the_run_gets_validated_params_with_their_defaults_and_its_answer_is_the_result():
    seen = {}

    def run(client, params, *, check_mode, diff, clock):
        seen.update(params=params, check_mode=check_mode, client=client)
        return {"changed": True, "deregistered": ["web:1"]}

    result = _answer(run, arguments={"family": "web"})
    invocation = result.pop("invocation")
    assert result == {"changed": True, "deregistered": ["web:1"]}
    # As a module shows them with -vvv: the arguments it ran with, no_log values masked.
    assert invocation["module_args"]["family"] == "web"
    assert invocation["module_args"]["secret_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert seen["params"]["keep"] == 10  # the spec's default
    assert seen["params"]["region"] == "us-east-1"
    assert seen["client"].meta.service_model.service_name == "ecs"


def test_check_mode_and_diff_reach_the_run():
    seen = {}

    def run(client, params, *, check_mode, diff, clock):
        seen.update(check_mode=check_mode, diff=diff)
        return {}

    answer = Definition(args.ecs_taskdef_prune, run).in_process(
        {**CONNECTION, "family": "web"}, name="x", check_mode=True, diff=True
    )
    assert seen == {"check_mode": True, "diff": True}
    assert answer["changed"] is False


def test_a_missing_required_option_fails_as_the_module_does_before_the_run():
    def run(*_args, **_kwargs):
        raise AssertionError("must not run")

    result = _answer(run, arguments={})
    assert result["failed"] is True
    assert result["msg"] == "missing required arguments: family"


def test_an_unknown_option_is_named_with_the_module_words():
    def run(*_args, **_kwargs):
        raise AssertionError("must not run")

    result = _answer(run, arguments={"family": "web", "kep": 3})
    assert result["failed"] is True
    assert result["msg"].startswith("Unsupported parameters for (driftless.ecs.test) module: kep.")


def test_a_wrong_type_is_named():
    def run(*_args, **_kwargs):
        raise AssertionError("must not run")

    result = _answer(run, arguments={"family": "web", "keep": "many"})
    assert result["failed"] is True
    assert "keep" in result["msg"] and "int" in result["msg"]


def test_an_error_keeps_its_partial_result_and_warnings_are_carried():
    def run(client, params, *, check_mode, diff, clock):
        raise AnsibleECSError("web: rolled back", services=[{"name": "web", "outcome": "rolled back"}])

    result = _answer(run)
    assert result["failed"] is True
    assert result["msg"] == "web: rolled back"
    assert result["services"] == [{"name": "web", "outcome": "rolled back"}]

    def warns(client, params, *, check_mode, diff, clock):
        return {"changed": False, "warnings": ["kept the live image"]}

    assert _answer(warns)["warnings"] == ["kept the live image"]


def test_an_aws_error_reads_as_amazon_aws_reports_it():
    error = botocore.exceptions.ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "DescribeServices"
    )

    def run(client, params, *, check_mode, diff, clock):
        raise AnsibleECSError("describe services", exception=error)

    result = _answer(run)
    assert result["failed"] is True
    assert result["msg"].startswith("describe services: An error occurred (AccessDeniedException)")
    assert result["error"] == {"code": "AccessDeniedException", "message": "not allowed"}
    assert "boto3_version" in result


def test_no_log_values_never_leave_in_the_result():
    def run(client, params, *, check_mode, diff, clock):
        return {"changed": False, "echo": f"used {params['secret_key']}", "nested": [params["secret_key"]]}

    result = _answer(run)
    assert CONNECTION["secret_key"] not in repr(result)
    assert result["echo"] == "used ********"


@pytest.mark.parametrize("clients", [("elbv2",), ()])
def test_other_clients_are_built_by_name(clients):
    seen = {}

    def run(client, params, *, check_mode, diff, clock, **extra):
        seen.update(extra)
        return {}

    Definition(args.ecs_taskdef_prune, run, clients=clients, lazy_clients=True).in_process(
        {**CONNECTION, "family": "web"}, name="x", check_mode=False, diff=False
    )
    assert sorted(seen) == sorted([*clients, "connect_to"])
    if clients:
        assert seen["elbv2"].meta.service_model.service_name == "elbv2"
    assert seen["connect_to"]("logs", "eu-west-1").meta.region_name == "eu-west-1"
