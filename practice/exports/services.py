"""Full-record exports: ask for one, build it (in a worker), download it, forget it.

A request writes a `RecordExport` row and queues its id; the worker claims the row with a
conditional UPDATE (so a job delivered twice builds once), reports its progress on the row,
and stores the PDF there, where web processes on any host can serve it. The PDF is deleted
EXPORT_KEEP_MINUTES after it is ready. Functions take explicit arguments; callers commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from practice.auth.models import Counselor
from practice.couples.models import Couple
from practice.exports.models import RecordExport
from practice.extensions import db, rowcount
from practice.timeutil import utcnow

# A claim older than this belongs to a worker that died: another may take the row again.
STALE_CLAIM = timedelta(minutes=10)
# Rows (without their PDF) are kept this long for the couple page's list, then removed.
KEEP_ROWS = timedelta(days=7)


def request_export(couple: Couple, counselor: Counselor, copy: str, now: datetime) -> RecordExport:
    if copy not in ("couple", "counselor"):
        raise ValueError(f"copy must be 'couple' or 'counselor', not {copy!r}")
    export = RecordExport(
        couple_id=couple.id,
        counselor_id=counselor.id,
        copy=copy,
        status="queued",
        created_at=now,
    )
    db.session.add(export)
    db.session.flush()
    return export


def exports_of(couple: Couple, limit: int = 5) -> list[RecordExport]:
    """The couple's latest exports, newest first (without loading their PDFs)."""
    from sqlalchemy.orm import defer

    return list(
        db.session.execute(
            select(RecordExport)
            .where(RecordExport.couple_id == couple.id)
            .options(defer(RecordExport.pdf))
            .order_by(RecordExport.created_at.desc(), RecordExport.id.desc())
            .limit(limit)
        ).scalars()
    )


def claim(export_id: int, now: datetime) -> bool:
    """Take the row for building; False if another worker has it or it is done."""
    result = db.session.execute(
        update(RecordExport)
        .where(
            RecordExport.id == export_id,
            or_(
                RecordExport.status == "queued",
                (RecordExport.status == "running") & (RecordExport.started_at < now - STALE_CLAIM),
            ),
        )
        .values(status="running", started_at=now, progress=1)
    )
    db.session.commit()
    return rowcount(result) == 1


def _report(export_id: int, percent: int) -> None:
    db.session.execute(
        update(RecordExport).where(RecordExport.id == export_id).values(progress=percent)
    )
    db.session.commit()


def build_export(export_id: int, *, now: datetime, keep: timedelta) -> str:
    """Build one export's PDF, reporting progress on its row. Returns the row's status."""
    from practice.exports.render import render_record
    from practice.pdf import page_count
    from practice.sessions.printouts import couple_record
    from practice.settings.services import practice_logo, practice_settings

    if not claim(export_id, now):
        row = db.session.get(RecordExport, export_id)
        return row.status if row else "gone"
    export = db.session.get(RecordExport, export_id)
    assert export is not None  # claim() has just updated this very row
    couple = db.session.get(Couple, export.couple_id)
    try:
        assert couple is not None  # a missing couple fails the export, as any error here
        record = couple_record(couple, export.copy, now=now)
        practice = practice_settings()
        _report(export_id, 10)
        last = [10]

        def progress(fraction: float) -> None:
            percent = 10 + int(fraction * 85)
            if percent >= last[0] + 5:  # a write every 5 %, not every flowable
                last[0] = percent
                _report(export_id, percent)

        # Laid out by a niced child process: the web process keeps answering meanwhile.
        pdf = render_record(
            record,
            letterhead=practice.letterhead(practice_logo(practice)),
            page_size=practice.paper_size,
            on_progress=progress,
        )
    except Exception:
        db.session.rollback()
        db.session.execute(
            update(RecordExport)
            .where(RecordExport.id == export_id)
            .values(status="failed", finished_at=now)
        )
        db.session.commit()
        raise
    finished = max(now, utcnow())
    db.session.execute(
        update(RecordExport)
        .where(RecordExport.id == export_id)
        .values(
            status="ready",
            progress=100,
            pdf=pdf,
            pages=page_count(pdf),
            finished_at=finished,
            expires_at=finished + keep,
        )
    )
    db.session.commit()
    return "ready"


def downloadable(export: RecordExport, now: datetime) -> bool:
    return export.status == "ready" and export.expires_at is not None and export.expires_at > now


def purge(now: datetime) -> int:
    """Delete the PDFs past their time (the row stays a week, saying it expired)."""
    result = db.session.execute(
        update(RecordExport)
        .where(RecordExport.status == "ready", RecordExport.expires_at <= now)
        .values(status="expired", pdf=None)
    )
    db.session.execute(delete(RecordExport).where(RecordExport.created_at < now - KEEP_ROWS))
    return rowcount(result)
