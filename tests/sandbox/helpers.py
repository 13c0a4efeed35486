"""Helpers for the sandbox tests: the sandbox child process, polling, and small ECS shortcuts."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

REPO_ROOT = Path(__file__).resolve().parents[2]
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
# Clusters have room for every EC2 task, except in the tests of placement itself (test_capacity.py).
FAST = {"task_start_delay": 0.1, "task_stop_delay": 0.05, "ec2_capacity": "unlimited"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class SandboxProcess:
    """A ``python -m sandbox`` child process and its control endpoints."""

    def __init__(self, args: list[str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - kept open for the life of the child process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--port", str(self.port), *(args or [])],
            cwd=REPO_ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sandbox exited early ({self.process.returncode}):\n{self.output()}")
            try:
                if self.request("GET", "health") == {"ok": True}:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"sandbox not ready after {timeout} s:\n{self.output()}")

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_sandbox/{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def calls(self) -> dict[str, Any]:
        return self.request("GET", "calls")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def client(self, service: str, **config: Any):
        return boto3.client(service, endpoint_url=self.url, config=Config(**config) if config else None, **CREDENTIALS)


def wait_for(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy; return that, or fail with the last value seen."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}; last value: {value!r}")


def describe_service(ecs, name: str, cluster: str = "test") -> dict[str, Any]:
    return ecs.describe_services(cluster=cluster, services=[name])["services"][0]


def register(ecs, family: str = "web", image: str = "nginx:1", **extra: Any) -> str:
    container = {"name": "app", "image": image, "memory": 128, **extra.pop("container", {})}
    return ecs.register_task_definition(family=family, containerDefinitions=[container], **extra)["taskDefinition"][
        "taskDefinitionArn"
    ]


def completed(ecs, name: str, cluster: str = "test") -> Callable[[], dict[str, Any] | None]:
    """A check for ``wait_for``: the service once it has one COMPLETED deployment and runs its desired count."""

    def check() -> dict[str, Any] | None:
        service = describe_service(ecs, name, cluster)
        deployments = service["deployments"]
        done = (
            len(deployments) == 1
            and deployments[0]["rolloutState"] == "COMPLETED"
            and service["runningCount"] == service["desiredCount"]
        )
        return service if done else None

    return check
