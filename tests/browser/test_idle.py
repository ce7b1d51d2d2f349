"""The idle warning in a real browser, on a server whose idle limit is 15 seconds."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Pages, _fresh_database, _serve
from tests.browser.helpers import expect, sign_in
from tests.factories import make_counselor

pytestmark = pytest.mark.browser

EMAIL = "idle@example.org"


@pytest.fixture
def idle_server(tmp_path, postgres_url):
    # A quarter of a minute: the warning comes a third of the way before, after ~10 seconds.
    with _serve(
        _fresh_database(postgres_url, tmp_path), tmp_path, IDLE_TIMEOUT_MINUTES=0.25
    ) as server:
        server.seed(lambda: make_counselor(email=EMAIL, name="Dr. Idle"))
        yield server


def test_idle_warning_offers_to_stay_signed_in(browser, idle_server):
    pages = Pages(browser, idle_server)
    try:
        page = pages.open("desktop")
        sign_in(page, EMAIL)
        warning = page.get_by_role("alert")
        expect(warning).to_contain_text("You will be signed out in about", timeout=20_000)
        stay = warning.get_by_role("button", name="Stay signed in")
        expect(stay).to_be_focused()  # a keyboard user can answer at once
        stay.click()
        expect(warning).to_have_count(0)
        # Still signed in: the keepalive counted as activity.
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    finally:
        pages.close()
