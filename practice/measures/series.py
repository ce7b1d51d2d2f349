"""Each partner's latest totals on a measure (MeasureSeries), kept up to date as answers are
stored, so the dashboard's flags read a row per partner instead of every recent answer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from practice.extensions import db
from practice.measures.models import MeasureResponse, MeasureSeries

# Enough for a drop (two occasions) and a gap that widened three times in a row (four shared
# occasions), with room for an occasion only one partner answered.
SERIES_LENGTH = 6


def latest_totals(answers: Iterable[tuple[date, datetime, float | None]]) -> list[list[Any]]:
    """From one partner's answers on one measure, (occasion, created_at, total) in any order:
    the newest answer with a total of each of the latest SERIES_LENGTH occasions, oldest
    first, as [ISO date, total]. An answer given again for an occasion replaces the earlier
    one; an answer without a total (items skipped) does not count."""
    newest: dict[str, float] = {}
    scored = [(on, at, total) for on, at, total in answers if total is not None]
    for on, _at, total in sorted(scored, reverse=True):
        key = on.isoformat()
        if key not in newest:
            if len(newest) == SERIES_LENGTH:
                break
            newest[key] = float(total)
    return [[on, total] for on, total in reversed(newest.items())]


def _insert_if_missing() -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the series row, in the database's own dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(MeasureSeries).on_conflict_do_nothing(
        index_elements=["partner_id", "measure_id"]
    )


_PARTNER_ANSWERS = select(
    MeasureResponse.occasion, MeasureResponse.created_at, MeasureResponse.total
).where(
    MeasureResponse.partner_id == bindparam("partner_id"),
    MeasureResponse.measure_id == bindparam("measure_id"),
    MeasureResponse.total.is_not(None),
)
_LOCK_SERIES = (
    select(MeasureSeries.partner_id)
    .where(
        MeasureSeries.partner_id == bindparam("partner_id"),
        MeasureSeries.measure_id == bindparam("measure_id"),
    )
    .with_for_update()
)


def refresh_series(couple_id: int, partner_id: int, measure_id: int) -> None:
    """Rebuild the partner's series on the measure from their answers, in the caller's
    transaction (the one that stored the answer, so both commit or neither does).

    The row is locked before the answers are read: on PostgreSQL two answers of the same
    partner stored at once would otherwise each rebuild the series without the other's. The
    second waits for the first to commit and then reads both. SQLite has one writer at a
    time, so there the lock is the write itself."""
    key = {"partner_id": partner_id, "measure_id": measure_id}
    db.session.execute(_insert_if_missing(), {**key, "couple_id": couple_id, "latest": []})
    db.session.execute(_LOCK_SERIES, key)
    # All of them: a partner answering every week for years has a few hundred on a measure.
    latest = latest_totals(db.session.execute(_PARTNER_ANSWERS, key).all())
    db.session.execute(
        update(MeasureSeries)
        .where(MeasureSeries.partner_id == partner_id, MeasureSeries.measure_id == measure_id)
        .values(
            couple_id=couple_id,
            latest=latest,
            newest_occasion=date.fromisoformat(latest[-1][0]) if latest else None,
        )
    )
