"""An unexpected constraint error is a bug: a logged 500 that gives back what was typed."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from practice.extensions import db
from practice.security import public


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
