"""The partner's homework page on a 390 px phone: a refused send says so on the first screen
and takes the focus, long answers show their limit, every prompt type has one pattern at
full width, and nothing makes the page wider than the phone."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible, expect, screenshot, submit
from tests.factories import make_assignment, make_counselor, make_couple

pytestmark = pytest.mark.browser


def seed_homework(names=("Zoë Ødegård", "Mateo Núñez")) -> str:
    counselor = make_counselor(email="maya@example.org", name="Dr. Maya Rivera", is_admin=True)
    couple = make_couple(counselor, names)
    _, tokens = make_assignment(couple, note="Try it after dinner, when things are calm.")
    return tokens[couple.partners[0].id]


@pytest.mark.parametrize("script", ["with JavaScript", "without JavaScript"])
def test_a_refused_send_is_on_the_first_screen_with_the_focus(live_server, new_page, script):
    token = live_server.seed(seed_homework)
    scripted = script == "with JavaScript"
    page = new_page("phone", java_script_enabled=scripted)
    page.goto(f"/h/{token}")
    page.get_by_label("Item 1").fill("Tea in bed")
    page.get_by_label("How did it go? (optional)").fill("x" * 20_001)
    page.get_by_label("Only my counselor will see this (optional)").fill("Just for you")
    send = page.get_by_role("button", name="Send", exact=True).last.click
    if scripted:
        submit(page, send)  # resend.js writes the server's answer into the page
    else:
        with page.expect_navigation():
            send()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("How did it go: This is too long")
    box = summary.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    # Everything typed is still there, and the link moves to the box to shorten.
    expect(page.get_by_label("Item 1")).to_have_value("Tea in bed")
    expect(page.get_by_label("Only my counselor will see this (optional)")).to_have_value(
        "Just for you"
    )
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("How did it go? (optional)")).to_be_focused()
    if scripted:  # axe runs as a script in the page
        assert_accessible(page, "refused send on a phone")
    screenshot(page, f"partner homework refused send {script}")


def test_a_long_answer_shows_its_limit_and_a_live_count(live_server, phone):
    token = live_server.seed(seed_homework)
    page = phone
    page.goto(f"/h/{token}")
    note = page.get_by_label("How did it go? (optional)")
    counter = page.locator("#count-completion_note")
    expect(counter).to_have_text("Up to 20,000 characters.")
    note.fill("We talked. " * 3)
    expect(counter).to_have_text("33 of 20,000 characters")
    note.fill("x" * 20_005)
    expect(counter).to_have_text("20,005 of 20,000 characters: 5 too many")
    expect(counter).to_have_class("counter over")
    expect(page.locator("#count-touched_me")).to_have_text("Up to 10,000 characters.")
    # A one-line box shows its count only near its limit.
    item = page.get_by_label("Item 1")
    item.fill("Tea")
    expect(page.locator("[data-list-row] [data-count]")).to_have_count(0)
    item.fill("t" * 9_500)
    expect(page.locator("[data-list-row] [data-count]")).to_have_text("9,500 of 10,000 characters")


# Everything the partner types into: every box as wide as the space it is in (its field;
# the private note's field is a tinted panel inside the form) and nearly the whole form.
BOX_WIDTHS = """() => {
  const inner = (element) => {
    const style = getComputedStyle(element);
    return element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const form = document.querySelector("#entry-form");
  const boxes = "textarea, input[type=text], input[type=date], input[type=time]";
  return Array.from(form.querySelectorAll(boxes))
    .map((box) => {
      const width = box.getBoundingClientRect().width;
      return [box.id, width / inner(box.parentElement), width / inner(form)];
    });
}"""

# Every 1-5 rating on the page: its five choices' boxes (one row, one size, one style).
RATINGS = """() => Array.from(document.querySelectorAll("fieldset")).filter((group) =>
  Array.from(group.querySelectorAll(":scope > .choices input[type=radio]"))
    .map((r) => r.value).join() === "1,2,3,4,5"
).map((group) => ({
  name: group.querySelector("legend").textContent.trim(),
  boxes: Array.from(group.querySelectorAll(":scope > .choices label")).map((label) => {
    const box = label.getBoundingClientRect();
    const style = getComputedStyle(label);
    return [Math.round(box.top), Math.round(box.height), style.borderTopWidth, style.fontSize];
  }),
}))"""


def test_every_prompt_type_has_one_pattern_at_full_width_on_a_phone(live_server, phone):
    token = live_server.seed(seed_homework)
    page = phone
    page.goto(f"/h/{token}")
    widths = page.evaluate(BOX_WIDTHS)
    assert len(widths) >= 9, widths  # three list items, a text, four "I" parts, two notes
    narrow = [(box, round(of_field, 2), round(of_form, 2)) for box, of_field, of_form in widths]
    narrow = [box for box in narrow if box[1] < 0.98 or box[2] < 0.85]
    assert not narrow, f"boxes narrower than the form on a phone: {narrow}"
    # "Remove item 1" sits under its box, never beside it.
    item = page.get_by_label("Item 1").bounding_box()
    remove = page.get_by_role("button", name="Remove item 1").bounding_box()
    assert item and remove and remove["y"] >= item["y"] + item["height"], (item, remove)
    # The exercise's own 1-5 scale and "How connected did you feel" look and work alike:
    # five equal buttons in one row.
    ratings = page.evaluate(RATINGS)
    names = [rating["name"] for rating in ratings]
    assert len(ratings) == 2 and any("connected" in name for name in names), names
    for rating in ratings:
        assert len({box[0] for box in rating["boxes"]}) == 1, rating  # one row
    assert len({tuple(box[1:]) for rating in ratings for box in rating["boxes"]}) == 1, ratings
    connected = page.get_by_role("group", name="How connected did you feel")
    connected.get_by_text("4", exact=True).click()
    expect(connected.get_by_role("radio", name="4")).to_be_checked()
    connected.get_by_text("Rather not say").click()
    expect(connected.get_by_role("radio", name="4")).not_to_be_checked()


# -- names in any script, and words longer than a phone ----------------------------------

LONG_WORD = "Unbrokenword" * 6 + "Endofit!"  # 80 characters, no place to break
assert len(LONG_WORD) == 80


def seed_scripts() -> dict:
    """Yusuf (Arabic) and Noa (Hebrew) with homework both wrote in, and a couple whose name
    and goals hold an 80-character word; returns Yusuf's homework path and the couple ids."""
    import uuid

    from practice.extensions import db
    from practice.homework.models import Entry

    counselor = make_counselor(email="maya@example.org", name="Dr. Maya Rivera", is_admin=True)
    couple = make_couple(counselor, ("يوسف حداد", "נועה כהן"), goals=f"Talk more. {LONG_WORD}")
    assignment, tokens = make_assignment(couple, note=f"خذ وقتك. {LONG_WORD}")
    yusuf, noa = couple.partners
    for partner, note, answer in (
        (noa, f"הלכנו לטייל ודיברנו {LONG_WORD}", "שמחתי שהקשבת לי"),
        (yusuf, f"تحدثنا طويلا {LONG_WORD}", "شكرا على الشاي"),
    ):
        db.session.add(
            Entry(
                assignment_id=assignment.id,
                partner_id=partner.id,
                answers={"touched_me": answer, "three_things": [LONG_WORD, answer]},
                completion_note=note,
                connection_rating=4,
                visibility="partner",
                submission_key=uuid.uuid4().hex,
            )
        )
    # The whole name is the word: 80 characters is the longest name a partner can have.
    long_named = make_couple(counselor, (LONG_WORD, "Ana Silva"), goals=LONG_WORD)
    make_assignment(long_named, note=LONG_WORD, due_in_days=2)  # due this week: on the dashboard
    return {"yusuf": tokens[yusuf.id], "couple": couple.id, "long": long_named.id}


def assert_fits_the_phone(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{what} is {width}px wide on a 390px phone"


def test_names_in_any_script_and_long_words_fit_a_phone(live_server, new_page):
    from tests.browser.helpers import sign_in

    seeded = live_server.seed(seed_scripts)
    partner = new_page("phone")
    partner.goto(f"/h/{seeded['yusuf']}")
    expect(partner.get_by_role("heading", level=1)).to_have_text("Hi يوسف")
    expect(partner.get_by_role("main")).to_contain_text("שמחתי שהקשבת לי")
    assert_fits_the_phone(partner, "the partner's homework page")
    screenshot(partner, "partner homework hebrew arabic")
    partner.goto(f"/h/{seeded['yusuf'].split('/homework/')[0]}")
    assert_fits_the_phone(partner, "the partner's home")
    screenshot(partner, "partner home hebrew arabic")

    counselor = new_page("phone")
    sign_in(counselor, "maya@example.org")
    counselor.goto("/")
    feed = counselor.get_by_role("region", name="Recent entries")
    # Each name is isolated, so "נועה כהן (يوسف حداد & נועה כהן) · title" keeps its order.
    expect(feed.locator("a > bdi", has_text="נועה כהן")).to_have_count(1)
    expect(feed.locator("a > bdi", has_text="يوسف حداد")).to_have_count(1)
    expect(counselor.get_by_role("main")).to_contain_text(LONG_WORD)
    assert_fits_the_phone(counselor, "the dashboard")
    screenshot(counselor, "dashboard hebrew arabic")
    counselor.goto(f"/couples/{seeded['couple']}")
    expect(counselor.locator("h1 bdi")).to_contain_text("يوسف حداد")
    assert_fits_the_phone(counselor, "the couple page")
    screenshot(counselor, "couple page hebrew arabic")
    counselor.goto(f"/couples/{seeded['long']}")
    assert_fits_the_phone(counselor, "the couple page with an 80-character word")
    assert_accessible(counselor, "couple page with an 80-character word")
