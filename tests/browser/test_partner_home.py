"""The partner's home on a phone, in Chromium: every homework listed, each opens and saves
under the same link, the partner's shared entry shows and a private one does not; axe."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    assert_accessible,
    assert_page_structure,
    expect,
    screenshot,
    submit,
)
from tests.factories import make_counselor, make_couple

pytestmark = pytest.mark.browser

TITLES = ("Daily check-in", "Love letters", "Map of our week")


def seed_home() -> str:
    from flask import current_app

    from practice.extensions import db
    from practice.homework.models import Entry
    from practice.partner import access
    from practice.timeutil import utcnow
    from tests.partner.test_home import assign

    counselor = make_counselor(email="maya@example.org", name="Dr. Maya Rivera", is_admin=True)
    couple = make_couple(counselor, ("Zoë Ødegård", "Mateo Núñez"))
    zoe, mateo = couple.partners
    first = assign(couple, TITLES[0], frequency="daily", due_in_days=6)[0]
    assign(couple, TITLES[1], frequency="weekly", times_per_week=3)
    assign(couple, TITLES[2], due_in_days=2)
    for visibility, text in (("partner", "Mateo shared this 🌙"), ("counselor", "MATEO-PRIVATE")):
        db.session.add(
            Entry(
                assignment_id=first.id,
                partner_id=mateo.id,
                answers={"thought": text},
                visibility=visibility,
                submission_key=f"browser-home-{visibility}",
            )
        )
    return access.token_for_partner(zoe.id, current_app.config["SECRET_KEY"], utcnow())


def test_partner_home_on_a_phone(live_server, phone):
    token = live_server.seed(seed_home)
    page = phone
    page.goto(f"/h/{token}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zoë")
    homework = page.get_by_role("region", name="Your homework")
    for title in TITLES:
        expect(homework.get_by_role("link", name=title)).to_be_visible()
    expect(homework).to_contain_text("0 of 3 this week")
    history = page.get_by_role("region", name="Your entries, and what your partner shared")
    expect(history).to_contain_text("Mateo shared this 🌙")
    expect(page.get_by_role("main")).not_to_contain_text("MATEO-PRIVATE")
    assert_page_structure(page)
    assert_accessible(page, "partner's home (phone)")
    screenshot(page, "partner home")
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    homework.get_by_role("link", name=TITLES[1]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zoë")
    expect(page.get_by_role("main")).to_contain_text(TITLES[1])
    assert_accessible(page, "homework under the partner's link (phone)")
    page.get_by_label("What did you notice?").fill("We wrote to each other ✉️")
    submit(page, page.get_by_role("button", name="Send", exact=True).last.click)
    expect(page.get_by_role("main")).to_contain_text("Your entry is saved")
    page.get_by_role("link", name="All your homework").click()
    homework = page.get_by_role("region", name="Your homework")
    expect(homework).to_contain_text("1 of 3 this week")
    expect(page.get_by_role("main")).to_contain_text("We wrote to each other ✉️")
    assert_accessible(page, "partner's home after sending (phone)")
