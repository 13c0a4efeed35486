# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: the one clock and the one polling loop of every module. Foundation layer.

Orchestration code never calls ``time`` itself: it takes a ``Clock``, so tests drive hours of waiting in
microseconds, and a deadline computed once serves a whole run.
"""

from __future__ import annotations

import datetime
import time
from typing import Any, Callable


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


class Clock:
    """The time sources of a run: monotonic seconds, a sleep, and the wall-clock time reported in results."""

    def __init__(
        self,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall: Callable[[], str] = utc_now,
    ):
        self.now = now
        self.sleep = sleep
        self.wall = wall


def poll(
    fetch: Callable[[], Any],
    done: Callable[[Any], bool],
    deadline: float,
    interval: float,
    clock: Clock,
) -> tuple[bool, Any, float]:
    """Call ``fetch`` until ``done`` says yes about what it returned, or ``deadline`` passes.

    The first check is immediate, and the last one happens at the deadline itself: a rollout that finishes in
    the final interval is not reported as a timeout.

    Args:
        fetch: reads the current state (DescribeServices, DescribeServiceDeployments).
        done: pure predicate over what ``fetch`` returned.
        deadline: a ``clock.now()`` value after which no more checks are made. One deadline serves a whole run.
        interval: seconds between checks.
        clock: the run's time sources.

    Returns:
        ``(ok, last_seen, elapsed)``. ``ok`` is False on timeout; nothing is raised: the caller knows what the
        partial result is and raises ``ECSTimeoutError`` with it.
    """
    start = clock.now()
    while True:
        seen = fetch()
        if done(seen):
            return True, seen, clock.now() - start
        remaining = deadline - clock.now()
        if remaining <= 0:
            return False, seen, clock.now() - start
        clock.sleep(min(interval, remaining))
