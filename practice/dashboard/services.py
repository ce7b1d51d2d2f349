"""What the counselor's home page shows, in a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from practice.auth.models import Counselor
from practice.couples.models import Couple
from practice.extensions import db
from practice.homework.models import Assignment, Entry
from practice.homework.services import PartnerProgress, assignment_progress

FEED_SIZE = 20
# Overdue homework older than this is history to review in session, not a task for today.
OVERDUE_WINDOW_DAYS = 60


@dataclass
class DueItem:
    assignment: Assignment
    progress: dict[int, PartnerProgress]


@dataclass
class Dashboard:
    active_couples: int = 0
    due_this_week: list[DueItem] = field(default_factory=list)
    overdue: list[DueItem] = field(default_factory=list)
    new_by_couple: list[tuple[Couple, int]] = field(default_factory=list)
    recent: list[Entry] = field(default_factory=list)
    seen_since: datetime | None = None

    @property
    def new_entries(self) -> int:
        return sum(count for _couple, count in self.new_by_couple)


def _new_entry_filter(counselor: Counselor) -> list:
    """Entries the counselor has neither read on the couple page nor dismissed on the dashboard."""
    conditions = [Couple.counselor_id == counselor.id, Entry.seen_at.is_(None)]
    if counselor.dashboard_seen_at is not None:
        conditions.append(Entry.created_at > counselor.dashboard_seen_at)
    return conditions


def build_dashboard(counselor: Counselor, today: date) -> Dashboard:
    board = Dashboard(seen_since=counselor.dashboard_seen_at)
    board.active_couples = db.session.execute(
        select(func.count())
        .select_from(Couple)
        .where(Couple.counselor_id == counselor.id, Couple.status == "active")
    ).scalar_one()

    week_end = today + timedelta(days=6)
    open_homework = list(
        db.session.execute(
            select(Assignment)
            .join(Couple)
            .where(
                Couple.counselor_id == counselor.id,
                Couple.status == "active",
                Assignment.status == "active",
                Assignment.reviewed_at.is_(None),
                Assignment.due_date >= today - timedelta(days=OVERDUE_WINDOW_DAYS),
                Assignment.due_date <= week_end,
            )
            .options(joinedload(Assignment.couple).selectinload(Couple.partners))
            .order_by(Assignment.due_date, Assignment.id)
        ).scalars()
    )
    progress = assignment_progress(open_homework)
    for assignment in open_homework:
        item = DueItem(assignment, progress.get(assignment.id, {}))
        if assignment.due_date >= today:
            board.due_this_week.append(item)
        elif any(p.status != "completed" for p in item.progress.values()):
            board.overdue.append(item)

    counts = db.session.execute(
        select(Assignment.couple_id, func.count(Entry.id))
        .select_from(Entry)
        .join(Assignment, Entry.assignment_id == Assignment.id)
        .join(Couple, Assignment.couple_id == Couple.id)
        .where(*_new_entry_filter(counselor))
        .group_by(Assignment.couple_id)
    ).all()
    if counts:
        couples = {
            c.id: c
            for c in db.session.execute(
                select(Couple)
                .where(Couple.id.in_([couple_id for couple_id, _n in counts]))
                .options(selectinload(Couple.partners))
            ).scalars()
        }
        board.new_by_couple = sorted(
            ((couples[couple_id], n) for couple_id, n in counts), key=lambda pair: -pair[1]
        )

    board.recent = list(
        db.session.execute(
            select(Entry)
            .join(Assignment, Entry.assignment_id == Assignment.id)
            .join(Couple, Assignment.couple_id == Couple.id)
            .where(Couple.counselor_id == counselor.id)
            .options(
                joinedload(Entry.partner),
                joinedload(Entry.assignment)
                .joinedload(Assignment.couple)
                .selectinload(Couple.partners),
            )
            .order_by(Entry.created_at.desc(), Entry.id.desc())
            .limit(FEED_SIZE)
        ).scalars()
    )
    return board


def is_new(entry: Entry, counselor: Counselor) -> bool:
    return entry.seen_at is None and (
        counselor.dashboard_seen_at is None or entry.created_at > counselor.dashboard_seen_at
    )
