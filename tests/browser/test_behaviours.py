"""What the little JavaScript there is does in a real browser, empty states that lead to the
next step, and times shown in the counselor's own time zone."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from practice.cli import load_library
from practice.extensions import db
from practice.sessions.models import CounselingSession
from tests.browser.helpers import expect, sign_in
from tests.factories import make_counselor, make_couple

pytestmark = pytest.mark.browser

MAYA = "maya@example.org"
LEE = "lee@example.org"


def seed() -> dict:
    maya = make_counselor(email=MAYA, name="Dr. Maya Rivera")
    couple = make_couple(maya, ("Ana Silva", "Ben Okafor"))
    session = CounselingSession(couple=couple, starts_at=datetime(2030, 1, 15, 15, 0))
    db.session.add(session)
    # A counselor of their own, for the time zone test (it changes their settings).
    lee = make_counselor(email=LEE, name="Lee Park")
    lee_couple = make_couple(lee, ("Rosa Díaz", "Kai Müller"))
    lee_session = CounselingSession(couple=lee_couple, starts_at=datetime(2030, 1, 15, 15, 0))
    db.session.add(lee_session)
    load_library()
    return {"session_id": session.id, "lee_session_id": lee_session.id}


@pytest.fixture(scope="module")
def practice(module_live_server) -> dict:
    return module_live_server.seed(seed)


@pytest.fixture(scope="module")
def maya_state(browser, module_live_server, practice) -> dict:
    context = browser.new_context(base_url=module_live_server.url)
    sign_in(context.new_page(), MAYA)
    state = context.storage_state()
    context.close()
    return state


def test_empty_states_lead_to_the_next_step(module_pages, practice, maya_state):
    page = module_pages.open("desktop", maya_state)
    page.goto("/")
    feed = page.get_by_role("region", name="Recent entries")
    expect(feed).to_contain_text("No entries yet")
    expect(feed).to_contain_text("as soon as a partner sends one")

    page.goto("/library/?q=nothing-like-this")
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        "No exercise matches “nothing-like-this”. Try fewer or other words, or any length."
    )
    expect(main.get_by_role("link", name="Clear search")).to_be_visible()

    page.goto("/couples/")
    page.get_by_role("link", name="Ana Silva & Ben Okafor").click()
    expect(main).to_contain_text("No homework yet — assign the first exercise.")
    with page.expect_navigation():
        main.get_by_role("link", name="Assign the first exercise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Assign homework to Ana Silva & Ben Okafor"
    )


def test_prompt_editor_moves_and_removes_prompts_in_place(module_pages, practice, maya_state):
    page = module_pages.open("desktop", maya_state)
    page.goto("/library/i-statements/copy")
    labels = page.locator("[data-prompt] input[name$='-label']")
    before = labels.evaluate_all("inputs => inputs.map(i => i.value)")
    count = len(before)
    assert count >= 4

    # Adding goes to the server and back (it needs the new prompt's fields)…
    with page.expect_navigation():
        page.get_by_role("button", name="Add a yes/no prompt").click()
    expect(labels).to_have_count(count + 1)
    labels.nth(count).fill("Did you try it this week?")

    # …moving and removing happen in place: nothing is sent, and focus stays useful.
    page.evaluate("window.__stayed = true")
    prompts = page.locator("[data-prompt]")
    prompts.first.get_by_role("button", name="Move down").click()
    expect(prompts.nth(1).get_by_role("button", name="Move down")).to_be_focused()
    prompts.nth(2).get_by_role("button", name="Remove").click()
    assert page.evaluate("window.__stayed") is True
    expect(labels).to_have_count(count)
    expect(page.locator("[data-prompt-number]")).to_have_text([str(n) for n in range(1, count + 1)])
    expect(prompts.first.get_by_role("button", name="Move up")).to_be_disabled()
    after = [before[1], before[0], *before[3:], "Did you try it this week?"]
    assert labels.evaluate_all("inputs => inputs.map(i => i.value)") == after

    page.get_by_label("Title").fill("My “I” statements")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My “I” statements")
    answers = page.locator("section", has=page.get_by_role("heading", name="What each partner"))
    saved = answers.locator("li strong")
    expect(saved).to_have_text(after)


def test_print_button_opens_the_print_dialog(module_pages, practice, maya_state):
    page = module_pages.open("desktop", maya_state)
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; }")
    page.goto(f"/sessions/{practice['session_id']}/print?copy=couple")
    button = page.get_by_role("button", name="Print")
    expect(button).to_be_visible()  # hidden until the script runs: no dead button without JS
    button.click()
    assert page.evaluate("window.__printed") == 1


def test_print_button_is_hidden_without_javascript(module_pages, practice, maya_state):
    page = module_pages.open("desktop", maya_state, java_script_enabled=False)
    page.goto(f"/sessions/{practice['session_id']}/print?copy=couple")
    expect(page.get_by_role("button", name="Print")).to_have_count(0)
    expect(page.get_by_role("banner")).to_contain_text("press Ctrl+P")


def test_times_follow_the_counselors_time_zone(module_pages, practice):
    page = module_pages.open("desktop")
    sign_in(page, LEE)
    page.goto(f"/sessions/{practice['lee_session_id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"15:00"))

    page.goto("/account")
    page.get_by_label("Time zone").select_option("America/Chicago")
    with page.expect_navigation():
        page.get_by_role("button", name="Save settings").click()
    page.goto(f"/sessions/{practice['lee_session_id']}")
    # 15:00 UTC on 15 January is 09:00 in Chicago (UTC−6 in winter).
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Tue 15 Jan.*09:00"))
