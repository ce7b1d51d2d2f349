"""Whether every assigned partner has finished a homework, kept on the assignment.

The dashboard lists homework someone still has to do. Working that out at read time meant
counting every open assignment's entries per partner on each visit (about 270 assignments
and 540 counts for a full caseload); storing `Assignment.finished_at` when an entry or a
due date changes makes the lists and their counts a plain indexed filter. The rule is the
one `progress.expected_entries` applies in Python, written once here in SQL: a test holds
the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Integer, case, func, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from practice.extensions import db
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.timeutil import utcnow

# Daily homework over a long stretch should not read "3 of 90" for months (as in Python).
MAX_EXPECTED_ENTRIES = 60


class days_between(FunctionElement):
    """Whole days from a timestamp's date to a date (due date minus the day it was assigned)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday(date({earlier})) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - CAST({earlier} AS DATE))"


def _at_least(value, floor: int):
    return case((value < floor, floor), else_=value)


def expected_entries_sql() -> ColumnElement[int]:
    """Entries that make the assignment complete, over its own columns: once → 1; daily →
    one a day from the day it was assigned to the due date; N a week → N per started week."""
    days = _at_least(days_between(Assignment.due_date, Assignment.created_at), 1)
    per_week = _at_least(func.coalesce(Assignment.times_per_week, 1), 1)
    expected = case(
        (Assignment.frequency == "daily", days),
        (Assignment.frequency == "weekly", per_week * ((days + 6) // 7)),
        else_=1,
    )
    return case((expected > MAX_EXPECTED_ENTRIES, MAX_EXPECTED_ENTRIES), else_=expected)


def finished_condition() -> ColumnElement[bool]:
    """Every assigned partner has sent as many entries as asked (homework nobody was
    assigned to has nothing left to do either)."""
    entries_so_far = (
        select(func.count(Entry.id))
        .where(
            Entry.assignment_id == PartnerLink.assignment_id,
            Entry.partner_id == PartnerLink.partner_id,
        )
        .scalar_subquery()
    )
    behind = (
        select(PartnerLink.id)
        .where(PartnerLink.assignment_id == Assignment.id, entries_so_far < expected_entries_sql())
        .exists()
    )
    return ~behind


def _refresh(where: ColumnElement[bool], now: datetime) -> None:
    db.session.execute(
        update(Assignment)
        .where(where)
        .values(
            finished_at=case(
                (finished_condition(), func.coalesce(Assignment.finished_at, now)), else_=None
            )
        )
        .execution_options(synchronize_session=False)
    )


def refresh_finished(assignment_ids: Iterable[int], now: datetime | None = None) -> None:
    """Re-decide `finished_at` for these assignments (after an entry or a new due date), in
    one statement; not committed. A finished homework keeps the moment it was finished."""
    ids = sorted(set(assignment_ids))
    if not ids:
        return
    # Lock the rows first: on PostgreSQL the UPDATE's own snapshot then starts after any
    # other partner's entry for the same homework has committed, so two partners finishing
    # at the same moment cannot both miss each other's entry. FOR NO KEY UPDATE, not FOR
    # UPDATE: each partner's new entry already holds a KEY SHARE lock on the row (its
    # foreign key), which FOR UPDATE waits on, so two partners sending together deadlocked.
    db.session.execute(
        select(Assignment.id).where(Assignment.id.in_(ids)).with_for_update(key_share=True)
    )
    _refresh(Assignment.id.in_(ids), now or utcnow())


def refresh_all_finished(now: datetime | None = None) -> None:
    """Every assignment at once (the benchmark's bulk-built practice)."""
    _refresh(Assignment.id.is_not(None), now or utcnow())
