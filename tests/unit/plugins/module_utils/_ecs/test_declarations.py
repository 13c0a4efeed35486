"""The ecs_services declaration every role shares: defaults and checks."""

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import declared_files, resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError

WORKER = {
    "name": "worker",
    "cluster": "shop-dev",
    "task_definition": {
        "containerDefinitions": [
            {
                "name": "worker",
                "image": "shop/worker:1",
                "secrets": [{"name": "DB", "valueFrom": "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db"}],
            },
            {"name": "log-router", "image": "fluent-bit:3"},
        ]
    },
}
WEB = {
    "name": "web",
    "cluster": "shop-dev",
    "task_definition_file": "taskdefs/web.json",
    "task_role": {"policy_statements": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
    "load_balancer": {
        "listener_arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shop/1/2",
        "vpc_id": "vpc-1",
        "priority": 10,
        "path_patterns": ["/*"],
    },
}
WEB_JSON = json.dumps(
    {
        "family": "shop-web",
        "containerDefinitions": [{"name": "app", "image": "shop/web:1", "portMappings": [{"containerPort": 8080}]}],
    }
)


def _resolve(*services, **kwargs):
    return resolve_services(list(services), "111122223333", file_contents={"web": WEB_JSON}, **kwargs)


def test_defaults_every_role_relies_on():
    worker, web = _resolve(WORKER, WEB)
    assert worker["family"] == "worker"
    assert worker["main_container"] == "worker"
    assert worker["execution_role_arn"] == "arn:aws:iam::111122223333:role/shop-dev-worker-exec"
    assert worker["task_definition"]["executionRoleArn"] == worker["execution_role_arn"]
    assert worker["task_role_arn"] is None
    assert "taskRoleArn" not in worker["task_definition"]
    assert worker["log_group"] == "/ecs/shop-dev/worker"
    assert worker["secret_arns"] == ["arn:aws:ssm:eu-west-1:111122223333:parameter/shop/db"]
    assert worker["load_balancer"] is None
    assert web["family"] == "shop-web"
    assert web["task_role_arn"] == "arn:aws:iam::111122223333:role/shop-dev-web-task"
    assert web["load_balancer"]["target_group_name"] == "shop-dev-web"
    assert web["load_balancer"]["container_name"] == "app"
    assert web["load_balancer"]["container_port"] == 8080
    assert web["load_balancer"]["health_check_path"] == "/"


def test_only_one_service():
    assert [plan["name"] for plan in _resolve(WORKER, WEB, only="web")] == ["web"]
    with pytest.raises(ECSValidationError, match="no service named 'api' in ecs_services; declared: worker, web"):
        _resolve(WORKER, WEB, only="api")


BAD = [
    ("empty", [], "ecs_services must be a non-empty list"),
    ("no cluster", [{**WORKER, "cluster": None}], "ecs_services[worker].cluster"),
    ("both sources", [{**WORKER, "task_definition_file": "x.json"}], "exactly one of task_definition"),
    ("duplicate", [WORKER, WORKER], "declares worker more than once"),
    ("unknown main container", [{**WORKER, "main_container": "app"}], "main_container 'app' is not a container"),
    (
        "target group name too long",
        [{**WEB, "cluster": "a-very-long-cluster-name-for-shop"}],
        "target_group_name 'a-very-long-cluster-name-for-shop-web' is 37 characters; AWS allows 32",
    ),
    ("listener missing", [{**WEB, "load_balancer": {**WEB["load_balancer"], "listener_arn": None}}], "listener_arn"),
]


@pytest.mark.parametrize(("label", "services", "message"), BAD, ids=[case[0] for case in BAD])
def test_bad_declarations_name_the_service_and_field(label, services, message):
    with pytest.raises(ECSValidationError) as raised:
        resolve_services(services, "111122223333", file_contents={"web": WEB_JSON})
    assert message in str(raised.value)


def test_malformed_json_file_names_the_file():
    with pytest.raises(
        ECSValidationError, match=r"ecs_services\[web\].task_definition_file taskdefs/web.json is not valid JSON"
    ):
        resolve_services([WEB], "111122223333", file_contents={"web": '{"family": "x",'})


MISSPELLED = [
    (
        {**WORKER, "service": {"desired_cout": 2}},
        "ecs_services[worker].service.desired_cout is not a known key; did you mean 'desired_count'?",
    ),
    (
        {key: value for key, value in WEB.items() if key != "task_definition_file"}
        | {"task_defintion_file": "taskdefs/web.json"},
        "ecs_services[web].task_defintion_file is not a known key; did you mean 'task_definition_file'?",
    ),
    (
        {**WEB, "load_balancer": {**WEB["load_balancer"], "prority": 10}},
        "ecs_services[web].load_balancer.prority is not a known key; did you mean 'priority'?",
    ),
    (
        {**WEB, "task_role": {"policy_statement": []}},
        "ecs_services[web].task_role.policy_statement is not a known key; did you mean 'policy_statements'?",
    ),
    (
        {**WORKER, "service": {"deployment_configuration": {"maximum_precent": 200}}},
        "ecs_services[worker].service.deployment_configuration.maximum_precent is not a known key; "
        "did you mean 'maximum_percent'?",
    ),
    (
        {**WORKER, "service": {"network_configuration": {"subnet": ["subnet-1"]}}},
        "ecs_services[worker].service.network_configuration.subnet is not a known key; did you mean 'subnets'?",
    ),
    (
        {**WORKER, "service": {"capacity_provider_strategy": [{"capacity_provider": "FARGATE", "wieght": 1}]}},
        "ecs_services[worker].service.capacity_provider_strategy[0].wieght is not a known key; did you mean 'weight'?",
    ),
    (
        {**WORKER, "zzz": 1},
        "ecs_services[worker].zzz is not a known key; known keys: autoscaling, cluster, execution_role, "
        "execution_role_name, load_balancer, log_group, main_container, name, repository, run_after_deploy, "
        "run_before_deploy, schedules, service, service_definition, service_definition_file, task_definition, "
        "task_definition_file, task_role",
    ),
]


@pytest.mark.parametrize(("item", "message"), MISSPELLED, ids=[case[1].split(" ")[0] for case in MISSPELLED])
def test_a_misspelled_key_is_named_with_its_path_and_a_suggestion(item, message):
    with pytest.raises(ECSValidationError) as raised:
        _resolve(item)
    assert raised.value.message == message


def test_every_documented_key_and_option_alias_is_known():
    service = {"name": "worker", "desired_count": 1, "deployment_configuration": {"alarms": None}, "tags": {"a": "b"}}
    item = {**WORKER, "main_container": "worker", "execution_role_name": "x", "log_group": "/x", "service": service}
    assert _resolve(item)[0]["service"]["desired_count"] == 1


# Service definitions in CreateService JSON --------------------------------------------------------------------

CREATE_SERVICE_JSON = {
    "cluster": "shop",
    "serviceName": "api",
    "taskDefinition": "api:3",
    "desiredCount": 2,
    "launchType": "FARGATE",
    "enableECSManagedTags": True,
    "networkConfiguration": {
        "awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}
    },
    "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    "tags": [{"key": "team", "value": "shop"}],
}
API_DEFINITION = {"family": "api", "containerDefinitions": [{"name": "app", "image": "nginx:1"}]}


def _resolve_api(**item):
    declared = {"name": "api", "cluster": "shop", "task_definition": API_DEFINITION, **item}
    return resolve_services([declared], "123456789012")[0]


def test_a_create_service_json_becomes_the_service_options():
    plan = _resolve_api(service_definition=CREATE_SERVICE_JSON)
    assert plan["service"] == {
        "desired_count": 2,
        "launch_type": "FARGATE",
        "enable_ecs_managed_tags": True,
        "network_configuration": {"subnets": ["subnet-1"], "security_groups": ["sg-1"], "assign_public_ip": False},
        "deployment_configuration": {"deployment_circuit_breaker": {"enable": True, "rollback": True}},
        "tags": {"team": "shop"},
    }


def test_a_describe_services_item_works_too_its_read_only_fields_dropped():
    described = {
        **CREATE_SERVICE_JSON,
        "serviceArn": "arn:aws:ecs:eu-west-1:123456789012:service/shop/api",
        "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
        "status": "ACTIVE",
        "runningCount": 2,
        "pendingCount": 0,
        "deployments": [],
        "events": [],
        "createdAt": "2026-01-01T00:00:00Z",
    }
    assert _resolve_api(service_definition={"services": None, "service": described})["service"]["desired_count"] == 2
    assert _resolve_api(service_definition=described)["service"]["launch_type"] == "FARGATE"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"service_definition": {**CREATE_SERVICE_JSON, "cluster": "other"}},
            "service_definition.cluster 'other' is not the declared cluster 'shop'",
        ),
        (
            {"service_definition": {**CREATE_SERVICE_JSON, "serviceName": "web"}},
            "service_definition.serviceName 'web' is not the declared name 'api'",
        ),
        (
            {"service_definition": {**CREATE_SERVICE_JSON, "taskDefinition": "web:1"}},
            "is of family 'web', and the declared task definition's family is 'api'",
        ),
        (
            {"service_definition": {**CREATE_SERVICE_JSON, "desiredCont": 1}},
            "ecs_services[api].service_definition.desiredCont is not supported",
        ),
        (
            {"service_definition": CREATE_SERVICE_JSON, "service": {"desired_count": 1}},
            "takes service or service_definition, not both",
        ),
    ],
)
def test_service_definition_mistakes_are_named(item, message):
    with pytest.raises(ECSValidationError, match=re.escape(message)):
        _resolve_api(**item)


def test_the_declared_files_are_listed_beside_the_inventory_when_there(tmp_path):
    (tmp_path / "taskdefs").mkdir()
    (tmp_path / "taskdefs" / "web.json").write_text("{}")
    services = [
        {
            "name": "web",
            "task_definition_file": "taskdefs/web.json",
            "service_definition_file": "/abs/web-service.json",
        },
        {"name": "api", "task_definition_file": "elsewhere/api.json"},
        {"name": "worker", "task_definition": {}},
    ]
    assert declared_files(services, str(tmp_path)) == [
        {"key": "web", "path": str(tmp_path / "taskdefs" / "web.json")},
        {"key": "web#service", "path": "/abs/web-service.json"},
        {"key": "api", "path": "elsewhere/api.json"},
    ]
