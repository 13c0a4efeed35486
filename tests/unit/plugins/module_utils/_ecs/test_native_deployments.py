"""When a tracker is done waiting, and whether that is success, for each ``wait_until``: a pure table."""

from __future__ import annotations

import pytest

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.native_deployments import Tracker

ARN = "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc"
SCALED = [("IN_PROGRESS", "SCALE_UP")]
BAKING = [*SCALED, ("IN_PROGRESS", "BAKE_TIME")]
ENDED_WELL = [*BAKING, ("SUCCESSFUL", "CLEAN_UP")]
ROLLING_BACK_AT_BAKE = [*BAKING, ("ROLLBACK_IN_PROGRESS", "BAKE_TIME")]
ROLLED_BACK = [*ROLLING_BACK_AT_BAKE, ("ROLLBACK_SUCCESSFUL", "CLEAN_UP")]


@pytest.mark.parametrize(
    ("wait_until", "seen", "settled", "succeeded"),
    [
        ("completed", SCALED, False, False),
        ("completed", BAKING, False, False),
        ("completed", ENDED_WELL, True, True),
        ("completed", ROLLED_BACK, True, False),
        ("BAKE_TIME", SCALED, False, False),
        ("BAKE_TIME", BAKING, True, True),
        # Reached, then rolling back: not done waiting (the rollback is followed), and not a success.
        ("BAKE_TIME", ROLLING_BACK_AT_BAKE, False, False),
        ("BAKE_TIME", ROLLED_BACK, True, False),
        # A stage stepped over between two polls counts as reached.
        ("POST_PRODUCTION_TRAFFIC_SHIFT", BAKING, True, True),
        # A stage AWS adds later is waited for by name only.
        ("SOME_FUTURE_STAGE", BAKING, False, False),
    ],
)
def test_settled_and_succeeded_by_wait_until(wait_until, seen, settled, succeeded):
    tracker = Tracker(ARN, "prod/web", wait_until)
    for index, (status, stage) in enumerate(seen):
        tracker.see({"status": status, "lifecycleStage": stage}, f"t{index}")
    assert (tracker.settled(), tracker.succeeded()) == (settled, succeeded)


def test_a_tracker_waits_for_completion_unless_told_otherwise():
    tracker = Tracker(ARN)
    tracker.see({"status": "IN_PROGRESS", "lifecycleStage": "BAKE_TIME"}, "t0")
    assert tracker.wait_until == "completed"
    assert not tracker.settled()
