"""Independent reads side by side: results in order, at most eight in flight, the first error raised."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.parallel import MAX_CONCURRENT_CALLS, in_parallel


def test_results_keep_the_order_of_the_items_and_no_more_than_eight_run_at_once():
    lock = threading.Lock()
    running = {"now": 0, "most": 0}

    def read(number: int) -> int:
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        time.sleep(0.01 * (number % 3))
        with lock:
            running["now"] -= 1
        return number * 10

    assert in_parallel(read, range(40)) == [number * 10 for number in range(40)]
    assert 1 < running["most"] <= MAX_CONCURRENT_CALLS


def test_the_first_error_is_raised():
    def read(number: int) -> int:
        if number == 5:
            raise ValueError("batch 5 failed")
        return number

    with pytest.raises(ValueError, match="batch 5 failed"):
        in_parallel(read, range(10))


def test_one_item_runs_in_the_caller_s_thread():
    assert in_parallel(lambda _: threading.current_thread() is threading.main_thread(), [1]) == [True]
