"""Build the sandbox's WSGI application and serve it on 127.0.0.1 until SIGINT or SIGTERM.

The application is moto's DomainDispatcherApplication (it routes each request to a moto service by its signature)
with the ECS extension installed and ``SandboxMiddleware`` in front. A ticker thread advances the ECS simulation
every 50 ms so deployments progress while nobody is calling.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading
from types import FrameType

from moto import backends
from moto.core import responses as moto_responses
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from sandbox import autoscaling, ecr, ecs, elbv2, iam, iam_simulation, scheduler
from sandbox import logs as cloudwatch_logs
from sandbox.middleware import SandboxMiddleware

DEFAULT_PORT = 5000
HOST = "127.0.0.1"
TICK_SECONDS = 0.05

log = logging.getLogger("sandbox")


class QuietRequestHandler(MotoRequestHandler):
    """moto's handler without a log line per request (the tests make thousands)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if log.isEnabledFor(logging.DEBUG):
            super().log_request(code, size)


class Ticker(threading.Thread):
    """Advances the ECS simulation on a fixed period until stopped."""

    def __init__(self, period: float = TICK_SECONDS) -> None:
        super().__init__(name="sandbox-ticker", daemon=True)
        self.period = period
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.period):
            try:
                ecs.tick_all()
            except Exception:  # the clock must keep running whatever one step did
                log.exception("simulation step failed")

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


def _route_without_rereading() -> None:
    """Answers moto works out again on every request, although they cannot change while the sandbox serves.

    It lists its package folder twice (some 180 stat calls) to route a request, and lists the methods of the
    service's response class to find the action. Together they were half the time of a DescribeTaskDefinition.
    """
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    moto_responses.method_names_from_class = functools.lru_cache(maxsize=None)(moto_responses.method_names_from_class)


def build_app() -> SandboxMiddleware:
    _route_without_rereading()
    ecs.install()
    iam.install()
    ecr.install()
    iam_simulation.install()
    autoscaling.install()
    scheduler.install()
    cloudwatch_logs.install()
    elbv2.install()
    dispatcher = DomainDispatcherApplication(create_backend_app)
    return SandboxMiddleware(dispatcher)


def run(
    port: int = DEFAULT_PORT,
    task_start_delay: float | None = None,
    task_stop_delay: float | None = None,
    verbose: bool = False,
    ec2_capacity: str | None = None,
) -> int:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    # moto builds URLs for some answers from this; it must name the port we serve on.
    os.environ.setdefault("MOTO_PORT", str(port))
    ecs.SETTINGS.set_defaults(task_start_delay, task_stop_delay, ec2_capacity)
    app = build_app()
    server = make_server(HOST, port, app, threaded=True, request_handler=QuietRequestHandler)
    ticker = Ticker()

    def shutdown(signum: int, _frame: FrameType | None) -> None:
        log.warning("received signal %d, stopping", signum)
        # serve_forever() runs on this (main) thread: shutdown() waits for it, so it must run on another one.
        threading.Thread(target=server.shutdown, name="sandbox-shutdown", daemon=True).start()

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    ticker.start()
    print(f"sandbox listening on http://{HOST}:{port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        ticker.stop()
        server.server_close()
    return 0
