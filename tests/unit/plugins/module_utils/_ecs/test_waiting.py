"""The polling loop every module waits with, on a fake clock."""

from __future__ import annotations

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.vocabulary import COMPLETED, IN_PROGRESS
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.waiting import poll

from .conftest import FakeClock


def test_first_check_is_immediate_and_done_means_no_sleep():
    clock = FakeClock(100.0)
    ok, seen, elapsed = poll(lambda: "ready", lambda value: value == "ready", 110.0, 2.0, clock)
    assert (ok, seen, elapsed) == (True, "ready", 0.0)
    assert clock.sleeps == []


def test_polls_every_interval_until_done():
    clock = FakeClock(100.0)
    answers = iter([IN_PROGRESS, IN_PROGRESS, COMPLETED])
    ok, seen, elapsed = poll(lambda: next(answers), lambda s: s == COMPLETED, 200.0, 2.0, clock)
    assert (ok, seen, elapsed) == (True, COMPLETED, 4.0)
    assert clock.sleeps == [2.0, 2.0]


def test_timeout_makes_a_last_check_at_the_deadline_and_never_oversleeps():
    clock = FakeClock(100.0)
    checks: list[float] = []

    def fetch() -> str:
        checks.append(clock.time)
        return IN_PROGRESS

    ok, seen, elapsed = poll(fetch, lambda s: s == COMPLETED, 105.0, 2.0, clock)
    assert not ok
    assert seen == IN_PROGRESS
    assert checks == [100.0, 102.0, 104.0, 105.0]
    assert clock.sleeps == [2.0, 2.0, 1.0]
    assert elapsed == 5.0


def test_a_spent_deadline_still_checks_once():
    clock = FakeClock(100.0)
    ok, _seen, _elapsed = poll(lambda: COMPLETED, lambda s: s == COMPLETED, 50.0, 2.0, clock)
    assert ok
    ok, _seen, _elapsed = poll(lambda: IN_PROGRESS, lambda s: s == COMPLETED, 50.0, 2.0, clock)
    assert not ok
    assert clock.sleeps == []
