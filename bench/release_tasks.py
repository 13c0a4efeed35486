"""What a migration adds to a deploy beyond the migration's own run time, and the calls it makes.

One EC2 service, deployed to a new image twice on one sandbox: once without tasks, once with a run_before_deploy
migration that the sandbox makes run for MIGRATION_SECONDS. The difference, less the migration's own time, is the
cost of running it (start, follow, read its log lines). Target: at most one poll interval. The calls it adds are
printed beside it. Run with ``make bench`` or ``python -m bench.release_tasks``.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import aws_client, run_playbook, start_sandbox

MIGRATION_SECONDS = 3.0
POLL_INTERVAL = 1.0
DEPLOY = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: driftless.ecs.deploy
"""


def _service(name: str, migrate: bool) -> dict:
    service = {
        "name": name,
        "cluster": "bench-release",
        "execution_role": False,
        "task_definition": {
            "containerDefinitions": [
                {
                    "name": "app",
                    "image": f"registry.example/{name}:1",
                    "memory": 128,
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": "/ecs/bench-release",
                            "awslogs-region": "us-east-1",
                            "awslogs-stream-prefix": name,
                        },
                    },
                }
            ]
        },
        "service": {"desired_count": 1, "launch_type": "EC2"},
    }
    if migrate:
        service["run_before_deploy"] = [{"name": "migrate", "command": ["bin/migrate"]}]
    return service


def _variables(name: str, migrate: bool, image: str) -> dict:
    return {
        "ecs_region": "us-east-1",
        "ecs_services": [_service(name, migrate)],
        "deploy_verify": False,
        "deploy_poll_interval": POLL_INTERVAL,
        "deploy_service_images": {name: {"app": image}},
    }


def main() -> None:
    sandbox = start_sandbox(["--task-start-delay", "0.5", "--ec2-capacity", "unlimited"])
    try:
        aws_client(sandbox, "ecs").create_cluster(clusterName="bench-release")
        aws_client(sandbox, "logs").create_log_group(logGroupName="/ecs/bench-release")
        sandbox.control(
            "task-results",
            {
                "results": [
                    {
                        "match": {"command": "bin/migrate"},
                        "exit_code": 0,
                        "seconds": MIGRATION_SECONDS,
                        "log": ["Applying migrations... OK"],
                    }
                ]
            },
        )
        timings = {}
        calls = {}
        for migrate in (False, True):
            name = "with-migration" if migrate else "plain"
            run_playbook(sandbox, DEPLOY, _variables(name, migrate, f"registry.example/{name}:1"))
            sandbox.control("calls/reset", {})
            seconds, _ = run_playbook(sandbox, DEPLOY, _variables(name, migrate, f"registry.example/{name}:2"))
            timings[migrate] = seconds
            calls[migrate] = {k: v for k, v in sandbox.calls().items() if isinstance(v, int) and ":" in k}
        ecs = aws_client(sandbox, "ecs")
        stopped = ecs.list_tasks(
            cluster="bench-release", desiredStatus="STOPPED", startedBy="driftless.ecs/with-migration/migrate"
        )
        task = ecs.describe_tasks(cluster="bench-release", tasks=stopped["taskArns"][-1:])["tasks"][0]
        # The task's own time: from RunTask (createdAt) to STOPPED, its start and its run.
        own = task["stoppedAt"].timestamp() - task["createdAt"].timestamp()
        added = timings[True] - timings[False] - own
        extra = {
            key: calls[True].get(key, 0) - calls[False].get(key, 0)
            for key in sorted(set(calls[True]) | set(calls[False]))
            if calls[True].get(key, 0) != calls[False].get(key, 0)
        }
        print(
            f"New image to one service, poll interval {POLL_INTERVAL:.1f} s, a migration of {MIGRATION_SECONDS:.1f} s"
        )
        print(f"  without the migration: {timings[False]:6.2f} s")
        print(f"  with the migration:    {timings[True]:6.2f} s")
        print(f"  the migration task's own time (start and run): {own:.2f} s")
        print(f"  added beyond the task's own time: {added:+.2f} s (target: at most {POLL_INTERVAL:.1f} s)")
        print(f"  calls the migration adds: {sum(extra.values())} {extra}")
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
