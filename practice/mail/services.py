"""Composing and sending one email over SMTP (no Flask request needed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_mailman import EmailMultiAlternatives

from practice.mail import mail


class MailNotConfigured(RuntimeError):
    """MAIL_SERVER is not set."""


@dataclass(frozen=True)
class Message:
    """One email: plain text plus optional simple HTML, and extra headers."""

    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def send_message(message: Message) -> None:
    """Send `message` now over SMTP. Raises on any refusal (smtplib.SMTPException, OSError).

    Call it from a job, never from a request: the SMTP server may be slow or down."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise MailNotConfigured("MAIL_SERVER is not set")
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=config.get("MAIL_DEFAULT_SENDER"),
        to=[message.to],
        headers=dict(message.headers),
    )
    if message.html is not None:
        email.attach_alternative(message.html, "text/html")
    connection = mail.get_connection(fail_silently=False)
    # Closed whatever happens: a refused message must not leave the socket to the collector.
    try:
        connection.open()
        connection.send_messages([email])
    finally:
        connection.close()
