"""Every page type, at phone and desktop width: axe finds nothing serious, the structure
holds (one h1, landmarks), and a screenshot is saved for people to look at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from practice.exercises.models import Exercise
from practice.extensions import db
from practice.timeutil import utcnow
from tests.browser.helpers import (
    assert_accessible,
    assert_page_structure,
    screenshot,
    sign_in,
)
from tests.factories import make_counselor, make_couple

pytestmark = pytest.mark.browser

ADMIN = "admin@example.org"


def seed_practice() -> dict:
    """A practice in use: an administrator, a colleague, couples (one archived), two exercises."""
    admin = make_counselor(email=ADMIN, name="Dr. Maya Rivera", is_admin=True)
    make_counselor(email="sam@example.org", name="Sam Chen")
    zoe = make_couple(
        admin,
        ("Zoë Ødegård", "Mateo Núñez"),
        goals="Argue less about chores.\nFind an evening a week for each other.",
    )
    zoe.partners[0].pronouns = "she/her"
    zoe.partners[0].email = "zoe@example.org"
    zoe.created_at = utcnow() - timedelta(days=40)
    make_couple(admin, ("Ana Silva", "Ben Okafor"))
    make_couple(admin, ("Priya Shah", "Tom Becker"), status="archived")
    for slug, title, category, goal in [
        (
            "gratitude-list",
            "Gratitude list",
            "appreciation",
            "Notice and name what you value in each other.",
        ),
        (
            "i-statements",
            "“I” statements",
            "communication",
            "Say how you feel without blaming.",
        ),
    ]:
        db.session.add(
            Exercise(
                slug=slug,
                title=title,
                category=category,
                goal=goal,
                steps=["Set aside ten quiet minutes.", "Write, then share one item."],
                prompts=[{"key": "items", "type": "list", "label": "Three things"}],
                search_text=f"{title} {goal}".lower(),
            )
        )
    db.session.flush()
    return {"couple_id": zoe.id}


@dataclass(frozen=True)
class PageType:
    name: str
    path: str  # may use {couple_id}
    signed_in: bool = True
    submit: str | None = None  # a button to press first, to show the form's errors


PAGE_TYPES = [
    PageType("sign in", "/login", signed_in=False),
    PageType("sign in with errors", "/login", signed_in=False, submit="Sign in"),
    PageType("dashboard", "/"),
    PageType("couples list", "/couples/"),
    PageType("couples search with no match", "/couples/?q=nobody"),
    PageType("add couple form", "/couples/new"),
    PageType("add couple form with errors", "/couples/new", submit="Add couple"),
    PageType("edit couple form", "/couples/{couple_id}/edit"),
    PageType("couple page", "/couples/{couple_id}"),
    PageType("library", "/library/"),
    PageType("account", "/account"),
    PageType("team", "/team"),
    PageType("page not found", "/no-such-page"),
    PageType("page not found signed out", "/no-such-page", signed_in=False),
]


@pytest.fixture(scope="module")
def practice(module_live_server) -> dict:
    """The module's server, seeded once: these tests only read (or submit invalid forms)."""
    return module_live_server.seed(seed_practice)


@pytest.fixture(scope="module")
def signed_in_state(browser, module_live_server, practice) -> dict:
    """Cookies of a signed-in administrator, to start contexts signed in without the form."""
    context = browser.new_context(base_url=module_live_server.url)
    page = context.new_page()
    sign_in(page, ADMIN)
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[p.name for p in PAGE_TYPES])
def test_page_is_accessible_at_phone_and_desktop_width(
    module_pages, practice, signed_in_state, page_type
):
    for kind in ("desktop", "phone"):
        page = module_pages.open(kind, signed_in_state if page_type.signed_in else None)
        response = page.goto(page_type.path.format(**practice))
        assert response is not None
        if page_type.submit:
            with page.expect_navigation():
                page.get_by_role("button", name=page_type.submit).click()
            assert page.get_by_role("alert").count() >= 1, "errors are not announced"
        elif "not found" not in page_type.name:
            assert response.status == 200, page.url
        assert_page_structure(page)
        assert_accessible(page, f"{page_type.name} ({kind})")
        screenshot(page, page_type.name)
