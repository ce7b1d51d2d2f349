"""The outbox: emails as rows, each sent once.

Delivery guarantee. A row is claimed before it is sent: one conditional UPDATE moves it
from `pending` (due) to `sending` with a fresh claim token and is committed, so of two
workers, two schedulers or a retry racing for one row exactly one wins; the others see
`rowcount == 0` and do nothing. The winner composes the message from current data (a
reminder whose homework was done in the meantime is skipped, not sent), sends it, and
marks it `sent` (only if its claim still holds). A worker that dies after claiming leaves
the row in `sending`; after MAIL_CLAIM_TIMEOUT_SECONDS the sweep lets another worker
claim it. The one window for a duplicate: a worker killed after the SMTP server accepted
the message and before the `sent` mark was committed; the row is then sent again once
the claim times out. SMTP refusing or down: the row goes back to `pending` with a growing
delay (MAIL_RETRY_SECONDS doubling, at most an hour) and is marked `failed` with the
reason once it has been failing for MAIL_RETRY_HOURS.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import Table, and_, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from practice.extensions import db, rowcount
from practice.mail.models import IN_FLIGHT, OutboundEmail
from practice.mail.services import MailNotConfigured, Message, send_message
from practice.timeutil import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Skip:
    """Do not send, for this reason (shown to the counselor): 'done', 'opted out', …"""

    reason: str


@dataclass(frozen=True)
class Defer:
    """Not now (quiet hours): try again at `until` (naive UTC)."""

    until: datetime


Composed = Message | Skip | Defer
# kind -> function(row, now) composing the message from current data. Features register
# their kinds at import (practice.reminders.messages).
COMPOSERS: dict[str, Callable[[OutboundEmail, datetime], Composed]] = {}


def composer(kind: str):
    def register(func):
        COMPOSERS[kind] = func
        return func

    return register


@dataclass(frozen=True)
class Planned:
    """A row to add unless its key exists."""

    kind: str
    dedupe_key: str
    scheduled_for: datetime
    couple_id: int | None = None
    partner_id: int | None = None
    assignment_id: int | None = None
    counselor_id: int | None = None


def plan(rows: list[Planned]) -> list[int]:
    """Insert the rows whose key is new, in one statement; returns the new rows' ids.

    INSERT … ON CONFLICT DO NOTHING: a second scheduler planning the same key adds nothing
    and raises nothing (SQLite and PostgreSQL alike)."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    values = [
        {
            "kind": row.kind,
            "dedupe_key": row.dedupe_key,
            "scheduled_for": row.scheduled_for,
            "couple_id": row.couple_id,
            "partner_id": row.partner_id,
            "assignment_id": row.assignment_id,
            "counselor_id": row.counselor_id,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": row.scheduled_for,
            "created_at": now,
        }
        for row in rows
    ]
    # Core table and a list of parameters: one statement sent in pages ("insertmanyvalues"),
    # not a VALUES clause compiled afresh for every row (that took 5 s for 1,300 rows).
    table = cast(Table, OutboundEmail.__table__)
    statement = (
        insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)
    )
    return [row.id for row in db.session.execute(statement, values) if row.id is not None]


def claim(email_id: int, now: datetime) -> str | None:
    """Take the row for sending, committed; returns the claim token, or None if it is not
    due, already sent, or claimed by a live worker."""
    token = secrets.token_hex(16)
    stale = now - timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    result = db.session.execute(
        update(OutboundEmail)
        .where(
            OutboundEmail.id == email_id,
            or_(
                and_(OutboundEmail.status == "pending", OutboundEmail.next_attempt_at <= now),
                and_(OutboundEmail.status == "sending", OutboundEmail.claimed_at <= stale),
            ),
        )
        .values(
            status="sending",
            claim_token=token,
            claimed_at=now,
            attempts=OutboundEmail.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if rowcount(result) == 1 else None


def _finish(email_id: int, token: str, **values) -> bool:
    """Record the outcome if our claim still holds (committed by the caller)."""
    result = db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == email_id, OutboundEmail.claim_token == token)
        .values(claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def retry_delay(attempts: int) -> float:
    """Seconds before the next try: MAIL_RETRY_SECONDS doubling per attempt, at most an hour."""
    base = float(current_app.config["MAIL_RETRY_SECONDS"])
    return min(base * 2 ** max(attempts - 1, 0), 3600.0)


@dataclass(frozen=True)
class Outcome:
    status: str  # sent, skipped, failed, retry, deferred, busy
    reason: str = ""
    retry_in: float | None = None


def deliver(email_id: int, now: datetime | None = None) -> Outcome:
    """Claim, compose, send and record one row. Safe to call any number of times."""
    from practice.audit.services import record

    now = now or utcnow()
    token = claim(email_id, now)
    if token is None:
        return Outcome("busy")
    row = db.session.get(OutboundEmail, email_id)
    assert row is not None  # claimed a moment ago; rows are deleted only with their couple
    facts = (row.id, row.kind, row.couple_id, row.attempts)  # kept across the rollbacks
    compose = COMPOSERS.get(row.kind)
    if compose is None:
        _finish(email_id, token, status="failed", last_error=f"Unknown kind {row.kind!r}"[:200])
        db.session.commit()
        return Outcome("failed", "unknown kind")
    try:
        composed = compose(row, now)
    except Exception as error:  # a bug or the database: retried like a refusal, then failed
        db.session.rollback()
        logger.exception("Could not compose email %s", email_id)
        return _failed(*facts, token, now, error)
    if isinstance(composed, Skip):
        _finish(email_id, token, status="skipped", last_error=composed.reason[:200])
        db.session.commit()
        return Outcome("skipped", composed.reason)
    if isinstance(composed, Defer):
        # Quiet hours are not an attempt.
        _finish(
            email_id,
            token,
            status="pending",
            next_attempt_at=composed.until,
            attempts=OutboundEmail.attempts - 1,
        )
        db.session.commit()
        return Outcome("deferred")
    db.session.rollback()  # end the read transaction: SMTP may take seconds
    try:
        send_message(composed)
    except (smtplib.SMTPException, OSError, MailNotConfigured) as error:
        return _failed(*facts, token, now, error)
    if _finish(email_id, token, status="sent", sent_at=now, last_error=None):
        record(
            "email.sent",
            couple_id=row.couple_id,
            object_type="outbound_email",
            object_id=email_id,
            detail=row.kind,
            actor_kind="system",
        )
    db.session.commit()
    return Outcome("sent")


def _failed(
    email_id: int,
    kind: str,
    couple_id: int | None,
    attempts: int,
    token: str,
    now: datetime,
    error: Exception,
) -> Outcome:
    from practice.audit.services import record

    reason = _describe(error)
    failing_since = db.session.execute(
        select(func.coalesce(OutboundEmail.failing_since, now)).where(OutboundEmail.id == email_id)
    ).scalar_one()
    window = timedelta(hours=current_app.config["MAIL_RETRY_HOURS"])
    if now - failing_since >= window:
        if _finish(
            email_id, token, status="failed", last_error=reason, failing_since=failing_since
        ):
            record(
                "email.failed",
                couple_id=couple_id,
                object_type="outbound_email",
                object_id=email_id,
                detail=f"{kind}: {reason}",
                actor_kind="system",
            )
        db.session.commit()
        return Outcome("failed", reason)
    delay = retry_delay(attempts)
    _finish(
        email_id,
        token,
        status="pending",
        last_error=reason,
        failing_since=failing_since,
        next_attempt_at=now + timedelta(seconds=delay),
    )
    db.session.commit()
    logger.warning("Email %s not sent (%s); next try in %.0f s", email_id, reason, delay)
    return Outcome("retry", reason, delay)


def _describe(error: Exception) -> str:
    """A short reason for the couple page: the SMTP reply, or what kind of failure."""
    if isinstance(error, MailNotConfigured):
        return "Email is not configured (MAIL_SERVER)"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = {code for code, _ in error.recipients.values()}
        return f"The mail server refused the address ({', '.join(map(str, sorted(codes)))})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server answered {error.smtp_code}"
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError):
        return "The mail server could not be reached"
    if isinstance(error, smtplib.SMTPException | OSError):
        return f"Sending failed ({error.__class__.__name__})"
    return f"The message could not be prepared ({error.__class__.__name__})"


def due_ids(now: datetime, limit: int = 1000) -> list[int]:
    """Rows that should be (re)tried now: pending and due a while ago (their queued job was
    lost, say with Redis), or claimed by a worker that has not finished in time."""
    config = current_app.config
    grace = now - timedelta(seconds=config["MAIL_REQUEUE_GRACE_SECONDS"])
    stale = now - timedelta(seconds=config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    return list(
        db.session.execute(
            select(OutboundEmail.id)
            .where(
                text(IN_FLIGHT),  # as written, so the partial index is used
                OutboundEmail.next_attempt_at <= now,
                or_(
                    and_(OutboundEmail.status == "pending", OutboundEmail.next_attempt_at <= grace),
                    and_(OutboundEmail.status == "sending", OutboundEmail.claimed_at <= stale),
                ),
            )
            .order_by(OutboundEmail.next_attempt_at)
            .limit(limit)
        ).scalars()
    )
