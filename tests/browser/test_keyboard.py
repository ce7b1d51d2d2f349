"""Keyboard only: Tab, Space and Enter get a counselor through sign-in and adding a couple,
focus is always visible, and the error summary takes you to the field to fix."""

from __future__ import annotations

import pytest

from practice.extensions import db
from practice.homework.models import Entry
from tests.browser.helpers import expect, submit
from tests.factories import TEST_PASSWORD, make_assignment, make_counselor, make_couple

pytestmark = pytest.mark.browser

EMAIL = "keys@example.org"

# What has focus, described well enough to assert on and to read in a failure message.
ACTIVE = """() => {
  const el = document.activeElement;
  // A scale's radio is drawn by its label, which shows the focus ring for it.
  const drawn = el.type === "radio" && el.closest(".choice") || el;
  const style = getComputedStyle(drawn);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.type || "", label: label.trim(),
    text: (el.innerText || el.value || "").trim().slice(0, 60),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_to(page, matches, limit: int = 40) -> dict:
    """Press Tab until `matches(active)` holds; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active["tag"] != "body":
            assert active["outline"], f"focus is not visible on {active}"
        if matches(active):
            return active
    raise AssertionError("never reached the element by pressing Tab")


def submit_with(page, key: str) -> None:
    submit(page, lambda: page.keyboard.press(key))


@pytest.fixture
def counselor(live_server):
    live_server.seed(lambda: make_counselor(email=EMAIL, name="Dr. Kim Ito", is_admin=True))


def test_skip_link_is_the_first_stop_and_shows(live_server, counselor, desktop):
    desktop.goto("/login")
    desktop.keyboard.press("Tab")
    skip = desktop.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    desktop.keyboard.press("Enter")
    tab_to(desktop, lambda a: a["id"] == "email", limit=3)


def sign_in_by_keyboard(page) -> None:
    page.goto("/login")
    tab_to(page, lambda a: a["id"] == "email")
    page.keyboard.type(EMAIL)
    tab_to(page, lambda a: a["id"] == "password", limit=2)
    page.keyboard.type(TEST_PASSWORD)
    submit_with(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_sign_in_by_keyboard(live_server, counselor, desktop):
    sign_in_by_keyboard(desktop)


def test_sign_in_errors_take_you_to_the_field(live_server, counselor, desktop):
    desktop.goto("/login")
    tab_to(desktop, lambda a: a["tag"] == "button" and a["text"] == "Sign in")
    submit_with(desktop, "Space")
    # The summary is focused on load, so a screen reader reads it first.
    summary = desktop.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your email.")
    tab_to(desktop, lambda a: a["tag"] == "a", limit=1)
    desktop.keyboard.press("Enter")
    expect(desktop.get_by_label("Email")).to_be_focused()
    expect(desktop.get_by_label("Email")).to_have_attribute("aria-invalid", "true")


def test_add_a_couple_by_keyboard(live_server, counselor, desktop):
    page = desktop
    sign_in_by_keyboard(page)
    tab_to(page, lambda a: a["tag"] == "a" and a["text"] == "Couples")
    submit_with(page, "Enter")
    tab_to(page, lambda a: a["tag"] == "a" and a["text"] == "Add a couple")
    submit_with(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a couple")

    # Send it empty first: the summary links to the first partner's name.
    tab_to(page, lambda a: a["tag"] == "button" and a["text"] == "Add couple")
    submit_with(page, "Space")
    expect(page.get_by_role("alert")).to_be_focused()
    tab_to(page, lambda a: a["tag"] == "a", limit=1)
    page.keyboard.press("Enter")
    first_name = page.get_by_role("group", name="First partner").get_by_label("Name")
    expect(first_name).to_be_focused()

    page.keyboard.type("Aiyana Whitehorse")
    tab_to(page, lambda a: a["id"] == "partner2-display_name")
    page.keyboard.type("Łucja Brzęczyszczykiewicz")
    tab_to(page, lambda a: a["id"] == "goals")
    page.keyboard.type("Rebuild trust after the move.")
    tab_to(page, lambda a: a["tag"] == "button" and a["text"] == "Add couple")
    submit_with(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Aiyana Whitehorse & Łucja Brzęczyszczykiewicz"
    )
    expect(page.get_by_role("status")).to_contain_text("added")


def test_partner_completes_homework_by_keyboard(live_server, phone):
    def seed() -> str:
        counselor = make_counselor(email="kim@example.org", name="Dr. Kim Ito")
        couple = make_couple(counselor, ("Aiyana Whitehorse", "Łucja Brzęczyszczykiewicz"))
        _, tokens = make_assignment(couple)
        return tokens[couple.partners[0].id]

    page = phone
    page.goto(f"/h/{live_server.seed(seed)}")

    # The list: three items, then "Add another item" (Enter) focuses a fourth.
    for index, item in enumerate(["Morning coffee", "Your patience", "The garden"]):
        tab_to(page, lambda a, i=index: a["id"] == f"a-three_things-{i}")
        page.keyboard.type(item)
    tab_to(page, lambda a: a["tag"] == "button" and a["text"] == "Add another item")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Item 4", exact=True)).to_be_focused()
    page.keyboard.type("Sunday walks 🌿")
    tab_to(page, lambda a: a["id"] == "a-touched_me")
    page.keyboard.type("The coffee, every day.")

    # A scale: Tab into the group, arrow keys choose (that is how radio groups work).
    tab_to(page, lambda a: a["id"] == "a-felt_appreciated-1")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="4", exact=True).first).to_be_checked()
    tab_to(page, lambda a: a["id"] == "a-again-1")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Yes")).to_be_checked()

    # The "I" statement, and its preview.
    parts = [
        ("feel", "calm"),
        ("when", "we plan the week"),
        ("because", "I know what comes"),
        ("need", "ten minutes on Sunday"),
    ]
    for part, text in parts:
        tab_to(page, lambda a, p=part: a["id"] == f"a-say_it-{p}")
        page.keyboard.type(text)
    expect(page.locator("[data-i-preview]")).to_have_text(
        "I feel calm when we plan the week because I know what comes. I need ten minutes on Sunday."
    )

    tab_to(page, lambda a: a["tag"] == "button" and a["text"] == "Send", limit=60)
    submit_with(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your entry is saved")

    with live_server.app.app_context():
        answers = db.session.execute(db.select(Entry.answers)).scalar_one()
    assert answers["three_things"] == [
        "Morning coffee",
        "Your patience",
        "The garden",
        "Sunday walks 🌿",
    ]
    assert answers["felt_appreciated"] == 4 and answers["again"] == "yes"
    assert answers["say_it"]["need"] == "ten minutes on Sunday"
