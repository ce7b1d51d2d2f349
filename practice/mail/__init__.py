"""Email: SMTP through Flask-Mailman, and an outbox of rows that are sent exactly once.

`services.send_message` talks to the SMTP server (workers only: a request never waits on
SMTP). `outbox` holds what must be sent as rows with a unique key, claimed by a conditional
UPDATE before sending (see its docstring for the delivery guarantee).
"""

from __future__ import annotations

from flask import Flask
from flask_mailman import Mail

mail = Mail()


def init_app(app: Flask) -> None:
    # Flask-Mailman picks an in-memory backend when TESTING is set; we always talk SMTP
    # (the tests run a real SMTP server on loopback).
    app.config.setdefault("MAIL_BACKEND", "smtp")
    mail.init_app(app)


def configured(app: Flask) -> bool:
    """True when MAIL_SERVER is set; without it the app runs and says email is off."""
    return bool(app.config.get("MAIL_SERVER"))
