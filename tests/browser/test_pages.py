"""Every page type, at phone and desktop width: axe finds nothing serious, the structure
holds (one h1, landmarks), and a screenshot is saved for people to look at."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from practice.cli import load_library
from practice.exercises.models import Exercise
from practice.extensions import db
from practice.homework.finished import refresh_finished
from practice.homework.models import Entry
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow
from tests.browser.helpers import (
    assert_accessible,
    assert_page_structure,
    screenshot,
    sign_in,
    submit,
)
from tests.factories import make_assignment, make_counselor, make_couple

pytestmark = pytest.mark.browser

ADMIN = "admin@example.org"
COLLEAGUE = "sam@example.org"


LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff-Þórðardóttir Anastasia-Konstantinopoulou"
# A partner's 10,000-character note: words, then one long unbroken run (a pasted link,
# a row of emoji) that must wrap instead of pushing the page sideways.
LONG_NOTE = ("We talked for hours and it felt good. " * 250)[:9_700] + "🌊" * 100 + "x" * 200


def _entry(assignment, partner, answers, **fields) -> None:
    db.session.add(
        Entry(
            assignment_id=assignment.id,
            partner_id=partner.id,
            answers=answers,
            completion_note=fields.pop("completion_note", ""),
            connection_rating=fields.pop("connection_rating", None),
            visibility=fields.pop("visibility", "counselor"),
            private_note=fields.pop("private_note", ""),
            submission_key=uuid.uuid4().hex,
            created_at=utcnow() - timedelta(hours=fields.pop("hours_ago", 1)),
        )
    )


def seed_practice() -> dict:
    """A practice in use: an administrator with couples (one archived, one with a very long
    name), the library, homework with entries, sessions; a colleague; an audit trail."""
    admin = make_counselor(email=ADMIN, name="Dr. Maya Rivera", is_admin=True)
    make_counselor(email=COLLEAGUE, name="Sam Chen")
    zoe = make_couple(
        admin,
        ("Zoë Ødegård", "Mateo Núñez"),
        goals="Argue less about chores.\nFind an evening a week for each other.",
    )
    zoe.partners[0].pronouns = "she/her"
    zoe.partners[0].email = "zoe@example.org"
    zoe.created_at = utcnow() - timedelta(days=40)
    ana = make_couple(admin, ("Ana Silva", "Ben Okafor"))
    make_couple(admin, ("Priya Shah", "Tom Becker"), status="archived")
    long_couple = make_couple(admin, (LONG_NAME, "李小龍 🌸 Nguyễn Thị Minh Khai"))
    load_library()

    exercises = {
        e.slug: e
        for e in db.session.execute(
            select(Exercise).where(Exercise.slug.in_(["gratitude-list", "i-statements"]))
        ).scalars()
    }
    earlier = CounselingSession(
        couple=zoe,
        starts_at=utcnow() - timedelta(days=8),
        duration_minutes=50,
        focus="Chores and fairness.",
        couple_summary="You agreed to try a weekly chores check-in.",
        private_notes="Mateo quieter than usual.",
        next_steps="Gratitude lists before next time.",
    )
    db.session.add(earlier)
    db.session.flush()
    gratitude, tokens = make_assignment(zoe, exercises["gratitude-list"], due_in_days=3)
    zoe_partner, mateo = zoe.partners
    _entry(
        gratitude,
        zoe_partner,
        {
            "three_things": ["Tea when I was tired ☕", "Listening to my sister", "Your laugh"],
            "touched_me": "That you noticed the small things.",
            "felt_appreciated": "5",
        },
        completion_note=LONG_NOTE,
        connection_rating=4,
        visibility="partner",
        private_note="I still worry about money.",
    )
    _entry(gratitude, mateo, {"three_things": ["You planned the weekend 🌲"]}, hours_ago=3)
    statements, _ = make_assignment(zoe, exercises["i-statements"], due_in_days=-2)
    _entry(
        statements,
        mateo,
        {
            "my_statement": {
                "feel": "lonely",
                "when": "we eat in front of screens",
                "because": "it is our quiet time",
                "need": "one screen-free dinner",
            },
            "blame_free": "3",
            "request_agreed": "yes",
        },
        hours_ago=30,
    )
    _, ana_tokens = make_assignment(ana, exercises["i-statements"])
    _, long_tokens = make_assignment(long_couple, exercises["gratitude-list"])
    db.session.flush()
    # As the partner's send does: homework both partners have finished leaves the lists.
    refresh_finished([gratitude.id, statements.id])
    return {
        "couple_id": zoe.id,
        "long_couple_id": long_couple.id,
        "assignment_id": gratitude.id,
        "session_id": earlier.id,
        "token": tokens[zoe_partner.id],
        "other_token": ana_tokens[ana.partners[0].id],
        "long_token": long_tokens[long_couple.partners[0].id],
    }


def fill_too_long_note(page) -> None:
    page.get_by_label("How did it go? (optional)").fill("a" * 20_001)


def zero_length(page) -> None:
    page.get_by_label("Length in minutes").fill("0")


def start_two_factor(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Set up two-factor sign-in").click()


@dataclass(frozen=True)
class PageType:
    name: str
    path: str  # may use {couple_id}
    signed_in: bool = True
    submit: str | None = None  # a button to press first, to show the form's errors
    fill: Callable[[Any], None] | None = None  # what to type before pressing it
    user: str = ADMIN
    errors: bool = True  # whether pressing `submit` shows errors
    status: int = 200


PAGE_TYPES = [
    PageType("sign in", "/login", signed_in=False),
    PageType("sign in with errors", "/login", signed_in=False, submit="Sign in"),
    PageType("dashboard", "/"),
    PageType("couples list", "/couples/"),
    PageType("couples search with no match", "/couples/?q=nobody"),
    PageType("add couple form", "/couples/new"),
    PageType("add couple form with errors", "/couples/new", submit="Add couple"),
    PageType("edit couple form", "/couples/{couple_id}/edit"),
    PageType("couple page with homework and sessions", "/couples/{couple_id}"),
    PageType("couple page with a very long name", "/couples/{long_couple_id}"),
    PageType("assignment page", "/homework/{assignment_id}"),
    PageType("edit homework form", "/homework/{assignment_id}/edit"),
    PageType("homework history", "/couples/{couple_id}/homework"),
    PageType(
        "assign homework form with errors", "/couples/{couple_id}/homework/new", submit="Assign"
    ),
    PageType("library", "/library/"),
    PageType("library search with no results", "/library/?q=zzzqqq"),
    PageType("exercise page", "/library/gratitude-list"),
    PageType("new exercise form with errors", "/library/new", submit="Save"),
    PageType("copy exercise form", "/library/i-statements/copy"),
    PageType("session form with review items", "/couples/{couple_id}/sessions/new"),
    PageType(
        "session form with errors",
        "/couples/{couple_id}/sessions/new",
        submit="Record session",
        fill=zero_length,
    ),
    PageType("session page", "/sessions/{session_id}"),
    PageType("print view", "/sessions/{session_id}/print?copy=couple"),
    PageType("delete session confirmation", "/sessions/{session_id}/delete"),
    PageType("delete couple confirmation", "/couples/{couple_id}/delete"),
    PageType("client homework page", "/h/{token}", signed_in=False),
    PageType("client page with a very long name", "/h/{long_token}", signed_in=False),
    PageType(
        "client page with errors",
        "/h/{token}",
        signed_in=False,
        submit="Send",
        fill=fill_too_long_note,
    ),
    PageType(
        "client thank-you page", "/h/{other_token}", signed_in=False, submit="Send", errors=False
    ),
    PageType("invalid link", "/h/not-a-real-link", signed_in=False, status=404),
    PageType("account", "/account"),
    PageType(
        "account with two-factor enrolment", "/account", user=COLLEAGUE, fill=start_two_factor
    ),
    PageType("audit log", "/audit/"),
    PageType("team", "/team"),
    PageType("page not found", "/no-such-page", status=404),
    PageType("page not found signed out", "/no-such-page", signed_in=False, status=404),
]


@pytest.fixture(scope="module")
def practice(module_live_server) -> dict:
    """The module's server, seeded once: these tests only read (or submit invalid forms)."""
    return module_live_server.seed(seed_practice)


@pytest.fixture(scope="module")
def signed_in_state(browser, module_live_server, practice) -> dict:
    """Cookies of each signed-in counselor, to start contexts signed in without the form."""
    states = {}
    for email in (ADMIN, COLLEAGUE):
        context = browser.new_context(base_url=module_live_server.url)
        page = context.new_page()
        sign_in(page, email)
        states[email] = context.storage_state()
        context.close()
    return states


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[p.name for p in PAGE_TYPES])
def test_page_is_accessible_at_phone_and_desktop_width(
    module_pages, practice, signed_in_state, page_type
):
    for kind in ("desktop", "phone"):
        state = signed_in_state[page_type.user] if page_type.signed_in else None
        page = module_pages.open(kind, state)
        response = page.goto(page_type.path.format(**practice))
        assert response is not None
        assert response.status == page_type.status, page.url
        if page_type.fill:
            page_type.fill(page)
        if page_type.submit:
            submit(page, page.get_by_role("button", name=page_type.submit, exact=True).last.click)
            if page_type.errors:
                assert page.get_by_role("alert").count() >= 1, "errors are not announced"
        assert_page_structure(page)
        assert_accessible(page, f"{page_type.name} ({kind})")
        screenshot(page, page_type.name)
