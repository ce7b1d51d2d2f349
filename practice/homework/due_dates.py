"""The due date an assigning form suggests, and dates used as examples in its messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from practice.extensions import db
from practice.formatting import local
from practice.sessions.models import CounselingSession

DEFAULT_DAYS = 7


def next_appointment(couple_id: int, now: datetime) -> datetime | None:
    """The couple's next booked appointment (naive UTC), from the sessions' "next
    appointment" field: the soonest one still ahead."""
    return db.session.execute(
        select(func.min(CounselingSession.next_appointment_at)).where(
            CounselingSession.couple_id == couple_id,
            CounselingSession.next_appointment_at > now,
        )
    ).scalar_one()


def suggested_due_date(appointment_day: date | None, today: date) -> date:
    """The day before the next appointment when one is booked (so the homework is done by the
    session that discusses it), else a week from today. Never before today."""
    if appointment_day is not None and appointment_day - timedelta(days=1) >= today:
        return appointment_day - timedelta(days=1)
    return today + timedelta(days=DEFAULT_DAYS)


def default_due_date(couple_id: int, today: date, now: datetime, tz: str | None) -> date:
    appointment = next_appointment(couple_id, now)
    appointment_at = local(appointment, tz)  # None when no appointment is booked
    day = appointment_at.date() if appointment_at is not None else None
    return suggested_due_date(day, today)


def example_date(today: date) -> str:
    """A date for "like …" hints: a week ahead, so the example is one the form would accept."""
    return (today + timedelta(days=DEFAULT_DAYS)).isoformat()
