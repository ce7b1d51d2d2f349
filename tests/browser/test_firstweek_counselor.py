"""The counselor's first week in Chromium: the dashboard on a phone with Hebrew and Arabic
names, and a review remark that ticks "Reviewed"."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    assert_accessible,
    assert_page_structure,
    expect,
    screenshot,
    sign_in,
)
from tests.factories import make_assignment, make_counselor, make_couple

pytestmark = pytest.mark.browser

ADMIN = "maya@example.org"


def seed_dashboard() -> None:
    from practice.extensions import db
    from practice.homework.models import Entry

    counselor = make_counselor(email=ADMIN, name="Dr. Maya Rivera", is_admin=True)
    yusuf = make_couple(counselor, ("يوسف حداد", "نور حداد"))
    noa = make_couple(counselor, ("נועה כהן", "Sam Baker"))
    plain = make_couple(counselor, ("Ana Silva", "Ben Okafor"))
    due, _ = make_assignment(yusuf, due_in_days=1)
    make_assignment(noa, due_in_days=3)
    make_assignment(plain, due_in_days=-2)
    db.session.add(
        Entry(
            assignment_id=due.id,
            partner_id=yusuf.partners[0].id,
            answers={"touched_me": "حين أعددت لي الشاي"},
            completion_note="كان جميلاً",
            submission_key="browser-dash-0001",
        )
    )


def test_dashboard_on_a_phone_reads_right_in_any_script(live_server, phone):
    live_server.seed(seed_dashboard)
    page = phone
    sign_in(page, ADMIN)
    page.goto("/")
    assert_page_structure(page)
    # The four numbers are one compact row: the first list starts on the first screen.
    cards = page.locator(".stat")
    tops = {round(cards.nth(i).bounding_box()["y"]) for i in range(cards.count())}
    assert len(tops) == 1, f"the number cards are on {len(tops)} rows"
    overdue = page.get_by_role("heading", name="Overdue")
    assert overdue.bounding_box()["y"] < page.viewport_size["height"] * 0.6
    # Names in any script are isolated inside the sentences they are in.
    due = page.get_by_role("region", name="Due this week")
    expect(due.locator("bdi", has_text="يوسف حداد & نور حداد")).to_be_visible()
    expect(due.locator("bdi", has_text="נועה כהן")).to_be_visible()
    feed = page.get_by_role("region", name="Recent entries")
    expect(feed).to_contain_text("حين أعددت لي الشاي")  # the answer, not only the note
    direction = feed.locator("dd", has_text="حين أعددت").evaluate(
        "element => getComputedStyle(element).direction"
    )
    assert direction == "rtl"
    assert_accessible(page, "dashboard on a phone")
    screenshot(page, "dashboard hebrew arabic names")


def seed_review() -> int:
    counselor = make_counselor(email=ADMIN, name="Dr. Maya Rivera", is_admin=True)
    couple = make_couple(counselor, ("يوسف حداد", "נועה כהן"))
    make_assignment(couple)
    return couple.id


def test_typing_a_remark_ticks_reviewed(live_server, desktop):
    couple_id = live_server.seed(seed_review)
    page = desktop
    sign_in(page, ADMIN)
    page.goto(f"/couples/{couple_id}/sessions/new")
    reviewed = page.get_by_label("Reviewed")
    expect(reviewed).not_to_be_checked()
    page.get_by_label("Your remarks").fill("Lovely effort")
    expect(reviewed).to_be_checked()
    # A box the counselor unticks by hand stays unticked while they type on.
    reviewed.uncheck()
    page.get_by_label("Your remarks").fill("Lovely effort, keep going")
    expect(reviewed).not_to_be_checked()


def seed_admin() -> None:
    make_counselor(email=ADMIN, name="Dr. Maya Rivera", is_admin=True)


@pytest.mark.parametrize("browser_zone", ["Asia/Kolkata", "Europe/Kyiv"])
def test_the_browsers_time_zone_comes_first(live_server, browser, browser_zone):
    live_server.seed(seed_admin)
    context = browser.new_context(base_url=live_server.url, timezone_id=browser_zone)
    try:
        page = context.new_page()
        sign_in(page, ADMIN)
        page.goto("/account")
        first_group = page.locator("#settings-timezone optgroup").first
        expect(first_group).to_have_attribute("label", "Your browser's time zone")
        first = first_group.locator("option")
        expect(first).to_have_count(1)
        expect(first).to_have_attribute("value", browser_zone)
        # Moved, not copied: the zone is listed once.
        assert page.locator(f'#settings-timezone option[value="{browser_zone}"]').count() == 1
    finally:
        context.close()


def test_without_javascript_the_picker_is_the_grouped_list(live_server, browser):
    live_server.seed(seed_admin)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, ADMIN)
        page.goto("/account")
        expect(page.locator("#settings-timezone optgroup").first).to_have_attribute(
            "label", "Universal"
        )
    finally:
        context.close()


def seed_assigning() -> int:
    from tests.factories import make_exercise

    counselor = make_counselor(email=ADMIN, name="Dr. Maya Rivera", is_admin=True)
    couple = make_couple(counselor, ("يوسف حداد", "נועה כהן"))
    make_exercise(slug="gratitude-list", title="Gratitude list")
    make_exercise(slug="daily-check-in", title="Daily check-in")
    return couple.id


def test_assigning_shows_times_a_week_only_when_it_applies_and_previews(live_server, phone):
    couple_id = live_server.seed(seed_assigning)
    page = phone
    sign_in(page, ADMIN)
    page.goto(f"/couples/{couple_id}/homework/new")
    times = page.get_by_label("How many times a week")
    expect(times).to_be_hidden()
    page.get_by_label("Times a week", exact=True).check()
    expect(times).to_be_visible()
    page.get_by_label("Once", exact=True).check()
    expect(times).to_be_hidden()
    # The preview follows the ticks.
    expect(page.get_by_role("region", name="Gratitude list")).to_be_hidden()
    page.get_by_role("checkbox", name="Gratitude list").check()
    page.get_by_role("checkbox", name="Daily check-in").check()
    expect(page.get_by_role("region", name="Gratitude list")).to_be_visible()
    expect(page.get_by_role("region", name="Daily check-in")).to_be_visible()
    expect(page.get_by_role("button", name="Show previews of the chosen exercises")).to_be_hidden()
    assert_page_structure(page)
    screenshot(page, "assign homework several with preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("2 exercises assigned")
