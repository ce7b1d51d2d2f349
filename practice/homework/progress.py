"""How far each assigned partner is with their homework."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select

from practice.extensions import db
from practice.homework.models import Assignment, Entry, PartnerLink

# Daily homework over a long stretch should not read "3 of 90" for months.
MAX_EXPECTED_ENTRIES = 60

# ---------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class PartnerProgress:
    """How far one assigned partner is with one assignment."""

    partner_id: int
    entry_count: int
    expected: int
    status: str  # 'not_started' | 'in_progress' | 'completed'
    last_entry_at: datetime | None
    # The partner's N-th latest entry, N the times a week asked for (1 unless weekly); read
    # only when asked for (the reminders: N entries this week ⇔ this one is in this week).
    nth_latest_at: datetime | None = None

    @property
    def label(self) -> str:
        if self.status == "completed":
            return "Completed"
        if self.status == "not_started":
            return "Not started"
        return f"{self.entry_count} of {self.expected} entries"

    @property
    def tone(self) -> str:
        """The badge's kind for this status (see the badge macro)."""
        if self.status == "completed":
            return "ok"
        return "accent" if self.status == "in_progress" else "neutral"


def expected_entries(
    frequency: str, times_per_week: int | None, assigned_on: date, due_date: date
) -> int:
    """Entries that make an assignment complete: once → 1; daily → one per day from the day it
    was assigned up to the due date; N a week → N for every started week; every other week
    and monthly → one per started fortnight or month (30 days); "when it happens" → 1, the
    review the due date marks (more entries are welcome, none is owed). Capped."""
    days = max((due_date - assigned_on).days, 1)
    if frequency == "daily":
        expected = days
    elif frequency == "weekly":
        expected = max(times_per_week or 1, 1) * math.ceil(days / 7)
    elif frequency == "fortnightly":
        expected = math.ceil(days / 14)
    elif frequency == "monthly":
        expected = math.ceil(days / 30)
    else:
        expected = 1
    return min(expected, MAX_EXPECTED_ENTRIES)


def _status(count: int, expected: int) -> str:
    if count == 0:
        return "not_started"
    return "completed" if count >= expected else "in_progress"


# One row per link (an assigned partner) with that partner's entries counted. Built once:
# building it cost about a third of running it for the dashboard's twenty lines.
_PROGRESS = (
    select(
        PartnerLink.assignment_id,
        PartnerLink.partner_id,
        func.count(Entry.id).label("n"),
        func.max(Entry.created_at).label("last"),
    )
    .select_from(PartnerLink)
    .outerjoin(
        Entry,
        and_(
            Entry.assignment_id == PartnerLink.assignment_id,
            Entry.partner_id == PartnerLink.partner_id,
        ),
    )
    .where(PartnerLink.assignment_id.in_(bindparam("ids", expanding=True)))
    .group_by(PartnerLink.assignment_id, PartnerLink.partner_id)
)


# The same, with each partner's N-th latest entry beside the latest (N = times_per_week):
# entries ranked newest first, so one statement still serves any number of assignments.
_RANKED = (
    select(
        Entry.assignment_id,
        Entry.partner_id,
        Entry.created_at,
        func.row_number()
        .over(
            partition_by=(Entry.assignment_id, Entry.partner_id),
            order_by=Entry.created_at.desc(),
        )
        .label("nth"),
    )
    .where(Entry.assignment_id.in_(bindparam("ids", expanding=True)))
    .subquery("ranked")
)
_PROGRESS_WITH_NTH = (
    select(
        PartnerLink.assignment_id,
        PartnerLink.partner_id,
        func.count(_RANKED.c.created_at).label("n"),
        func.max(_RANKED.c.created_at).label("last"),
        func.max(
            case(
                (_RANKED.c.nth == func.coalesce(Assignment.times_per_week, 1), _RANKED.c.created_at)
            )
        ).label("nth_latest"),
    )
    .select_from(PartnerLink)
    .join(Assignment, Assignment.id == PartnerLink.assignment_id)
    .outerjoin(
        _RANKED,
        and_(
            _RANKED.c.assignment_id == PartnerLink.assignment_id,
            _RANKED.c.partner_id == PartnerLink.partner_id,
        ),
    )
    .where(PartnerLink.assignment_id.in_(bindparam("ids", expanding=True)))
    .group_by(PartnerLink.assignment_id, PartnerLink.partner_id)
)


def assignment_progress(
    assignments: Sequence[Any], *, with_nth_latest: bool = False
) -> dict[int, dict[int, PartnerProgress]]:
    """Progress per assignment id, per assigned partner id, in one query whatever the size.

    `assignments` are Assignment objects or rows with the same attributes (id, frequency,
    times_per_week, created_at, due_date): the dashboard reads narrow rows.
    `with_nth_latest` fills `nth_latest_at` (the reminders' weekly count), in the same one
    query; the pages leave it out, it ranks every entry."""
    ids = [a.id for a in assignments]
    if not ids:
        return {}
    statement = _PROGRESS_WITH_NTH if with_nth_latest else _PROGRESS
    rows = db.session.execute(statement, {"ids": ids}).all()
    by_id = {a.id: a for a in assignments}
    result: dict[int, dict[int, PartnerProgress]] = {a.id: {} for a in assignments}
    for assignment_id, partner_id, count, last, *nth_latest in rows:
        a = by_id[assignment_id]
        expected = expected_entries(a.frequency, a.times_per_week, a.created_at.date(), a.due_date)
        result[assignment_id][partner_id] = PartnerProgress(
            partner_id=partner_id,
            entry_count=count,
            expected=expected,
            status=_status(count, expected),
            last_entry_at=last,
            nth_latest_at=nth_latest[0] if nth_latest else None,
        )
    return result
