"""The database goes away (a restart, a network fault): people get a calm 503 that says to try
again, with whatever they typed shown back, never a 500 or a trace. The database here is a
real PostgreSQL address nobody listens on, so every connection attempt is refused."""

from __future__ import annotations

import html
import re
import socket

import pytest

from practice import create_app
from practice.extensions import db
from tests.factories import make_assignment, make_couple

pytest.importorskip("psycopg", reason="the postgres extra (pip install -e '.[dev,postgres]')")

NOTE = "We argued about money again 💸 but stopped <b>earlier</b> this time.\nZoë cried."


@pytest.fixture
def down_app(app_config):
    """The same app and secret key, on a database that refuses every connection."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = create_app(
        {**app_config, "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://x@127.0.0.1:{port}/x"}
    )
    yield down
    with down.app_context():
        db.engine.dispose()


@pytest.fixture
def practice(app, counselor):
    with app.app_context():
        couple = make_couple(counselor, ("Zoë Ødegård", "Mateo Núñez"))
        _, tokens = make_assignment(couple)
        db.session.commit()
        return {"couple": couple.id, "link": f"/h/{tokens[couple.partners[0].id]}"}


def assert_calm_503(response) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "We cannot reach the practice" in page and "try again in a minute" in page
    assert "Traceback" not in page and "psycopg" not in page and "OperationalError" not in page
    return page


KEPT = re.compile(r'<textarea id="kept-\d+" readonly[^>]*>(.*?)</textarea>', re.S)


def kept_texts(page: str) -> list[str]:
    return [html.unescape(text) for text in KEPT.findall(page)]


def test_a_counselors_session_notes_come_back_when_the_database_is_down(
    signed_in, down_app, practice, caplog
):
    """Signed in before the fault: loading the counselor fails first, and the page still
    renders (signed out) with the notes they were saving."""
    client = down_app.test_client()
    cookie = signed_in.get_cookie(down_app.config["SESSION_COOKIE_NAME"])
    client.set_cookie(cookie.key, cookie.value)
    response = client.post(
        f"/couples/{practice['couple']}/sessions/new",
        data={"focus": "Money talks", "private_notes": NOTE, "duration_minutes": "50"},
    )
    page = assert_calm_503(response)
    assert NOTE in kept_texts(page) and "Money talks" in kept_texts(page)
    assert "<b>earlier</b>" not in page  # shown as text, never as markup
    assert "Database unavailable: OperationalError" in caplog.text
    assert NOTE not in caplog.text  # what people wrote never goes to the log


def test_a_partners_link_page_and_entry_when_the_database_is_down(down_app, practice):
    """(The entry comes back in a form that sends it again: tests/security/
    test_partner_faults.py.)"""
    client = down_app.test_client()
    assert_calm_503(client.get(practice["link"]))
    response = client.post(
        practice["link"],
        data={"submission_key": "k" * 43, "completion_note": NOTE, "private_note": "only you"},
    )
    page = assert_calm_503(response)
    assert html.escape(NOTE, quote=False) in page and "only you" in page
    assert 'type="hidden" name="submission_key" value="' + "k" * 43 in page  # sent again as is


def test_sign_in_says_to_try_again_and_liveness_still_answers(down_app):
    client = down_app.test_client()
    assert_calm_503(client.get("/login"))  # it checks whether the practice is set up yet
    page = assert_calm_503(
        client.post("/login", data={"email": "a@example.org", "password": "typed secret 123"})
    )
    assert "typed secret 123" not in page  # passwords are never shown back
    assert client.get("/healthz").status_code == 200  # the process itself is alive
