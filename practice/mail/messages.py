"""Messages the mail feature itself sends."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template

from practice.auth.models import Counselor
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.mail.outbox import Composed, Skip, composer
from practice.mail.services import Message


@composer("mail_test")
def compose_test_message(row: OutboundEmail, now: datetime) -> Composed:
    """ "Send me a test email": proves the SMTP settings end to end, to the asker only."""
    counselor = db.session.get(Counselor, row.counselor_id) if row.counselor_id else None
    if counselor is None or not counselor.active:
        return Skip("the counselor's account is closed")
    context = {"practice_name": current_app.config["PRACTICE_NAME"], "counselor": counselor}
    return Message(
        to=counselor.email,
        subject=f"Test email from {context['practice_name']}",
        text=render_template("mail/test_message.txt", **context),
        html=render_template("mail/test_message.html", **context),
    )
