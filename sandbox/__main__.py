"""Command line entry point: ``python -m sandbox --port 5000``."""

from __future__ import annotations

import argparse
import sys

from sandbox.server import DEFAULT_PORT, run


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Local AWS endpoint for driftless.ecs.")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"TCP port on 127.0.0.1 (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--task-start-delay",
        type=float,
        default=None,
        help="seconds an ECS task takes from PROVISIONING to RUNNING (default 1.0)",
    )
    parser.add_argument(
        "--task-stop-delay",
        type=float,
        default=None,
        help="seconds a draining ECS task takes to reach STOPPED (default 0.5)",
    )
    parser.add_argument(
        "--ec2-capacity",
        choices=["registered", "unlimited"],
        default=None,
        help="EC2 tasks run on registered container instances with room, as in ECS (registered, the default), "
        "or every cluster has room for all of them (unlimited: tests and demos about rollouts, not capacity)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run(
        port=args.port,
        task_start_delay=args.task_start_delay,
        task_stop_delay=args.task_stop_delay,
        verbose=args.verbose,
        ec2_capacity=args.ec2_capacity,
    )


if __name__ == "__main__":
    sys.exit(main())
