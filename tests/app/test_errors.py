"""An unexpected constraint error is a bug: a logged 500 that gives back what was typed."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from practice.extensions import db
from practice.security import public
from tests.factories import TEST_PASSWORD


def test_an_unexpected_integrity_error_is_a_logged_500_with_the_typed_text(app_config, caplog):
    from practice import create_app

    # As in production: an exception becomes the 500 page instead of reaching the test.
    app = create_app(app_config | {"WTF_CSRF_ENABLED": False, "PROPAGATE_EXCEPTIONS": False})
    with app.app_context():
        db.create_all()  # the error page reads the practice's details

    @app.post("/__broken")
    @public
    def broken():
        raise IntegrityError("INSERT …", {}, Exception("duplicate key"))

    with caplog.at_level(logging.ERROR):
        response = app.test_client().post("/__broken", data={"note": "Qtypedtext ✨"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "Qtypedtext ✨" in page
    assert "saved by another request" not in page
    assert any(record.levelno >= logging.ERROR for record in caplog.records)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("committed_first", [False, True])
def test_the_database_failing_after_the_counselor_was_loaded_is_a_calm_503(
    app, counselor, committed_first
):
    """The counselor was read (and, in the second case, a commit expired them, as a GET that
    records its read in the audit log does), then the database went away mid-request: the
    503 page renders signed out without reading them again, keeps what was typed, and does
    not sign them out."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    def refuse(*_args):
        raise OperationalError("SELECT …", {}, Exception("connection refused"))

    @app.post("/__down_after_sign_in")
    def down_after_sign_in():
        if committed_first:
            db.session.commit()
        event.listen(db.engine, "before_cursor_execute", refuse)
        raise OperationalError("UPDATE …", {}, Exception("connection refused"))

    client = app.test_client()
    assert client.post("/login", data={"email": "admin@example.org", "password": TEST_PASSWORD})
    try:
        response = client.post("/__down_after_sign_in", data={"note": "Qkeptnote ✨"})
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", refuse)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "We cannot reach the practice" in page and "Qkeptnote ✨" in page
    assert "Your account:" not in page  # rendered signed out
    assert client.get("/").status_code == 200  # still signed in
