from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.extensions import Model
from practice.timeutil import utcnow

if TYPE_CHECKING:
    from practice.couples.models import Partner

# Why a link stopped working, as the couple page says it.
END_REASONS = {
    "turned_off": "The link was turned off.",
    "archived": "The couple was archived.",
    "counselor_deactivated": "Their counselor's account was closed.",
}


class PartnerAccess(Model):
    """A partner's one personal link: it opens their home, with every homework under it.

    One row per partner, kept for good: a new link replaces the token (its hash) in place,
    turning it off sets `revoked_at`. Only the SHA-256 of the token is stored (see
    practice.partner.access for how the token is derived and why)."""

    __table_args__ = (
        CheckConstraint(
            "revoked_reason IS NULL OR revoked_reason IN "
            "('turned_off', 'archived', 'counselor_deactivated')",
            name="revoked_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # LINK_GRACE_DAYS after the latest due date of the partner's homework; pushed out
    # whenever new homework is assigned.
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(32))

    partner: Mapped[Partner] = relationship()

    def __repr__(self) -> str:
        return f"<PartnerAccess {self.id} of partner {self.partner_id}>"
