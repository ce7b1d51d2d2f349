"""What the counselor's pages show of homework, as plain data built in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from practice.couples.models import Couple, Partner
from practice.exercises.format import parse_prompts, readable_answers
from practice.exercises.placement import RolePlan, RoleSetup, role_setup
from practice.exercises.prompts import Answer
from practice.extensions import db
from practice.homework.models import FREQUENCIES, VISIBILITIES, Assignment, Entry, PartnerLink
from practice.homework.progress import PartnerProgress, assignment_progress


@dataclass
class EntryView:
    id: int
    partner_id: int
    partner_name: str
    created_at: datetime
    answers: list[Answer]
    completion_note: str
    connection_rating: int | None
    visibility: str
    visibility_label: str
    private_note: str
    is_new: bool


@dataclass
class AssignmentView:
    """Everything the couple page shows about one assignment, as plain data: the page commits
    (to mark entries seen) before rendering, and plain data cannot lazy-load per row."""

    id: int
    title: str
    due_date: date
    frequency: str
    frequency_label: str
    note: str
    status: str
    created_at: datetime
    reviewed_at: datetime | None
    review_remarks: str
    session_id: int | None
    partners: list[tuple[str, PartnerProgress]] = field(default_factory=list)
    roles: RoleSetup | None = None  # who takes which role, when the exercise has roles
    entries: list[EntryView] = field(default_factory=list)  # newest first; maybe only the latest
    entry_count: int = 0  # all of its entries, shown or not

    @property
    def hidden_entries(self) -> int:
        return self.entry_count - len(self.entries)


@dataclass
class CoupleHomework:
    """The couple page's homework: current assignments in full (each with its latest entries),
    and a count and the most recent few of the older ones, which have their own pages."""

    current: list[AssignmentView]
    older: list[AssignmentView]  # no entries loaded: a line each
    older_count: int


def frequency_label(frequency: str, times_per_week: int | None) -> str:
    if frequency == "weekly":
        n = times_per_week or 1
        return f"{n} time{'s' if n != 1 else ''} a week"
    return FREQUENCIES.get(frequency, frequency)


# What a counselor reads on the couple page. Years of weekly homework would otherwise put
# thousands of entries on one page (and take seconds to render); older homework and older
# entries are one click away: the "older homework" list and each assignment's own page.
RECENT_DUE_DAYS = 14  # homework due in the last two weeks is still current
OPEN_DUE_DAYS = 60  # so is active homework not yet reviewed, due in the last 60 days
LATEST_ENTRIES = 3  # entries per assignment on the couple page
OLDER_SHOWN = 5  # older assignments listed (one line each) on the couple page
HISTORY_PAGE_SIZE = 25  # assignments per page of the couple's homework list


def is_current(today: date) -> ColumnElement[bool]:
    """Homework that belongs on the couple page in full."""
    return or_(
        Assignment.due_date >= today - timedelta(days=RECENT_DUE_DAYS),
        and_(
            Assignment.status == "active",
            Assignment.reviewed_at.is_(None),
            Assignment.due_date >= today - timedelta(days=OPEN_DUE_DAYS),
        ),
    )


def shown_in_full(assignment: Assignment, today: date) -> bool:
    """is_current for one loaded assignment, in Python."""
    return assignment.due_date >= today - timedelta(days=RECENT_DUE_DAYS) or (
        assignment.status == "active"
        and assignment.reviewed_at is None
        and assignment.due_date >= today - timedelta(days=OPEN_DUE_DAYS)
    )


def _newest_first(query: Select) -> Select:
    return query.order_by(Assignment.due_date.desc(), Assignment.id.desc())


def _views(
    assignments: Sequence[Assignment], entries: dict[int, list[EntryView]]
) -> list[AssignmentView]:
    """Plain views of `assignments` (links loaded), with progress, and the given entries."""
    progress = assignment_progress(assignments)
    views: list[AssignmentView] = []
    for a in assignments:
        view = AssignmentView(
            id=a.id,
            title=a.title,
            due_date=a.due_date,
            frequency=a.frequency,
            frequency_label=frequency_label(a.frequency, a.times_per_week),
            note=a.note,
            status=a.status,
            created_at=a.created_at,
            reviewed_at=a.reviewed_at,
            review_remarks=a.review_remarks,
            session_id=a.session_id,
            entries=entries.get(a.id, []),
        )
        for link in sorted(a.links, key=lambda item: item.partner.position):
            partner_progress = progress[a.id][link.partner_id]
            view.entry_count += partner_progress.entry_count
            view.partners.append((link.partner.display_name, partner_progress))
        view.roles = role_setup(
            a.snapshot.get("roles"),
            RolePlan.from_json(a.roles),
            {link.partner_id: link.partner.display_name for link in a.links},
        )
        # Entries of a partner whose link is gone still count.
        view.entry_count = max(view.entry_count, len(view.entries))
        views.append(view)
    return views


def _entry_views(
    assignments: Sequence[Assignment], latest: int | None
) -> dict[int, list[EntryView]]:
    """Each assignment's entries, newest first (only the `latest` few each when given), in one
    query: a window function numbers each assignment's entries."""
    if not assignments:
        return {}
    prompts = {a.id: parse_prompts(a.snapshot.get("prompts")) for a in assignments}
    rank = (
        func.row_number()
        .over(
            partition_by=Entry.assignment_id,
            order_by=(Entry.created_at.desc(), Entry.id.desc()),
        )
        .label("rank")
    )
    numbered = (
        select(
            Entry.id,
            Entry.assignment_id,
            Entry.partner_id,
            Entry.created_at,
            Entry.answers,
            Entry.completion_note,
            Entry.connection_rating,
            Entry.visibility,
            Entry.private_note,
            Entry.seen_at,
            rank,
        )
        .where(Entry.assignment_id.in_(list(prompts)))
        .subquery()
    )
    query = (
        select(numbered, Partner.display_name)
        .join(Partner, Partner.id == numbered.c.partner_id)
        .order_by(numbered.c.assignment_id, numbered.c.rank)
    )
    if latest is not None:
        query = query.where(numbered.c.rank <= latest)
    result: dict[int, list[EntryView]] = {}
    for row in db.session.execute(query):
        result.setdefault(row.assignment_id, []).append(
            EntryView(
                id=row.id,
                partner_id=row.partner_id,
                partner_name=row.display_name,
                created_at=row.created_at,
                answers=readable_answers(prompts[row.assignment_id], row.answers or {}),
                completion_note=row.completion_note,
                connection_rating=row.connection_rating,
                visibility=row.visibility,
                visibility_label=VISIBILITIES.get(row.visibility, row.visibility),
                private_note=row.private_note,
                is_new=row.seen_at is None,
            )
        )
    return result


def _with_links(query: Select) -> Select:
    return query.options(selectinload(Assignment.links).joinedload(PartnerLink.partner))


def couple_homework(couple: Couple, today: date) -> CoupleHomework:
    """The couple page's homework as plain data, in a fixed number of queries: current
    assignments newest due date first, each with its latest entries; the count and the most
    recent few of the older ones.

    Only reads: the page marks what it showed as seen after rendering (mark_entries_seen)."""
    current = list(
        db.session.execute(
            _newest_first(_with_links(select(Assignment))).where(
                Assignment.couple_id == couple.id, is_current(today)
            )
        ).scalars()
    )
    older_count = func.count().over().label("older_count")
    older_rows = db.session.execute(
        _newest_first(_with_links(select(Assignment, older_count)))
        .where(Assignment.couple_id == couple.id, ~is_current(today))
        .limit(OLDER_SHOWN)
    ).all()
    older = [row[0] for row in older_rows]
    views = _views(current + older, _entry_views(current, LATEST_ENTRIES))
    return CoupleHomework(
        current=views[: len(current)],
        older=views[len(current) :],
        older_count=older_rows[0].older_count if older_rows else 0,
    )


def homework_page(couple: Couple, page: int) -> tuple[list[AssignmentView], int]:
    """One page of all the couple's homework (a line each, newest due first), and the total."""
    total = db.session.execute(
        select(func.count()).select_from(Assignment).where(Assignment.couple_id == couple.id)
    ).scalar_one()
    assignments = list(
        db.session.execute(
            _newest_first(_with_links(select(Assignment)))
            .where(Assignment.couple_id == couple.id)
            .limit(HISTORY_PAGE_SIZE)
            .offset((max(page, 1) - 1) * HISTORY_PAGE_SIZE)
        ).scalars()
    )
    return _views(assignments, {}), total


def assignment_view(assignment: Assignment) -> AssignmentView:
    """One assignment with all its entries, for its own page."""
    return _views([assignment], _entry_views([assignment], None))[0]


def unseen_entry_ids(views: Iterable[AssignmentView]) -> list[int]:
    """The entries among those shown that the counselor had not seen yet."""
    return [entry.id for view in views for entry in view.entries if entry.is_new]
