# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure: Ansible's template values as plain Python data. Foundation layer.

ansible-core 2.19 hands a filter plugin its arguments as lazy containers, which template their items each time they
are read and copy their tags on every deep copy. Code that walks a declaration many times (resolving, checking,
copying) then spends seconds where plain data takes milliseconds: 100 services took 22 s to resolve, 0.02 s once
converted. A filter that walks its arguments converts them once, at the door (``with_plain_arguments``); one that
reads a few fields of each item in one pass (the deploy role's requests and summary) reads them where they are,
which at 300 services costs a tenth of converting them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any


def plain(value: Any) -> Any:
    """``value`` with every mapping a dict, every list or tuple a list, and every string a str."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def with_plain_arguments(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter function that gets its arguments as plain data (see the module docstring)."""

    @functools.wraps(function)
    def filtered(*args: Any, **kwargs: Any) -> Any:
        return function(*(plain(arg) for arg in args), **{name: plain(value) for name, value in kwargs.items()})

    return filtered


def copy_document(value: Any) -> Any:
    """A deep copy of an API document (dicts, lists, tuples and immutable leaves such as strings and datetimes).

    What ``copy.deepcopy`` gives such data, in about a fifth of the time: the comparisons copy every service and task
    definition several times, and a deploy of 300 services spent a tenth of a second there.
    """
    if isinstance(value, dict):
        return {key: copy_document(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_document(item) for item in value]
    if isinstance(value, tuple):
        return tuple(copy_document(item) for item in value)
    return value
