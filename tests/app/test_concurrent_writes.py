"""Two writers at the same moment (a double click, two tabs, two people): the database's unique
rules decide, and the person who lost the race gets a clear answer, never a 500.

The other writer is a real second connection that has written and not committed yet when the
request starts; it commits while the request waits on it. On PostgreSQL the request does not
see the row, inserts, and the unique index refuses it; on SQLite the request waits for the
write lock and then sees the row. Either way the answer must be calm."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from practice.auth.models import Counselor
from practice.extensions import db
from tests.factories import test_password_hash as shared_password_hash

EMAIL = "sam.lee@example.org"
PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def other_writer(app):
    """A second connection to the same database, in a transaction that has inserted a
    counselor with EMAIL and holds it until `commit()` is called."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(
        text(
            "INSERT INTO counselor (email, name, password_hash, is_admin, active, "
            "session_version, timezone, created_at) VALUES (:email, 'Sam Lee (other tab)', "
            ":hash, false, true, 1, 'UTC', CURRENT_TIMESTAMP)"
        ),
        {"email": EMAIL, "hash": shared_password_hash()},
    )
    yield transaction
    if transaction.is_active:
        transaction.rollback()
    connection.close()
    engine.dispose()


def post_while_the_other_writer_commits(client, path: str, data: dict, other_writer):
    """Send the POST from a thread, let it reach the other writer's lock, then commit."""
    result = {}

    def send():
        result["response"] = client.post(path, data=data)

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(0.5)  # the request is now waiting on the other writer's row or lock
    other_writer.commit()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the request never finished"
    return result["response"]


def count_with_email(app) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(Counselor).where(Counselor.email == EMAIL)
        ).scalar_one()


def test_the_same_counselor_added_twice_at_once_is_refused_on_the_form(
    app, signed_in, other_writer
):
    response = post_while_the_other_writer_commits(
        signed_in,
        "/team",
        {"name": "Sam Lee ✨", "email": EMAIL, "password": PASSWORD},
        other_writer,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A counselor with this email already exists." in page
    assert 'value="Sam Lee ✨"' in page  # what was typed is still in the form
    assert count_with_email(app) == 1


def test_first_run_setup_racing_another_setup_gets_a_calm_answer(app, client, other_writer):
    response = post_while_the_other_writer_commits(
        client,
        "/setup",
        {
            "name": "Dr. Sam Lee",
            "email": EMAIL,
            "password": PASSWORD,
            "practice-practice_name": "Harbor",
            "practice-timezone": "UTC",
        },
        other_writer,
    )
    page = response.get_data(as_text=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Both saw an empty practice; the unique email refused the second.
        assert response.status_code == 409
        assert "That was just saved by another request" in page
        assert "Dr. Sam Lee" in page  # typed text shown back (the password never)
        assert PASSWORD not in page
    else:
        # SQLite queued the request behind the other writer: by then the practice existed.
        assert response.status_code == 404
    assert count_with_email(app) == 1
