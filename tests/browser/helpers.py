"""Helpers for browser tests: sign in, screenshots, axe audits, page structure checks."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture then skips (or fails, in CI) with the reason
    expect = None

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "test-artifacts" / "screenshots")
saved_screenshots: list[Path] = []


def sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real form and wait for the page after it."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG named after the page type and the viewport width."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOT_DIR / f"{slug}-{width}px.png"
    page.screenshot(path=str(path), full_page=True)
    saved_screenshots.append(path)
    return path


SERIOUS = {"serious", "critical"}


def assert_accessible(page, label: str = "") -> None:
    """Run axe-core on the page; fail on any serious or critical violation, listing them."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    problems = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    if problems:
        lines = []
        for violation in problems:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {', '.join(map(str, node['target']))}: {node['failureSummary']}")
        where = label or page.url
        message = f"axe found serious accessibility problems on {where}:\n" + "\n".join(lines)
        pytest.fail(message, pytrace=False)


def assert_page_structure(page) -> None:
    """One h1 and the landmarks every page has: banner, main, contentinfo."""
    assert page.locator("h1").count() == 1, f"{page.url}: expected exactly one h1"
    assert page.locator("header").count() >= 1, f"{page.url}: no header landmark"
    assert page.locator("main").count() == 1, f"{page.url}: expected one main landmark"
    assert page.locator("footer").count() >= 1, f"{page.url}: no footer landmark"
    # WCAG 1.4.10 reflow: nothing wider than the window, so no sideways scrolling.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url}: the page is {overflow}px wider than the window"


def submit(page, act) -> None:
    """Run `act` (a click or key press that sends a form or follows a link) and wait for
    the answer to be shown.

    The partner's entry form is sent by resend.js (fetch, sent again when no answer came),
    which writes the server's page into the document instead of navigating when the answer
    is a page rather than a redirect: wait for the form that was sent to leave the page.
    Everything else navigates."""
    from playwright.sync_api import Error

    sent = page.locator("form[data-resend]")
    if not sent.count():
        with page.expect_navigation():
            act()
        return
    form = sent.first.element_handle()
    act()
    try:
        form.wait_for_element_state("hidden", timeout=15_000)
    except Error as error:  # a navigation destroyed the handle's document: the answer is in
        if "destroyed" not in str(error) and "not attached" not in str(error):
            raise
    page.wait_for_load_state()
