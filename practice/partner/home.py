"""The partner's home: their current homework with progress, what waits for them, and the
history of their entries with what their partner shared.

Visibility (the same rules as each homework's page, applied across all of them): a partner
reads their own entries; the other partner's entries marked 'partner'; the other partner's
'after_both' entries once they have sent at least one entry to the same homework; never
the other's 'counselor' entries, and never a private note (it is not even selected).

Every function takes explicit arguments and only reads. A fixed number of statements,
whatever the size of the history.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from practice.couples.models import Partner, first_name
from practice.exercises.format import parse_prompts
from practice.exercises.prompts import Prompt
from practice.extensions import db
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.homework.progress import expected_entries
from practice.homework.read import frequency_label
from practice.partner.access import Access
from practice.partner.services import LiveLink, link_statement
from practice.reminders.local_time import local, utc_moment
from practice.reminders.rhythm import week_start

# Entries shown on the home at first; all of them are one tap away (?all=1).
HISTORY_SHOWN = 10


@dataclass(frozen=True)
class HomeworkItem:
    """One current homework as the partner's home lists it."""

    id: int
    title: str
    due_date: date
    frequency: str
    frequency_label: str
    entry_count: int  # the partner's own entries, in all
    this_week: int  # ... in the homework's week (7 days at a time from the day assigned)
    expected_this_week: int
    week_words: str  # which days that week covers: 'since Wednesday'
    expected: int  # entries the whole homework asks for (practice.homework.progress)
    completed: bool
    waiting: int  # the other partner's 'after_both' entries waiting for this partner's first

    @property
    def progress(self) -> str:
        """'Done' or 'Not started' for homework done once; '2 of 3 this week' for daily and
        times-a-week homework; '1 of 3 so far' for every other week and monthly (a week says
        nothing about them: the counselor's count for the whole homework); '2 entries so
        far' for "when it happens", which asks for no number."""
        if self.frequency == "once":
            return "Done" if self.entry_count else "Not started"
        if self.frequency == "event":
            count = self.entry_count
            return (
                f"{count} {'entry' if count == 1 else 'entries'} so far" if count else "Not started"
            )
        if self.frequency in ("fortnightly", "monthly"):
            return f"{self.entry_count} of {self.expected} so far"
        return f"{self.this_week} of {self.expected_this_week} this week"

    @property
    def week_note(self) -> str:
        """Beside a weekly count: '(since Wednesday)', the days its 'this week' covers."""
        return f"({self.week_words})" if self.frequency in ("daily", "weekly") else ""


@dataclass(frozen=True)
class WaitingItem:
    """Something else waiting for the partner on their home (a questionnaire, say): its title,
    a sentence, and where it opens (a path under their link)."""

    title: str
    text: str
    path: str


# Where other features put what waits for a partner (the progress feature's measures): each
# is called with the partner's Access and the time, and returns WaitingItems. The home
# shows the section only when one returns something.
WAITING_SOURCES: list[Callable[[Access, datetime], list[WaitingItem]]] = []


@dataclass
class HistoryEntry:
    id: int
    assignment_id: int
    title: str
    prompts: list[Prompt]
    partner_id: int
    first_name: str
    created_at: datetime
    answers: dict[str, Any]
    completion_note: str
    connection_rating: int | None
    visibility: str


@dataclass
class Home:
    access: Access
    homework: list[HomeworkItem]
    waiting: list[WaitingItem]
    history: list[HistoryEntry] = field(default_factory=list)
    history_total: int = 0

    @property
    def history_hidden(self) -> int:
        return self.history_total - len(self.history)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def week_words(start: date, today: date) -> str:
    """Which days 'this week' covers, as a partner reads it on their phone: 'starts today',
    'since yesterday', 'since Wednesday' (a week is never more than 7 days)."""
    days = (today - start).days
    if days <= 0:
        return "starts today"
    return "since yesterday" if days == 1 else f"since {_WEEKDAYS[start.weekday()]}"


def expected_this_week(
    frequency: str, times_per_week: int | None, start: date, due_date: date
) -> int:
    """Entries asked for in the week from `start`: a weekly count, or the days of that week
    the daily homework runs (at least one, so a late start still reads '0 of 1')."""
    if frequency == "weekly":
        return max(times_per_week or 1, 1)
    if frequency == "daily":
        return max((min(start + timedelta(6), due_date) - start).days + 1, 1)
    return 1


@functools.cache  # built once, on first use: building needs every model mapped
def _current_homework_statement() -> Select:
    """The partner's open homework (active, assigned to them, still within its link's life),
    with their entry counts (all, and since each of the last 7 local midnights: a homework's
    week starts on one of them, the day it was assigned decides which) and what waits for
    their first entry."""
    partner_id: BindParameter[int] = bindparam("partner_id")
    theirs, ours = aliased(Entry), aliased(Entry)
    waiting = (
        select(func.count(theirs.id))
        .where(
            theirs.assignment_id == Assignment.id,
            theirs.partner_id != partner_id,
            theirs.visibility == "after_both",
            ~select(ours.id)
            .where(ours.assignment_id == Assignment.id, ours.partner_id == partner_id)
            .correlate(Assignment)
            .exists(),
        )
        .correlate(Assignment)
        .scalar_subquery()
    )
    return (
        select(
            Assignment.id,
            Assignment.title,
            Assignment.due_date,
            Assignment.frequency,
            Assignment.times_per_week,
            Assignment.created_at,
            func.count(Entry.id).label("entry_count"),
            *(
                func.count(case((Entry.created_at >= bindparam(f"since_{days}"), Entry.id))).label(
                    f"since_{days}"
                )
                for days in range(7)
            ),
            waiting.label("waiting"),
        )
        .select_from(PartnerLink)
        .join(Assignment, Assignment.id == PartnerLink.assignment_id)
        .outerjoin(
            Entry,
            and_(Entry.assignment_id == Assignment.id, Entry.partner_id == partner_id),
        )
        .where(
            PartnerLink.partner_id == partner_id,
            Assignment.status == "active",
            PartnerLink.expires_at > bindparam("now"),
        )
        .group_by(
            Assignment.id,
            Assignment.title,
            Assignment.due_date,
            Assignment.frequency,
            Assignment.times_per_week,
            Assignment.created_at,
        )
        .order_by(Assignment.due_date, Assignment.id)
    )


def current_homework(access: Access, now: datetime, tz: ZoneInfo) -> list[HomeworkItem]:
    """The partner's open homework, soonest due first (one statement). 'This week' is the
    homework's week (rhythm.week_start: 7 days at a time from the day assigned) in the
    partner's own days (`tz`), the week their nudges and the counselor's progress count."""
    today = local(now, tz).date()
    since = {f"since_{days}": utc_moment(today - timedelta(days), 0, tz) for days in range(7)}
    rows = (
        db.session.connection()
        .execute(
            _current_homework_statement(),
            {"partner_id": access.partner_id, "now": now, **since},
        )
        .all()
    )
    items = []
    for row in rows:
        expected = expected_entries(
            row.frequency, row.times_per_week, row.created_at.date(), row.due_date
        )
        start = week_start(local(row.created_at, tz).date(), today)
        items.append(
            HomeworkItem(
                id=row.id,
                title=row.title,
                due_date=row.due_date,
                frequency=row.frequency,
                frequency_label=frequency_label(row.frequency, row.times_per_week),
                entry_count=row.entry_count,
                this_week=row._mapping[f"since_{(today - start).days}"],
                expected_this_week=expected_this_week(
                    row.frequency, row.times_per_week, start, row.due_date
                ),
                week_words=week_words(start, today),
                expected=expected,
                completed=row.entry_count >= expected,
                waiting=row.waiting,
            )
        )
    return items


def _history_statement(limit: int | None) -> Select:
    """Every entry of the couple's homework this partner may read, newest first, with the
    full count (a window function). The newest are picked on narrow rows first (ids and
    times: years of entries must not be copied, answers and all, into the sort), then only
    those are read in full."""
    partner_id: BindParameter[int] = bindparam("partner_id")
    mine = aliased(Entry)
    they_wrote_too = (
        select(mine.id)
        .where(mine.assignment_id == Entry.assignment_id, mine.partner_id == partner_id)
        .exists()
    )
    latest = (
        select(
            Entry.id.label("entry_id"),
            Entry.created_at.label("at"),
            func.count().over().label("total"),
        )
        .join(Assignment, Assignment.id == Entry.assignment_id)
        .where(
            Assignment.couple_id == bindparam("couple_id"),
            or_(
                Entry.partner_id == partner_id,
                Entry.visibility == "partner",
                and_(Entry.visibility == "after_both", they_wrote_too),
            ),
        )
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(limit)
        .subquery()
    )
    return (
        select(
            Entry.id,
            Entry.assignment_id,
            Assignment.title,
            Assignment.snapshot,
            Entry.partner_id,
            Partner.display_name,
            Entry.created_at,
            Entry.answers,
            Entry.completion_note,
            Entry.connection_rating,
            Entry.visibility,
            latest.c.total,
        )
        .select_from(latest)
        .join(Entry, Entry.id == latest.c.entry_id)
        .join(Assignment, Assignment.id == Entry.assignment_id)
        .join(Partner, Partner.id == Entry.partner_id)
        .order_by(latest.c.at.desc(), latest.c.entry_id.desc())
    )


_HISTORY = {limit: _history_statement(limit) for limit in (HISTORY_SHOWN, None)}


def history(access: Access, *, show_all: bool = False) -> tuple[list[HistoryEntry], int]:
    """What the partner may read across all the couple's homework, newest first (the latest
    few, or all), and how many there are in all. One statement."""
    rows = (
        db.session.connection()
        .execute(
            _HISTORY[None if show_all else HISTORY_SHOWN],
            {"partner_id": access.partner_id, "couple_id": access.couple_id},
        )
        .all()
    )
    entries = [
        HistoryEntry(
            id=row.id,
            assignment_id=row.assignment_id,
            title=row.title,
            prompts=parse_prompts((row.snapshot or {}).get("prompts")),
            partner_id=row.partner_id,
            first_name=first_name(row.display_name),
            created_at=row.created_at,
            answers=row.answers or {},
            completion_note=row.completion_note,
            connection_rating=row.connection_rating,
            visibility=row.visibility,
        )
        for row in rows
    ]
    return entries, rows[0].total if rows else 0


def partner_home(access: Access, now: datetime, tz: ZoneInfo, *, show_all: bool = False) -> Home:
    """Everything the partner's home shows, in a fixed number of statements; their days
    counted in `tz` (their own zone, as their reminders count them)."""
    entries, total = history(access, show_all=show_all)
    return Home(
        access=access,
        homework=current_homework(access, now, tz),
        waiting=[item for source in WAITING_SOURCES for item in source(access, now)],
        history=entries,
        history_total=total,
    )


@functools.cache  # built once, on first use: building needs every model mapped
def _open_homework_statement() -> Select:
    """One homework of the partner, as the entry form needs it, if it is theirs and open."""
    return link_statement().where(
        PartnerLink.partner_id == bindparam("partner_id"),
        PartnerLink.assignment_id == bindparam("assignment_id"),
        Assignment.status == "active",
        PartnerLink.expires_at > bindparam("now"),
    )


def open_homework(access: Access, assignment_id: int, now: datetime) -> LiveLink | None:
    """The homework `assignment_id` under the partner's link, or None when it is not theirs
    (another couple's, or the other partner's alone), cancelled or closed. One statement."""
    row = (
        db.session.connection()
        .execute(
            _open_homework_statement(),
            {"partner_id": access.partner_id, "assignment_id": assignment_id, "now": now},
        )
        .one_or_none()
    )
    return None if row is None else LiveLink.of_row(row)
