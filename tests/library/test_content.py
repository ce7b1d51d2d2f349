"""What the second edition says: safety, boundaries, roles where turns are taken, phases in
daily homework, the new exercises, and the overlapping pairs told apart."""

from __future__ import annotations

import pytest

from practice.exercises.library import read_library
from tests.library.conftest import SEED_DIR

LIBRARY = {e.fields["slug"]: e.fields for e in read_library(SEED_DIR, None)}
HIGHER_RISK = [
    "constructive-conflict",
    "unresolved-conflict",
    "repair-trust",
    "talk-about-boundaries",
    "be-vulnerable",
    "everyday-affection",
]
PRIVATE_BOX = '"Only my counselor will see this"'  # the partner page's private box


def _all_text(fields: dict) -> str:
    prompts = " ".join(p["label"] + " " + p.get("help", "") for p in fields["prompts"])
    return " ".join([fields["title"], fields["goal"], fields["why"], *fields["steps"], prompts])


@pytest.mark.parametrize("slug", HIGHER_RISK)
def test_higher_risk_exercises_carry_a_stop_rule_and_a_note_for_the_counselor(slug):
    fields = LIBRARY[slug]
    [stop] = [s for s in fields["steps"] if s.startswith("Stop rule:")]
    assert "afraid" in stop and PRIVATE_BOX in stop
    assert "coercive control" in fields["not_for"] and "de-escalat" in fields["not_for"]


def test_boundaries_say_what_a_boundary_is_and_is_not():
    why = LIBRARY["talk-about-boundaries"]["why"]
    assert "your own body, your own time and your own things" in why
    assert "not a rule about what your partner may do, see, wear or spend" in why


def test_promises_are_chosen_by_each_partner_with_no_curfew():
    text = _all_text(LIBRARY["keep-your-promises"])
    assert "home by" not in text
    assert "never about one partner setting rules for the other" in text


def test_clients_who_have_a_counselor_are_not_told_to_consider_one():
    for slug, fields in LIBRARY.items():
        text = _all_text(fields).lower()
        assert "consider a counselor" not in text and "such as a counselor" not in text, slug
        assert "consider talking it through with a therapist" not in text, slug


@pytest.mark.parametrize(
    ("slug", "title_words"),
    [
        ("take-a-break", "time-out"),
        ("outside-stress", "outside stress"),
        ("past-hurts", "old hurt"),
        ("honesty-practice", "honesty"),
    ],
)
def test_the_new_exercises_are_there_and_cited(slug, title_words):
    fields = LIBRARY[slug]
    assert title_words in fields["title"].lower()
    assert fields["sources"] and fields["prompts"]


@pytest.mark.parametrize(
    ("slug", "kind"),
    [
        ("repair-trust", "hurt_repairing"),
        ("bad-day-debrief", "speaker_listener"),
        ("i-statements", "speaker_listener"),
        ("active-listening", "speaker_listener"),
    ],
)
def test_turn_taking_exercises_have_roles(slug, kind):
    assert LIBRARY[slug]["roles"] == kind


def test_repair_trust_no_longer_asks_the_repairing_partner_how_it_affected_them():
    [impact] = [p for p in LIBRARY["repair-trust"]["prompts"] if p["key"] == "impact"]
    assert impact["role"] == "hurt"


@pytest.mark.parametrize(
    "slug",
    [
        "emotional-bank-account",
        "daily-affirmations",
        "daily-rituals",
        "everyday-affection",
        "self-care",
        "keep-your-promises",
    ],
)
def test_daily_homework_asks_set_up_and_review_questions_once(slug):
    phases = [p.get("phase", "every") for p in LIBRARY[slug]["prompts"]]
    assert "every" in phases or "start" in phases
    assert set(phases) - {"every"}, "no prompt is kept out of the daily repeat"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("active-listening", "Step into your partner's shoes"),
        ("practice-empathy", "Listen, then reflect back"),
        ("constructive-conflict", "Revisit one unresolved issue"),
        ("unresolved-conflict", "Disagree without blame"),
        ("barriers-reflection", "Check for signs of drifting apart"),
        ("distance-signs-reflection", "What gets in the way of closeness?"),
    ],
)
def test_overlapping_pairs_point_to_each_other(one, other):
    assert other in LIBRARY[one]["why"]


def test_change_the_view_is_an_optional_extra():
    assert LIBRARY["change-the-view"]["extra"] is True
    assert all(not f["extra"] for slug, f in LIBRARY.items() if slug != "change-the-view")


def test_every_exercise_has_names_to_search_by_and_a_length():
    for slug, fields in LIBRARY.items():
        assert fields["aliases"], slug
        assert fields["minutes"], slug
