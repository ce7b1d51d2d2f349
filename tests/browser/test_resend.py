"""Finding 9, in Chromium: a partner's send that gets no answer (the server process died after
storing it, or the connection dropped) is sent again by the page, with the same submission
key, and stored once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.homework.models import Entry
from tests.factories import (
    make_assignment,
    make_counselor,
    make_couple,
    make_exercise,
    make_partner_home_token,
)

pytestmark = pytest.mark.browser

PROMPTS = [{"key": "thought", "type": "text", "label": "What did you notice?"}]


def homework_page(live_server) -> str:
    def build():
        counselor = make_counselor(email="dr@example.org")
        couple = make_couple(counselor, ("Zoë Ødegård", "Mateo Núñez"))
        assignment, _ = make_assignment(couple, make_exercise(prompts=PROMPTS))
        token = make_partner_home_token(assignment, couple.partners[0])
        return f"/h/{token}/homework/{assignment.id}"

    return live_server.seed(build)


def stored(live_server) -> list[str]:
    with live_server.app.app_context():
        return [entry.answers["thought"] for entry in db.session.execute(select(Entry)).scalars()]


def test_a_send_that_got_no_answer_is_sent_again_and_stored_once(live_server, new_page):
    url = homework_page(live_server)
    page = new_page("phone")
    page.goto(url)
    posts: list[str] = []

    def server_dies_after_storing(route):
        posts.append(route.request.post_data or "")
        if len(posts) == 1:
            route.fetch()  # the server gets it and stores it...
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.continue_()

    page.route(lambda address: "/homework/" in address, server_dies_after_storing)
    page.fill("#a-thought", "We cooked together 🍲 and nobody checked a phone.")
    page.get_by_role("button", name="Send", exact=True).last.click()
    page.get_by_text("Thank you").first.wait_for(timeout=20_000)

    assert len(posts) == 2 and posts[0] == posts[1]  # the same body, the same key
    assert "submission_key=" in posts[0]
    assert stored(live_server) == ["We cooked together 🍲 and nobody checked a phone."]


def test_when_the_connection_stays_down_the_text_stays_in_the_form(live_server, new_page):
    url = homework_page(live_server)
    page = new_page("phone")
    page.goto(url)
    page.route(lambda address: "/homework/" in address, lambda route: route.abort("failed"))
    page.fill("#a-thought", "Still here after the tunnel")
    page.get_by_role("button", name="Send", exact=True).last.click()
    page.get_by_text("Still sending").wait_for()
    page.get_by_text("Not sent yet").wait_for(timeout=30_000)  # four more tries, 15 s apart
    assert page.input_value("#a-thought") == "Still here after the tunnel"
    assert page.get_by_role("button", name="Send", exact=True).last.is_enabled()
    assert stored(live_server) == []
