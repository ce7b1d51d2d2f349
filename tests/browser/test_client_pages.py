"""A partner's homework page on a phone: accessible, readable, and saved when sent."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    assert_accessible,
    assert_page_structure,
    expect,
    screenshot,
    submit,
)
from tests.factories import make_assignment, make_counselor, make_couple

pytestmark = pytest.mark.browser


def seed_homework() -> str:
    counselor = make_counselor(email="maya@example.org", name="Dr. Maya Rivera", is_admin=True)
    couple = make_couple(counselor, ("Zoë Ødegård", "Mateo Núñez"))
    _, tokens = make_assignment(couple, note="Try it after dinner, when things are calm.")
    return tokens[couple.partners[0].id]


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_client_page_is_accessible(live_server, new_page, kind):
    token = live_server.seed(seed_homework)
    page = new_page(kind)
    page.goto(f"/h/{token}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zoë")
    assert_page_structure(page)
    assert_accessible(page, f"client homework page ({kind})")
    screenshot(page, "client homework page")


def test_partner_sends_an_entry_from_a_phone(live_server, phone):
    token = live_server.seed(seed_homework)
    page = phone
    page.goto(f"/h/{token}")
    page.get_by_label("Item 1").fill("You made tea when I was tired ☕")
    page.get_by_label("What touched you most?").fill("That you noticed.")
    scale = page.get_by_role("group", name="How appreciated did you feel?")
    scale.get_by_text("4", exact=True).click()
    expect(scale.get_by_role("radio", name="4")).to_be_checked()
    screenshot(page, "client homework page filled")
    submit(page, page.get_by_role("button", name="Send", exact=True).last.click)
    assert_page_structure(page)
    expect(page.get_by_role("main")).to_contain_text("You made tea when I was tired ☕")
    assert_accessible(page, "client page after sending")
    screenshot(page, "client homework sent")


def seed_long_note() -> str:
    """Mateo shared a long note with Zoë; returns Zoë's token."""
    from practice.extensions import db
    from practice.homework.models import Entry

    counselor = make_counselor(email="maya@example.org", name="Dr. Maya Rivera", is_admin=True)
    couple = make_couple(counselor, ("Zoë Ødegård", "Mateo Núñez"))
    assignment, tokens = make_assignment(couple)
    zoe, mateo = couple.partners
    note = "We took the long way home and talked. " * 60 + "The very last words 🌙."
    db.session.add(
        Entry(
            assignment_id=assignment.id,
            partner_id=mateo.id,
            answers={},
            completion_note=note,
            visibility="partner",
            submission_key="browser-long-note-0001",
        )
    )
    return tokens[zoe.id]


def test_a_long_note_opens_in_place_on_a_phone(live_server, phone):
    token = live_server.seed(seed_long_note)
    page = phone
    page.goto(f"/h/{token}")
    history = page.get_by_role("region", name="Earlier entries")
    start = history.locator(".long-text-start")
    expect(start).to_be_visible()
    expect(history.get_by_text("The very last words 🌙.")).to_be_hidden()
    history.get_by_text("Read all of it").click()
    expect(history.get_by_text("The very last words 🌙.")).to_be_visible()
    expect(start).to_be_hidden()  # the whole note replaces its start, not repeats it
    assert_accessible(page, "client page with a long note opened")
    screenshot(page, "client page long note opened")
