"""The deploy role against the peer (community.aws's ecs_taskdefinition and ecs_service), on one sandbox.

Figures, as the roles issue asks for them:
1. A deploy of 20 declared services where nothing changed: wall time and ECS calls per service, ours (the deploy
   role: one ecs_taskdef_live and one ecs_service_rollout call for all services) and the peer's (the usual loop of
   ecs_taskdefinition + ecs_service per service). Target: ours at least 3 times faster, the peer at least 3 ECS
   calls per service, ours at most 1.2.
2. A deploy that rolls a new image out to 20 services, against the same for one service. Target: at most 1.5 times.

Each side works on its own 20 services, created by a first run that is not measured. Run with ``make bench`` or
``python -m bench.deploy``.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3

from bench.common import ecs_calls, run_playbook, start_sandbox
from sandbox.launcher import AWS_TEST_ENV

SERVICES = 20
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


def main() -> None:
    sandbox = start_sandbox(["--task-start-delay", str(TASK_START_DELAY)])
    try:
        ecs = boto3.client(
            "ecs",
            endpoint_url=sandbox.url,
            region_name="us-east-1",
            aws_access_key_id=AWS_TEST_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=AWS_TEST_ENV["AWS_SECRET_ACCESS_KEY"],
        )
        ecs.create_cluster(clusterName="bench-ours")
        ecs.create_cluster(clusterName="bench-peer")
        # The peer checks nothing before writing; what the checks cost is bench.verify's figure.
        ours = {"ecs_services": _our_services(SERVICES), "deploy_poll_interval": 0.5, "deploy_verify": False}
        peer = {"peer_services": _peer_services(SERVICES)}

        run_playbook(sandbox, OURS, ours)  # creates our 20 services
        run_playbook(sandbox, PEER, peer)  # creates the peer's 20 services

        our_seconds, our_calls = _measure(sandbox, OURS, ours)
        peer_seconds, peer_calls = _measure(sandbox, PEER, peer)
        our_per_service = sum(our_calls.values()) / SERVICES
        peer_per_service = sum(peer_calls.values()) / SERVICES
        print(f"No-op deploy of {SERVICES} services")
        print(
            f"  peer (ecs_taskdefinition + ecs_service): {peer_seconds:6.2f} s, "
            f"{peer_per_service:.2f} ECS calls/service {peer_calls}"
        )
        print(
            f"  ours (deploy role):                      {our_seconds:6.2f} s, {our_per_service:.2f} ECS calls/service "
            f"{our_calls}"
        )
        print(
            f"  ours is {peer_seconds / our_seconds:.1f} times faster (target: at least 3); "
            f"ECS calls per service {our_per_service:.2f} (target: at most 1.2) against {peer_per_service:.2f} "
            f"(target for the peer: at least 3)"
        )

        one = {**ours, "deploy_service": "web-0", "deploy_image": "nginx:1.28"}
        all_services = {**ours, "deploy_service_images": {f"web-{i}": {"app": "nginx:1.29"} for i in range(SERVICES)}}
        one_seconds, _one_calls = _measure(sandbox, OURS, one)
        all_seconds, all_calls = _measure(sandbox, OURS, all_services)
        print(f"New image rolled out (task start delay {TASK_START_DELAY} s)")
        print(f"  1 service:   {one_seconds:6.2f} s")
        print(
            f"  {SERVICES} services: {all_seconds:6.2f} s, {all_calls.get('ecs:UpdateService', 0)} UpdateService, "
            f"{all_calls.get('ecs:DescribeServices', 0)} DescribeServices"
        )
        print(f"  ratio {all_seconds / one_seconds:.2f} (target: at most 1.5)")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
