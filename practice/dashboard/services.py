"""What the counselor's home page shows, in a fixed number of queries whatever the data size.

Every query is bounded by the counselor and a date window (or by the "unseen" partial index),
and reads only the columns the page shows: a group practice with years of entries must open
as fast as a new one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.homework.models import Assignment, Entry
from practice.homework.progress import PartnerProgress, assignment_progress
from practice.timeutil import utcnow

FEED_SIZE = 20
# The feed shows what happened lately; older entries are on the couple and assignment pages.
FEED_WINDOW_DAYS = 30
# Overdue homework older than this is history to review in session, not a task for today.
OVERDUE_WINDOW_DAYS = 60
# Lines per list before "Show all" (?all=1): a caseload of 90 couples is 90 homework lines.
SHOWN = 10


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


@dataclass
class Dashboard:
    active_couples: int = 0
    due_this_week: list[DueItem] = field(default_factory=list)
    overdue: list[DueItem] = field(default_factory=list)
    new_by_couple: list[NewByCouple] = field(default_factory=list)
    recent: list[FeedItem] = field(default_factory=list)
    seen_since: datetime | None = None

    @property
    def new_entries(self) -> int:
        return sum(item.count for item in self.new_by_couple)


def _new_entry_filter(counselor: Counselor) -> list:
    """Entries the counselor has neither read on the couple page nor dismissed on the dashboard.
    `seen_at IS NULL` is spelled out so the partial index ix_entry_unseen_partner applies."""
    conditions = [Couple.counselor_id == counselor.id, Entry.seen_at.is_(None)]
    if counselor.dashboard_seen_at is not None:
        conditions.append(Entry.created_at > counselor.dashboard_seen_at)
    return conditions


def _partners_of(couple_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """(partner id, display name) of each couple, in order, in one query."""
    ids = sorted(set(couple_ids))
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if ids:
        for row in db.session.execute(
            select(Partner.couple_id, Partner.id, Partner.display_name)
            .where(Partner.couple_id.in_(ids))
            .order_by(Partner.couple_id, Partner.position)
        ):
            partners[row.couple_id].append((row.id, row.display_name))
    return partners


def _first_name(display_name: str) -> str:
    return display_name.split()[0] if display_name.split() else display_name


def build_dashboard(counselor: Counselor, today: date) -> Dashboard:
    board = Dashboard(seen_since=counselor.dashboard_seen_at)
    board.active_couples = db.session.execute(
        select(func.count())
        .select_from(Couple)
        .where(Couple.counselor_id == counselor.id, Couple.status == "active")
    ).scalar_one()

    # Open homework due in the window: a few narrow rows per active couple (no snapshot).
    week_end = today + timedelta(days=6)
    open_homework = db.session.execute(
        select(
            Assignment.id, Assignment.couple_id, Assignment.title, Assignment.due_date,
            Assignment.frequency, Assignment.times_per_week, Assignment.created_at,
        )
        .join(Couple)
        .where(
            Couple.counselor_id == counselor.id,
            Couple.status == "active",
            Assignment.status == "active",
            Assignment.reviewed_at.is_(None),
            Assignment.due_date >= today - timedelta(days=OVERDUE_WINDOW_DAYS),
            Assignment.due_date <= week_end,
        )
        .order_by(Assignment.due_date, Assignment.id)
    ).all()
    progress = assignment_progress(open_homework)

    # Through the partner who wrote each entry (always one of the assignment's couple): the
    # counselor's couples' partners, a few hundred, each probe the unseen entries' index. Via
    # the assignments it was one probe per assignment ever given, which grew with the years.
    new_counts = db.session.execute(
        select(Partner.couple_id, func.count(Entry.id))
        .select_from(Entry)
        .join(Partner, Entry.partner_id == Partner.id)
        .join(Couple, Partner.couple_id == Couple.id)
        .where(*_new_entry_filter(counselor))
        .group_by(Partner.couple_id)
    ).all()

    # The feed walks the entries' created_at index backwards from now and keeps the
    # counselor's own: the EXISTS keeps SQLite from starting at all of the counselor's
    # couples (every entry they ever had) and sorting them.
    own_couple = (
        select(Couple.id)
        .where(Couple.id == Assignment.couple_id, Couple.counselor_id == counselor.id)
        .exists()
    )
    feed = db.session.execute(
        select(
            Entry.id, Entry.assignment_id, Entry.created_at, Entry.seen_at, Entry.completion_note,
            (Entry.private_note != "").label("has_private_note"),
            Assignment.couple_id, Assignment.title, Partner.display_name,
        )
        .select_from(Entry)
        .join(Assignment, Entry.assignment_id == Assignment.id)
        .join(Partner, Entry.partner_id == Partner.id)
        .where(
            Entry.created_at >= utcnow() - timedelta(days=FEED_WINDOW_DAYS), own_couple
        )
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(FEED_SIZE)
    ).all()

    partners = _partners_of(
        [row.couple_id for row in open_homework]
        + [couple_id for couple_id, _n in new_counts]
        + [row.couple_id for row in feed]
    )

    # Names once per couple, not once per row: a caseload has a few hundred open rows.
    names = {cid: " & ".join(name for _id, name in ps) for cid, ps in partners.items()}
    firsts = {cid: [(pid, _first_name(name)) for pid, name in ps] for cid, ps in partners.items()}

    def couple_name(couple_id: int) -> str:
        return names.get(couple_id, "")

    for row in open_homework:
        by_partner = progress.get(row.id, {})
        item = DueItem(
            assignment_id=row.id, couple_id=row.couple_id, couple_name=couple_name(row.couple_id),
            title=row.title, due_date=row.due_date,
            partners=[
                (first, by_partner[partner_id])
                for partner_id, first in firsts.get(row.couple_id, ())
                if partner_id in by_partner
            ],
        )
        if row.due_date >= today:
            board.due_this_week.append(item)
        elif any(p.status != "completed" for p in by_partner.values()):
            board.overdue.append(item)

    board.new_by_couple = sorted(
        (NewByCouple(couple_id, couple_name(couple_id), n) for couple_id, n in new_counts),
        key=lambda item: (-item.count, item.couple_name),
    )
    board.recent = [
        FeedItem(
            id=row.id, assignment_id=row.assignment_id, couple_id=row.couple_id,
            couple_name=couple_name(row.couple_id),
            partner_name=row.display_name, title=row.title, created_at=row.created_at,
            seen_at=row.seen_at, completion_note=row.completion_note,
            has_private_note=bool(row.has_private_note),
        )
        for row in feed
    ]
    return board


def is_new(entry: FeedItem, counselor: Counselor) -> bool:
    return entry.seen_at is None and (
        counselor.dashboard_seen_at is None or entry.created_at > counselor.dashboard_seen_at
    )
