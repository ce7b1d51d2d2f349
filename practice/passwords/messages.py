"""The password reset email. Its link is made when the message is composed, in the worker:
no token waits in the outbox or the queue, and a retry sends a fresh link (ending the last)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template

from practice.auth.models import Counselor
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.mail.outbox import Composed, Skip, composer
from practice.mail.services import Message
from practice.passwords import services


@composer(services.EMAIL_KIND)
def compose_reset_email(row: OutboundEmail, now: datetime) -> Composed:
    counselor = db.session.get(Counselor, row.counselor_id) if row.counselor_id else None
    if counselor is None or not counselor.active:
        return Skip("the counselor's account is closed")
    base = current_app.config.get("BASE_URL")
    if not base:
        return Skip("BASE_URL is not set: an emailed link needs the app's public address")
    token = services.make_link(counselor, made_by=None, now=now)
    # Committed here: the outbox ends its read transaction before talking SMTP.
    db.session.commit()
    path = current_app.url_map.bind("localhost").build("passwords.reset", {"token": token})
    context = {
        "practice_name": current_app.config["PRACTICE_NAME"],
        "counselor": counselor,
        "url": base + path,
        "minutes": int(services.LIFETIME.total_seconds() // 60),
    }
    return Message(
        to=counselor.email,
        subject=f"Choose a new password for {context['practice_name']}",
        text=render_template("mail/password_reset.txt", **context),
        html=render_template("mail/password_reset.html", **context),
    )
