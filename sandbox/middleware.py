"""WSGI layer in front of moto: control endpoints, call accounting, throttling and fault injection.

Every signed AWS request is counted under ``service:Action`` before anything else happens to it, then may be
throttled (answered with the service's own throttling error, the action not performed), then may hit a fault
rule (``error``: answered with a server error, not performed; ``lose_response``: performed, but the client gets
a server error instead of the answer). Everything under ``/_sandbox/`` is a control endpoint (see README.md).
"""

from __future__ import annotations

import fnmatch
import io
import json
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from moto.moto_api._internal.models import moto_api_backend
from werkzeug.test import run_wsgi_app

from sandbox import ecs, protocols
from sandbox.ecs import targets, task_results
from sandbox.protocols import ApiCall

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
CONTROL_PREFIX = "/_sandbox/"
FAULT_MODES = ("lose_response", "error")


class ControlError(ValueError):
    """A control request the sandbox cannot apply; answered with HTTP 400."""


class CallLog:
    """Counts of API calls since the last reset, plus the throttled and faulted subsets."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.throttled: Counter[str] = Counter()
        self.faulted: Counter[str] = Counter()

    def record(self, key: str, bucket: str = "calls") -> None:
        with self._lock:
            getattr(self, bucket)[key] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            result: dict[str, Any] = dict(sorted(self.calls.items()))
            if self.throttled:
                result["throttled"] = dict(sorted(self.throttled.items()))
            if self.faulted:
                result["faulted"] = dict(sorted(self.faulted.items()))
            return result

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.throttled.clear()
            self.faulted.clear()


def _matches(patterns: list[str] | None, key: str) -> bool:
    return patterns is None or any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns)


class Throttle:
    """Answer a share of matching calls with the service's throttling error; a seed makes the choice repeatable."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.configure({})

    def configure(self, body: dict[str, Any]) -> dict[str, Any]:
        rate = float(body.get("rate", 0) or 0)
        if not 0 <= rate <= 1:
            raise ControlError("rate must be between 0 and 1")
        actions = body.get("actions")
        if actions is not None and (not isinstance(actions, list) or not all(isinstance(a, str) for a in actions)):
            raise ControlError("actions must be a list of 'service:Action' strings")
        with self._lock:
            self.rate = rate
            self.actions = actions or None
            self.seed = body.get("seed")
            self._random = random.Random(self.seed)
        return self.describe()

    def describe(self) -> dict[str, Any]:
        return {"rate": self.rate, "actions": self.actions, "seed": self.seed}

    def hit(self, key: str) -> bool:
        with self._lock:
            if self.rate <= 0 or not _matches(self.actions, key):
                return False
            return self._random.random() < self.rate


@dataclass
class Fault:
    action: str
    mode: str
    remaining: int
    message: str
    # Matching calls to let through before the fault starts: the third registration of a run, not the first.
    after: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "mode": self.mode,
            "count": self.remaining,
            "message": self.message,
            "after": self.after,
        }


class Faults:
    """One-shot (or ``count``-shot) failures keyed by action pattern, consumed in the order they were given."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[Fault] = []

    def configure(self, body: dict[str, Any]) -> dict[str, Any]:
        specs = body.get("faults")
        if not isinstance(specs, list):
            raise ControlError('expected {"faults": [{"action": ..., "mode": ..., "count": ...}]}')
        rules = []
        for spec in specs:
            if not isinstance(spec, dict) or not isinstance(spec.get("action"), str):
                raise ControlError("each fault needs an 'action' such as 'ecs:RegisterTaskDefinition'")
            mode = spec.get("mode", "error")
            if mode not in FAULT_MODES:
                raise ControlError(f"mode must be one of {', '.join(FAULT_MODES)}")
            count = int(spec.get("count", 1))
            if count < 1:
                raise ControlError("count must be at least 1")
            message = str(spec.get("message") or "We encountered an internal error. Please try again.")
            after = int(spec.get("after", 0))
            if after < 0:
                raise ControlError("after must be 0 or more")
            rules.append(Fault(spec["action"], mode, count, message, after))
        with self._lock:
            self.rules = rules
        return self.describe()

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {"faults": [rule.describe() for rule in self.rules]}

    def take(self, key: str) -> Fault | None:
        with self._lock:
            for rule in self.rules:
                if rule.remaining > 0 and fnmatch.fnmatchcase(key, rule.action):
                    if rule.after > 0:
                        rule.after -= 1
                        continue
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self.rules.remove(rule)
                    return rule
        return None

    def clear(self) -> None:
        with self._lock:
            self.rules = []


class SandboxMiddleware:
    """The outermost WSGI application: wraps moto's DomainDispatcherApplication."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.calls = CallLog()
        self.throttle = Throttle()
        self.faults = Faults()
        ecs.add_call_recorder(self.calls.record)
        self.routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
            ("GET", "health"): lambda _body: {"ok": True},
            ("GET", "calls"): lambda _body: self.calls.snapshot(),
            ("DELETE", "calls"): self._clear_calls,
            ("POST", "calls/reset"): self._clear_calls,
            ("POST", "reset"): self._reset,
            ("GET", "failing-images"): lambda _body: {"patterns": list(ecs.settings().failing_images)},
            ("POST", "failing-images"): self._set_failing_images,
            ("GET", "throttle"): lambda _body: self.throttle.describe(),
            ("POST", "throttle"): self.throttle.configure,
            ("GET", "faults"): lambda _body: self.faults.describe(),
            ("POST", "faults"): self.faults.configure,
            ("GET", "config"): lambda _body: ecs.settings().as_dict(),
            ("POST", "config"): self._configure,
            ("GET", "clock"): lambda _body: {"minute_seconds": ecs.settings().minute_seconds},
            ("POST", "clock"): self._set_clock,
            ("GET", "hook-results"): lambda _body: {"results": dict(ecs.settings().hook_results)},
            ("POST", "hook-results"): self._set_hook_results,
            ("GET", "task-results"): lambda _body: {"results": list(ecs.settings().task_results)},
            ("POST", "task-results"): self._set_task_results,
        }

    # --- control endpoints ---

    def _clear_calls(self, _body: dict[str, Any]) -> dict[str, Any]:
        self.calls.clear()
        return {}

    def _reset(self, _body: dict[str, Any]) -> dict[str, Any]:
        with ecs.LOCK:
            moto_api_backend.reset()
            ecs.SETTINGS.reset()
            targets.reset()
        self.throttle.configure({})
        self.faults.clear()
        self.calls.clear()
        return {"reset": True}

    def _set_failing_images(self, body: dict[str, Any]) -> dict[str, Any]:
        patterns = body.get("patterns")
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ControlError('expected {"patterns": ["GLOB", ...]}')
        with ecs.LOCK:
            ecs.settings().failing_images = list(patterns)
        return {"patterns": patterns}

    def _set_clock(self, body: dict[str, Any]) -> dict[str, Any]:
        if set(body) != {"minute_seconds"}:
            raise ControlError('expected {"minute_seconds": SECONDS}')
        value = float(body["minute_seconds"])
        if not value >= 0:
            raise ControlError("minute_seconds must not be negative")
        with ecs.LOCK:
            ecs.settings().minute_seconds = value
        return {"minute_seconds": value}

    def _set_hook_results(self, body: dict[str, Any]) -> dict[str, Any]:
        results = body.get("results")
        if not isinstance(results, dict) or not all(
            isinstance(key, str) and value in ("SUCCEEDED", "FAILED") for key, value in results.items()
        ):
            raise ControlError('expected {"results": {"GLOB": "SUCCEEDED" | "FAILED"}}')
        with ecs.LOCK:
            ecs.settings().hook_results = dict(results)
        return {"results": dict(results)}

    def _set_task_results(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            results = task_results.validate(body.get("results"))
        except ValueError as error:
            raise ControlError(str(error)) from None
        with ecs.LOCK:
            ecs.settings().task_results = results
        return {"results": results}

    def _configure(self, body: dict[str, Any]) -> dict[str, Any]:
        current = ecs.settings()
        values = {}
        for key in ("task_start_delay", "task_stop_delay", "stage_seconds"):
            if key in body:
                value = float(body[key])
                if value < 0:
                    raise ControlError(f"{key} must not be negative")
                values[key] = value
        if "ec2_capacity" in body:
            if body["ec2_capacity"] not in ("registered", "unlimited"):
                raise ControlError("ec2_capacity must be 'registered' or 'unlimited'")
            values["ec2_capacity"] = body["ec2_capacity"]
        unknown = set(body) - {"task_start_delay", "task_stop_delay", "stage_seconds", "ec2_capacity"}
        if unknown:
            raise ControlError(f"unknown settings: {', '.join(sorted(unknown))}")
        with ecs.LOCK:
            for key, value in values.items():
                setattr(current, key, value)
        return current.as_dict()

    def _control(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")[len(CONTROL_PREFIX) :].strip("/")
        method = environ.get("REQUEST_METHOD", "GET")
        handler = self.routes.get((method, path))
        if handler is None:
            known = sorted({name for _, name in self.routes})
            return _json(start_response, "404 Not Found", {"error": f"no {method} /_sandbox/{path}", "known": known})
        try:
            raw = _read_body(environ)
            body = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise ControlError("the body must be a JSON object")
            return _json(start_response, "200 OK", handler(body))
        except (ControlError, ValueError, TypeError) as error:
            return _json(start_response, "400 Bad Request", {"error": str(error)})

    # --- AWS requests ---

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response)
        if path.rstrip("/") == "/moto-api/reset":
            # moto's own reset also drops the ECS extension (it lives on moto's backend): keep the ticker out.
            with ecs.LOCK:
                return _buffered(self.app, environ, start_response)
        body = _read_body(environ)
        call = protocols.identify(environ, body)
        if call is None:
            return self.app(environ, start_response)
        self.calls.record(call.key)
        if self.throttle.hit(call.key):
            self.calls.record(call.key, "throttled")
            return _send(start_response, protocols.throttling_response(call))
        fault = self.faults.take(call.key)
        if fault is not None:
            self.calls.record(call.key, "faulted")
            if fault.mode == "lose_response":
                self._perform(call, environ)
            return _send(start_response, protocols.server_error_response(call, fault.message))
        if call.service == "ecs":
            # ECS requests and the simulation ticker take turns on the same state.
            with ecs.LOCK:
                return _buffered(self.app, environ, start_response)
        return self.app(environ, start_response)

    def _perform(self, call: ApiCall, environ: dict) -> None:
        """Run the request for real and throw the answer away."""
        if call.service == "ecs":
            with ecs.LOCK:
                app_iter, _status, _headers = run_wsgi_app(self.app, environ, buffered=True)
        else:
            app_iter, _status, _headers = run_wsgi_app(self.app, environ, buffered=True)
        for _chunk in app_iter:
            pass
        if hasattr(app_iter, "close"):
            app_iter.close()


def _read_body(environ: dict) -> bytes:
    """Read the request body once and put it back, so moto can read it again."""
    cached = environ.get("sandbox.body")
    if cached is not None:
        environ["wsgi.input"] = io.BytesIO(cached)
        return cached
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH") or ""
    if stream is None:
        body = b""
    elif length.isdigit():
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["sandbox.body"] = body
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _buffered(app: WsgiApp, environ: dict, start_response: Callable) -> list[bytes]:
    """Run the app to completion now (under whatever lock the caller holds) and hand back its whole answer."""
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    try:
        body = b"".join(app_iter)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    start_response(status, headers.to_wsgi_list())
    return [body]


def _send(start_response: Callable, response: protocols.Response) -> list[bytes]:
    status, headers, body = response
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]


def _json(start_response: Callable, status: str, payload: Any) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
