from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from practice.extensions import Model
from practice.homework.models import OPEN_HOMEWORK, Assignment
from practice.reminders.rules import DEFAULT_SUBJECT


class ReminderPlan(Model):
    """How one assignment reminds its partners: a rule and the local hour it sends at."""

    __table_args__ = (
        CheckConstraint("rule IN ('none', 'day_before', 'due_day', 'daily_nudge')", name="rule"),
        CheckConstraint("local_hour BETWEEN 8 AND 20", name="local_hour"),
    )

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[str] = mapped_column(String(16), default="none")
    local_hour: Mapped[int] = mapped_column(default=18)


class ReminderPreference(Model):
    """A partner's own say over reminders: their time zone and whether they opted out.

    A table of its own (not columns on `partner`): no row means the defaults (the
    counselor's zone, reminders on)."""

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
    )
    # Reminders go out at this zone's local hours; None: the counselor's zone.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # One-click unsubscribe (RFC 8058); the partner can undo it from their home.
    opted_out_at: Mapped[datetime | None]


class ReminderSettings(Model):
    """The practice's defaults for reminders and the wording of its emails (one row)."""

    __table_args__ = (
        CheckConstraint(
            "default_rule IN ('none', 'day_before', 'due_day', 'daily_nudge')",
            name="default_rule",
        ),
        CheckConstraint("default_hour BETWEEN 8 AND 20", name="default_hour"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    default_rule: Mapped[str] = mapped_column(String(16), default="day_before")
    default_hour: Mapped[int] = mapped_column(default=18)
    # Neutral on purpose: inboxes are shared and read over shoulders.
    subject: Mapped[str] = mapped_column(String(120), default=DEFAULT_SUBJECT)
    digest_enabled: Mapped[bool] = mapped_column(default=False)


# The sweep reads open homework by due date: this keeps that to what is current, however
# many years of homework lie behind it (migration 0013).
Index(
    "ix_assignment_open_due",
    Assignment.due_date,
    sqlite_where=text(OPEN_HOMEWORK),
    postgresql_where=text(OPEN_HOMEWORK),
)
