"""Native ECS blue/green, linear and canary deployments in the sandbox: stages, listener rule weights, lifecycle
hooks, StopServiceDeployment/ContinueServiceDeployment, rollbacks, and the clock and hook-results controls."""

from __future__ import annotations

import itertools
import time
import urllib.error
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sandbox.ecs import blue_green
from tests.sandbox.helpers import describe_service, register, wait_for
from tests.support.blue_green import STAGES as LIFECYCLE_STAGES

STAGES = list(LIFECYCLE_STAGES)
ENDED = ("SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED")
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
ROLE = "arn:aws:iam::123456789012:role/ecs-infrastructure"
# Sandbox minutes are this many real seconds in these tests.
MINUTE = 0.05


@pytest.fixture
def clock(sandbox):
    sandbox.post("clock", {"minute_seconds": MINUTE})
    return sandbox


@pytest.fixture
def lb(aws) -> dict[str, str]:
    """An ALB with two target groups, a production rule forwarding 100/0 and a test rule on another listener."""
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.{index}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for index, zone in enumerate("ab")
    ]
    balancer = elbv2.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    groups = [
        elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
        for name in ("web-blue", "web-green")
    ]
    forward = [
        {
            "Type": "forward",
            "ForwardConfig": {
                "TargetGroups": [
                    {"TargetGroupArn": groups[0], "Weight": 100},
                    {"TargetGroupArn": groups[1], "Weight": 0},
                ]
            },
        }
    ]
    rules = []
    for port in (80, 8080):
        listener = elbv2.create_listener(
            LoadBalancerArn=balancer,
            Protocol="HTTP",
            Port=port,
            DefaultActions=[{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
        )["Listeners"][0]["ListenerArn"]
        rule = elbv2.create_rule(
            ListenerArn=listener,
            Priority=10,
            Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
            Actions=forward,
        )["Rules"][0]["RuleArn"]
        rules.append(rule)
    return {"blue": groups[0], "green": groups[1], "production": rules[0], "test": rules[1]}


def load_balancers(lb: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "targetGroupArn": lb["blue"],
            "containerName": "app",
            "containerPort": 80,
            "advancedConfiguration": {
                "alternateTargetGroupArn": lb["green"],
                "productionListenerRule": lb["production"],
                "testListenerRule": lb["test"],
                "roleArn": ROLE,
            },
        }
    ]


def weights(aws, rule: str) -> dict[str, int]:
    (found,) = aws("elbv2").describe_rules(RuleArns=[rule])["Rules"]
    (forward,) = [action for action in found["Actions"] if action["Type"] == "forward"]
    return {group["TargetGroupArn"]: group["Weight"] for group in forward["ForwardConfig"]["TargetGroups"]}


def green_share(aws, lb: dict[str, str], rule: str = "production") -> int:
    split = weights(aws, lb[rule])
    assert split[lb["blue"]] + split[lb["green"]] == 100, split
    return split[lb["green"]]


def container(port: int = 80) -> dict[str, Any]:
    return {"container": {"portMappings": [{"containerPort": port}]}}


def create(ecs, lb, strategy: str = "BLUE_GREEN", desired: int = 2, **config: Any) -> dict[str, Any]:
    register(ecs, image="nginx:1", **container())
    service = ecs.create_service(
        cluster="test",
        serviceName="svc",
        taskDefinition="web",
        desiredCount=desired,
        loadBalancers=load_balancers(lb),
        deploymentConfiguration={"strategy": strategy, **config},
    )["service"]
    first = service["currentServiceDeployment"]
    assert wait_for(lambda: ended(ecs, first), what="first deployment")["status"] == "SUCCESSFUL"
    return service


def deploy(ecs, image: str = "nginx:2", **update: Any) -> str:
    """Register a new revision, roll it out; returns the new service deployment's ARN."""
    definition = register(ecs, image=image, **container())
    service = ecs.update_service(cluster="test", service="svc", taskDefinition=definition, **update)["service"]
    return service["currentServiceDeployment"]


def detail(ecs, arn: str) -> dict[str, Any]:
    (found,) = ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"]
    return found


def ended(ecs, arn: str) -> dict[str, Any] | None:
    found = detail(ecs, arn)
    return found if found["status"] in ENDED else None


def follow(ecs, arn: str, timeout: float = 15.0, sample=None) -> tuple[dict[str, Any], list[str]]:
    """Poll the deployment until it ends; returns its last detail and the distinct stages seen, in order."""
    stages: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = detail(ecs, arn)
        if not stages or stages[-1] != found.get("lifecycleStage"):
            stages.append(found.get("lifecycleStage"))
        if sample is not None:
            sample(found)
        if found["status"] in ENDED:
            return found, stages
        time.sleep(0.01)
    raise AssertionError(f"deployment {arn} did not end; stages seen: {stages}")


def stage_events(ecs, deployment_id: str) -> list[str]:
    """The lifecycle stages a deployment entered, oldest first, from the service's events."""
    marker = f"(deployment {deployment_id}) entered lifecycle stage "
    messages = [event["message"] for event in reversed(describe_service(ecs, "svc")["events"])]
    return [message.split(marker, 1)[1].rstrip(".") for message in messages if marker in message]


def in_order(seen: list[str]) -> bool:
    """Polled stages come in the canonical order; only the production shift stages may come round again."""
    positions = [STAGES.index(stage) for stage in seen]
    return all(
        later >= earlier or "PRODUCTION_TRAFFIC_SHIFT" in STAGES[later]
        for earlier, later in itertools.pairwise(positions)
    )


def awaiting(ecs, arn: str) -> dict[str, Any] | None:
    hooks = detail(ecs, arn).get("lifecycleHookDetails") or []
    return next((hook for hook in hooks if hook["status"] == "AWAITING_ACTION"), None)


def running_definitions(ecs) -> set[str]:
    arns = ecs.list_tasks(cluster="test", serviceName="svc")["taskArns"]
    tasks = ecs.describe_tasks(cluster="test", tasks=arns)["tasks"] if arns else []
    return {task["taskDefinitionArn"].rsplit(":", 1)[-1] for task in tasks if task["lastStatus"] == "RUNNING"}


def only_revision(ecs, revision: str):
    def check() -> bool:
        service = describe_service(ecs, "svc")
        return (
            running_definitions(ecs) == {revision}
            and len(service["deployments"]) == 1
            and service["runningCount"] == service["desiredCount"]
        )

    return check


# --- configuration ------------------------------------------------------------------------------------------------


def test_blue_green_fields_are_stored_and_returned(ecs, cluster, lb, clock):
    hooks = [
        {
            "targetType": "AWS_LAMBDA",
            "hookTargetArn": LAMBDA + "check",
            "roleArn": ROLE,
            "lifecycleStages": ["POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT"],
            "hookDetails": {"suite": "smoke"},
        },
        {
            "targetType": "PAUSE",
            "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
            "timeoutConfiguration": {"timeoutInMinutes": 60, "action": "CONTINUE"},
        },
    ]
    config = {
        "strategy": "CANARY",
        "bakeTimeInMinutes": 3,
        "lifecycleHooks": hooks,
        "canaryConfiguration": {"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 2},
    }
    service = create(ecs, lb, **config)
    assert service["deploymentController"] == {"type": "ECS"}
    assert service["currentServiceDeployment"].startswith("arn:aws:ecs:us-east-1:123456789012:service-deployment/")
    described = describe_service(ecs, "svc")
    for returned in (service, described):
        assert {key: returned["deploymentConfiguration"][key] for key in config} == config
        assert returned["loadBalancers"] == load_balancers(lb)

    linear = {"stepPercent": 25.0, "stepBakeTimeInMinutes": 1}
    updated = ecs.update_service(
        cluster="test", service="svc", deploymentConfiguration={"strategy": "LINEAR", "linearConfiguration": linear}
    )["service"]
    for returned in (updated, describe_service(ecs, "svc")):
        assert returned["deploymentConfiguration"]["strategy"] == "LINEAR"
        assert returned["deploymentConfiguration"]["linearConfiguration"] == linear
        # UpdateService keeps the fields it does not send.
        assert returned["deploymentConfiguration"]["lifecycleHooks"] == hooks
        assert returned["deploymentConfiguration"]["bakeTimeInMinutes"] == 3

    with pytest.raises(ClientError) as error:
        ecs.update_service(
            cluster="test", service="svc", deploymentConfiguration={"strategy": "LINEAR", "linearConfiguration": {}}
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"


def test_first_deployment_sends_all_traffic_to_the_primary_target_group(ecs, aws, cluster, lb, clock):
    service = create(ecs, lb)
    found = detail(ecs, service["currentServiceDeployment"])
    assert found["lifecycleStage"] == "CLEAN_UP"
    assert found["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0
    assert weights(aws, lb["production"]) == {lb["blue"]: 100, lb["green"]: 0}
    listed = ecs.list_service_deployments(cluster="test", service="svc")["serviceDeployments"]
    assert [row["status"] for row in listed] == ["SUCCESSFUL"]


# --- successful deployments -----------------------------------------------------------------------------------------


def test_blue_green_walks_the_stages_and_flips_the_weights(ecs, aws, cluster, lb, clock):
    create(ecs, lb, bakeTimeInMinutes=10)
    arn = deploy(ecs)
    assert describe_service(ecs, "svc")["currentServiceDeployment"] == arn
    shares: list[int] = []
    baking: list[set[str]] = []

    def sample(found: dict[str, Any]) -> None:
        share = green_share(aws, lb)
        if not shares or shares[-1] != share:
            shares.append(share)
        if found["lifecycleStage"] == "BAKE_TIME" and found["status"] == "IN_PROGRESS":
            # Both revisions run through the bake time; only the new one takes production traffic.
            revisions = running_definitions(ecs)
            if detail(ecs, arn)["lifecycleStage"] == "BAKE_TIME":
                assert revisions == {"1", "2"}
                baking.append(revisions)
            assert found["targetServiceRevision"]["requestedProductionTrafficWeight"] == 100.0
            assert found["sourceServiceRevisions"][0]["requestedProductionTrafficWeight"] == 0.0

    deployment_id = describe_service(ecs, "svc")["deployments"][0]["id"]
    found, stages = follow(ecs, arn, sample=sample)
    assert found["status"] == "SUCCESSFUL"
    assert in_order(stages)
    assert {"BAKE_TIME", "CLEAN_UP"} <= set(stages)
    assert stage_events(ecs, deployment_id) == STAGES
    assert baking
    assert shares == [0, 100]
    assert weights(aws, lb["production"]) == {lb["blue"]: 0, lb["green"]: 100}
    assert weights(aws, lb["test"]) == {lb["blue"]: 0, lb["green"]: 100}
    wait_for(only_revision(ecs, "2"), what="old revision gone")
    assert ecs.list_service_deployments(cluster="test", service="svc", status=["SUCCESSFUL"])["serviceDeployments"]


def test_the_next_deployment_shifts_the_other_way(ecs, aws, cluster, lb, clock):
    create(ecs, lb)
    assert follow(ecs, deploy(ecs, "nginx:2"))[0]["status"] == "SUCCESSFUL"
    assert weights(aws, lb["production"]) == {lb["blue"]: 0, lb["green"]: 100}
    assert follow(ecs, deploy(ecs, "nginx:3"))[0]["status"] == "SUCCESSFUL"
    assert weights(aws, lb["production"]) == {lb["blue"]: 100, lb["green"]: 0}
    wait_for(only_revision(ecs, "3"), what="revision 3 alone")


@pytest.mark.parametrize(
    ("strategy", "config", "steps"),
    [
        ("CANARY", {"canaryConfiguration": {"canaryPercent": 20.0, "canaryBakeTimeInMinutes": 3}}, [0, 20, 100]),
        ("LINEAR", {"linearConfiguration": {"stepPercent": 40.0, "stepBakeTimeInMinutes": 3}}, [0, 40, 80, 100]),
    ],
)
def test_canary_and_linear_pass_through_the_declared_steps(ecs, aws, cluster, lb, clock, strategy, config, steps):
    create(ecs, lb, strategy, **config)
    shares: list[int] = []
    stages: list[str] = []

    def sample(found: dict[str, Any]) -> None:
        share = green_share(aws, lb)
        if not shares or shares[-1] != share:
            shares.append(share)
        stages.append(found["lifecycleStage"])

    arn = deploy(ecs)
    deployment_id = describe_service(ecs, "svc")["deployments"][0]["id"]
    found, seen = follow(ecs, arn, sample=sample)
    assert found["status"] == "SUCCESSFUL"
    assert shares == steps
    assert in_order(seen)
    # PRODUCTION_TRAFFIC_SHIFT repeats once per step; the stages around it come once.
    shift = (
        ["PRE_PRODUCTION_TRAFFIC_SHIFT"]
        + ["PRODUCTION_TRAFFIC_SHIFT"] * len(steps[1:])
        + ["POST_PRODUCTION_TRAFFIC_SHIFT"]
    )
    assert stage_events(ecs, deployment_id) == STAGES[:6] + shift + STAGES[-2:]


def test_the_stage_reported_is_the_last_one_entered():
    """Between two stages the next one is not entered yet: reporting it would show a production shift without its
    weights. The model's own objects, no server."""
    canary = {"strategy": "CANARY", "canaryConfiguration": {"canaryPercent": 20.0}}
    run = blue_green.BlueGreenRun(
        SimpleNamespace(deployment_configuration=canary, target_slot=0), SimpleNamespace(target_slot=0)
    )
    assert run.stage.name == "RECONCILE_SERVICE"
    shift = [stage.name for stage in run.stages].index("PRODUCTION_TRAFFIC_SHIFT")
    run.position, run.entered = shift, False
    assert run.stage.name == "PRE_PRODUCTION_TRAFFIC_SHIFT"
    run.entered = True
    assert (run.stage.name, run.stage.percent) == ("PRODUCTION_TRAFFIC_SHIFT", 20.0)
    run.position, run.entered = len(run.stages), False
    assert run.stage.name == "CLEAN_UP"


# --- hooks and rollbacks ------------------------------------------------------------------------------------------


def test_a_failing_lambda_hook_rolls_back(ecs, aws, cluster, lb, clock, sandbox):
    hooks = [
        {"targetType": "AWS_LAMBDA", "hookTargetArn": LAMBDA + "smoke", "roleArn": ROLE, "lifecycleStages": [stage]}
        for stage in ("POST_SCALE_UP", "POST_PRODUCTION_TRAFFIC_SHIFT")
    ]
    create(ecs, lb, bakeTimeInMinutes=2, lifecycleHooks=hooks)
    assert "sandbox:HookInvoked" not in sandbox.calls()  # a first deployment has nothing to protect
    assert follow(ecs, deploy(ecs, "nginx:2"))[0]["status"] == "SUCCESSFUL"
    assert sandbox.calls()["sandbox:HookInvoked"] == 2

    sandbox.post("hook-results", {"results": {"*:function:smoke": "FAILED"}})
    arn = deploy(ecs, "nginx:3")
    found, stages = follow(ecs, arn)
    assert found["status"] == "ROLLBACK_SUCCESSFUL"
    assert found["rollback"]["reason"].startswith(f"Lifecycle hook {LAMBDA}smoke returned FAILED at POST_SCALE_UP")
    assert found["rollback"]["serviceRevisionArn"] == found["sourceServiceRevisions"][0]["arn"]
    assert "PRODUCTION_TRAFFIC_SHIFT" not in stages
    assert [hook["status"] for hook in found["lifecycleHookDetails"]] == ["FAILED"]
    assert sandbox.calls()["sandbox:HookInvoked"] == 3
    # Traffic stays on the revision that served it (green after the first flip); revision 3's tasks are gone.
    assert weights(aws, lb["production"]) == {lb["blue"]: 0, lb["green"]: 100}
    wait_for(only_revision(ecs, "2"), what="rolled back to revision 2")
    service = describe_service(ecs, "svc")
    assert service["taskDefinition"].endswith(":2")
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"


def test_stop_during_bake_time_moves_traffic_back_at_once(ecs, aws, cluster, lb, clock):
    create(ecs, lb, bakeTimeInMinutes=200)
    arn = deploy(ecs)
    wait_for(lambda: detail(ecs, arn)["lifecycleStage"] == "BAKE_TIME", what="bake time")
    assert green_share(aws, lb) == 100
    assert ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")["serviceDeploymentArn"] == arn
    # At once: the very next look at the rule already has production back on the old revision.
    assert green_share(aws, lb) == 0
    assert green_share(aws, lb, "test") == 0
    found = follow(ecs, arn)[0]
    assert found["status"] == "ROLLBACK_SUCCESSFUL"
    assert found["rollback"]["reason"] == "Service deployment rolled back by StopServiceDeployment."
    wait_for(only_revision(ecs, "1"), what="rolled back to revision 1")
    with pytest.raises(ClientError) as error:
        ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    assert error.value.response["Error"]["Code"] == "ConflictException"
    with pytest.raises(ClientError) as error:
        ecs.stop_service_deployment(serviceDeploymentArn=arn + "x")
    assert error.value.response["Error"]["Code"] == "ServiceDeploymentNotFoundException"


PAUSE = {
    "targetType": "PAUSE",
    "lifecycleStages": ["PRE_PRODUCTION_TRAFFIC_SHIFT"],
    "timeoutConfiguration": {"timeoutInMinutes": 600},
}


@pytest.mark.parametrize(
    ("action", "status", "serving"), [("CONTINUE", "SUCCESSFUL", 100), ("ROLLBACK", "ROLLBACK_SUCCESSFUL", 0)]
)
def test_a_pause_hook_waits_for_continue_service_deployment(ecs, aws, cluster, lb, clock, action, status, serving):
    create(ecs, lb, "CANARY", canaryConfiguration={"canaryPercent": 10.0}, lifecycleHooks=[PAUSE])
    arn = deploy(ecs)
    hook = wait_for(lambda: awaiting(ecs, arn), what="a hook awaiting action")
    assert hook["targetType"] == "PAUSE"
    assert hook["timeoutAction"] == "ROLLBACK"
    assert hook["expiresAt"]
    time.sleep(0.2)
    found = detail(ecs, arn)
    assert (found["status"], found["lifecycleStage"]) == ("IN_PROGRESS", "PRE_PRODUCTION_TRAFFIC_SHIFT")
    assert green_share(aws, lb) == 0

    with pytest.raises(ClientError) as error:
        ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId="nope", action="CONTINUE")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook["hookId"], action=action)
    found = follow(ecs, arn)[0]
    assert found["status"] == status
    assert green_share(aws, lb) == serving
    # PRE_PRODUCTION_TRAFFIC_SHIFT comes once, however many steps the canary has: one pause, one answer.
    assert [h["hookId"] for h in found["lifecycleHookDetails"]] == [hook["hookId"]]
    wait_for(only_revision(ecs, "2" if action == "CONTINUE" else "1"), what="one revision left")


def test_a_pause_on_the_production_shift_comes_back_at_every_step(ecs, aws, cluster, lb, clock):
    pause = {**PAUSE, "lifecycleStages": ["PRODUCTION_TRAFFIC_SHIFT"]}
    create(ecs, lb, "CANARY", canaryConfiguration={"canaryPercent": 10.0}, lifecycleHooks=[pause])
    arn = deploy(ecs)
    first = wait_for(lambda: awaiting(ecs, arn), what="the pause at the canary step")
    assert green_share(aws, lb) == 10
    ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=first["hookId"], action="CONTINUE")
    second = wait_for(
        lambda: (awaiting(ecs, arn) or {}).get("hookId") not in (None, first["hookId"]) and awaiting(ecs, arn),
        what="the pause at the last step",
    )
    assert green_share(aws, lb) == 100
    ecs.continue_service_deployment(serviceDeploymentArn=arn, hookId=second["hookId"], action="CONTINUE")
    assert follow(ecs, arn)[0]["status"] == "SUCCESSFUL"


def test_a_pause_left_alone_times_out_into_a_rollback(ecs, aws, cluster, lb, clock):
    pause = {**PAUSE, "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"], "timeoutConfiguration": {"timeoutInMinutes": 20}}
    create(ecs, lb, lifecycleHooks=[pause])
    arn = deploy(ecs)
    wait_for(lambda: awaiting(ecs, arn), what="a hook awaiting action")
    assert green_share(aws, lb, "test") == 100
    found = follow(ecs, arn)[0]
    assert found["status"] == "ROLLBACK_SUCCESSFUL"
    assert [hook["status"] for hook in found["lifecycleHookDetails"]] == ["TIMED_OUT"]
    assert "timed out at POST_TEST_TRAFFIC_SHIFT" in found["rollback"]["reason"]
    assert green_share(aws, lb) == 0
    assert green_share(aws, lb, "test") == 0


def test_a_pause_timeout_with_continue_goes_on(ecs, cluster, lb, clock):
    pause = {**PAUSE, "timeoutConfiguration": {"timeoutInMinutes": 2, "action": "CONTINUE"}}
    create(ecs, lb, lifecycleHooks=[pause])
    found = follow(ecs, deploy(ecs))[0]
    assert found["status"] == "SUCCESSFUL"
    assert [hook["status"] for hook in found["lifecycleHookDetails"]] == ["TIMED_OUT"]


def test_failing_images_with_the_circuit_breaker_roll_back(ecs, aws, cluster, lb, clock, sandbox):
    breaker = {"enable": True, "rollback": True}
    create(ecs, lb, deploymentCircuitBreaker=breaker)
    sandbox.post("failing-images", {"patterns": ["*:broken"]})
    found, stages = follow(ecs, deploy(ecs, "nginx:broken"))
    assert found["status"] == "ROLLBACK_SUCCESSFUL"
    assert found["deploymentCircuitBreaker"]["status"] == "TRIGGERED"
    assert found["deploymentCircuitBreaker"]["failureCount"] >= 3
    assert found["rollback"]["reason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert stages[-1] == "SCALE_UP"
    assert weights(aws, lb["production"]) == {lb["blue"]: 100, lb["green"]: 0}
    wait_for(only_revision(ecs, "1"), what="rolled back to revision 1")


def test_stop_service_deployment_rolls_a_rolling_deployment_back(ecs, cluster, sandbox):
    sandbox.post("config", {"task_start_delay": 0.5, "task_stop_delay": 0.05})
    register(ecs, image="nginx:1")
    ecs.create_service(cluster="test", serviceName="svc", taskDefinition="web", desiredCount=1)
    wait_for(only_revision(ecs, "1"), what="first deployment")
    arn = deploy(ecs)
    ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
    found = wait_for(lambda: ended(ecs, arn), what="rollback")
    assert found["status"] == "ROLLBACK_SUCCESSFUL"
    assert found["rollback"]["reason"] == "Service deployment rolled back by StopServiceDeployment."
    wait_for(only_revision(ecs, "1"), what="revision 1 alone")


# --- controls -------------------------------------------------------------------------------------------------------


def test_clock_and_hook_results_controls(sandbox):
    assert sandbox.request("GET", "clock") == {"minute_seconds": 1.0}
    assert sandbox.post("clock", {"minute_seconds": 0.25}) == {"minute_seconds": 0.25}
    assert sandbox.request("GET", "clock") == {"minute_seconds": 0.25}
    assert sandbox.request("GET", "hook-results") == {"results": {}}
    results = {"arn:aws:lambda:*:function:smoke-*": "FAILED"}
    assert sandbox.post("hook-results", {"results": results}) == {"results": results}
    for path, body in (
        ("clock", {"minute_seconds": -1}),
        ("clock", {"seconds": 1}),
        ("hook-results", {"results": {"*": "MAYBE"}}),
        ("hook-results", {"results": ["*"]}),
    ):
        with pytest.raises(urllib.error.HTTPError) as error:
            sandbox.post(path, body)
        assert error.value.code == 400
    sandbox.post("reset", {})
    assert sandbox.request("GET", "clock") == {"minute_seconds": 1.0}
    assert sandbox.request("GET", "hook-results") == {"results": {}}


def test_stage_seconds_lets_a_slow_poller_see_every_stage(ecs, cluster, lb, clock, sandbox):
    create(ecs, lb)
    sandbox.post("config", {"stage_seconds": 0.15})
    arn = deploy(ecs)
    stages: list[str] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = detail(ecs, arn)
        if not stages or stages[-1] != found["lifecycleStage"]:
            stages.append(found["lifecycleStage"])
        if found["status"] == "SUCCESSFUL":
            break
        time.sleep(0.05)
    assert stages == STAGES
