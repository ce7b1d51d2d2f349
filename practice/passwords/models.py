from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import Counselor
from practice.extensions import Model
from practice.timeutil import utcnow


class PasswordReset(Model):
    """A one-time link to choose a new password. Only a hash of its token is stored; it works
    once, until `expires_at`, and making a new one for the same counselor ends the old one."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("counselor.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 suffices: the tokens are 256 random bits, not chosen by people.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The administrator who made it; None when the counselor asked for it by email.
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("counselor.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    counselor: Mapped[Counselor] = relationship(foreign_keys=[counselor_id])

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id}>"
