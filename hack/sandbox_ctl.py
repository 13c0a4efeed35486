"""Start the sandbox in the background and wait until it answers, or stop the one started that way.

Usage: python hack/sandbox_ctl.py start|stop PORT   (what `make sandbox-start` and `make sandbox-stop` run)

The process id is kept in .cache/sandbox-PORT.pid; `stop` ends only that process, and only when it is still a
sandbox of this checkout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _pid_file(port: int) -> Path:
    return REPO_ROOT / ".cache" / f"sandbox-{port}.pid"


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1):
            return True
    except OSError:
        return False


def start(port: int) -> int:
    if _healthy(port):
        print(f"port {port} already answers: stop what runs there, or use SANDBOX_PORT=...", file=sys.stderr)
        return 1
    log = REPO_ROOT / ".cache" / f"sandbox-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "--port", str(port)],
            cwd=REPO_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _pid_file(port).write_text(str(process.pid))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _healthy(port):
            print(f"sandbox on http://127.0.0.1:{port} (log: {log.relative_to(REPO_ROOT)})")
            return 0
        if process.poll() is not None:
            print(f"the sandbox exited with {process.returncode}; see {log}", file=sys.stderr)
            return 1
        time.sleep(0.2)
    print(f"the sandbox did not answer within 60 s; see {log}", file=sys.stderr)
    return 1


def stop(port: int) -> int:
    pid_file = _pid_file(port)
    if not pid_file.exists():
        print(f"no sandbox started with `make sandbox-start` on port {port}")
        return 0
    pid = int(pid_file.read_text())
    pid_file.unlink()
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return 0
    if b"sandbox" not in command:
        return 0
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.1)
    print(f"sandbox on port {port} stopped")
    return 0


if __name__ == "__main__":
    verb, port_text = sys.argv[1], sys.argv[2]
    sys.exit(start(int(port_text)) if verb == "start" else stop(int(port_text)))
