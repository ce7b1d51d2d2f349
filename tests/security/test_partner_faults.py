"""Finding 7: text typed into a partner's page was lost when the link ended while the partner
wrote (revoked, homework cancelled, past its last day), and with the database down it came
back only on a generic page. Now the first shows the text back with the kind message, and
the second gives it back in a form that sends it again, with the same submission key."""

from __future__ import annotations

import html
import re
import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from practice import create_app
from practice.extensions import db
from practice.homework.models import Assignment, Entry
from practice.partner import access
from practice.timeutil import utcnow
from tests.factories import make_assignment, make_couple, make_exercise, make_partner_home_token

PROMPTS = [{"key": "thought", "type": "text", "label": "What did you notice?"}]
WRITTEN = "We talked at dinner 🍝 and <b>listened</b>.\nZoë said thank you."


@pytest.fixture
def page(app, counselor):
    """A partner's homework page, as opened before the link ended."""
    with app.app_context():
        couple = make_couple(db.session.merge(counselor), ("Zoë Ødegård", "Mateo Núñez"))
        assignment, _ = make_assignment(couple, make_exercise(prompts=PROMPTS))
        partner = couple.partners[0]
        token = make_partner_home_token(assignment, partner)
        db.session.commit()
        return {
            "url": f"/h/{token}/homework/{assignment.id}",
            "assignment": assignment.id,
            "partner": partner.id,
        }


def entry(key: str = "k" * 30) -> dict:
    return {"submission_key": key, "a-thought": WRITTEN, "visibility": "counselor"}


def entries(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Entry)).scalar_one()


TEXTAREA = re.compile(r"<textarea[^>]*>(.*?)</textarea>", re.S)


def shown_back(page_html: str) -> list[str]:
    return [html.unescape(text) for text in TEXTAREA.findall(page_html)]


def end_link(app, page, how: str) -> None:
    with app.app_context():
        if how == "revoked":
            access.turn_off(page["partner"], utcnow())
        elif how == "cancelled":
            db.session.get(Assignment, page["assignment"]).status = "cancelled"
        else:  # past its last day: opened at 23:50, sent at 00:05
            access.access_of(page["partner"]).expires_at = utcnow() - timedelta(minutes=5)
        db.session.commit()


@pytest.mark.parametrize("how", ["revoked", "cancelled", "expired"])
def test_an_entry_sent_after_the_link_ended_comes_back_with_the_kind_message(
    app, client, page, how
):
    assert client.get(page["url"]).status_code == 200  # the page is open, the partner writes
    end_link(app, page, how)
    response = client.post(page["url"], data=entry())
    text = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This link does not work any more" in text
    assert "ended while you were writing" in text
    assert WRITTEN in shown_back(text)
    assert "<b>listened</b>" not in text  # as text, never markup
    assert "k" * 30 not in text  # the hidden key is not something they typed
    assert entries(app) == 0


def test_an_unknown_link_shows_nothing_back_on_a_get(client):
    text = client.get(f"/h/{'x' * 43}").get_data(as_text=True)
    assert "ended while you were writing" not in text


@pytest.fixture
def down_app(app_config):
    """The same app on a PostgreSQL address that refuses every connection."""
    pytest.importorskip("psycopg")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = create_app(
        {**app_config, "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://x@127.0.0.1:{port}/x"}
    )
    yield down
    with down.app_context():
        db.engine.dispose()


FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*data-resend>(.*?)</form>', re.S)


def test_with_the_database_down_the_entry_comes_back_in_a_form_that_sends_it_again(
    app, down_app, page, caplog
):
    response = down_app.test_client().post(page["url"], data=entry("same-key-" + "x" * 21))
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "We cannot reach the practice" in text and "try again in a minute" in text
    action, form = FORM.search(text).groups()
    assert action == page["url"]  # the same address
    assert 'name="submission_key" value="same-key-' in form  # the same key: stored once
    assert 'name="visibility" value="counselor"' in form
    assert 'name="a-thought"' in form and WRITTEN in shown_back(form)
    assert "Send again" in form
    assert WRITTEN not in caplog.text

    # Sent again once the database is back: stored, and a third send is not stored twice.
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields["a-thought"] = shown_back(form)[0]
    client = app.test_client()
    assert client.post(page["url"], data=fields).status_code == 200
    assert client.post(page["url"], data=fields).status_code == 200
    assert entries(app) == 1
