"""Start and stop a private sandbox process from Python: the tests (one per pytest-xdist worker), the benchmarks,
the molecule runner and the demo helpers use it. Loopback only; the process is this launcher's child."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sandbox:
    """A running ``python -m sandbox`` and the controls tests use."""

    def __init__(self, port: int, process: subprocess.Popen) -> None:
        self.port = port
        self.process = process
        self.url = f"http://127.0.0.1:{port}"

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode() or "{}"
        return json.loads(text)

    def reset(self) -> None:
        self._call("POST", "/_sandbox/reset", {})

    def calls(self) -> dict:
        return self._call("GET", "/_sandbox/calls")

    def control(self, path: str, body: dict) -> dict:
        return self._call("POST", f"/_sandbox/{path}", body)

    def env(self) -> dict[str, str]:
        return {**AWS_TEST_ENV, "AWS_ENDPOINT_URL": self.url}

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def start_sandbox(
    extra_args: list[str] | None = None, timeout: float = 30.0, ec2_capacity: str = "unlimited"
) -> Sandbox:
    """A sandbox on a free port. Its clusters have room for every EC2 task unless ``ec2_capacity`` is "registered"
    (ECS's own placement on registered container instances): most callers test rollouts, not capacity."""
    port = free_port()
    env = {**os.environ, **AWS_TEST_ENV}
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--ec2-capacity", ec2_capacity, *(extra_args or [])],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sandbox = Sandbox(port, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sandbox exited with {process.returncode} before it was ready")
        try:
            sandbox._call("GET", "/_sandbox/health")
            return sandbox
        except OSError:
            time.sleep(0.1)
    sandbox.stop()
    raise RuntimeError(f"sandbox on port {port} not ready after {timeout} s")
