from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.exercises.limits import SCHEDULES
from practice.extensions import Model
from practice.timeutil import utcnow

if TYPE_CHECKING:
    from practice.couples.models import Couple, Partner
    from practice.exercises.models import Exercise

# How often homework is done: one list with the exercises' suggested schedules.
FREQUENCIES = SCHEDULES
VISIBILITIES = {
    "counselor": "Only my counselor",
    "partner": "My partner and my counselor",
    "after_both": "My partner, once we have both submitted",
}


# The conditions of the partial indexes; a query uses one only if it has the same terms.
OPEN_HOMEWORK = "status = 'active' AND reviewed_at IS NULL"
UNSEEN_ENTRY = "seen_at IS NULL"


class Assignment(Model):
    """Homework given to a couple: a frozen copy of an exercise, a due date and a note."""

    __table_args__ = (
        CheckConstraint("status IN ('active', 'cancelled')", name="status"),
        CheckConstraint(
            "frequency IN ('once', 'daily', 'weekly', 'fortnightly', 'monthly', 'event')",
            name="frequency",
        ),
        Index("ix_assignment_couple_due", "couple_id", "due_date"),
        # Open homework (the dashboard's due and overdue lists): partial, so the years of
        # reviewed homework are not even read (migration 0004).
        Index(
            "ix_assignment_open",
            "couple_id",
            "due_date",
            sqlite_where=text(OPEN_HOMEWORK),
            postgresql_where=text(OPEN_HOMEWORK),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    exercise_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercise.id", ondelete="SET NULL"), index=True
    )
    # The session in which it was assigned, and the one in which it was reviewed.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("counseling_session.id", ondelete="SET NULL"), index=True
    )
    reviewed_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("counseling_session.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date]
    frequency: Mapped[str] = mapped_column(String(16), default="once")
    times_per_week: Mapped[int | None]
    # Who takes which role when the exercise has roles (exercises.placement.RolePlan):
    # {"first": partner_id, "mode": "fixed" | "swap"}; None when it has none.
    roles: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    review_remarks: Mapped[str] = mapped_column(Text, default="")
    # When every assigned partner had sent as many entries as it asks for; None while someone
    # has not (practice.homework.finished keeps it, migration 0016; the dashboard reads it).
    finished_at: Mapped[datetime | None]

    couple: Mapped[Couple] = relationship(back_populates="assignments")
    exercise: Mapped[Exercise | None] = relationship()
    links: Mapped[list[PartnerLink]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan"
    )
    entries: Mapped[list[Entry]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="Entry.created_at"
    )

    def __repr__(self) -> str:
        return f"<Assignment {self.id} {self.title!r}>"


class PartnerLink(Model):
    """One assigned partner's private link. Only a hash of the token is stored;
    re-issuing replaces the hash, which kills the old link."""

    __table_args__ = (UniqueConstraint("assignment_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_opened_at: Mapped[datetime | None]

    assignment: Mapped[Assignment] = relationship(back_populates="links")
    partner: Mapped[Partner] = relationship()

    def __repr__(self) -> str:
        return f"<PartnerLink {self.id}>"


class Entry(Model):
    """What a partner submitted through their link. Never edited or deleted by the app,
    except when the counselor deletes the whole couple."""

    __table_args__ = (
        CheckConstraint("visibility IN ('counselor', 'partner', 'after_both')", name="visibility"),
        CheckConstraint(
            "connection_rating IS NULL OR connection_rating BETWEEN 1 AND 5", name="rating"
        ),
        # created_at too: homework progress (count and latest per partner) reads only the
        # index (migration 0005).
        Index("ix_entry_assignment_partner_created", "assignment_id", "partner_id", "created_at"),
        # Entries the counselor has not seen yet (the dashboard's "new" counts): partial, so
        # it stays as small as what is new, whatever the history, and by partner, so a
        # counselor's count starts from their couples' partners, not from every assignment
        # they ever gave (migration 0006).
        Index(
            "ix_entry_unseen_partner",
            "partner_id",
            "created_at",
            sqlite_where=text(UNSEEN_ENTRY),
            postgresql_where=text(UNSEEN_ENTRY),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    # Answers keyed by prompt key; shapes follow the prompt type.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completion_note: Mapped[str] = mapped_column(Text, default="")
    connection_rating: Mapped[int | None]
    visibility: Mapped[str] = mapped_column(String(16), default="counselor")
    # "Only my counselor will see this": never shown to the partner, whatever `visibility` says.
    private_note: Mapped[str] = mapped_column(Text, default="")
    # One per rendered form: a double click or a resent POST stores one entry.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    seen_at: Mapped[datetime | None]

    assignment: Mapped[Assignment] = relationship(back_populates="entries")
    partner: Mapped[Partner] = relationship()

    def __repr__(self) -> str:
        return f"<Entry {self.id}>"
