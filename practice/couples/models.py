from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.extensions import Model
from practice.timeutil import utcnow

if TYPE_CHECKING:
    from practice.auth.models import Counselor
    from practice.homework.models import Assignment
    from practice.sessions.models import CounselingSession

COUPLE_STATUSES = ("active", "archived")


def first_name(display_name: str) -> str:
    """What a partner is called inside a sentence ('Ana' for 'Ana Maria Silva'): the first
    word of the name they gave, or the name itself when it has no word in it."""
    words = display_name.split()
    return words[0] if words else display_name


class Couple(Model):
    """Two partners in counseling with one counselor. Everything clinical hangs off a couple."""

    __table_args__ = (CheckConstraint("status IN ('active', 'archived')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("counselor.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    goals: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    counselor: Mapped[Counselor] = relationship(back_populates="couples")
    partners: Mapped[list[Partner]] = relationship(
        back_populates="couple",
        order_by="Partner.position",
        cascade="all, delete-orphan",
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="couple", cascade="all, delete-orphan", passive_deletes=True
    )
    sessions: Mapped[list[CounselingSession]] = relationship(
        back_populates="couple",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CounselingSession.starts_at.desc()",
    )

    @property
    def name(self) -> str:
        """How the couple is named on every page: 'Ana & Ben'."""
        return " & ".join(p.display_name for p in self.partners)

    @property
    def is_archived(self) -> bool:
        return self.status == "archived"

    def __repr__(self) -> str:
        return f"<Couple {self.id}>"


class Partner(Model):
    """One of the two people in a couple. Position 1 or 2: a couple has exactly two."""

    __table_args__ = (
        UniqueConstraint("couple_id", "position"),
        CheckConstraint("position IN (1, 2)", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    position: Mapped[int]
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    pronouns: Mapped[str | None] = mapped_column(String(40))

    couple: Mapped[Couple] = relationship(back_populates="partners")

    @property
    def first_name(self) -> str:
        return first_name(self.display_name)

    def __repr__(self) -> str:
        return f"<Partner {self.id} of couple {self.couple_id}>"
