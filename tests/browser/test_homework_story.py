"""The story, second part: homework and a session, in a real browser on a fresh database.

The counselor works on a desktop; each partner opens their own link in a fresh phone-sized
context with no cookies (one of them with JavaScript turned off). What they type reaches the
dashboard and the couple page, a session reviews it, and both printed copies say what they
should: the couple's copy never shows a private note or an entry meant for the counselor only.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from practice.cli import load_library
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
ZOE = "Zoë Ødegård"
MATEO = "Mateo Núñez-Łukasz"
COUPLE = f"{ZOE} & {MATEO}"
GRATITUDE = "Write a gratitude list for each other"
I_STATEMENTS = 'Speak from "I", not "you"'

ZOE_ITEMS = ["You made tea when I was tired ☕", "You listened to my sister", "Your laugh"]
ZOE_EXTRA = "The note you left on the fridge"
ZOE_PRIVATE = "I still worry about the money talk, please raise it gently."
MATEO_ITEM = "You planned the weekend 🌲"
MATEO_SECRET = "Mateo kept this entry for the counselor only: the night shifts are hard."
REMARKS = "Lovely lists: keep reading one new item aloud every Sunday."


def click_and_wait(page, locator) -> None:
    submit(page, locator.click)


def pdf_text(response) -> str:
    assert response.status == 200, response.url
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)  # reportlab wraps lines wherever it likes


def assign(page, exercise: str | None, due: date) -> None:
    """Fill the assign form (exercise already chosen when None) and send it."""
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Assign homework to {COUPLE}")
    if exercise:
        page.get_by_role("checkbox", name=exercise).check()
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Note to the couple (optional)").fill("Try it after dinner, when calm.")
    click_and_wait(page, page.get_by_role("button", name="Assign"))
    expect(page.get_by_role("status")).to_contain_text("assigned")


def partner_link(page, partner: str) -> str:
    """The partner's one link, copied with the link box's own "Copy link" button."""
    first = partner.split()[0]
    box = page.locator(".link-box").filter(has=page.get_by_role("heading", name=f"{first}'s link"))
    field = box.get_by_label(re.compile("^Their page with all their homework"))
    url = field.input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/h/\S+", url), url
    button = box.locator(f"[data-copy='{field.get_attribute('id')}']")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    return url


def open_homework(phone, home: str, exercise: str) -> None:
    """From the partner's home, the homework by its title."""
    phone.goto(home)
    click_and_wait(phone, phone.get_by_role("link", name=exercise))


def test_homework_from_assignment_to_printed_summary(live_server, new_page):
    live_server.seed(load_library)  # what `python app.py` does when it starts
    due = date.today() + timedelta(days=5)
    page = new_page("desktop")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    # First run, then the first couple.
    page.goto("/")
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    click_and_wait(page, page.get_by_role("button", name="Create administrator account"))
    page.get_by_role("group", name="First partner").get_by_label("Name").fill(ZOE)
    page.get_by_role("group", name="Second partner").get_by_label("Name").fill(MATEO)
    click_and_wait(page, page.get_by_role("button", name="Add couple"))
    expect(page.get_by_role("heading", level=1)).to_have_text(COUPLE)
    couple_url = page.url
    main = page.get_by_role("main")

    # Empty states lead to the next step.
    expect(main).to_contain_text("No homework yet — assign the first exercise")
    expect(main).to_contain_text("No sessions yet")

    # Assign the gratitude list from the couple page…
    click_and_wait(page, main.get_by_role("link", name="Assign homework").first)
    assign(page, GRATITUDE, due)

    # …and the "I" statements from its page in the library.
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name="Library"))
    page.get_by_label("Search by name or topic").fill("blame")
    click_and_wait(page, page.get_by_role("button", name="Search"))
    click_and_wait(page, page.get_by_role("link", name=I_STATEMENTS))
    expect(page.get_by_role("link", name="Print handout (PDF)")).to_be_visible()
    page.get_by_label("Couple", exact=True).select_option(label=COUPLE)
    click_and_wait(page, page.get_by_role("button", name="Assign this exercise"))
    expect(page.locator('input[name="exercises"][value="i-statements"]')).to_be_checked()
    assign(page, None, due)
    assert page.url.split("#")[0] == couple_url

    # One link per partner, not one per homework.
    links = {partner: partner_link(page, partner) for partner in (ZOE, MATEO)}
    assert len(set(links.values())) == 2

    # Zoë, on her phone with JavaScript: a fourth list item, a private note, shared with Mateo.
    zoe = new_page("phone")
    open_homework(zoe, links[ZOE], GRATITUDE)
    expect(zoe.get_by_role("heading", level=1)).to_have_text("Hi Zoë")
    expect(zoe.get_by_role("main")).to_contain_text("Try it after dinner, when calm.")
    for number, item in enumerate(ZOE_ITEMS, start=1):
        zoe.get_by_label(f"Item {number}", exact=True).fill(item)
    zoe.get_by_role("button", name="Add another item").click()
    expect(zoe.get_by_label("Item 4", exact=True)).to_be_focused()  # no page load: JS did it
    zoe.get_by_label("Item 4", exact=True).fill(ZOE_EXTRA)
    zoe.get_by_label(re.compile("surprised or touched you most")).fill("That you noticed.")
    appreciated = zoe.get_by_role("group", name=re.compile("How appreciated"))
    appreciated.get_by_text("5", exact=True).click()
    zoe.get_by_label("How did it go? (optional)").fill("We laughed a lot.")
    connected = zoe.get_by_role("group", name=re.compile("How connected"))
    connected.get_by_text("4", exact=True).click()
    zoe.get_by_role("radio", name="My partner and my counselor").check()
    zoe.get_by_label("Only my counselor will see this (optional)").fill(ZOE_PRIVATE)
    screenshot(zoe, "story client gratitude filled")
    click_and_wait(zoe, zoe.get_by_role("button", name="Send", exact=True).last)
    expect(zoe.get_by_role("heading", level=1)).to_have_text("Thank you, Zoë. Your entry is saved.")
    expect(zoe.get_by_role("main")).to_contain_text(ZOE_EXTRA)
    expect(zoe.get_by_role("main")).not_to_contain_text(ZOE_PRIVATE)

    # Her "I" statement: the preview sentence grows as she types its four parts.
    open_homework(zoe, links[ZOE], I_STATEMENTS)
    statement = zoe.get_by_role("group", name=re.compile("Write one .I. statement"))
    statement.get_by_label("I feel…").fill("lonely")
    statement.get_by_label("when…").fill("dinner happens in front of screens")
    statement.get_by_label("because…").fill("it is our only quiet time")
    statement.get_by_label(re.compile("need")).fill("one screen-free dinner a week")
    expect(statement.locator("[data-i-preview]")).to_have_text(
        "I feel lonely when dinner happens in front of screens because it is our only quiet"
        " time. I need one screen-free dinner a week."
    )
    zoe.get_by_role("group", name=re.compile("keep blame out")).get_by_text("3", exact=True).click()
    agreed = zoe.get_by_role("group", name=re.compile("agree on one small thing"))
    agreed.get_by_text("Yes", exact=True).click()
    zoe.get_by_role("radio", name="My partner and my counselor").check()
    click_and_wait(zoe, zoe.get_by_role("button", name="Send", exact=True).last)
    expect(zoe.get_by_role("main")).to_contain_text("Your entry is saved")

    # Mateo, on a phone with JavaScript off: "Add another item" goes to the server and back.
    mateo = new_page("phone", java_script_enabled=False)
    open_homework(mateo, links[MATEO], GRATITUDE)
    expect(mateo.get_by_role("heading", level=1)).to_have_text("Hi Mateo")
    mateo.get_by_label("Item 1", exact=True).fill(MATEO_ITEM)
    click_and_wait(mateo, mateo.get_by_role("button", name="Add another item"))
    expect(mateo.get_by_label("Item 1", exact=True)).to_have_value(MATEO_ITEM)  # kept
    expect(mateo.get_by_label("Item 4", exact=True)).to_be_visible()
    mateo.get_by_label("Item 4", exact=True).fill("You fixed the bike")
    click_and_wait(mateo, mateo.get_by_role("button", name="Remove item 2"))
    expect(mateo.get_by_label("Item 3", exact=True)).to_have_value("You fixed the bike")
    expect(mateo.get_by_label("Item 4", exact=True)).to_have_count(0)
    mateo.get_by_label("How did it go? (optional)").fill(MATEO_SECRET)
    # Visibility stays at its default: only the counselor.
    expect(mateo.get_by_role("radio", name="Only my counselor")).to_be_checked()
    click_and_wait(mateo, mateo.get_by_role("button", name="Send", exact=True).last)
    expect(mateo.get_by_role("main")).to_contain_text("Your entry is saved")
    assert_page_structure(mateo)

    # The dashboard shows the new entries, with the private-note flag on Zoë's.
    page.goto("/")
    feed = page.get_by_role("region", name="Recent entries")
    expect(feed.get_by_role("listitem")).to_have_count(3)

    def line(partner: str):
        return (
            feed.get_by_role("listitem")
            .filter(has_text=GRATITUDE)
            .filter(has=page.get_by_role("link", name=partner, exact=True))
        )

    expect(line(ZOE)).to_contain_text("Private note")
    expect(line(MATEO)).not_to_contain_text("Private note")
    expect(page.get_by_role("region", name="New since you last looked")).to_contain_text(
        "3 new entries"
    )
    screenshot(page, "story dashboard with entries")

    # The couple page shows both partners' entries.
    page.goto(couple_url)
    gratitude = page.locator("article.assignment").filter(
        has=page.get_by_role("heading", name=GRATITUDE)
    )
    expect(gratitude.locator("li.entry")).to_have_count(2)
    expect(gratitude).to_contain_text(ZOE_EXTRA)
    expect(gratitude).to_contain_text(ZOE_PRIVATE)
    expect(gratitude).to_contain_text(MATEO_SECRET)

    # A session reviews the gratitude list; new homework is assigned from it.
    click_and_wait(page, page.get_by_role("link", name="Record a session"))
    page.get_by_label("Date and time").fill(f"{date.today().isoformat()}T10:00")
    page.get_by_label("Focus areas").fill("Appreciation and the money talk.")
    page.get_by_label("Summary for the couple").fill("You both found words for what you value.")
    page.get_by_label("Private notes").fill("Zoë anxious about finances; go slowly.")
    review = page.locator("article.review-item").filter(
        has=page.get_by_role("heading", name=GRATITUDE)
    )
    expect(review).to_contain_text(ZOE_EXTRA)
    review.get_by_label("Reviewed").check()
    review.get_by_label("Your remarks").fill(REMARKS)
    click_and_wait(page, page.get_by_role("button", name="Record session"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session on")
    session_url = page.url

    click_and_wait(page, page.get_by_role("link", name="Assign homework"))
    page.locator('input[name="exercises"][value="date-night"]').check()
    expect(page.get_by_label("Counseling session (optional)")).not_to_have_value("")
    page.get_by_label("Due date").fill((due + timedelta(days=7)).isoformat())
    click_and_wait(page, page.get_by_role("button", name="Assign"))
    expect(page.get_by_role("status")).to_contain_text("assigned")
    reviewed = page.locator("article.assignment").filter(
        has=page.get_by_role("heading", name=GRATITUDE)
    )
    expect(reviewed).to_contain_text("Reviewed")
    expect(reviewed).to_contain_text(REMARKS)

    # Both printed copies, fetched with the counselor's signed-in context.
    page.goto(session_url)
    couple_href = page.get_by_role("link", name="Couple copy (PDF)").get_attribute("href")
    counselor_href = page.get_by_role("link", name="Counselor copy (PDF)").get_attribute("href")
    couple_copy = pdf_text(page.request.get(couple_href))
    counselor_copy = pdf_text(page.request.get(counselor_href))
    for text in (couple_copy, counselor_copy):
        assert "Zoë" in text and "Mateo" in text
        assert GRATITUDE in text
        assert REMARKS in text
        assert ZOE_EXTRA in text
        assert "You both found words for what you value." in text
    assert ZOE_PRIVATE not in couple_copy
    assert MATEO_SECRET not in couple_copy
    assert "go slowly" not in couple_copy
    assert ZOE_PRIVATE in counselor_copy
    assert MATEO_SECRET in counselor_copy
    assert "go slowly" in counselor_copy

    # Signed out, the PDF is not there for the asking.
    assert new_page("desktop").request.get(couple_href, max_redirects=0).status == 302
    assert_accessible(page, "session page after the story")
