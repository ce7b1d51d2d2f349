"""Password reset links: made, looked up, used. Plain functions of explicit arguments."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from practice.auth.models import Counselor
from practice.auth.services import AccountError, end_all_sessions, hash_password, password_problem
from practice.extensions import db, rowcount
from practice.passwords.models import PasswordReset
from practice.timeutil import utcnow

LIFETIME = timedelta(hours=1)
EMAIL_KIND = "password_reset"


def email_ready(config) -> bool:
    """Reset links can be emailed: an SMTP server, and the public address links start with
    (a worker has no request to take a host from)."""
    return bool(config.get("MAIL_SERVER")) and bool(config.get("BASE_URL"))


def plan_reset_email(counselor: Counselor, now: datetime | None = None) -> list[int]:
    """An outbox row to email `counselor` a reset link (not committed); the link itself is
    made when the worker composes the message. Returns the row ids to queue."""
    from practice.mail import outbox

    now = now or utcnow()
    return outbox.plan(
        [
            outbox.Planned(
                kind=EMAIL_KIND,
                dedupe_key=f"{EMAIL_KIND}:{counselor.id}:{secrets.token_hex(8)}",
                scheduled_for=now,
                counselor_id=counselor.id,
            )
        ]
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _end_open_links(counselor_id: int, now: datetime) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.counselor_id == counselor_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )


def make_link(counselor: Counselor, made_by: Counselor | None, now: datetime | None = None) -> str:
    """A new reset token for `counselor` (not committed); any older open link stops working.
    Only its hash is kept: the token is shown or sent once and cannot be read back."""
    now = now or utcnow()
    _end_open_links(counselor.id, now)
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordReset(
            counselor_id=counselor.id,
            token_hash=_hash(token),
            made_by_id=made_by.id if made_by else None,
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    return token


def open_link(token: str, now: datetime | None = None) -> PasswordReset | None:
    """The unused, unexpired link for this token of an active counselor, or None. Unknown,
    used and expired tokens are one answer: the page says nothing about which."""
    if not token or len(token) > 100:
        return None
    reset = db.session.execute(
        select(PasswordReset).where(PasswordReset.token_hash == _hash(token))
    ).scalar_one_or_none()
    now = now or utcnow()
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    if not reset.counselor.active:
        return None
    return reset


def use_link(reset: PasswordReset, new_password: str, now: datetime | None = None) -> Counselor:
    """Set the new password (not committed): the link and any other open one end, and every
    browser signed in as this counselor is signed out. Raises AccountError for a weak one."""
    problem = password_problem(new_password)
    if problem:
        raise AccountError("new_password", problem)
    now = now or utcnow()
    # Claimed with a conditional UPDATE: two submits of the same link set one password.
    claimed = rowcount(
        db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
    )
    if claimed != 1:
        raise AccountError("new_password", "This link has been used already.")
    counselor = reset.counselor
    _end_open_links(counselor.id, now)
    counselor.password_hash = hash_password(new_password)
    end_all_sessions(counselor)
    return counselor
