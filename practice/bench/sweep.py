"""The reminder sweep on the benchmark's practice: nothing due, and many reminders due."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import func, select, text

from practice.bench.measure import StatementCounter
from practice.extensions import db
from practice.homework.models import Assignment
from practice.reminders import services
from practice.timeutil import utcnow

RUNS = 5


def _timed(moment: datetime) -> tuple[float, int, int]:
    """(seconds, statements, reminders planned) for one sweep, rolled back after."""
    db.session.rollback()
    with StatementCounter() as counter:
        started = time.perf_counter()
        result = services.sweep(moment)
        seconds = time.perf_counter() - started
    db.session.rollback()  # leave the practice as it was: nothing planned, nothing sent
    return seconds, counter.count, len(result.planned)


def _runs(moment: datetime) -> dict[str, Any]:
    _timed(moment)  # warm-up
    runs = [_timed(moment) for _ in range(RUNS)]
    seconds = [r[0] for r in runs]
    return {
        "moment": moment.isoformat(timespec="minutes"),
        "median_ms": round(statistics.median(seconds) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
        "statements": sorted({r[1] for r in runs}),
        "planned": runs[0][2],
    }


def measure_sweep(progress: Callable[[str], None]) -> dict[str, Any]:
    """Sweeps at two moments around the day most current homework is due (the practice's
    default rule, the day before at 18:00, for homework without its own plan): 12:00 two
    days before (nothing due: the cost of every idle minute), and 18:00 the day before
    (every partner with an email and nothing done yet is due)."""
    today = utcnow().date()
    due = db.session.execute(
        select(Assignment.due_date)
        .where(
            text("assignment.status = 'active' AND assignment.reviewed_at IS NULL"),
            Assignment.due_date >= today,
        )
        .group_by(Assignment.due_date)
        .order_by(func.count().desc())
        .limit(1)
    ).scalar()
    if due is None:
        return {"status": "no current homework"}
    progress("Measuring the reminder sweep …")
    idle = _runs(datetime.combine(due - timedelta(days=2), clock(12)))
    busy = _runs(datetime.combine(due - timedelta(days=1), clock(18)))
    per_thousand = round(busy["median_ms"] / busy["planned"] * 1000, 1) if busy["planned"] else None
    return {"status": "ok", "nothing_due": idle, "due": busy, "ms_per_1000_due": per_thousand}
