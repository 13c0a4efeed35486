# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: independent reads side by side, a few at a time. Foundation layer.

A deploy of a hundred services reads a hundred task definitions and ten DescribeServices batches that depend on
nothing but their own arguments. One after the other, AWS's latency adds up (a hundred times 50 ms is five
seconds); eight at a time it is divided by eight, without one call more. The pool is small so that ECS's rate limits
are not provoked, and each call keeps its own retries, throttling included.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

# At most this many calls in flight: ECS's read limits are per second, and a burst of eight stays well below them.
MAX_CONCURRENT_CALLS = 8

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_parallel(function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
    """``[function(item) for item in items]``, up to MAX_CONCURRENT_CALLS at a time, results in the items' order.

    The first exception raised by a call is raised here, once the calls in flight have ended.
    """
    work = list(items)
    if len(work) <= 1:
        return [function(item) for item in work]
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENT_CALLS, len(work))) as pool:
        return list(pool.map(function, work))
