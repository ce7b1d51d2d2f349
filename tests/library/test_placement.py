"""Which prompts one partner is asked in one entry: roles (fixed or swapping) and phases."""

from __future__ import annotations

from datetime import date

import pytest

from practice.exercises.format import parse_prompts
from practice.exercises.placement import (
    RolePlan,
    prompts_for_entry,
    review_due,
    role_for,
)

PROMPTS = parse_prompts(
    [
        {"key": "setup", "type": "text", "label": "Set up", "phase": "start"},
        {"key": "daily", "type": "text", "label": "Each day"},
        {"key": "spoke", "type": "text", "label": "Spoke", "role": "speaker"},
        {"key": "heard", "type": "text", "label": "Heard", "role": "listener"},
        {"key": "week", "type": "scale", "label": "Week", "phase": "review"},
    ]
)
A, B = 11, 22


def _keys(**kwargs) -> list[str]:
    return [p.key for p in prompts_for_entry(PROMPTS, **kwargs)]


def test_fixed_roles_stay_put():
    plan = RolePlan(first_partner_id=A)
    assert [role_for("speaker_listener", plan, A, n) for n in range(3)] == ["speaker"] * 3
    assert [role_for("speaker_listener", plan, B, n) for n in range(3)] == ["listener"] * 3


def test_swapping_roles_change_with_each_entry():
    plan = RolePlan(first_partner_id=A, swap=True)
    assert [role_for("speaker_listener", plan, A, n) for n in range(4)] == [
        "speaker",
        "listener",
        "speaker",
        "listener",
    ]
    assert [role_for("speaker_listener", plan, B, n) for n in range(2)] == ["listener", "speaker"]


def test_hurt_and_repairing_partner():
    plan = RolePlan(first_partner_id=B)
    assert role_for("hurt_repairing", plan, B, 0) == "hurt"
    assert role_for("hurt_repairing", plan, A, 5) == "repairing"


def test_no_plan_or_no_roles_means_no_role():
    assert role_for("speaker_listener", None, A, 0) is None
    assert role_for(None, RolePlan(A), A, 0) is None


def test_a_plan_round_trips_through_json():
    plan = RolePlan(first_partner_id=A, swap=True)
    assert RolePlan.from_json(plan.to_json()) == plan
    assert RolePlan.from_json({"first": "x"}) is None and RolePlan.from_json(None) is None


def test_each_role_sees_only_its_own_prompts_and_the_shared_ones():
    assert _keys(role="speaker", first_entry=True, review=True) == [
        "setup",
        "daily",
        "spoke",
        "week",
    ]
    assert _keys(role="listener", first_entry=False, review=False) == ["daily", "heard"]
    # No role known: everything, each under its role's name on the page.
    assert _keys(role=None, first_entry=False, review=False) == ["daily", "spoke", "heard"]


def test_start_questions_once_and_review_questions_at_the_end():
    assert _keys(role="speaker", first_entry=True, review=False) == ["setup", "daily", "spoke"]
    assert _keys(role="speaker", first_entry=False, review=False) == ["daily", "spoke"]
    assert _keys(role="speaker", first_entry=False, review=True) == ["daily", "spoke", "week"]


@pytest.mark.parametrize(
    ("frequency", "today", "asked", "due"),
    [
        ("once", date(2026, 12, 1), False, True),
        ("daily", date(2026, 12, 1), False, False),
        ("daily", date(2026, 12, 6), False, True),  # the day before the due date
        ("daily", date(2026, 12, 9), False, True),  # late
        ("weekly", date(2026, 12, 1), True, True),  # the partner asked for it
        ("event", date(2026, 12, 1), False, False),  # the due date marks the review
        ("event", date(2026, 12, 7), False, True),
        ("monthly", date(2026, 12, 2), False, False),
    ],
)
def test_when_the_review_is_asked(frequency, today, asked, due):
    assert review_due(frequency, today, date(2026, 12, 7), asked) is due
