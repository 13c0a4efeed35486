"""ecs_service_rollout: the figures its issue asks for, measured against a private sandbox.

1. A no-op run makes one DescribeServices and nothing else (one service through ansible-playbook, and 20
   services in one module call, where DescribeServices is batched by ten).
2. The time from the sandbox completing a deployment (the createdAt of its "deployment completed" event) to the
   rollout returning is at most one poll interval.
3. 20 services rolled out together take at most 1.5 times as long as one.

Figures 2 and 3 call the module's engine in this process with a real boto3 client, so ansible's own start-up
time does not blur them. Run with ``make bench`` or ``python -m bench.rollout``.
"""

from __future__ import annotations

import datetime
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3
from botocore.config import Config

from bench.common import ecs_calls, run_playbook, start_sandbox
from sandbox.launcher import AWS_TEST_ENV

POLL_INTERVAL = 1.0
TASK_START_DELAY = 1.0
MANY = 20

NOOP_PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - driftless.ecs.ecs_service_rollout:
        cluster: bench
        service: web-0
        task_definition: "{{ td1 }}"
      register: result
    - ansible.builtin.assert:
        that: result is not changed
"""


def _engine():
    # Imported here: bench.common installs the collection loader first.
    from ansible_collections.driftless.ecs.plugins.module_utils._ecs.args import (  # noqa: PLC0415
        service_rollout_argument_spec,
    )
    from ansible_collections.driftless.ecs.plugins.module_utils._ecs.service_rollout import run  # noqa: PLC0415

    return service_rollout_argument_spec, run


def _client(sandbox):
    return boto3.client(
        "ecs",
        endpoint_url=sandbox.url,
        region_name=AWS_TEST_ENV["AWS_DEFAULT_REGION"],
        aws_access_key_id=AWS_TEST_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_TEST_ENV["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"mode": "standard", "max_attempts": 1}),
    )


def _setup(ecs, count: int) -> tuple[str, str]:
    ecs.create_cluster(clusterName="bench")
    arns = []
    for version in ("1.0", "2.0", "3.0"):
        registered = ecs.register_task_definition(
            family="bench-web", containerDefinitions=[{"name": "app", "image": f"nginx:{version}", "memory": 128}]
        )
        arns.append(registered["taskDefinition"]["taskDefinitionArn"])
    for index in range(count):
        ecs.create_service(cluster="bench", serviceName=f"web-{index}", taskDefinition=arns[0], desiredCount=2)
    return arns[0], arns[1], arns[2]


def _wait_steady(ecs, names: list[str]) -> None:
    for start in range(0, len(names), 10):
        while True:
            services = ecs.describe_services(cluster="bench", services=names[start : start + 10])["services"]
            if all(s["deployments"][0].get("rolloutState") == "COMPLETED" for s in services):
                break
            time.sleep(0.2)


def _completed_at(service: dict, deployment_id: str) -> datetime.datetime:
    for event in service["events"]:
        if f"(deployment {deployment_id}) deployment completed" in event["message"]:
            return event["createdAt"]
    raise RuntimeError(f"no completion event for {deployment_id}")


def _rollout(engine, client, names: list[str], task_definition: str) -> tuple[float, dict]:
    spec, run_rollout = engine
    params = {name: option.get("default") for name, option in spec().items()}
    params.update(cluster="bench", task_definition=task_definition, poll_interval=POLL_INTERVAL, wait_timeout=300)
    if len(names) == 1:
        params["service"] = names[0]
    else:
        params["services"] = [{"service": name} for name in names]
    started = time.monotonic()
    result = run_rollout(client, params)
    return time.monotonic() - started, result


def main() -> None:
    sandbox = start_sandbox(["--task-start-delay", str(TASK_START_DELAY), "--task-stop-delay", "0.2"])
    try:
        ecs = _client(sandbox)
        names = [f"web-{index}" for index in range(MANY)]
        td1, td2, td3 = _setup(ecs, MANY)
        _wait_steady(ecs, names)
        engine = _engine()

        # 1. No-op runs.
        sandbox.control("calls/reset", {})
        wall, _output = run_playbook(sandbox, NOOP_PLAYBOOK, {"td1": td1})
        single_calls = ecs_calls(sandbox.calls())
        sandbox.control("calls/reset", {})
        _seconds, result = _rollout(engine, _client(sandbox), names, td1)
        assert not result["changed"]
        many_calls = ecs_calls(sandbox.calls())
        print(f"no-op, 1 service (ansible-playbook, {wall:.1f} s wall): {single_calls}")
        print(f"no-op, {MANY} services in one call: {many_calls} = {sum(many_calls.values()) / MANY:.2f} calls/service")

        # 2. Completion to return, over a few single-service rollouts.
        latencies = []
        for task_definition in (td2, td3, td1, td2, td3):
            _seconds, result = _rollout(engine, _client(sandbox), ["web-0"], task_definition)
            returned = datetime.datetime.now(datetime.UTC)
            completed = _completed_at(
                ecs.describe_services(cluster="bench", services=["web-0"])["services"][0], result["deployment_id"]
            )
            latencies.append((returned - completed).total_seconds())
        print(
            f"completion -> return, poll_interval {POLL_INTERVAL} s: max {max(latencies):.2f} s, "
            f"median {statistics.median(latencies):.2f} s over {len(latencies)} rollouts "
            f"({'within' if max(latencies) <= POLL_INTERVAL else 'OVER'} one interval)"
        )

        # 3. One service against twenty together (the 20 go from td1 to td2; web-0 alone first, td3 -> td1).
        _wait_steady(ecs, names)
        one, _result = _rollout(engine, _client(sandbox), ["web-0"], td1)
        sandbox.control("calls/reset", {})
        twenty, result = _rollout(engine, _client(sandbox), names, td2)
        assert all(item["rollout_state"] == "COMPLETED" for item in result["results"])
        calls = ecs_calls(sandbox.calls())
        ratio = twenty / one
        print(
            f"rollout of 1 service: {one:.2f} s; of {MANY} together: {twenty:.2f} s; ratio {ratio:.2f} "
            f"({'within' if ratio <= 1.5 else 'OVER'} 1.5); calls of the {MANY}: {calls}"
        )
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
