from __future__ import annotations

import threading

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.api import ClientOnFirstUse
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.parallel import in_parallel


class FakeClient:
    def describe_services(self, **kwargs):
        return {"services": [], "asked": kwargs}


def counting_maker(made: list) -> callable:
    def make():
        made.append(threading.get_ident())
        return FakeClient()

    return make


def test_a_client_nobody_calls_is_never_made():
    made: list = []
    ClientOnFirstUse(counting_maker(made))
    assert made == []


def test_the_first_call_makes_the_client_and_later_calls_reuse_it():
    made: list = []
    client = ClientOnFirstUse(counting_maker(made))
    assert client.describe_services(cluster="prod") == {"services": [], "asked": {"cluster": "prod"}}
    client.describe_services(cluster="dev")
    assert len(made) == 1


def test_calls_side_by_side_make_one_client():
    made: list = []
    client = ClientOnFirstUse(counting_maker(made))
    answers = in_parallel(lambda name: client.describe_services(services=[name]), [f"web-{n}" for n in range(40)])
    assert len(answers) == 40
    assert len(made) == 1


def test_a_client_that_cannot_be_made_fails_once_for_every_thread():
    attempts: list = []

    def make():
        attempts.append(1)
        raise SystemExit(1)  # what fail_json ends a module with, after printing its one answer

    client = ClientOnFirstUse(make)
    with pytest.raises(SystemExit):
        in_parallel(lambda name: client.describe_services(services=[name]), [f"web-{n}" for n in range(20)])
    with pytest.raises(SystemExit):
        client.describe_services(services=["web-0"])
    assert len(attempts) == 1
