"""Service Connect, EBS volumes, VPC Lattice, monitoring and gateway connectors: declared-only, from real shapes.

ECS reports the first three on the service's deployments and the last two on its service revisions, never on the
service itself; each is compared with the defaults ECS fills in, like every other setting.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.args import SERVICE_ARG_SPEC
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.declarations import resolve_services
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import ECSValidationError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_compare import plan_service
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_normalize import (
    current_revision,
    from_ecs,
    live_settings,
    resolve_items,
    to_ecs,
)
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_rules import check_task_definition_names

FIXTURE = Path(__file__).parent / "fixtures" / "service_web_described.json"
TASKDEF_ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7"
NAMESPACE_ARN = "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-abcdefgh12345678"
ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"
REVISION_ARN = "arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/web/4980306466373577095"

# What ECS reports on the primary deployment: the namespace as an ARN, the discovery and DNS names filled in.
REPORTED_CONNECT = {
    "enabled": True,
    "namespace": NAMESPACE_ARN,
    "services": [
        {
            "portName": "http",
            "discoveryName": "http",
            "clientAliases": [{"port": 80, "dnsName": "http.shop.local"}],
        }
    ],
    "logConfiguration": {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/ecs/connect", "awslogs-region": "eu-west-1"},
    },
}
REPORTED_VOLUMES = [
    {
        "name": "data",
        "managedEBSVolume": {"sizeInGiB": 20, "volumeType": "gp3", "roleArn": ROLE, "filesystemType": "xfs"},
    }
]
REPORTED_REVISION = {
    "serviceRevisionArn": REVISION_ARN,
    "taskDefinition": TASKDEF_ARN,
    "createdAt": "2026-11-30T10:00:00+00:00",
    "monitoring": {"metricConfigurations": [{"metricNames": ["CPUUtilization"], "resolutionSeconds": 20}]},
    "gatewayConnectors": [{"portName": "http", "healthCheck": {"healthCheckPath": "/health"}}],
}


def live_connected() -> dict:
    service = json.loads(FIXTURE.read_text())["services"][0]
    primary = next(d for d in service["deployments"] if d["status"] == "PRIMARY")
    primary["serviceConnectConfiguration"] = copy.deepcopy(REPORTED_CONNECT)
    primary["volumeConfigurations"] = copy.deepcopy(REPORTED_VOLUMES)
    service["currentServiceRevisions"] = [{"arn": REVISION_ARN, "requestedTaskCount": 3, "runningTaskCount": 3}]
    return service


def options(**declared) -> dict:
    values = dict.fromkeys(SERVICE_ARG_SPEC)
    values.update(cluster="prod", service="web", state="present", task_definition=TASKDEF_ARN)
    values.update(declared)
    return values


CONNECT = {
    "enabled": True,
    "namespace": "shop.local",
    "services": [{"port_name": "http", "client_aliases": [{"port": 80}]}],
    "log_configuration": {
        "log_driver": "awslogs",
        "options": {"awslogs-group": "/ecs/connect", "awslogs-region": "eu-west-1"},
    },
}
VOLUMES = [{"name": "data", "managed_ebs_volume": {"size_in_gib": 20, "volume_type": "gp3", "role_arn": ROLE}}]
MONITORING = {"metric_configurations": [{"metric_names": ["CPUUtilization"], "resolution_seconds": 20}]}
GATEWAYS = [{"port_name": "http", "health_check": {"health_check_path": "/health"}}]


def test_to_ecs_spells_members_as_ecs_does_and_keeps_log_options_as_data():
    connect = to_ecs(CONNECT, SERVICE_ARG_SPEC["service_connect_configuration"])
    assert connect["services"] == [{"portName": "http", "clientAliases": [{"port": 80}]}]
    assert connect["logConfiguration"]["options"] == {"awslogs-group": "/ecs/connect", "awslogs-region": "eu-west-1"}
    volumes = to_ecs(VOLUMES, SERVICE_ARG_SPEC["volume_configurations"])
    assert volumes == [{"name": "data", "managedEBSVolume": {"sizeInGiB": 20, "volumeType": "gp3", "roleArn": ROLE}}]
    assert from_ecs(volumes, SERVICE_ARG_SPEC["volume_configurations"]) == VOLUMES


def test_settings_reported_on_the_primary_deployment_and_the_revision_are_read_there():
    live = live_settings(live_connected(), REPORTED_REVISION)
    assert live["serviceConnectConfiguration"] == REPORTED_CONNECT
    assert live["volumeConfigurations"] == REPORTED_VOLUMES
    assert live["monitoring"] == REPORTED_REVISION["monitoring"]
    nothing = live_settings(json.loads(FIXTURE.read_text())["services"][0])
    assert nothing["serviceConnectConfiguration"] == {"enabled": False}
    assert nothing["volumeConfigurations"] == nothing["vpcLatticeConfigurations"] == []
    assert nothing["monitoring"] == {"metricConfigurations": []}
    assert nothing["gatewayConnectors"] == []


@pytest.mark.parametrize(
    "declared",
    [
        pytest.param({"service_connect_configuration": CONNECT}, id="service connect by namespace name"),
        pytest.param(
            {"service_connect_configuration": {**CONNECT, "namespace": NAMESPACE_ARN}}, id="service connect by ARN"
        ),
        pytest.param({"volume_configurations": VOLUMES}, id="EBS volume without the filesystem ECS filled"),
        pytest.param({"monitoring": MONITORING, "gateway_connectors": GATEWAYS}, id="monitoring and gateways"),
        pytest.param({"vpc_lattice_configurations": []}, id="no VPC Lattice, as the service has none"),
    ],
)
def test_what_runs_declared_plans_nothing(declared):
    plan = plan_service(live_connected(), options(**declared), REPORTED_REVISION)
    assert plan["action"] == "none", plan["differences"]


def test_one_changed_leaf_sends_that_setting_only():
    declared = copy.deepcopy(CONNECT)
    declared["services"][0]["client_aliases"][0]["port"] = 8080
    plan = plan_service(live_connected(), options(service_connect_configuration=declared), REPORTED_REVISION)
    assert plan["action"] == "update"
    assert [item["path"] for item in plan["differences"]] == [
        "serviceConnectConfiguration.services[0].clientAliases[0].port"
    ]
    assert set(plan["request"]) == {"cluster", "service", "serviceConnectConfiguration"}
    assert plan["request"]["serviceConnectConfiguration"]["services"][0]["clientAliases"][0]["port"] == 8080


def test_a_new_resolution_is_a_change_and_an_unread_revision_is_ecs_default():
    finer = {"metric_configurations": [{"metric_names": ["CPUUtilization"], "resolution_seconds": 60}]}
    plan = plan_service(live_connected(), options(monitoring=finer), REPORTED_REVISION)
    assert set(plan["request"]) == {"cluster", "service", "monitoring"}
    # A service created before monitoring existed reports none: declaring it is a change.
    assert plan_service(live_connected(), options(monitoring=MONITORING), None)["action"] == "update"


def test_an_added_volume_is_a_change():
    two = [*VOLUMES, {"name": "cache", "managed_ebs_volume": {"size_in_gib": 5, "role_arn": ROLE}}]
    plan = plan_service(live_connected(), options(volume_configurations=two), REPORTED_REVISION)
    assert plan["action"] == "update"
    assert plan["request"]["volumeConfigurations"][1]["name"] == "cache"


def test_the_current_revision_is_the_newest_running_the_service_task_definition():
    old = {**REPORTED_REVISION, "serviceRevisionArn": "old", "taskDefinition": "web:6", "createdAt": "2026-11-01"}
    service = live_connected()
    service["currentServiceRevisions"].append({"arn": "old"})
    assert current_revision(service, [old, REPORTED_REVISION]) is REPORTED_REVISION
    assert current_revision(service, [old]) is None


DEFINITION = {
    "family": "web",
    "revision": 7,
    "containerDefinitions": [{"name": "web", "portMappings": [{"containerPort": 8080, "name": "http"}]}],
    "volumes": [{"name": "data", "configuredAtLaunch": True}, {"name": "scratch", "host": {}}],
}


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (
            {"service_connect_configuration": {**CONNECT, "services": [{"port_name": "grpc"}]}},
            "service_connect_configuration.services[0].port_name: 'grpc' is not the name of a port mapping in web:7",
        ),
        ({"gateway_connectors": [{"port_name": "admin"}]}, "gateway_connectors[0].port_name: 'admin'"),
        (
            {"volume_configurations": [{"name": "scratch", "managed_ebs_volume": {"role_arn": ROLE}}]},
            "volume_configurations[0].name: 'scratch' is not a volume of web:7 with configuredAtLaunch true",
        ),
    ],
)
def test_names_the_task_definition_lacks_are_refused(declared, message):
    with pytest.raises(ECSValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_task_definition_names(options(**declared), DEFINITION, "")
    check_task_definition_names(
        options(service_connect_configuration=CONNECT, volume_configurations=VOLUMES), DEFINITION
    )


def test_a_bad_nested_value_is_named_with_its_path():
    bad = {"service_connect_configuration": {"enabled": True, "services": [{"discovery_name": "web"}]}}
    with pytest.raises(ECSValidationError, match=r"services\[0\].*port_name"):
        resolve_items({}, [bad])
    with pytest.raises(ECSValidationError, match="resolution_seconds"):
        resolve_items(
            {}, [{"monitoring": {"metric_configurations": [{"metric_names": ["x"], "resolution_seconds": 30}]}}]
        )


@pytest.mark.parametrize(
    ("service", "message"),
    [
        (
            {"service_connect_configuration": {"enabled": True, "services": [{"discovery_name": "web"}]}},
            "ecs_services[web].service.service_connect_configuration.services[0].port_name is required",
        ),
        (
            {"monitoring": {"metric_configurations": [{"metric_names": ["CPUUtilization"], "resolution_seconds": 30}]}},
            "ecs_services[web].service.monitoring.metric_configurations[0].resolution_seconds: 30 is not one of 20, 60",
        ),
        (
            {
                "volume_configurations": [
                    {"name": "data", "managed_ebs_volume": {"size_in_gib": 5, "filesystem": "xfs"}}
                ]
            },
            "ecs_services[web].service.volume_configurations[0].managed_ebs_volume",
        ),
    ],
)
def test_a_declaration_names_a_deep_mistake_by_its_path(service, message):
    declared = [
        {
            "name": "web",
            "cluster": "prod",
            "task_definition": {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1"}]},
            "service": service,
        }
    ]
    with pytest.raises(ECSValidationError) as error:
        resolve_services(declared, "123456789012")
    assert message in str(error.value)


def test_a_create_service_file_with_the_new_settings_reads_as_options():
    document = {
        "serviceName": "web",
        "serviceConnectConfiguration": {
            "enabled": True,
            "services": [{"portName": "http"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/connect"}},
        },
        "volumeConfigurations": [{"name": "data", "managedEBSVolume": {"sizeInGiB": 20, "roleArn": ROLE}}],
        "monitoring": {"metricConfigurations": [{"metricNames": ["CPUUtilization"], "resolutionSeconds": 60}]},
    }
    declared = [
        {
            "name": "web",
            "cluster": "prod",
            "task_definition": {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1"}]},
            "service_definition": document,
        }
    ]
    service = resolve_services(declared, "123456789012")[0]["service"]
    assert service["volume_configurations"] == [
        {"name": "data", "managed_ebs_volume": {"size_in_gib": 20, "role_arn": ROLE}}
    ]
    assert service["service_connect_configuration"]["log_configuration"]["options"] == {"awslogs-group": "/ecs/connect"}
    assert service["monitoring"] == {
        "metric_configurations": [{"metric_names": ["CPUUtilization"], "resolution_seconds": 60}]
    }
    document["volumeConfigurations"][0]["managedEBSVolume"]["sizeInGb"] = 5
    with pytest.raises(
        ECSValidationError, match=r"service_definition\.volumeConfigurations\[0\]\.managedEBSVolume\.sizeInGb"
    ):
        resolve_services(declared, "123456789012")
