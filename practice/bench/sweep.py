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
from practice.reminders import schedule
from practice.timeutil import utcnow

RUNS = 5


def _reachable() -> None:
    """Give every partner an address and a live link (in the transaction that is rolled
    back): the busy moment then times reminders for every partner, not skips."""
    db.session.execute(
        text("UPDATE partner SET email = 'p' || id || '@bench.invalid' WHERE email IS NULL")
    )
    db.session.execute(
        text(
            "UPDATE partner_access SET revoked_at = NULL, revoked_reason = NULL, expires_at = :far"
        ),
        {"far": datetime(2100, 1, 1)},
    )
    db.session.execute(
        text(
            "INSERT INTO partner_access (partner_id, token_hash, issued_at, expires_at) "
            "SELECT id, 'bench-' || id, :now, :far FROM partner "
            "WHERE id NOT IN (SELECT partner_id FROM partner_access)"
        ),
        {"now": utcnow(), "far": datetime(2100, 1, 1)},
    )
    # And nothing done yet on current homework (the benchmark's partners are diligent).
    db.session.execute(
        text(
            "DELETE FROM entry WHERE assignment_id IN (SELECT id FROM assignment WHERE "
            "assignment.status = 'active' AND assignment.reviewed_at IS NULL "
            "AND assignment.due_date >= :today)"
        ),
        {"today": utcnow().date()},
    )


def _timed(moment: datetime, reachable: bool = False) -> tuple[float, int, int]:
    """(seconds, statements, reminders planned) for one sweep, rolled back after."""
    db.session.rollback()
    if reachable:
        _reachable()
    with StatementCounter() as counter:
        started = time.perf_counter()
        result = schedule.sweep(moment)
        seconds = time.perf_counter() - started
    db.session.rollback()  # leave the practice as it was: nothing planned, nothing sent
    return seconds, counter.count, len(result.planned)


def _runs(moment: datetime, reachable: bool = False) -> dict[str, Any]:
    _timed(moment, reachable)  # warm-up
    runs = [_timed(moment, reachable) for _ in range(RUNS)]
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
    (for that measurement every partner is given an address and a live link, and current
    homework is made undone, all rolled back: every partner is then due)."""
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
    # 18:00 UTC is 18:00-19:00 wherever the benchmark's counselors are (UTC, Berlin), and
    # earlier in Chicago (not yet due there).
    busy = _runs(datetime.combine(due - timedelta(days=1), clock(18)), reachable=True)
    per_thousand = round(busy["median_ms"] / busy["planned"] * 1000, 1) if busy["planned"] else None
    return {"status": "ok", "nothing_due": idle, "due": busy, "ms_per_1000_due": per_thousand}
