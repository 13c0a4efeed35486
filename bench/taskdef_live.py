"""ecs_taskdef_live: a run with nothing to change makes at most two ECS calls and no write.

Prints the ECS calls of a no-op run against a service that exists (DescribeServices and DescribeTaskDefinition
expected), then of a 20-service no-op run in one module call (batched DescribeServices).
"""

from __future__ import annotations

import boto3

from bench.common import ecs_calls, run_playbook, start_sandbox

TASK_DEFINITION = {
    "family": "bench-web",
    "containerDefinitions": [
        {"name": "app", "image": "nginx:1.27", "memory": 128, "portMappings": [{"containerPort": 80}]}
    ],
}

SINGLE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - driftless.ecs.ecs_taskdef_live:
        cluster: bench
        service: web-0
        task_definition: "{{ td }}"
      register: resolved
    - ansible.builtin.assert:
        that: resolved is not changed
"""

MANY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - driftless.ecs.ecs_taskdef_live:
        definitions: "{{ items }}"
      register: resolved
    - ansible.builtin.assert:
        that: resolved is not changed
"""


def _setup(sandbox, count: int) -> list[dict]:
    ecs = boto3.client(
        "ecs",
        endpoint_url=sandbox.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ecs.create_cluster(clusterName="bench")
    items = []
    for index in range(count):
        definition = {**TASK_DEFINITION, "family": f"bench-web-{index}"}
        arn = ecs.register_task_definition(**definition)["taskDefinition"]["taskDefinitionArn"]
        ecs.create_service(cluster="bench", serviceName=f"web-{index}", taskDefinition=arn, desiredCount=1)
        items.append({"cluster": "bench", "service": f"web-{index}", "task_definition": definition})
    return items


def main() -> None:
    sandbox = start_sandbox()
    try:
        items = _setup(sandbox, 20)
        before = ecs_calls(sandbox.calls())
        seconds, _output = run_playbook(sandbox, SINGLE, {"td": items[0]["task_definition"]})
        # The first service is web-0: the playbook resolves it with the definition it already runs.
        single = _delta(before, ecs_calls(sandbox.calls()))
        print("ecs_taskdef_live, one service, nothing to change")
        print(f"  ECS calls: {sum(single.values())} {single}")
        print(f"  writes: {sum(v for k, v in single.items() if not k.split(':')[1].startswith(('Describe', 'List')))}")
        print(f"  wall time: {seconds:.2f} s (one ansible-playbook run)")

        before = ecs_calls(sandbox.calls())
        seconds, _output = run_playbook(sandbox, MANY, {"items": items})
        many = _delta(before, ecs_calls(sandbox.calls()))
        print("ecs_taskdef_live, 20 services in one call, nothing to change")
        print(f"  ECS calls: {sum(many.values())} ({sum(many.values()) / 20:.2f} per service) {many}")
        print(f"  wall time: {seconds:.2f} s")
    finally:
        sandbox.stop()


def _delta(before: dict, after: dict) -> dict[str, int]:
    return {key: after[key] - before.get(key, 0) for key in after if after[key] - before.get(key, 0)}


if __name__ == "__main__":
    main()
