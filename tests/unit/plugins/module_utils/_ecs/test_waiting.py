"""The polling loop every module waits with, on a fake clock."""

from __future__ import annotations

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.vocabulary import COMPLETED, IN_PROGRESS
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.waiting import Clock, poll


class FakeClock(Clock):
    """Time moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.time = 100.0
        self.sleeps: list[float] = []
        super().__init__(now=lambda: self.time, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds


def test_first_check_is_immediate_and_done_means_no_sleep():
    clock = FakeClock()
    ok, seen, elapsed = poll(lambda: "ready", lambda value: value == "ready", 110.0, 2.0, clock)
    assert (ok, seen, elapsed) == (True, "ready", 0.0)
    assert clock.sleeps == []


def test_polls_every_interval_until_done():
    clock = FakeClock()
    answers = iter([IN_PROGRESS, IN_PROGRESS, COMPLETED])
    ok, seen, elapsed = poll(lambda: next(answers), lambda s: s == COMPLETED, 200.0, 2.0, clock)
    assert (ok, seen, elapsed) == (True, COMPLETED, 4.0)
    assert clock.sleeps == [2.0, 2.0]


def test_timeout_makes_a_last_check_at_the_deadline_and_never_oversleeps():
    clock = FakeClock()
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
    clock = FakeClock()
    ok, _seen, _elapsed = poll(lambda: COMPLETED, lambda s: s == COMPLETED, 50.0, 2.0, clock)
    assert ok
    ok, _seen, _elapsed = poll(lambda: IN_PROGRESS, lambda s: s == COMPLETED, 50.0, 2.0, clock)
    assert not ok
    assert clock.sleeps == []
