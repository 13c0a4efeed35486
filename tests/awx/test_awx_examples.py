"""examples/awx/configure.yml: it parses, and what it would define in AWX matches the declared services.

Without an AWX to talk to, the playbook's ``plan`` tag shows the surveys, job templates and workflows it would
define; these tests read that and check it against the example inventory.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.support.playbooks import ansible_playbook_env

PLAYBOOK = REPO_ROOT / "examples" / "awx" / "configure.yml"
INVENTORY = REPO_ROOT / "inventories" / "example"
BIN = Path(sys.executable).parent


def _run(*args: str, json_output: bool = False, controller: str | None = None) -> subprocess.CompletedProcess:
    env = ansible_playbook_env(json_output=json_output)
    # Nothing may reach an AWX: these runs must not need one.
    for name in ("CONTROLLER_HOST", "TOWER_HOST", "CONTROLLER_OAUTH_TOKEN"):
        env.pop(name, None)
    if controller:
        env.update(
            {"CONTROLLER_HOST": controller, "CONTROLLER_OAUTH_TOKEN": "not-a-token", "CONTROLLER_VERIFY_SSL": "0"}
        )
    return subprocess.run(
        [str(BIN / "ansible-playbook"), str(PLAYBOOK), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def plan() -> dict:
    result = _run("-i", str(INVENTORY), "--tags", "plan", json_output=True)
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(result.stdout[result.stdout.index("{") :])
    for play in document["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == "Show what will be defined":
                return task["hosts"]["localhost"]["msg"]
    raise AssertionError("the plan task did not run")


def _declared_services() -> list[str]:
    declared = yaml.safe_load((INVENTORY / "group_vars" / "all.yml").read_text())
    return [service["name"] for service in declared["ecs_services"]]


def _question(survey: dict, variable: str) -> dict:
    (question,) = [question for question in survey["spec"] if question["variable"] == variable]
    return question


def test_syntax_check() -> None:
    result = _run("-i", str(INVENTORY), "--syntax-check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_surveys_offer_exactly_the_declared_services_and_environments(plan: dict) -> None:
    services = _declared_services()
    assert plan["services"] == services
    assert plan["environments"] == ["dev", "staging", "prod"]
    surveys = plan["surveys"]
    for key in ("bootstrap", "deploy", "promote"):
        question = _question(surveys[key], "awx_service")
        assert question["type"] == "multiplechoice"
        assert question["choices"] == services
        assert question["required"] is True
    assert _question(surveys["deploy"], "awx_target")["choices"] == plan["environments"]
    assert _question(surveys["deploy"], "awx_image")["type"] == "text"
    assert _question(surveys["promote"], "awx_promote_to")["default"] == "prod"
    # One workflow per service; its survey asks for the image only, and must have it.
    assert plan["workflows"] == [f"driftless.ecs {name}: dev to prod" for name in services]
    (image,) = surveys["workflow"]["spec"]
    assert (image["variable"], image["required"]) == ("awx_image", True)


def test_job_templates_map_every_survey_answer_onto_the_playbook_variables(plan: dict) -> None:
    templates = {template["key"]: template for template in plan["job_templates"]}
    assert set(templates) == {"bootstrap", "deploy", "promote", "service_deployment"}
    for key, template in templates.items():
        assert (REPO_ROOT / "playbooks" / template["playbook"]).is_file()
        mapped = " ".join(str(value) for value in template["extra_vars"].values())
        for question in plan["surveys"][key]["spec"]:
            assert "{{ " + question["variable"] in mapped, f"{key}: {question['variable']} reaches no variable"
    # AWX gets the mapping itself, to resolve at run time, not what it resolved to here.
    assert templates["deploy"]["extra_vars"]["deploy_image"] == "{{ awx_image | default('') }}"
    assert templates["deploy"]["extra_vars"]["target"] == "{{ awx_target }}"
    # A workflow's survey answers reach all of its jobs: the promote job must not turn the image into a deploy_image.
    assert "awx_image" not in json.dumps(templates["promote"]["extra_vars"])
    assert templates["promote"]["extra_vars"]["promote_approve"] is True
    # The deploy can return at a lifecycle stage: how a canary workflow stops at its PAUSE hook.
    assert templates["deploy"]["extra_vars"]["deploy_wait_until"] == "{{ awx_wait_until | default('completed') }}"
    wait_until = _question(plan["surveys"]["deploy"], "awx_wait_until")
    assert (wait_until["default"], wait_until["choices"][0]) == ("completed", "completed")
    assert "PRE_PRODUCTION_TRAFFIC_SHIFT" in wait_until["choices"]


def test_the_service_deployment_template_continues_or_rolls_back_one_service(plan: dict) -> None:
    (template,) = [template for template in plan["job_templates"] if template["key"] == "service_deployment"]
    assert (template["name"], template["playbook"]) == ("service deployment", "service_deployment.yml")
    assert template["extra_vars"] == {
        "target": "{{ awx_target }}",
        "service_deployment_service": "{{ awx_service }}",
        "service_deployment_action": "{{ awx_deployment_action }}",
    }
    survey = plan["surveys"]["service_deployment"]
    assert [question["variable"] for question in survey["spec"]] == [
        "awx_service",
        "awx_target",
        "awx_deployment_action",
    ]
    action = _question(survey, "awx_deployment_action")
    assert (action["choices"], action["default"]) == (["status", "continue", "rollback"], "status")
    assert _question(survey, "awx_service")["choices"] == _declared_services()


def test_a_canary_workflow_per_environment_for_the_service_with_a_pause_hook(plan: dict) -> None:
    # Only api declares a PAUSE hook (at PRE_PRODUCTION_TRAFFIC_SHIFT, 30 minutes), in every environment.
    workflows = plan["canary_workflows"]
    assert [workflow["name"] for workflow in workflows] == [
        "driftless.ecs api: canary in dev",
        "driftless.ecs api: canary in staging",
        "driftless.ecs api: canary in prod",
    ]
    for workflow in workflows:
        environment = workflow["environment"]
        assert (workflow["service"], workflow["stage"]) == ("api", "PRE_PRODUCTION_TRAFFIC_SHIFT")
        nodes = {node["identifier"]: node for node in workflow["nodes"]}
        assert list(nodes) == ["deploy", "approve", "continue", "rollback"]
        deploy, approve, proceed, rollback = nodes.values()
        assert deploy["unified_job_template"]["name"] == "driftless.ecs deploy"
        assert deploy["extra_data"] == {
            "awx_service": "api",
            "awx_target": environment,
            "awx_wait_until": "PRE_PRODUCTION_TRAFFIC_SHIFT",
        }
        assert deploy["related"] == {"success_nodes": [{"identifier": "approve"}]}
        assert approve["unified_job_template"]["type"] == "workflow_approval"
        assert approve["unified_job_template"]["name"] == f"Continue the canary of api in {environment}?"
        # The approval waits no longer than the hook, whose timeout rolls the deployment back anyway.
        assert approve["unified_job_template"]["timeout"] == 30 * 60
        assert approve["related"] == {
            "success_nodes": [{"identifier": "continue"}],
            "failure_nodes": [{"identifier": "rollback"}],
        }
        for node, action in ((proceed, "continue"), (rollback, "rollback")):
            assert node["unified_job_template"]["name"] == "driftless.ecs service deployment"
            assert node["extra_data"] == {
                "awx_service": "api",
                "awx_target": environment,
                "awx_deployment_action": action,
            }
            assert "related" not in node
    (image,) = plan["surveys"]["canary"]["spec"]
    assert (image["variable"], image["required"]) == ("awx_image", True)


def test_an_inventory_without_services_is_refused() -> None:
    result = _run("-i", "localhost,", "--tags", "plan")
    assert result.returncode != 0
    assert "give the inventory that declares ecs_services" in result.stdout + result.stderr


def test_every_awx_task_passes_its_module_argument_check() -> None:
    """Each awx.awx task, run against a closed local port: the module accepts its arguments (a wrong option or
    choice fails before any connection) and only then fails to reach AWX."""
    names = re.findall(r"^    - name: (.+)\n      awx\.awx\.", PLAYBOOK.read_text(), flags=re.MULTILINE)
    assert len(names) == 7, names
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(
            pool.map(
                lambda name: _run("-i", str(INVENTORY), "--start-at-task", name, controller="http://127.0.0.1:9"),
                names,
            )
        )
    for name, result in zip(names, runs, strict=True):
        output = result.stdout + result.stderr
        assert result.returncode != 0, f"{name}: reached no AWX, yet succeeded"
        assert "Connection refused" in output, f"{name}:\n{output}"
        for refusal in ("Unsupported parameters", "must be one of", "is of type", "missing required"):
            assert refusal not in output, f"{name}:\n{output}"
