from __future__ import annotations

from ansible_collections.driftless.ecs.plugins.module_utils._ecs.taskdef_prune import plan_prune

ARNS = [f"arn:aws:ecs:us-east-1:123456789012:task-definition/web:{n}" for n in range(9, 0, -1)]


def test_keeps_the_newest_and_deregisters_the_rest():
    plan = plan_prune(ARNS, 3, set())
    assert plan["kept"] == ARNS[:3]
    assert plan["deregister"] == ARNS[3:]
    assert plan["protected"] == []


def test_never_deregisters_a_revision_in_use():
    in_use = {ARNS[5], ARNS[0]}
    plan = plan_prune(ARNS, 3, in_use)
    assert ARNS[5] not in plan["deregister"]
    assert plan["protected"] == [ARNS[5]]
    assert plan["kept"] == [*ARNS[:3], ARNS[5]]
    assert len(plan["deregister"]) == 5


def test_nothing_to_do_when_the_family_is_small():
    assert plan_prune(ARNS[:2], 3, set())["deregister"] == []
