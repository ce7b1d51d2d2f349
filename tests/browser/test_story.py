"""The story a new practice lives through, in a real browser on a fresh database.

First-run setup, sign out and in again, add a couple with non-ASCII names, find them on
the list, edit them, archive and restore them. (Later chapters: homework, partner links on
a phone, a session and its PDFs.)
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import (
    assert_accessible,
    assert_page_structure,
    expect,
    screenshot,
    submit,
)

pytestmark = pytest.mark.browser

NAME = "Dr. Maya Rivera"
EMAIL = "maya@harbor.example"
PASSWORD = "tide pools and quiet lighthouses"
PARTNER_1 = "Zoë Ødegård"
PARTNER_2 = "Mateo Núñez-Łukasz"
COUPLE = f"{PARTNER_1} & {PARTNER_2}"


def click_and_wait(page, locator) -> None:
    submit(page, locator.click)


def test_setup_page_and_its_errors_are_accessible(live_server, new_page):
    for kind in ("desktop", "phone"):
        page = new_page(kind)
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/setup$"))
        assert_page_structure(page)
        assert_accessible(page, f"setup ({kind})")
        screenshot(page, "setup")

        page.get_by_label("Email").fill("not an email")
        click_and_wait(page, page.get_by_role("button", name="Create administrator account"))
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("problems to fix")
        # What was typed is kept, and each problem is linked to its field.
        expect(page.get_by_label("Email")).to_have_value("not an email")
        expect(page.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")
        assert_accessible(page, f"setup with errors ({kind})")
        screenshot(page, "setup with errors")


def test_new_practice_story(live_server, desktop):
    page = desktop

    # First run: the app asks for the administrator.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your practice")
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Create administrator account"))
    expect(page.get_by_role("status")).to_contain_text("Your practice is ready")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a couple")

    # Setup is gone once someone exists.
    assert page.goto("/setup").status == 404
    screenshot(page, "page not found signed in")

    # Sign out, then back in through the form.
    page.goto("/")
    click_and_wait(page, page.get_by_role("button", name="Sign out"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("a wrong password entirely")
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("main")).to_contain_text("No couples yet")

    # Add a couple from the empty state.
    click_and_wait(page, page.get_by_role("main").get_by_role("link", name="Add a couple"))
    first = page.get_by_role("group", name="First partner")
    second = page.get_by_role("group", name="Second partner")
    first.get_by_label("Name").fill(PARTNER_1)
    first.get_by_label("Pronouns (optional)").fill("she/her")
    second.get_by_label("Name").fill(PARTNER_2)
    second.get_by_label("Email (optional)").fill("not-an-address")
    click_and_wait(page, page.get_by_role("button", name="Add couple"))
    # A bad email is explained next to its field; the names typed are kept.
    expect(page.get_by_role("alert")).to_contain_text("Second partner")
    expect(first.get_by_label("Name")).to_have_value(PARTNER_1)
    second.get_by_label("Email (optional)").fill("mateo@example.org")
    page.get_by_label("Goals for therapy").fill("Fewer arguments about money.\nMore time together.")
    click_and_wait(page, page.get_by_role("button", name="Add couple"))
    expect(page.get_by_role("heading", level=1)).to_have_text(COUPLE)
    expect(page.get_by_role("status")).to_contain_text("added")
    expect(page.get_by_role("main")).to_contain_text("Fewer arguments about money.")
    couple_url = page.url

    # On the list, and found by a search for part of a name.
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Couples"))
    expect(page.get_by_role("link", name=COUPLE)).to_be_visible()
    page.get_by_label("Search by name").fill("Ødeg")
    click_and_wait(page, page.get_by_role("button", name="Search"))
    expect(page.get_by_role("link", name=COUPLE)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("1 couple")

    # Edit.
    click_and_wait(page, page.get_by_role("link", name=COUPLE))
    click_and_wait(page, page.get_by_role("link", name="Edit details"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {COUPLE}")
    expect(page.get_by_role("group", name="First partner").get_by_label("Name")).to_have_value(
        PARTNER_1
    )
    page.get_by_label("Goals for therapy").fill("Fewer arguments about money. 🌱")
    click_and_wait(page, page.get_by_role("button", name="Save changes"))
    expect(page.get_by_role("status")).to_contain_text("Changes saved")
    expect(page.get_by_role("main")).to_contain_text("Fewer arguments about money. 🌱")
    expect(page.get_by_role("main")).not_to_contain_text("More time together.")

    # Archive: gone from the active list, on the archived one, restorable.
    click_and_wait(page, page.get_by_role("button", name="Archive"))
    expect(page.get_by_role("status")).to_contain_text("archived")
    expect(page.get_by_role("link", name=COUPLE)).to_have_count(0)
    page.get_by_label("Show").select_option("archived")
    click_and_wait(page, page.get_by_role("button", name="Search"))
    expect(page.get_by_role("link", name=COUPLE)).to_be_visible()
    click_and_wait(page, page.get_by_role("link", name=COUPLE))
    expect(page.get_by_role("main")).to_contain_text("Archived")
    click_and_wait(page, page.get_by_role("button", name="Restore"))
    expect(page.get_by_role("status")).to_contain_text("restored")
    assert page.url == couple_url
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Couples"))
    expect(page.get_by_role("link", name=COUPLE)).to_be_visible()
    screenshot(page, "couples list after the story")
