"""A partner's own reminder preferences: opting out (with the signed unsubscribe link) and
their time zone."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from practice.couples.models import Partner
from practice.extensions import db
from practice.keys import UNSUBSCRIBE, derive_key
from practice.reminders.models import ReminderPreference


def _unsubscribe_serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(derive_key(secret_key, UNSUBSCRIBE), salt="reminders")


def unsubscribe_token(partner_id: int, secret_key: str) -> str:
    return _unsubscribe_serializer(secret_key).dumps(partner_id)


def partner_for_unsubscribe(token: str, secret_key: str) -> Partner | None:
    try:
        partner_id = _unsubscribe_serializer(secret_key).loads(token)
    except BadSignature:
        return None
    return db.session.get(Partner, partner_id) if isinstance(partner_id, int) else None


def preference(partner_id: int) -> ReminderPreference:
    """The partner's preference row (added to the session if there was none)."""
    row = db.session.get(ReminderPreference, partner_id)
    if row is None:
        row = ReminderPreference(partner_id=partner_id)
        db.session.add(row)
    return row


def opted_out_since(partner_ids: list[int]) -> dict[int, datetime]:
    """When each partner who opted out did so, in one query."""
    if not partner_ids:
        return {}
    rows = db.session.execute(
        select(ReminderPreference.partner_id, ReminderPreference.opted_out_at).where(
            ReminderPreference.partner_id.in_(partner_ids),
            ReminderPreference.opted_out_at.is_not(None),
        )
    ).all()
    return cast(dict[int, datetime], dict(rows))  # the query keeps only non-null times


def set_opted_out(partner_id: int, opted_out: bool, now: datetime) -> bool:
    """Opt the partner out of reminders (or back in); True if that changed anything."""
    row = preference(partner_id)
    if (row.opted_out_at is not None) == opted_out:
        return False
    row.opted_out_at = now if opted_out else None
    db.session.flush()
    return True


def partner_zones(partner_ids: list[int]) -> dict[int, str]:
    """The partners' own time zones (those who have one), in one query."""
    if not partner_ids:
        return {}
    rows = db.session.execute(
        select(ReminderPreference.partner_id, ReminderPreference.timezone).where(
            ReminderPreference.partner_id.in_(partner_ids),
            ReminderPreference.timezone.is_not(None),
        )
    ).all()
    return cast(dict[int, str], dict(rows))  # the query keeps only non-null zones


def set_timezone(partner_id: int, timezone: str | None) -> None:
    """The partner's own zone, or None for their counselor's (no row is made for that)."""
    row = db.session.get(ReminderPreference, partner_id)
    if row is None and not timezone:
        return
    (row or preference(partner_id)).timezone = timezone or None
