"""Autoscaling through the roles: bootstrap makes it and keeps it, a deploy holds scale-in during its rollout and
puts back the state it found, also when the rollout fails; bad input is refused before any write.

One sandbox, one environment, a few playbook runs (targets/autoscaling.yml). The proof is the sandbox's state and
its recorded calls; while a deploy runs, a thread reads web's scalable target to see the hold itself.
"""

from __future__ import annotations

import re
import threading

import pytest

from tests.integration.conftest import run_playbook
from tests.support.aws import application_load_balancer, client

FREE = {"DynamicScalingInSuspended": False, "DynamicScalingOutSuspended": False, "ScheduledScalingSuspended": False}
WRITE_CALL = re.compile(r":(Create|Put|Register|Update|Modify|Delete|Deregister|Set|Tag|Untag|Attach|Authorize)")
SCALING_WRITES = ("RegisterScalableTarget", "PutScalingPolicy", "PutScheduledAction", "DeleteScalingPolicy")


def _targets(sandbox) -> dict:
    found = client(sandbox, "application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")
    return {target["ResourceId"].rsplit("/", 1)[-1]: target for target in found["ScalableTargets"]}


def _writes(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if WRITE_CALL.search(key)}


def _scaling_calls(sandbox) -> dict:
    return {key: count for key, count in sandbox.calls().items() if key.startswith("application-autoscaling:")}


def _run(sandbox, variables: dict, role: str, **extra):
    return run_playbook(sandbox, "autoscaling.yml", {**variables, "it_role": role, **extra})


class Watcher(threading.Thread):
    """Reads web's suspended state again and again while a deploy runs."""

    def __init__(self, sandbox) -> None:
        super().__init__(daemon=True)
        self.scaling = client(sandbox, "application-autoscaling")
        self.seen: list[dict] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            found = self.scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=["service/it-scale/web"])
            self.seen.extend(target["SuspendedState"] for target in found["ScalableTargets"])

    def stop(self) -> list[dict]:
        self.done.set()
        self.join(timeout=10)
        return self.seen


def _deploy_watched(sandbox, variables: dict, **extra):
    watcher = Watcher(sandbox)
    watcher.start()
    try:
        run = _run(sandbox, variables, "deploy", **extra)
    finally:
        seen = watcher.stop()
    return run, seen


def _check_made(sandbox, balancer: str) -> None:
    """The scalable targets, policies (the requests one labelled with its ALB and target group) and the scheduled
    action the declaration asks for."""
    scaling = client(sandbox, "application-autoscaling")
    targets = _targets(sandbox)
    assert (targets["web"]["MinCapacity"], targets["web"]["MaxCapacity"]) == (2, 6)
    assert (targets["worker"]["MinCapacity"], targets["worker"]["MaxCapacity"]) == (1, 3)
    policies = {
        p["PolicyName"]: p for p in scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    }
    assert sorted(policies) == ["web-alb_requests", "web-cpu", "worker-memory"]
    cpu = policies["web-cpu"]["TargetTrackingScalingPolicyConfiguration"]
    assert cpu["TargetValue"] == 60 and cpu["ScaleInCooldown"] == 120
    requests = policies["web-alb_requests"]["TargetTrackingScalingPolicyConfiguration"]
    elbv2 = client(sandbox, "elbv2")
    group = elbv2.describe_target_groups(Names=["it-scale-web"])["TargetGroups"][0]
    balancer_part = balancer.split(":loadbalancer/")[1]
    group_part = group["TargetGroupArn"].split(":")[-1]
    assert requests["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "ALBRequestCountPerTarget",
        "ResourceLabel": f"{balancer_part}/{group_part}",
    }
    [night] = scaling.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"]
    assert (night["ScheduledActionName"], night["Schedule"], night["Timezone"]) == (
        "night",
        "cron(0 22 * * ? *)",
        "Europe/Paris",
    )
    assert night["ResourceId"] == "service/it-scale/worker"


def _check_kept(sandbox, variables: dict) -> None:
    """A second bootstrap writes nothing; check mode with --diff shows a change and writes nothing either."""
    # A second bootstrap reads and writes nothing to Application Auto Scaling.
    sandbox.control("calls/reset", {})
    again = _run(sandbox, variables, "bootstrap")
    assert again.rc == 0, again.output
    calls = _scaling_calls(sandbox)
    assert not [key for key in calls if key.endswith(SCALING_WRITES)], calls
    assert calls.get("application-autoscaling:DescribeScalableTargets") == 1, calls

    # Check mode with --diff tells what a new max would change, and writes nothing.
    sandbox.control("calls/reset", {})
    preview = run_playbook(
        sandbox,
        "autoscaling.yml",
        {**variables, "it_role": "bootstrap", "it_worker_max": 4},
        args=("--check", "--diff"),
    )
    assert preview.rc == 0, preview.output
    assert "update scalable target (min 1, max 4)" in preview.output, preview.output
    assert '"max": 3' in preview.output and '"max": 4' in preview.output, preview.output
    assert _writes(sandbox) == {}
    assert _targets(sandbox)["worker"]["MaxCapacity"] == 3


def _check_quiet_deploys(sandbox, variables: dict, images: dict) -> None:
    """A check-mode deploy says whose scale-in it would hold; neither it nor a deploy with nothing to roll out
    makes an autoscaling call."""
    # Check mode says whose scale-in it would hold, and makes no autoscaling call.
    sandbox.control("calls/reset", {})
    newer = {"web": {"app": "public.ecr.aws/nginx/nginx:1.29"}}
    preview = run_playbook(
        sandbox,
        "autoscaling.yml",
        {
            **variables,
            "it_role": "deploy",
            "deploy_suspend_scale_in": True,
            "deploy_service_images": newer,
            "deploy_service": "web",
        },
        args=("--check",),
    )
    assert preview.rc == 0, preview.output
    assert "Would suspend scale-in during the rollout of it-scale/web" in preview.output, preview.output
    assert _scaling_calls(sandbox) == {}

    # A deploy that changes nothing makes no autoscaling call.
    sandbox.control("calls/reset", {})
    noop = _run(sandbox, variables, "deploy", deploy_suspend_scale_in=True, deploy_service_images=images)
    assert noop.rc == 0, noop.output
    assert _scaling_calls(sandbox) == {}


@pytest.fixture
def environment(clean_sandbox):
    made = application_load_balancer(clean_sandbox, "it-scale", octet=41)
    clean_sandbox.control("calls/reset", {})
    return {
        "it_subnets": made["subnets"],
        "it_security_groups": [made["security_group"]],
        "it_vpc_id": made["vpc_id"],
        "it_listener_arn": made["listener"],
        "balancer": made["balancer"],
    }


def test_autoscaling_made_kept_and_scale_in_held_around_rollouts(clean_sandbox, environment):
    sandbox = clean_sandbox
    variables = {key: value for key, value in environment.items() if key.startswith("it_")}

    # min above max: refused by the resolution, before anything is read or written.
    refused = _run(sandbox, variables, "bootstrap", it_worker_min=5)
    assert refused.rc != 0, refused.output
    assert "ecs_services[worker].autoscaling.min 5 is above ecs_services[worker].autoscaling.max 3" in refused.output
    assert _writes(sandbox) == {}

    first = _run(sandbox, variables, "bootstrap")
    assert first.rc == 0, first.output
    _check_made(sandbox, environment["balancer"])

    _check_kept(sandbox, variables)

    # worker's scale-in (and scheduled scaling) were suspended by someone before the deploy: they must stay so.
    scaling = client(sandbox, "application-autoscaling")
    held_before = {"DynamicScalingInSuspended": True, "ScheduledScalingSuspended": True}
    scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId="service/it-scale/worker",
        ScalableDimension="ecs:service:DesiredCount",
        SuspendedState=held_before,
    )
    worker_before = _targets(sandbox)["worker"]["SuspendedState"]

    # The autoscaler scaled web out; the deploy must not send web's declared desired_count (2) back.
    client(sandbox, "ecs").update_service(cluster="it-scale", service="web", desiredCount=3)

    # A deploy that moves both services holds web's scale-in during the rollout and puts it back after.
    sandbox.control("calls/reset", {})
    images = {"web": {"app": "public.ecr.aws/nginx/nginx:1.28"}, "worker": {"worker": "python:3.13-slim"}}
    deployed, seen = _deploy_watched(sandbox, variables, deploy_suspend_scale_in=True, deploy_service_images=images)
    assert deployed.rc == 0, deployed.output
    assert {**FREE, "DynamicScalingInSuspended": True} in seen, seen
    targets = _targets(sandbox)
    assert targets["web"]["SuspendedState"] == FREE
    assert targets["worker"]["SuspendedState"] == worker_before
    assert (targets["web"]["MinCapacity"], targets["web"]["MaxCapacity"]) == (2, 6)
    web = client(sandbox, "ecs").describe_services(cluster="it-scale", services=["web"])["services"][0]
    assert web["desiredCount"] == 3
    # web held, then put back; worker was already held: no write. (The watcher's reads count too: not compared.)
    calls = _scaling_calls(sandbox)
    assert {key: count for key, count in calls.items() if not key.endswith("DescribeScalableTargets")} == {
        "application-autoscaling:RegisterScalableTarget": 2
    }, calls
    assert "it-scale/web: deployed" in deployed.output, deployed.output
    assert "scale-in suspended during the rollout, then restored" in deployed.output
    assert "scale-in was suspended before the deploy and stays so" in deployed.output

    _check_quiet_deploys(sandbox, variables, images)

    # A rollout that fails (the image never starts; the circuit breaker rolls back) still puts scale-in back.
    sandbox.control("failing-images", {"patterns": ["*:broken"]})
    sandbox.control("calls/reset", {})
    broken = {"web": {"app": "public.ecr.aws/nginx/nginx:broken"}}
    failed, seen = _deploy_watched(
        sandbox, variables, deploy_suspend_scale_in=True, deploy_service_images=broken, deploy_service="web"
    )
    assert failed.rc != 0, failed.output
    assert "it-scale/web: rolled back" in failed.output, failed.output
    assert {**FREE, "DynamicScalingInSuspended": True} in seen, seen
    assert _targets(sandbox)["web"]["SuspendedState"] == FREE
    assert _scaling_calls(sandbox)["application-autoscaling:RegisterScalableTarget"] == 2
    assert "scale-in suspended during the rollout, then restored" in failed.output
