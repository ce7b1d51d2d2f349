"""What the counselor's home page shows, in a fixed number of queries whatever the data size.

Every query is bounded by the counselor and a date window (or by the "unseen" partial index),
and reads only the columns the page shows: a group practice with years of entries must open
as fast as a new one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, Text, bindparam, cast, func, select

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner, first_name
from practice.exercises.format import parse_prompts, readable_answers
from practice.exercises.prompts import Answer
from practice.extensions import db
from practice.homework.models import Assignment, Entry
from practice.homework.progress import PartnerProgress, assignment_progress
from practice.timeutil import utcnow

# The feed shows what happened lately: SHOWN entries on the dashboard, up to FEED_SIZE of the
# last FEED_WINDOW_DAYS on its own page; older entries are on the couple and homework pages.
FEED_SIZE = 100
FEED_WINDOW_DAYS = 30
# Overdue homework older than this is history to review in session, not a task for today.
OVERDUE_WINDOW_DAYS = 60
# Lines per list on the dashboard; "Show all" opens the whole list on its own page (a
# caseload of 90 couples is 90 homework lines, and building them all made the page slow).
# Five: the page is an overview of five lists, and at ten lines each it ran to many screens
# on a phone; each list's count is in its heading's "Show all N".
SHOWN = 5


@dataclass
class DueItem:
    assignment_id: int
    couple_id: int
    couple_name: str
    title: str
    due_date: date
    partners: list[tuple[str, PartnerProgress]]  # assigned partners' first names, in order


@dataclass
class NewByCouple:
    couple_id: int
    couple_name: str
    count: int


@dataclass
class FeedItem:
    id: int
    assignment_id: int
    couple_id: int
    couple_name: str
    partner_name: str
    title: str
    created_at: datetime
    seen_at: datetime | None
    completion_note: str
    has_private_note: bool
    answers: list[Answer] = field(default_factory=list)
    # Neither read on the couple page nor dismissed with "Mark all as seen".
    is_new: bool = False


@dataclass
class Dashboard:
    """What the home page shows: whole counts, and the first SHOWN lines of each list."""

    active_couples: int = 0
    due_count: int = 0
    overdue_count: int = 0
    new_entries: int = 0
    new_couples: int = 0
    due_this_week: list[DueItem] = field(default_factory=list)
    overdue: list[DueItem] = field(default_factory=list)
    new_by_couple: list[NewByCouple] = field(default_factory=list)
    recent: list[FeedItem] = field(default_factory=list)
    seen_since: datetime | None = None
    more_recent: bool = False  # entries beyond the SHOWN in the feed's window


# The page's statements are built once, with bound parameters: on this page building a
# statement cost more than running it (0.4 of 0.6 ms for the homework counts, profiled).
_COUNSELOR = bindparam("counselor_id", type_=Couple.counselor_id.type)
_SINCE = bindparam("since", type_=Assignment.due_date.type)
_UNTIL = bindparam("until", type_=Assignment.due_date.type)
_SEEN_AT = bindparam("seen_at", type_=Entry.created_at.type)
_FEED_SINCE = bindparam("feed_since", type_=Entry.created_at.type)


def _run(statement: Any, params: dict[str, Any]) -> Any:
    """Run one of the page's statements on the session's connection: plain rows, without the
    ORM's per-statement work (about 30 µs of each statement's 50-200, and there are six).
    Nothing is written on this page, so there is nothing to flush first."""
    return db.session.connection().execute(statement, params)


def _new_entry_filter(with_seen_at: bool) -> list:
    """Entries the counselor has neither read on the couple page nor dismissed on the dashboard
    (after `seen_at`, when they dismissed some). `seen_at IS NULL` is spelled out so the
    partial index ix_entry_unseen_partner applies."""
    conditions = [Couple.counselor_id == _COUNSELOR, Entry.seen_at.is_(None)]
    if with_seen_at:
        conditions.append(Entry.created_at > _SEEN_AT)
    return conditions


_PARTNERS_OF = (
    select(Partner.couple_id, Partner.id, Partner.display_name)
    .where(Partner.couple_id.in_(bindparam("couple_ids", expanding=True)))
    .order_by(Partner.couple_id, Partner.position)
)


def _partners_of(couple_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """(partner id, display name) of each couple, in order, in one query."""
    ids = sorted(set(couple_ids))
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if ids:
        for couple_id, partner_id, name in _run(_PARTNERS_OF, {"couple_ids": ids}):
            partners[couple_id].append((partner_id, name))
    return partners


def _window(counselor: Counselor, today: date) -> dict[str, Any]:
    """The parameters of the open homework statements."""
    return {
        "counselor_id": counselor.id,
        "since": today - timedelta(days=OVERDUE_WINDOW_DAYS),
        "until": today + timedelta(days=6),
    }


# Homework still waiting for a partner, due from OVERDUE_WINDOW_DAYS ago to a week ahead.
# Homework every assigned partner has finished is left out: nothing to chase.
_OPEN_HOMEWORK = (
    Couple.counselor_id == _COUNSELOR,
    Couple.status == "active",
    Assignment.status == "active",
    Assignment.reviewed_at.is_(None),
    Assignment.due_date >= _SINCE,
    Assignment.due_date <= _UNTIL,
    Assignment.finished_at.is_(None),
)
_ACTIVE_COUPLES = (
    select(func.count())
    .select_from(Couple)
    .where(Couple.counselor_id == _COUNSELOR, Couple.status == "active")
)
# Every line of both lists, soonest due first, as narrow rows (no snapshot): one statement
# reads them once, where counting them and reading each list's first lines took three
# (each probing the counselor's couples' open homework again).
_OPEN_ROWS = (
    select(
        Assignment.id,
        Assignment.couple_id,
        Assignment.title,
        Assignment.due_date,
        Assignment.frequency,
        Assignment.times_per_week,
        Assignment.created_at,
    )
    .join(Couple)
    .where(*_OPEN_HOMEWORK)
    .order_by(Assignment.due_date, Assignment.id)
)


def _open_homework(counselor: Counselor, today: date) -> tuple[list[Any], list[Any]]:
    """The lines of "Overdue" (due before today) and of "Due this week", soonest due first."""
    overdue: list[Any] = []
    due: list[Any] = []
    for row in _run(_OPEN_ROWS, _window(counselor, today)).all():
        (overdue if row.due_date < today else due).append(row)
    return overdue, due


def _due_items(rows: Sequence[Any], progress: dict, partners: dict) -> list[DueItem]:
    items = []
    for row in rows:
        by_partner = progress.get(row.id, {})
        items.append(
            DueItem(
                assignment_id=row.id,
                couple_id=row.couple_id,
                couple_name=_couple_name(partners.get(row.couple_id, ())),
                title=row.title,
                due_date=row.due_date,
                partners=[
                    (first_name(name), by_partner[partner_id])
                    for partner_id, name in partners.get(row.couple_id, ())
                    if partner_id in by_partner
                ],
            )
        )
    return items


def _couple_name(partners: Iterable[tuple[int, str]]) -> str:
    return " & ".join(name for _id, name in partners)


def _new_rows_statement(with_seen_at: bool) -> Select:
    # Through the partner who wrote each entry (always one of the assignment's couple): the
    # counselor's couples' partners, a few hundred, each probe the unseen entries' index. Via
    # the assignments it was one probe per assignment ever given, which grew with the years.
    # Grouped by couple.id, the order the couples are read in (their counselor's index), so
    # SQLite counts as it goes: grouped by partner.couple_id it sorted every unseen entry
    # first (about 1,300 at scale 1; 0.64 ms, now 0.42).
    return (
        select(Couple.id.label("couple_id"), func.count(Entry.id).label("n"))
        .select_from(Entry)
        .join(Partner, Entry.partner_id == Partner.id)
        .join(Couple, Partner.couple_id == Couple.id)
        .where(*_new_entry_filter(with_seen_at))
        .group_by(Couple.id)
        .order_by(func.count(Entry.id).desc(), Couple.id)
    )


_NEW_ROWS = {with_seen_at: _new_rows_statement(with_seen_at) for with_seen_at in (False, True)}


def _new_rows(counselor: Counselor) -> Sequence[Any]:
    """(couple id, new entries) for each couple with entries the counselor has not seen,
    most first."""
    seen_at = counselor.dashboard_seen_at
    return _run(
        _NEW_ROWS[seen_at is not None], {"counselor_id": counselor.id, "seen_at": seen_at}
    ).all()


# The feed walks the entries' created_at index backwards from now and keeps the counselor's
# own: the EXISTS keeps SQLite from starting at all of the counselor's couples (every entry
# they ever had) and sorting them. The homework's prompts come along (a statement of their
# own cost more than reading them again for each line), and they and the answers come as
# JSON text, decoded here: SQLAlchemy's JSON type took longer for the same rows.
_FEED = (
    select(
        Entry.id,
        Entry.assignment_id,
        Entry.created_at,
        Entry.seen_at,
        Entry.completion_note,
        cast(Entry.answers, Text).label("answers"),
        (Entry.private_note != "").label("has_private_note"),
        Assignment.couple_id,
        Assignment.title,
        cast(Assignment.snapshot, Text).label("snapshot"),
        Partner.display_name,
    )
    .select_from(Entry)
    .join(Assignment, Entry.assignment_id == Assignment.id)
    .join(Partner, Entry.partner_id == Partner.id)
    .where(
        Entry.created_at >= _FEED_SINCE,
        select(Couple.id)
        .where(Couple.id == Assignment.couple_id, Couple.counselor_id == _COUNSELOR)
        .exists(),
    )
    .order_by(Entry.created_at.desc(), Entry.id.desc())
    .limit(bindparam("limit"))
)


def _feed_rows(counselor: Counselor, limit: int) -> Sequence[Any]:
    """The latest `limit` entries of the counselor's couples."""
    params = {
        "counselor_id": counselor.id,
        "feed_since": utcnow() - timedelta(days=FEED_WINDOW_DAYS),
        "limit": limit,
    }
    return _run(_FEED, params).all()


def _feed_items(feed: Sequence[Any], partners: dict, seen_at: datetime | None) -> list[FeedItem]:
    # The prompts once per assignment: a feed of 10 entries is often a few assignments.
    prompts: dict[int, list] = {}
    for row in feed:
        if row.assignment_id not in prompts:
            snapshot = json.loads(row.snapshot) if row.snapshot else {}
            prompts[row.assignment_id] = parse_prompts(snapshot.get("prompts", []))
    return [
        FeedItem(
            id=row.id,
            assignment_id=row.assignment_id,
            couple_id=row.couple_id,
            couple_name=_couple_name(partners.get(row.couple_id, ())),
            partner_name=row.display_name,
            title=row.title,
            created_at=row.created_at,
            seen_at=row.seen_at,
            completion_note=row.completion_note,
            has_private_note=bool(row.has_private_note),
            answers=readable_answers(prompts[row.assignment_id], json.loads(row.answers or "{}")),
            is_new=row.seen_at is None and (seen_at is None or row.created_at > seen_at),
        )
        for row in feed
    ]


def build_dashboard(counselor: Counselor, today: date) -> Dashboard:
    """The home page: whole counts, and only the lines that are shown (SHOWN of each list;
    the rest on their own pages). Six statements whatever the size."""
    board = Dashboard(seen_since=counselor.dashboard_seen_at)
    board.active_couples = _run(_ACTIVE_COUPLES, {"counselor_id": counselor.id}).scalar_one()
    overdue, due = _open_homework(counselor, today)
    board.overdue_count, board.due_count = len(overdue), len(due)
    overdue, due = overdue[:SHOWN], due[:SHOWN]
    progress = assignment_progress([*overdue, *due])
    new_rows = _new_rows(counselor)
    # One more than is shown: enough to know whether "Show more" has anything to show.
    feed = _feed_rows(counselor, SHOWN + 1)
    board.more_recent = len(feed) > SHOWN
    feed = feed[:SHOWN]
    partners = _partners_of(
        [row.couple_id for row in (*overdue, *due, *feed)]
        + [row.couple_id for row in new_rows[:SHOWN]]
    )
    board.overdue = _due_items(overdue, progress, partners)
    board.due_this_week = _due_items(due, progress, partners)
    board.new_couples = len(new_rows)
    board.new_entries = sum(row.n for row in new_rows)
    board.new_by_couple = [
        NewByCouple(row.couple_id, _couple_name(partners.get(row.couple_id, ())), row.n)
        for row in new_rows[:SHOWN]
    ]
    board.recent = _feed_items(feed, partners, counselor.dashboard_seen_at)
    return board


def homework_list(counselor: Counselor, today: date, kind: str) -> list[DueItem]:
    """Every line of "Overdue" or "Due this week", for its own page."""
    overdue, due = _open_homework(counselor, today)
    rows = overdue if kind == "overdue" else due
    return _due_items(rows, assignment_progress(rows), _partners_of(r.couple_id for r in rows))


def all_new_by_couple(counselor: Counselor) -> list[NewByCouple]:
    """Every couple with new entries, for its own page."""
    rows = _new_rows(counselor)
    partners = _partners_of(row.couple_id for row in rows)
    return [
        NewByCouple(row.couple_id, _couple_name(partners.get(row.couple_id, ())), row.n)
        for row in rows
    ]


def recent_entries(counselor: Counselor) -> list[FeedItem]:
    """The feed in full (FEED_SIZE entries of the last FEED_WINDOW_DAYS), for its own page."""
    feed = _feed_rows(counselor, FEED_SIZE)
    partners = _partners_of(row.couple_id for row in feed)
    return _feed_items(feed, partners, counselor.dashboard_seen_at)
