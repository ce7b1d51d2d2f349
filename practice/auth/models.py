from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.extensions import db
from practice.timeutil import utcnow

if TYPE_CHECKING:
    from practice.couples.models import Couple


class Counselor(UserMixin, db.Model):
    """A counselor who signs in. The first one created is the practice administrator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Named `active` because Flask-Login's `is_active` property reads it.
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on sign-out, password change and deactivation: every cookie carrying an
    # older version stops working, on every device (see auth.services.load_counselor).
    session_version: Mapped[int] = mapped_column(default=1)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    # When the counselor last looked at the dashboard: "new since you last looked".
    dashboard_seen_at: Mapped[datetime | None]

    couples: Mapped[list[Couple]] = relationship(back_populates="counselor")

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<Counselor {self.id} {self.email}>"
