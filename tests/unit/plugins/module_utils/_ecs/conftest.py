from __future__ import annotations

import copy
import json
from pathlib import Path

import botocore.session
import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.waiting import Clock

FIXTURES = Path(__file__).parent / "fixtures"


class FakeClock(Clock):
    """Time moves only when the code under test sleeps; ``sleeps`` records each pause."""

    def __init__(self, start: float = 0.0) -> None:
        self.time = start
        self.sleeps: list[float] = []
        super().__init__(now=lambda: self.time, sleep=self._sleep)

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="session")
def ecs_model():
    return botocore.session.get_session().get_service_model("ecs")


@pytest.fixture(scope="session")
def register_shape(ecs_model):
    return ecs_model.operation_model("RegisterTaskDefinition").input_shape


@pytest.fixture
def described_web() -> dict:
    """DescribeTaskDefinition(include=TAGS) of web:7, merged the way api.describe_task_definition returns it."""
    response = load_fixture("web_described.json")
    definition = response["taskDefinition"]
    definition["tags"] = response["tags"]
    return definition


@pytest.fixture
def declared_web() -> dict:
    """The JSON a user wrote for web: other order, other units, numbers as strings, bootstrap image."""
    return copy.deepcopy(load_fixture("web_declared.json"))
