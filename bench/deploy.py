"""The deploy role as services are added, against the peer (community.aws's ecs_taskdefinition and ecs_service).

Figures, all from one run on one sandbox, as the performance issue asks for them:
1. A no-op deploy of 1, 20, 100 and 300 declared services: wall time and ECS calls per service. Targets: 100
   services at most 1.5 times the time of 1, 300 at most 2 times; at most 1.2 ECS calls per service; no write.
2. The peer's no-op (the usual loop of ecs_taskdefinition + ecs_service per service) for 20 and 100 services.
   Target: ours at least 8 times faster for 20.
3. A new image rolled out to 1 service and to 20 (with the sandbox's task start delay). Target: 20 at most 1.3 times
   the time of 1.

Each side works on services of its own, created by runs that are not measured. Run with ``make bench`` or
``python -m bench.deploy``.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import aws_client, ecs_calls, run_playbook, start_sandbox

COUNTS = (1, 20, 100, 300)
MOST_SERVICES = max(COUNTS)
PEER_COUNTS = (20, 100)
PEER_MOST = max(PEER_COUNTS)
TASK_START_DELAY = 0.5

OURS = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: driftless.ecs.deploy
"""

PEER = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Register the task definition the peer's way
      community.aws.ecs_taskdefinition:
        family: "{{ item.family }}"
        containers: "{{ item.containers }}"
        network_mode: bridge
        state: present
      loop: "{{ peer_services }}"
      register: peer_taskdefs

    - name: Update the service the peer's way
      community.aws.ecs_service:
        name: "{{ item.item.name }}"
        cluster: bench-peer
        task_definition: "{{ item.taskdefinition.taskDefinitionArn }}"
        desired_count: 1
        launch_type: EC2
        state: present
      loop: "{{ peer_taskdefs.results }}"
      loop_control:
        label: "{{ item.item.name }}"
"""


def _container(image: str) -> dict:
    return {"name": "app", "image": image, "memory": 128, "portMappings": [{"containerPort": 80}]}


def _our_services(count: int) -> list[dict]:
    return [
        {
            "name": f"web-{index}",
            "cluster": "bench-ours",
            "task_definition": {"family": f"bench-ours-{index}", "containerDefinitions": [_container("nginx:1.27")]},
            "service": {"desired_count": 1, "launch_type": "EC2"},
        }
        for index in range(count)
    ]


def _peer_services(count: int) -> list[dict]:
    return [
        {"name": f"web-{index}", "family": f"bench-peer-{index}", "containers": [_container("nginx:1.27")]}
        for index in range(count)
    ]


def _measure(sandbox, playbook: str, extra_vars: dict) -> tuple[float, dict]:
    before = ecs_calls(sandbox.calls())
    seconds, _output = run_playbook(sandbox, playbook, extra_vars)
    after = ecs_calls(sandbox.calls())
    return seconds, {key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key, 0)}


WRITES = ("Create", "Register", "Update", "Delete", "Deregister", "Tag", "Untag", "Put", "Run", "Stop")


def _ours(count: int) -> dict:
    return {"ecs_services": _our_services(count), "deploy_poll_interval": 0.5, "deploy_verify": False}


def _noop(sandbox, count: int) -> tuple[float, float, int]:
    seconds, calls = _measure(sandbox, OURS, _ours(count))
    writes = sum(value for key, value in calls.items() if key.split(":", 1)[1].startswith(WRITES))
    return seconds, sum(calls.values()) / count, writes


def main() -> None:
    sandbox = start_sandbox(["--task-start-delay", str(TASK_START_DELAY), "--ec2-capacity", "unlimited"])
    try:
        ecs = aws_client(sandbox, "ecs")
        ecs.create_cluster(clusterName="bench-ours")
        ecs.create_cluster(clusterName="bench-peer")
        run_playbook(sandbox, OURS, _ours(MOST_SERVICES))  # creates our services
        run_playbook(sandbox, PEER, {"peer_services": _peer_services(PEER_MOST)})  # creates the peer's

        print("No-op deploy (nothing to change)")
        figures = {}
        for count in COUNTS:
            seconds, per_service, writes = _noop(sandbox, count)
            figures[count] = seconds
            print(
                f"  ours, {count:3d} services: {seconds:6.2f} s, {per_service:.2f} ECS calls/service, {writes} writes"
            )
        peer = {}
        for count in PEER_COUNTS:
            seconds, calls = _measure(sandbox, PEER, {"peer_services": _peer_services(count)})
            peer[count] = seconds
            print(f"  peer, {count:3d} services: {seconds:6.2f} s, {sum(calls.values()) / count:.2f} ECS calls/service")
        print(f"  20 services: ours {peer[20] / figures[20]:.1f} times faster than the peer (target: at least 8)")
        print(f"  100 services take {figures[100] / figures[1]:.2f} times 1 (target: at most 1.5)")
        print(f"  300 services take {figures[300] / figures[1]:.2f} times 1 (target: at most 2)")
        print("  ECS calls per service: target at most 1.2; writes: target 0")

        twenty = {f"web-{index}": {"app": "nginx:1.29"} for index in range(20)}
        one_seconds, _ = _measure(
            sandbox, OURS, {**_ours(20), "deploy_service_images": {"web-0": {"app": "nginx:1.28"}}}
        )
        all_seconds, all_calls = _measure(sandbox, OURS, {**_ours(20), "deploy_service_images": twenty})
        print(f"New image rolled out (task start delay {TASK_START_DELAY} s)")
        print(f"  1 service:   {one_seconds:6.2f} s")
        print(
            f"  20 services: {all_seconds:6.2f} s, {all_calls.get('ecs:UpdateService', 0)} UpdateService, "
            f"{all_calls.get('ecs:DescribeServices', 0)} DescribeServices"
        )
        print(f"  ratio {all_seconds / one_seconds:.2f} (target: at most 1.3)")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
