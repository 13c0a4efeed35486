"""The declaration of a service that runs, from real DescribeServices and DescribeTaskDefinition answers."""

from __future__ import annotations

import json
from pathlib import Path

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.adoption import (
    adopted_service,
    service_declaration,
    task_definition_document,
)
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_compare import plan_service
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_compare import same_revision_content

FIXTURES = Path(__file__).parent / "fixtures"


def described_definition() -> dict:
    answer = json.loads((FIXTURES / "web_described.json").read_text())
    return {**answer["taskDefinition"], "tags": answer.get("tags", [])}


def described_service() -> dict:
    return json.loads((FIXTURES / "service_web_described.json").read_text())["services"][0]


def test_the_file_leaves_out_what_ecs_reports_and_fills_in_and_keeps_what_the_team_wrote():
    document, unexpressed = task_definition_document(described_definition())
    for read_only in ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities"):
        assert read_only not in document
    router, app = document["containerDefinitions"]
    # ECS's fill-ins: container cpu 0, empty lists, the tcp protocol, hostPort = containerPort under awsvpc.
    assert "cpu" not in app and "volumesFrom" not in app and "portMappings" not in router
    assert app["portMappings"] == [{"containerPort": 8080, "name": "http", "appProtocol": "http"}]
    # What the team wrote stays, secrets as references only.
    assert app["secrets"][0] == {
        "name": "DB_PASSWORD",
        "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/web/db-password",
    }
    assert app["image"] == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:2.4.1"
    assert router["firelensConfiguration"]["type"] == "fluentbit"
    assert unexpressed == [] or all(item["reason"] for item in unexpressed)


def test_the_file_fed_back_is_the_revision_that_runs():
    described = described_definition()
    document = task_definition_document(described)[0]
    assert same_revision_content(described, document)


def test_the_declaration_keeps_choices_and_leaves_out_defaults_the_count_and_aws_tags():
    service = described_service()
    declaration, unexpressed = service_declaration(service, None, "taskdefs/web.json")
    options = declaration["service"]
    assert declaration["name"] == "web" and declaration["task_definition_file"] == "taskdefs/web.json"
    assert "desired_count" not in options
    assert "deployment_configuration" not in options  # ECS's defaults only
    assert "role" not in options  # the service-linked role is not a choice
    assert options["tags"] == {"team": "web"}
    assert unexpressed == [
        {"setting": "service.tags.aws:cloudformation:stack-name", "reason": "tags under aws: belong to AWS"}
    ]
    assert options["load_balancers"][0]["target_group_arn"] == service["loadBalancers"][0]["targetGroupArn"]


def test_the_declaration_resolved_by_the_roles_plans_nothing_against_the_service():
    service = described_service()
    adopted = adopted_service(service, None, described_definition(), "taskdefs/web.json")
    files = {"web": json.dumps(adopted["task_definition"])}
    plan = resolve_services([adopted["declaration"]], "123456789012", file_contents=files)[0]
    options = {**plan["service"], "cluster": "prod", "service": "web", "task_definition": service["taskDefinition"]}
    assert plan_service(service, options)["action"] == "none"
    assert plan["task_definition"]["executionRoleArn"] == described_definition()["executionRoleArn"]


def test_a_task_definition_without_an_execution_role_is_declared_without_one():
    definition = described_definition()
    definition.pop("executionRoleArn", None)
    adopted = adopted_service(described_service(), None, definition, "taskdefs/web.json")
    assert adopted["declaration"]["execution_role"] is False
    files = {"web": json.dumps(adopted["task_definition"])}
    plan = resolve_services([adopted["declaration"]], "123456789012", file_contents=files)[0]
    assert "executionRoleArn" not in plan["task_definition"]
    assert plan["execution_role_name"] is None
