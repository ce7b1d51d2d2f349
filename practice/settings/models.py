from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from practice.extensions import Model
from practice.timeutil import utcnow

#: The one row's id: a practice has one letterhead.
THE_PRACTICE = 1


class PracticeSettings(Model):
    """The practice's details, printed on every sheet and shown on every page (one row).

    Until the administrator saves them, ``practice.settings.services.practice_settings``
    answers from the environment (PRACTICE_NAME, PAPER_SIZE, DEFAULT_TIMEZONE)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    # Printed on every client-facing sheet, e.g. "In a crisis call or text 988".
    crisis_line: Mapped[str] = mapped_column(String(300), default="")
    paper_size: Mapped[str] = mapped_column(String(10), default="a4")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The logo is checked to be a PNG or JPEG image of bounded size before it is stored.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
