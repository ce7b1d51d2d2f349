from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.extensions import Model
from practice.timeutil import utcnow

if TYPE_CHECKING:
    from practice.couples.models import Couple


class Counselor(UserMixin, Model):
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
    # Two-factor sign-in (RFC 6238 TOTP). The secret is set when enrolment starts and is
    # in force once confirmed with a code; the last accepted time step stops a code being
    # used twice. The secret is stored sealed with a key from SECRET_KEY (practice.sealed,
    # migration 0007).
    totp_secret_sealed: Mapped[str | None] = mapped_column(String(255))
    totp_confirmed_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    couples: Mapped[list[Couple]] = relationship(back_populates="counselor")
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="counselor", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_confirmed_at is not None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<Counselor {self.id} {self.email}>"


class RecoveryCode(Model):
    """A one-time code for signing in without the authenticator app. Only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(
        ForeignKey("counselor.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 suffices: the codes are random with 50 bits, not chosen by people.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    counselor: Mapped[Counselor] = relationship(back_populates="recovery_codes")


class PracticeSetting(Model):
    """A practice-wide setting the administrator changes in the app, by name."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
