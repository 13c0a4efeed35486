"""Image choice (drift adoption) and the no-duplicate registration, with an in-memory ECS."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.exceptions import AnsibleECSError
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_compare import desired_definition
from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_live import register_once

DECLARED = {
    "family": "web",
    "containerDefinitions": [
        {"name": "app", "image": "nginx:stable"},
        {"name": "sidecar", "image": "envoy:1.30"},
    ],
}
LIVE = {
    "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
    "family": "web",
    "containerDefinitions": [
        {"name": "app", "image": "web:2.4.1"},
        {"name": "sidecar", "image": "envoy:1.30"},
    ],
}


def _images(desired: dict) -> dict:
    return {container["name"]: container["image"] for container in desired["containerDefinitions"]}


def test_live_image_is_kept_and_reported_as_drift():
    desired, choices, drift = desired_definition(DECLARED, None, LIVE, force_bootstrap_image=False)
    assert _images(desired) == {"app": "web:2.4.1", "sidecar": "envoy:1.30"}
    assert drift == [{"container": "app", "field": "image", "declared": "nginx:stable", "live": "web:2.4.1"}]
    assert [choice["source"] for choice in choices] == ["live", "live"]
    assert DECLARED["containerDefinitions"][0]["image"] == "nginx:stable", "the declared input is not modified"


def test_given_image_wins_for_its_container_only():
    desired, choices, drift = desired_definition(DECLARED, {"sidecar": "envoy:1.31"}, LIVE, False)
    assert _images(desired) == {"app": "web:2.4.1", "sidecar": "envoy:1.31"}
    assert [choice["source"] for choice in choices] == ["live", "images"]
    assert [item["container"] for item in drift] == ["app"]


def test_force_bootstrap_image_returns_to_the_declared_images():
    desired, _choices, drift = desired_definition(DECLARED, None, LIVE, force_bootstrap_image=True)
    assert _images(desired) == {"app": "nginx:stable", "sidecar": "envoy:1.30"}
    assert drift == []


def test_without_a_live_service_the_bootstrap_images_are_used():
    desired, choices, drift = desired_definition(DECLARED, None, None, False)
    assert _images(desired) == {"app": "nginx:stable", "sidecar": "envoy:1.30"}
    assert {choice["source"] for choice in choices} == {"declared"}
    assert drift == []


def test_a_container_new_to_the_definition_gets_its_declared_image():
    live = {**LIVE, "containerDefinitions": [{"name": "app", "image": "web:2.4.1"}]}
    desired, choices, _drift = desired_definition(DECLARED, None, live, False)
    assert _images(desired)["sidecar"] == "envoy:1.30"
    assert choices[1] == {"container": "sidecar", "image": "envoy:1.30", "source": "declared", "live_image": None}


class FakeECS:
    """Just enough of RegisterTaskDefinition/DescribeTaskDefinition to test recovery from lost responses."""

    def __init__(self, failures: list[str]) -> None:
        self.failures = list(failures)
        self.revisions: list[dict] = []
        self.register_calls = 0

    def register_task_definition(self, **request):
        self.register_calls += 1
        failure = self.failures.pop(0) if self.failures else None
        if failure == "throttle":
            raise _client_error("ThrottlingException", 400)
        if failure == "reject":
            raise _client_error("ClientException", 400)
        revision = {
            **request,
            "revision": len(self.revisions) + 1,
            "taskDefinitionArn": f"arn:aws:ecs:us-east-1:123456789012:task-definition/web:{len(self.revisions) + 1}",
            "status": "ACTIVE",
        }
        self.revisions.append(revision)
        if failure == "lose":
            raise _client_error("ServerException", 500)
        if failure == "reset":
            raise botocore.exceptions.ConnectionClosedError(endpoint_url="http://127.0.0.1")
        return {"taskDefinition": revision}

    def describe_task_definition(self, taskDefinition, include=None, aws_retry=False):
        if not self.revisions:
            raise _client_error("ClientException", 400)
        return {"taskDefinition": self.revisions[-1], "tags": []}


def _client_error(code: str, status: int) -> botocore.exceptions.ClientError:
    return botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "RegisterTaskDefinition",
    )


@pytest.mark.parametrize("failure", ["lose", "reset"])
def test_a_lost_response_leaves_exactly_one_revision(failure):
    ecs = FakeECS([failure])
    result = register_once(ecs, DECLARED, sleep=lambda seconds: None)
    assert len(ecs.revisions) == 1
    assert ecs.register_calls == 1, "the revision the lost call made is found, not registered again"
    assert result["revision"] == 1


def test_a_throttled_registration_is_sent_again():
    ecs = FakeECS(["throttle", "throttle"])
    pauses: list[float] = []
    result = register_once(ecs, DECLARED, sleep=pauses.append)
    assert ecs.register_calls == 3
    assert len(ecs.revisions) == 1
    assert result["revision"] == 1
    assert pauses == [1.0, 2.0]


def test_a_rejected_registration_fails_at_once():
    ecs = FakeECS(["reject"])
    with pytest.raises(AnsibleECSError, match="Failed to register task definition"):
        register_once(ecs, DECLARED, sleep=lambda seconds: None)
    assert ecs.register_calls == 1


def test_registration_gives_up_after_its_attempts_and_leaves_nothing():
    ecs = FakeECS(["throttle"] * 12)
    with pytest.raises(AnsibleECSError, match="after 11 attempts"):
        register_once(ecs, DECLARED, sleep=lambda seconds: None)
    assert ecs.revisions == []
