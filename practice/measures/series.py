"""Each partner's latest totals on a measure (MeasureSeries), kept up to date as answers are
stored, so the dashboard's flags read a row per partner instead of every recent answer."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, select, update

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


def series_values(latest: list[list[Any]]) -> dict[str, Any]:
    """A series row's columns for one partner's `latest` (from latest_totals): the last two
    occasions and their totals, as the flags compare them."""
    newest = latest[-1] if latest else None
    previous = latest[-2] if len(latest) >= 2 else None
    return {
        "latest": latest,
        "newest_occasion": date.fromisoformat(newest[0]) if newest else None,
        "newest_total": newest[1] if newest else None,
        "previous_occasion": date.fromisoformat(previous[0]) if previous else None,
        "previous_total": previous[1] if previous else None,
    }


def widening(mine: list[list[Any]], theirs: list[list[Any]]) -> dict[str, Any]:
    """The couple's widening gap from both partners' `latest`: when the gap between their
    totals grew three times in a row over their latest four shared occasions, the first of
    those four (the flag counts while it is inside the dashboard's window) and the latest gap."""
    a, b = dict(mine), dict(theirs)
    shared = sorted(set(a) & set(b))
    gaps = [abs(a[on] - b[on]) for on in shared]
    if len(gaps) >= 4 and gaps[-4] < gaps[-3] < gaps[-2] < gaps[-1]:
        return {"widening_since": date.fromisoformat(shared[-4]), "widening_gap": gaps[-1]}
    return {"widening_since": None, "widening_gap": None}


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
# Both partners' rows on the measure, in the order of their ids: every writer locks them in
# that order, so two partners answering at once wait for each other and never deadlock.
_LOCK_COUPLE_SERIES = (
    select(MeasureSeries.partner_id, cast(MeasureSeries.latest, Text))
    .where(
        MeasureSeries.couple_id == bindparam("couple_id"),
        MeasureSeries.measure_id == bindparam("measure_id"),
    )
    .order_by(MeasureSeries.partner_id)
    .with_for_update()
)


def refresh_series(couple_id: int, partner_id: int, measure_id: int) -> None:
    """Rebuild the partner's series on the measure from their answers, and the couple's
    widening gap on both partners' rows, in the caller's transaction (the one that stored
    the answer, so both commit or neither does).

    The couple's rows are locked before the answers are read: on PostgreSQL two answers
    stored at once (one partner twice, or both partners) would otherwise each rebuild from
    what they saw before the other committed, and lose it. The second waits for the first
    and then reads both. SQLite has one writer at a time, so there the lock is the write."""
    key = {"partner_id": partner_id, "measure_id": measure_id}
    db.session.execute(_insert_if_missing(), {**key, "couple_id": couple_id, "latest": []})
    rows = db.session.execute(
        _LOCK_COUPLE_SERIES, {"couple_id": couple_id, "measure_id": measure_id}
    ).all()
    # All of them: a partner answering every week for years has a few hundred on a measure.
    latest = latest_totals(db.session.execute(_PARTNER_ANSWERS, key).all())
    others = [json.loads(text) for other, text in rows if other != partner_id]
    gap = widening(latest, others[0]) if others else widening([], [])
    db.session.execute(
        update(MeasureSeries)
        .where(MeasureSeries.partner_id == partner_id, MeasureSeries.measure_id == measure_id)
        .values(couple_id=couple_id, **series_values(latest), **gap)
    )
    if others:  # the other partner's row carries the couple's gap too
        db.session.execute(
            update(MeasureSeries)
            .where(
                MeasureSeries.couple_id == couple_id,
                MeasureSeries.measure_id == measure_id,
                MeasureSeries.partner_id != partner_id,
            )
            .values(**gap)
        )
