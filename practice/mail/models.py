from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from practice.extensions import Model
from practice.timeutil import utcnow

EMAIL_STATUSES = ("pending", "sending", "sent", "skipped", "failed")
# The rows a sweep looks at; the partial index keeps that as small as what is in flight.
IN_FLIGHT = "status IN ('pending', 'sending')"


class OutboundEmail(Model):
    """One email that must be sent once: a link, a reminder, a digest.

    `dedupe_key` (kind, what it is about, who, the scheduled moment) is unique, so two
    schedulers planning the same reminder make one row. The message itself is composed when
    it is sent, from current data: the link is the partner's link at that moment and no
    token or text is ever stored here.
    """

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'skipped', 'failed')", name="status"
        ),
        Index(
            "ix_outbound_email_in_flight",
            "next_attempt_at",
            sqlite_where=text(IN_FLIGHT),
            postgresql_where=text(IN_FLIGHT),
        ),
        Index("ix_outbound_email_couple_created", "couple_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    couple_id: Mapped[int | None] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    counselor_id: Mapped[int | None] = mapped_column(
        ForeignKey("counselor.id", ondelete="CASCADE"), index=True
    )
    scheduled_for: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    # Set when a worker claims the row; a claim older than MAIL_CLAIM_TIMEOUT_SECONDS is
    # taken to belong to a worker that died, and may be claimed again.
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    failing_since: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # Why it was skipped or why the last attempt failed: our words or an SMTP reply code.
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<OutboundEmail {self.id} {self.kind} {self.status}>"
