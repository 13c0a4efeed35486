"""The sandbox's ECS model: task definitions, services, rolling deployments and tasks, grafted onto moto.

``install()`` patches moto's ECS responses; ``tick_all()`` advances every simulated service and task and is
called by the server's ticker thread (and before each ECS request, so answers are never stale).
"""

from __future__ import annotations

import logging

from sandbox.ecs import services
from sandbox.ecs.api import install
from sandbox.ecs.state import LOCK, SETTINGS, add_call_recorder, all_stores, settings

__all__ = ["LOCK", "SETTINGS", "add_call_recorder", "install", "settings", "tick_all"]

log = logging.getLogger(__name__)


def tick_all() -> None:
    with LOCK:
        for store in list(all_stores()):
            try:
                services.tick(store)
            except Exception:  # a bug in one region must not stop the clock for the others
                log.exception("ECS simulation step failed for %s/%s", store.account_id, store.region)
