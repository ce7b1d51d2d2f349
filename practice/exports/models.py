from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from practice.extensions import Model
from practice.timeutil import utcnow

STATUSES = ("queued", "running", "ready", "failed", "expired")


class RecordExport(Model):
    """One request for a couple's full record as a PDF: queued by the counselor, built by a
    worker (which reports its progress here), downloadable until `expires_at`, then the file
    is deleted and the row says so."""

    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'ready', 'failed', 'expired')", name="status"
        ),
        CheckConstraint("copy IN ('couple', 'counselor')", name="copy"),
        Index("ix_record_export_couple_created", "couple_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"))
    counselor_id: Mapped[int] = mapped_column(ForeignKey("counselor.id", ondelete="CASCADE"))
    copy: Mapped[str] = mapped_column(String(16), default="counselor")
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[int] = mapped_column(default=0)  # percent
    pages: Mapped[int | None]
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # After this the PDF is deleted (EXPORT_KEEP_MINUTES after it was ready).
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    downloaded_at: Mapped[datetime | None]
