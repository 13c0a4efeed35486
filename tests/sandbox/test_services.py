"""CreateService/UpdateService store and return every field; errors and deletion behave like ECS."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.sandbox.helpers import completed, describe_service, register, wait_for

SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/test"
TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"


def fargate_definition(ecs, family: str = "web", image: str = "nginx:1", health_check: bool = False) -> str:
    container = {"name": "app", "image": image, "portMappings": [{"containerPort": 80}]}
    if health_check:
        container["healthCheck"] = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}
    return ecs.register_task_definition(
        family=family,
        cpu="256",
        memory="512",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]


def test_defaults_ecs_fills_in(ecs, cluster):
    arn = register(ecs)
    service = ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)["service"]
    assert service["serviceArn"] == f"{SERVICE_ARN}/svc"
    assert service["clusterArn"] == "arn:aws:ecs:us-east-1:123456789012:cluster/test"
    assert service["status"] == "ACTIVE"
    assert service["taskDefinition"] == arn
    assert service["launchType"] == "EC2"
    assert service["schedulingStrategy"] == "REPLICA"
    assert service["propagateTags"] == "NONE"
    assert service["enableExecuteCommand"] is False
    assert service["enableECSManagedTags"] is False
    assert service["deploymentController"] == {"type": "ECS"}
    assert service["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert service["loadBalancers"] == []
    assert service["placementConstraints"] == []
    assert service["placementStrategy"] == []
    assert "networkConfiguration" not in service
    assert "capacityProviderStrategy" not in service


def test_every_create_field_round_trips(ecs, cluster, network):
    definition = fargate_definition(ecs)
    request = {
        "cluster": cluster,
        "serviceName": "full",
        "taskDefinition": "web:1",
        "desiredCount": 2,
        "loadBalancers": [
            {
                "targetGroupArn": TARGET_GROUP,
                "containerName": "app",
                "containerPort": 80,
            }
        ],
        "serviceRegistries": [{"registryArn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1"}],
        "capacityProviderStrategy": [
            {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
        "platformVersion": "1.4.0",
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 150,
            "minimumHealthyPercent": 50,
            "alarms": {"alarmNames": ["high-5xx"], "enable": True, "rollback": False},
        },
        "placementConstraints": [{"type": "distinctInstance"}],
        "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
        "networkConfiguration": network,
        "healthCheckGracePeriodSeconds": 45,
        "deploymentController": {"type": "ECS"},
        "enableECSManagedTags": True,
        "propagateTags": "SERVICE",
        "enableExecuteCommand": True,
        "tags": [{"key": "team", "value": "web"}],
    }
    created = ecs.create_service(**request)["service"]
    described = ecs.describe_services(cluster=cluster, services=["full"], include=["TAGS"])["services"][0]
    for service in (created, described):
        for key, value in request.items():
            if key in ("cluster", "serviceName", "taskDefinition"):
                continue
            assert service[key] == value, key
        assert service["taskDefinition"] == definition
        assert "launchType" not in service
        assert service["platformFamily"] == "Linux"
    assert "tags" not in describe_service(ecs, "full")
    assert ecs.list_tags_for_resource(resourceArn=f"{SERVICE_ARN}/full")["tags"] == request["tags"]
    deployment = described["deployments"][0]
    assert deployment["capacityProviderStrategy"] == request["capacityProviderStrategy"]
    assert deployment["networkConfiguration"] == network
    assert deployment["platformVersion"] == "1.4.0"


def test_every_update_field_round_trips(ecs, cluster, network):
    # The grace period needs something to check the tasks' health: here, the container's own health check.
    fargate_definition(ecs, health_check=True)
    ecs.create_service(
        cluster=cluster,
        serviceName="svc",
        taskDefinition="web",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=network,
    )
    update = {
        "desiredCount": 3,
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": False},
            "maximumPercent": 300,
            "minimumHealthyPercent": 0,
        },
        "placementStrategy": [{"type": "binpack", "field": "memory"}],
        "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}],
        "healthCheckGracePeriodSeconds": 10,
        "enableExecuteCommand": True,
        "propagateTags": "TASK_DEFINITION",
        "platformVersion": "1.4.0",
        "serviceRegistries": [{"registryArn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-2"}],
    }
    updated = ecs.update_service(cluster=cluster, service="svc", **update)["service"]
    described = describe_service(ecs, "svc")
    for service in (updated, described):
        for key, value in update.items():
            assert service[key] == value, key
        assert service["launchType"] == "FARGATE"
        assert service["networkConfiguration"] == network


def test_update_keeps_deployment_configuration_fields_it_does_not_send(ecs, cluster):
    register(ecs)
    ecs.create_service(
        cluster=cluster,
        serviceName="svc",
        taskDefinition="web",
        desiredCount=1,
        deploymentConfiguration={"maximumPercent": 150, "minimumHealthyPercent": 50},
    )
    ecs.update_service(
        cluster=cluster,
        service="svc",
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
    )
    assert describe_service(ecs, "svc")["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        "maximumPercent": 150,
        "minimumHealthyPercent": 50,
    }


@pytest.mark.parametrize("form", ["family", "family:revision", "arn"])
def test_task_definition_always_comes_back_as_an_arn(ecs, cluster, form):
    def reference(arn: str) -> str:
        return {"family": "web", "family:revision": arn.rsplit("/", maxsplit=1)[-1], "arn": arn}[form]

    register(ecs)
    second = register(ecs, image="nginx:2")
    created = ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition=reference(second), desiredCount=1)
    assert created["service"]["taskDefinition"] == second
    assert created["service"]["deployments"][0]["taskDefinition"] == second
    third = register(ecs, image="nginx:3")
    updated = ecs.update_service(cluster=cluster, service="svc", taskDefinition=reference(third))["service"]
    assert updated["taskDefinition"] == third
    assert [d["taskDefinition"] for d in updated["deployments"]] == [third, second]


def test_errors_like_ecs(ecs, cluster):
    register(ecs)
    with pytest.raises(ClientError) as error:
        ecs.create_service(cluster="nope", serviceName="svc", taskDefinition="web", desiredCount=1)
    assert error.value.response["Error"]["Code"] == "ClusterNotFoundException"

    with pytest.raises(ClientError) as error:
        ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="missing", desiredCount=1)
    assert error.value.response["Error"]["Code"] == "ClientException"

    register(ecs, family="old")
    ecs.deregister_task_definition(taskDefinition="old:1")
    with pytest.raises(ClientError) as error:
        ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="old:1", desiredCount=1)
    assert error.value.response["Error"]["Code"] == "ClientException"

    with pytest.raises(ClientError) as error:
        ecs.update_service(cluster=cluster, service="ghost", desiredCount=1)
    assert error.value.response["Error"]["Code"] == "ServiceNotFoundException"

    ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)
    with pytest.raises(ClientError) as error:
        ecs.update_service(cluster=cluster, service="svc", taskDefinition="old:1")
    assert error.value.response["Error"]["Code"] == "ClientException"
    with pytest.raises(ClientError) as error:
        ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"

    described = ecs.describe_services(cluster=cluster, services=["svc", "ghost"])
    assert [s["serviceName"] for s in described["services"]] == ["svc"]
    assert described["failures"] == [{"arn": f"{SERVICE_ARN}/ghost", "reason": "MISSING"}]

    with pytest.raises(ClientError) as error:
        ecs.describe_services(cluster=cluster, services=[f"s{i}" for i in range(11)])
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_awsvpc_needs_a_network_configuration_with_real_subnets(ecs, cluster):
    fargate_definition(ecs)
    with pytest.raises(ClientError) as error:
        ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as error:
        ecs.create_service(
            cluster=cluster,
            serviceName="svc",
            taskDefinition="web",
            desiredCount=1,
            networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-12345678"]}},
        )
    assert "subnet-12345678" in error.value.response["Error"]["Message"]


def test_fargate_launch_type_needs_a_fargate_definition(ecs, cluster):
    register(ecs)
    with pytest.raises(ClientError) as error:
        ecs.create_service(
            cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1, launchType="FARGATE"
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_delete_with_force_drains_then_goes_inactive(ecs, cluster):
    register(ecs)
    ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=2)
    wait_for(completed(ecs, "svc"), what="first deployment")
    with pytest.raises(ClientError) as error:
        ecs.delete_service(cluster=cluster, service="svc")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"

    deleted = ecs.delete_service(cluster=cluster, service="svc", force=True)["service"]
    assert deleted["status"] == "DRAINING"
    assert deleted["desiredCount"] == 0
    assert ecs.list_services(cluster=cluster)["serviceArns"] == []
    gone = wait_for(lambda: describe_service(ecs, "svc")["status"] == "INACTIVE", what="INACTIVE")
    assert gone
    assert ecs.list_tasks(cluster=cluster, serviceName="svc")["taskArns"] == []
    stopped = ecs.list_tasks(cluster=cluster, serviceName="svc", desiredStatus="STOPPED")["taskArns"]
    assert len(stopped) == 2
    with pytest.raises(ClientError) as error:
        ecs.update_service(cluster=cluster, service="svc", desiredCount=1)
    assert error.value.response["Error"]["Code"] == "ServiceNotActiveException"
    # The name can be used again once the old service is INACTIVE.
    again = ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)["service"]
    assert again["status"] == "ACTIVE"


def test_list_services_paginates_like_ecs(ecs, cluster):
    register(ecs)
    for index in range(12):
        ecs.create_service(cluster=cluster, serviceName=f"svc-{index:02}", taskDefinition="web", desiredCount=0)
    first = ecs.list_services(cluster=cluster)
    assert len(first["serviceArns"]) == 10
    second = ecs.list_services(cluster=cluster, nextToken=first["nextToken"])
    assert len(second["serviceArns"]) == 2
    paginator = ecs.get_paginator("list_services")
    arns = [arn for page in paginator.paginate(cluster=cluster) for arn in page["serviceArns"]]
    assert arns == [f"{SERVICE_ARN}/svc-{index:02}" for index in range(12)]


def test_application_auto_scaling_sees_sandbox_services(aws, ecs, cluster):
    register(ecs)
    ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)
    scaling = aws("application-autoscaling")
    scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/test/svc",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=1,
        MaxCapacity=4,
    )
    targets = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert [t["ResourceId"] for t in targets] == ["service/test/svc"]
    with pytest.raises(ClientError):
        scaling.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId="service/test/ghost",
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=1,
            MaxCapacity=4,
        )


def test_cluster_counts_follow_tasks(ecs, cluster):
    register(ecs)
    ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=2)
    wait_for(completed(ecs, "svc"), what="deployment")
    described = ecs.describe_clusters(clusters=[cluster])["clusters"][0]
    assert described["runningTasksCount"] == 2
    assert described["activeServicesCount"] == 1


def test_a_cluster_with_services_cannot_be_deleted(ecs, cluster):
    register(ecs)
    ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)
    with pytest.raises(ClientError) as error:
        ecs.delete_cluster(cluster=cluster)
    assert error.value.response["Error"]["Code"] == "ClusterContainsServicesException"
    ecs.delete_service(cluster=cluster, service="svc", force=True)
    wait_for(lambda: describe_service(ecs, "svc")["status"] == "INACTIVE", what="INACTIVE")
    assert ecs.delete_cluster(cluster=cluster)["cluster"]["status"] == "INACTIVE"
    with pytest.raises(ClientError) as error:
        ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)
    assert error.value.response["Error"]["Code"] == "ClusterNotFoundException"


def test_a_cluster_without_capacity_providers_lists_none(ecs):
    created = ecs.create_cluster(clusterName="bare")["cluster"]
    (described,) = ecs.describe_clusters(clusters=["bare"])["clusters"]
    for cluster in (created, described):
        assert cluster["capacityProviders"] == []
        assert cluster["defaultCapacityProviderStrategy"] == []


@pytest.mark.parametrize(
    ("deployment_configuration", "fragment"),
    [
        ({"maximumPercent": 200, "minimumHealthyPercent": 101}, "minimumHealthyPercent must be between 0 and 100"),
        ({"maximumPercent": 90, "minimumHealthyPercent": 50}, "maximumPercent must be at least 100"),
        (
            {"strategy": "ROLLING", "linearConfiguration": {"stepPercent": 10.0}},
            "only valid when the deployment strategy is LINEAR",
        ),
        (
            {"strategy": "ROLLING", "canaryConfiguration": {"canaryPercent": 5.0}},
            "only valid when the deployment strategy is CANARY",
        ),
        ({"strategy": "ROLLING", "bakeTimeInMinutes": 5}, "bakeTimeInMinutes is only valid"),
        ({"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1441}, "bakeTimeInMinutes must be between 0 and 1440"),
        (
            {"strategy": "LINEAR", "linearConfiguration": {"stepPercent": 2.0}},
            "stepPercent must be between 3.0 and 100.0",
        ),
        (
            {"strategy": "CANARY", "canaryConfiguration": {"canaryPercent": 5.0, "canaryBakeTimeInMinutes": -1}},
            "canaryBakeTimeInMinutes must be between",
        ),
    ],
)
def test_deployment_configurations_ecs_refuses_create_nothing(ecs, cluster, deployment_configuration, fragment):
    register(ecs)
    with pytest.raises(ClientError) as error:
        ecs.create_service(
            cluster=cluster,
            serviceName="svc",
            taskDefinition="web",
            desiredCount=1,
            deploymentConfiguration=deployment_configuration,
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert fragment in error.value.response["Error"]["Message"]
    assert ecs.list_services(cluster=cluster)["serviceArns"] == []


def test_a_grace_period_needs_a_load_balancer_vpc_lattice_or_a_container_health_check(ecs, cluster, network):
    fargate_definition(ecs, family="unchecked")
    fargate_definition(ecs, family="checked", health_check=True)
    common = {"cluster": cluster, "desiredCount": 1, "launchType": "FARGATE", "networkConfiguration": network}
    with pytest.raises(ClientError) as error:
        ecs.create_service(serviceName="a", taskDefinition="unchecked", healthCheckGracePeriodSeconds=30, **common)
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "Health check grace period is only valid" in error.value.response["Error"]["Message"]
    assert ecs.list_services(cluster=cluster)["serviceArns"] == []
    created = ecs.create_service(serviceName="b", taskDefinition="checked", healthCheckGracePeriodSeconds=30, **common)
    assert created["service"]["healthCheckGracePeriodSeconds"] == 30
    ecs.create_service(serviceName="c", taskDefinition="unchecked", **common)
    with pytest.raises(ClientError):
        ecs.update_service(cluster=cluster, service="c", healthCheckGracePeriodSeconds=30)


def test_a_repeated_client_token_returns_the_same_service_and_another_is_refused(ecs, cluster):
    register(ecs)
    first = ecs.create_service(
        cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1, clientToken="t-1"
    )
    again = ecs.create_service(
        cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1, clientToken="t-1"
    )
    assert again["service"]["serviceArn"] == first["service"]["serviceArn"]
    assert len(ecs.list_services(cluster=cluster)["serviceArns"]) == 1
    with pytest.raises(ClientError) as error:
        ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1, clientToken="t-2")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_new_services_rebalance_across_zones_and_daemons_take_no_count(ecs, cluster):
    register(ecs)
    created = ecs.create_service(cluster=cluster, serviceName="svc", taskDefinition="web", desiredCount=1)["service"]
    assert created["availabilityZoneRebalancing"] == "ENABLED"
    assert created["enableECSManagedTags"] is False
    with pytest.raises(ClientError) as error:
        ecs.create_service(
            cluster=cluster, serviceName="daemon", taskDefinition="web", desiredCount=2, schedulingStrategy="DAEMON"
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    daemon = ecs.create_service(
        cluster=cluster, serviceName="daemon", taskDefinition="web", schedulingStrategy="DAEMON"
    )
    assert daemon["service"]["schedulingStrategy"] == "DAEMON"
    assert daemon["service"]["deploymentConfiguration"]["maximumPercent"] == 100
    # One task on each active container instance: the unlimited capacity is one instance.
    assert daemon["service"]["desiredCount"] == 1
    wait_for(lambda: describe_service(ecs, "daemon")["runningCount"] == 1)


def test_a_daemon_follows_the_container_instances(sandbox, ecs, cluster):
    sandbox.post("config", {"ec2_capacity": "registered"})
    register(ecs)
    ecs.create_service(cluster=cluster, serviceName="daemon", taskDefinition="web", schedulingStrategy="DAEMON")
    assert describe_service(ecs, "daemon")["desiredCount"] == 0
    sandbox.post("config", {"ec2_capacity": "unlimited"})
    wait_for(lambda: describe_service(ecs, "daemon")["desiredCount"] == 1)


def _connected_definition(ecs) -> str:
    return ecs.register_task_definition(
        family="connected",
        cpu="256",
        memory="512",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        containerDefinitions=[
            {
                "name": "app",
                "image": "nginx:1",
                "portMappings": [{"containerPort": 80, "name": "http", "appProtocol": "http"}],
                "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}],
            }
        ],
        volumes=[{"name": "data", "configuredAtLaunch": True}],
    )["taskDefinition"]["taskDefinitionArn"]


CONNECTED_SETTINGS = {
    "serviceConnectConfiguration": {
        "enabled": True,
        "namespace": "shop.local",
        "services": [{"portName": "http", "clientAliases": [{"port": 80}]}],
    },
    "volumeConfigurations": [
        {
            "name": "data",
            "managedEBSVolume": {
                "sizeInGiB": 20,
                "volumeType": "gp3",
                "roleArn": "arn:aws:iam::123456789012:role/ecs-infrastructure",
            },
        }
    ],
    "vpcLatticeConfigurations": [
        {
            "roleArn": "arn:aws:iam::123456789012:role/ecs-infrastructure",
            "targetGroupArn": "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0",
            "portName": "http",
        }
    ],
    "monitoring": {"metricConfigurations": [{"metricNames": ["CPUUtilization"], "resolutionSeconds": 20}]},
    "gatewayConnectors": [{"portName": "http"}],
}


def test_settings_ecs_keeps_on_deployments_and_revisions_are_reported_there(ecs, cluster, network):
    _connected_definition(ecs)
    service = ecs.create_service(
        cluster=cluster,
        serviceName="connected",
        taskDefinition="connected",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=network,
        **CONNECTED_SETTINGS,
    )["service"]
    for name in CONNECTED_SETTINGS:
        assert name not in service, name
    deployment = service["deployments"][0]
    for name in ("serviceConnectConfiguration", "volumeConfigurations", "vpcLatticeConfigurations"):
        assert deployment[name] == CONNECTED_SETTINGS[name]
    assert "monitoring" not in deployment and "gatewayConnectors" not in deployment
    arn = service["currentServiceRevisions"][0]["arn"]
    revision = ecs.describe_service_revisions(serviceRevisionArns=[arn])["serviceRevisions"][0]
    for name, value in CONNECTED_SETTINGS.items():
        assert revision[name] == value, name

    # A new resolution is a new revision: ECS deploys it.
    monitoring = {"metricConfigurations": [{"metricNames": ["CPUUtilization"], "resolutionSeconds": 60}]}
    updated = ecs.update_service(cluster=cluster, service="connected", monitoring=monitoring)["service"]
    assert len(updated["deployments"]) == 2
    arn = updated["currentServiceRevisions"][0]["arn"]
    assert ecs.describe_service_revisions(serviceRevisionArns=[arn])["serviceRevisions"][0]["monitoring"] == monitoring


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"serviceConnectConfiguration": {"enabled": True, "services": [{"portName": "grpc"}]}}, "portName 'grpc'"),
        ({"vpcLatticeConfigurations": [{**CONNECTED_SETTINGS["vpcLatticeConfigurations"][0], "portName": "x"}]}, "'x'"),
        (
            {"volumeConfigurations": [{**CONNECTED_SETTINGS["volumeConfigurations"][0], "name": "logs"}]},
            "volume 'logs'",
        ),
    ],
)
def test_names_that_the_task_definition_lacks_are_refused(ecs, cluster, network, settings, fragment):
    _connected_definition(ecs)
    with pytest.raises(ClientError) as error:
        ecs.create_service(
            cluster=cluster,
            serviceName="refused",
            taskDefinition="connected",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=network,
            **settings,
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert fragment in error.value.response["Error"]["Message"]
    assert ecs.describe_services(cluster=cluster, services=["refused"])["services"] == []
