from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.extensions import Model
from practice.timeutil import utcnow

if TYPE_CHECKING:
    from practice.couples.models import Couple

SESSION_FORMATS = {"in_person": "In person", "video": "Video", "phone": "Phone"}
ATTENDANCE = {"both": "Both partners", "partner1": "Partner 1 only", "partner2": "Partner 2 only"}


class CounselingSession(Model):
    """A counseling appointment that took place. Named so nobody mistakes it for db.session."""

    __tablename__ = "counseling_session"
    __table_args__ = (
        CheckConstraint("format IN ('in_person', 'video', 'phone')", name="format"),
        CheckConstraint("attendance IN ('both', 'partner1', 'partner2')", name="attendance"),
        Index("ix_counseling_session_couple_starts", "couple_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=50)
    format: Mapped[str] = mapped_column(String(16), default="in_person")
    attendance: Mapped[str] = mapped_column(String(16), default="both")
    focus: Mapped[str] = mapped_column(Text, default="")
    private_notes: Mapped[str] = mapped_column(Text, default="")
    couple_summary: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    next_appointment_at: Mapped[datetime | None]
    # The couple's copy of the summary shows the progress chart (totals only) when ticked.
    include_progress: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    couple: Mapped[Couple] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<CounselingSession {self.id}>"
