"""Homework: assigning exercises, partner links, entries, and progress."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.exercises.models import Exercise
from practice.extensions import db
from practice.homework import links
from practice.homework.models import FREQUENCIES, VISIBILITIES, Assignment, Entry, PartnerLink
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow

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

    @property
    def label(self) -> str:
        if self.status == "completed":
            return "Completed"
        if self.status == "not_started":
            return "Not started"
        return f"{self.entry_count} of {self.expected} entries"


def expected_entries(
    frequency: str, times_per_week: int | None, assigned_on: date, due_date: date
) -> int:
    """Entries that make an assignment complete: once → 1; daily → one per day from the day it
    was assigned up to the due date; N a week → N for every started week. Capped."""
    days = max((due_date - assigned_on).days, 1)
    if frequency == "daily":
        expected = days
    elif frequency == "weekly":
        expected = max(times_per_week or 1, 1) * math.ceil(days / 7)
    else:
        expected = 1
    return min(expected, MAX_EXPECTED_ENTRIES)


def _status(count: int, expected: int) -> str:
    if count == 0:
        return "not_started"
    return "completed" if count >= expected else "in_progress"


def assignment_progress(
    assignments: Sequence[Any],
) -> dict[int, dict[int, PartnerProgress]]:
    """Progress per assignment id, per assigned partner id, in one query whatever the size.

    `assignments` are Assignment objects or rows with the same attributes (id, frequency,
    times_per_week, created_at, due_date): the dashboard reads narrow rows."""
    ids = [a.id for a in assignments]
    if not ids:
        return {}
    # One row per link (an assigned partner) with that partner's entries counted.
    rows = db.session.execute(
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
        .where(PartnerLink.assignment_id.in_(ids))
        .group_by(PartnerLink.assignment_id, PartnerLink.partner_id)
    ).all()
    by_id = {a.id: a for a in assignments}
    result: dict[int, dict[int, PartnerProgress]] = {a.id: {} for a in assignments}
    for assignment_id, partner_id, count, last in rows:
        a = by_id[assignment_id]
        expected = expected_entries(
            a.frequency, a.times_per_week, a.created_at.date(), a.due_date
        )
        result[assignment_id][partner_id] = PartnerProgress(
            partner_id=partner_id,
            entry_count=count,
            expected=expected,
            status=_status(count, expected),
            last_entry_at=last,
        )
    return result


# ---------------------------------------------------------------------------- assigning


def assignable_exercises(counselor: Counselor) -> list[Exercise]:
    """Built-in exercises and the counselor's own, not retired, by title."""
    return list(
        db.session.execute(
            select(Exercise)
            .where(
                or_(Exercise.counselor_id.is_(None), Exercise.counselor_id == counselor.id),
                Exercise.retired_at.is_(None),
            )
            .order_by(func.lower(Exercise.title), Exercise.id)
        ).scalars()
    )


def couple_session_choices(couple: Couple) -> list[CounselingSession]:
    return list(
        db.session.execute(
            select(CounselingSession)
            .where(CounselingSession.couple_id == couple.id)
            .order_by(CounselingSession.starts_at.desc())
        ).scalars()
    )


def create_assignment(
    *,
    couple: Couple,
    exercise: Exercise,
    partners: Iterable[Partner],
    due_date: date,
    frequency: str,
    times_per_week: int | None,
    note: str,
    session_id: int | None,
    secret_key: str,
    grace_days: int,
) -> Assignment:
    """Assign a frozen copy of `exercise` and give each chosen partner a link (not committed)."""
    now = utcnow()
    assignment = Assignment(
        couple=couple,
        exercise=exercise,
        session_id=session_id,
        title=exercise.title,
        snapshot=exercise.snapshot(),
        note=note,
        due_date=due_date,
        frequency=frequency,
        times_per_week=times_per_week if frequency == "weekly" else None,
        status="active",
        created_at=now,
    )
    db.session.add(assignment)
    for partner in partners:
        assignment.links.append(
            PartnerLink(partner=partner, expires_at=links.expiry_for(due_date, grace_days))
        )
    db.session.flush()  # link ids feed the tokens
    for link in assignment.links:
        links.issue(link, secret_key, now)
    return assignment


def own_assignment_or_404(counselor: Counselor, assignment_id: int) -> Assignment:
    """The counselor's assignment with its couple, partners and links; 404 for anyone else's."""
    assignment = db.session.execute(
        select(Assignment)
        .join(Couple)
        .where(Assignment.id == assignment_id, Couple.counselor_id == counselor.id)
        .options(
            joinedload(Assignment.couple).selectinload(Couple.partners),
            selectinload(Assignment.links).joinedload(PartnerLink.partner),
        )
    ).scalar_one_or_none()
    if assignment is None:
        abort(404)
    return assignment


def assignment_link_or_404(assignment: Assignment, partner_id: int) -> PartnerLink:
    for link in assignment.links:
        if link.partner_id == partner_id:
            return link
    abort(404)


def update_assignment(assignment: Assignment, due_date: date, note: str, grace_days: int) -> None:
    """New due date and note; live links follow the due date so they do not die early."""
    assignment.due_date = due_date
    assignment.note = note
    for link in assignment.links:
        if link.revoked_at is None:
            link.expires_at = links.expiry_for(due_date, grace_days)


def cancel_assignment(assignment: Assignment) -> None:
    """Cancelled homework keeps its entries; its links stop working."""
    assignment.status = "cancelled"
    assignment.cancelled_at = utcnow()


def review_assignment(assignment: Assignment, remarks: str) -> None:
    assignment.reviewed_at = utcnow()
    assignment.review_remarks = remarks


def revoke_link(link: PartnerLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = utcnow()


def reissue_link(link: PartnerLink, secret_key: str, grace_days: int) -> str:
    """A new token for the partner; the old link is dead from now on."""
    link.revoked_at = None
    link.expires_at = max(
        links.expiry_for(link.assignment.due_date, grace_days),
        links.expiry_for(utcnow().date(), grace_days),
    )
    return links.issue(link, secret_key, utcnow())


# ---------------------------------------------------------------------------- client side


@dataclass(frozen=True)
class LiveLink:
    """What a client page needs of a live link, as plain values: nothing to lazy-load, and the
    page still renders from memory after a failed save rolled the session back."""

    id: int
    partner_id: int
    assignment_id: int
    couple_id: int
    partner_name: str
    counselor_name: str
    title: str
    snapshot: dict[str, Any]
    note: str | None
    due_date: date
    frequency: str
    # The other partner's 'after_both' entries waiting for this partner's first (asked for
    # only by the page that shows it: saving must not read more than it needs).
    waiting: int = 0

    @property
    def first_name(self) -> str:
        return (self.partner_name.split() or [self.partner_name])[0]


def _live_link_statement(with_waiting: bool) -> Select:
    """One row per token: the link, its assignment, partner and counselor (and what waits)."""
    theirs, ours = aliased(Entry), aliased(Entry)
    waiting = (
        select(func.count(theirs.id))
        .where(
            theirs.assignment_id == PartnerLink.assignment_id,
            theirs.partner_id != PartnerLink.partner_id,
            theirs.visibility == "after_both",
            ~select(ours.id)
            .where(
                ours.assignment_id == PartnerLink.assignment_id,
                ours.partner_id == PartnerLink.partner_id,
            )
            .correlate(PartnerLink)
            .exists(),
        )
        .scalar_subquery()
    )
    return (
        select(
            PartnerLink.id, PartnerLink.partner_id, PartnerLink.assignment_id,
            PartnerLink.revoked_at, PartnerLink.expires_at, Assignment.status,
            Assignment.couple_id, Partner.display_name, Counselor.name.label("counselor_name"),
            Assignment.title, Assignment.snapshot, Assignment.note, Assignment.due_date,
            Assignment.frequency, *([waiting.label("waiting")] if with_waiting else []),
        )
        .join(Assignment, Assignment.id == PartnerLink.assignment_id)
        .join(Partner, Partner.id == PartnerLink.partner_id)
        .join(Couple, Couple.id == Assignment.couple_id)
        .join(Counselor, Counselor.id == Couple.counselor_id)
        .where(PartnerLink.token_hash == bindparam("token_hash"))
    )


# Built once: constructing the statement cost more than running it.
_LIVE_LINK = {flag: _live_link_statement(flag) for flag in (False, True)}


def find_live_link(token: str, now: datetime, *, with_waiting: bool = False) -> LiveLink | None:
    """The link a client token opens, or None if unknown, expired, revoked or cancelled.
    Reads only: opening a link changes nothing. One query."""
    if not links.well_formed(token):
        return None
    # Core execution on the session's connection (same transaction): plain rows need none of
    # the ORM's per-statement work, which was most of this page's database time.
    row = db.session.connection().execute(
        _LIVE_LINK[with_waiting], {"token_hash": links.hash_token(token)}
    ).one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= now or (
        row.status != "active"
    ):
        return None
    return LiveLink(
        id=row.id, partner_id=row.partner_id, assignment_id=row.assignment_id,
        couple_id=row.couple_id, partner_name=row.display_name,
        counselor_name=row.counselor_name, title=row.title, snapshot=row.snapshot,
        note=row.note, due_date=row.due_date, frequency=row.frequency,
        waiting=row.waiting if with_waiting else 0,
    )


@dataclass
class Submission:
    """A validated client entry, ready to store."""

    submission_key: str
    answers: dict[str, Any]
    completion_note: str
    connection_rating: int | None
    visibility: str
    private_note: str


def existing_entry(link: LiveLink, submission_key: str) -> Entry | None:
    """The entry this partner already saved with this form, if any (double submit)."""
    return db.session.execute(
        select(Entry).where(
            Entry.submission_key == submission_key,
            Entry.assignment_id == link.assignment_id,
            Entry.partner_id == link.partner_id,
        )
    ).scalar_one_or_none()


def submission_key_taken(submission_key: str) -> bool:
    return (
        db.session.execute(
            select(Entry.id).where(Entry.submission_key == submission_key)
        ).first()
        is not None
    )


def record_entry(link: LiveLink, submission: Submission) -> Entry:
    """Add the partner's entry (not committed; the submission key makes a repeat harmless)."""
    entry = Entry(
        assignment_id=link.assignment_id,
        partner_id=link.partner_id,
        answers=submission.answers,
        completion_note=submission.completion_note,
        connection_rating=submission.connection_rating,
        visibility=submission.visibility,
        private_note=submission.private_note,
        submission_key=submission.submission_key,
        created_at=utcnow(),
    )
    db.session.add(entry)
    return entry


# Entries on the client page: a phone on a slow connection gets the latest few; months of
# daily homework are one tap away (?all=1).
HISTORY_SHOWN = 5


@dataclass
class History:
    """What a partner may read of an assignment's entries, newest first, and how many in all."""

    entries: list[dict[str, Any]]  # id, partner_id, created_at, answers, completion_note,
    # connection_rating, visibility, display_name and first_name (the author's)
    total: int

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def hidden(self) -> int:
        return self.total - len(self.entries)


@functools.lru_cache(maxsize=8)
def _history_statement(limit: int | None) -> Select:
    """partner_history's query, built once per limit (building it cost more than running it)."""
    assignment_id, partner_id = bindparam("assignment_id"), bindparam("partner_id")
    they_wrote_too = (
        select(Entry.id)
        .where(Entry.assignment_id == assignment_id, Entry.partner_id == partner_id)
        .exists()
    )
    return (
        select(
            Entry.id, Entry.partner_id, Entry.created_at, Entry.answers, Entry.completion_note,
            Entry.connection_rating, Entry.visibility, Partner.display_name,
            func.count().over().label("total"),
        )
        .join(Partner, Partner.id == Entry.partner_id)
        .where(
            Entry.assignment_id == assignment_id,
            or_(
                Entry.partner_id == partner_id,
                Entry.visibility == "partner",
                and_(Entry.visibility == "after_both", they_wrote_too),
            ),
        )
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(limit)
    )


def partner_history(
    assignment_id: int, partner_id: int, limit: int | None = HISTORY_SHOWN
) -> History:
    """What this partner may read: their own entries, and the other partner's entries shared
    with them, the latest `limit` (all with None). Sharing rules: 'partner' entries are
    visible at once; an 'after_both' entry by the other partner is visible once THIS partner
    has submitted at least one entry to the same assignment (so neither answer colours the
    other); 'counselor' entries never. Private notes are never selected. One query whatever
    the history: plain rows (no ORM objects to build), each carrying the full count (a
    window function)."""
    rows = db.session.connection().execute(  # Core, as find_live_link
        _history_statement(limit), {"assignment_id": assignment_id, "partner_id": partner_id}
    ).all()
    entries = [
        row._asdict() | {"first_name": (row.display_name.split() or [row.display_name])[0]}
        for row in rows
    ]
    return History(entries=entries, total=rows[0].total if rows else 0)


def waiting_for_both(assignment_id: int, partner_id: int) -> int:
    """How many 'after_both' entries of the other partner wait for this partner's first entry."""
    return db.session.execute(
        select(func.count(Entry.id)).where(
            Entry.assignment_id == assignment_id,
            Entry.partner_id != partner_id,
            Entry.visibility == "after_both",
            ~select(Entry.id)
            .where(Entry.assignment_id == assignment_id, Entry.partner_id == partner_id)
            .exists(),
        )
    ).scalar_one()


# ---------------------------------------------------------------------------- display


@dataclass(frozen=True)
class Answer:
    """One answer as people read it: the prompt's label and a type-specific value."""

    label: str
    type: str
    text: str = ""
    items: tuple[str, ...] = ()


def i_statement_sentence(parts: dict[str, str]) -> str:
    """'I feel hurt when … because … I need …' from whatever parts were filled in."""
    pieces = []
    if parts.get("feel"):
        pieces.append(f"I feel {parts['feel']}")
    if parts.get("when"):
        pieces.append(f"when {parts['when']}")
    if parts.get("because"):
        pieces.append(f"because {parts['because']}")
    sentence = " ".join(pieces)
    if sentence:
        sentence += "."
    if parts.get("need"):
        sentence = f"{sentence} I need {parts['need']}.".strip()
    return sentence


def readable_answers(prompts: list[dict[str, Any]], answers: dict[str, Any]) -> list[Answer]:
    """Answers in prompt order, rendered for reading; skipped prompts are left out."""
    shown: list[Answer] = []
    for prompt in prompts:
        value = answers.get(prompt.get("key"))
        if value in (None, "", [], {}):
            continue
        kind, label = prompt.get("type"), prompt.get("label", "")
        if kind == "list" and isinstance(value, list):
            shown.append(Answer(label, kind, items=tuple(str(v) for v in value)))
        elif kind == "i_statement" and isinstance(value, dict):
            shown.append(Answer(label, kind, text=i_statement_sentence(value)))
        elif kind == "scale":
            low, high = prompt.get("low", ""), prompt.get("high", "")
            ends = f" (1 = {low}, 5 = {high})" if low or high else ""
            shown.append(Answer(label, kind, text=f"{value} of 5{ends}"))
        elif kind == "yes_no":
            shown.append(Answer(label, kind, text="Yes" if value == "yes" else "No"))
        else:
            shown.append(Answer(label, kind, text=str(value)))
    return shown


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
class LinkView:
    partner_id: int
    partner_name: str
    token: str | None
    issued_at: datetime
    expires_at: datetime
    revoked: bool
    expired: bool

    @property
    def live(self) -> bool:
        return not self.revoked and not self.expired


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
    partners: list[tuple[str, PartnerProgress, LinkView | None]] = field(default_factory=list)
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
    assignments: Sequence[Assignment], secret_key: str | None, entries: dict[int, list[EntryView]]
) -> list[AssignmentView]:
    """Plain views of `assignments` (links loaded), with progress, and the given entries."""
    if secret_key is None:
        from flask import current_app

        secret_key = current_app.config["SECRET_KEY"]
    progress = assignment_progress(assignments)
    now = utcnow()
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
            view.partners.append(
                (
                    link.partner.display_name,
                    partner_progress,
                    LinkView(
                        partner_id=link.partner_id,
                        partner_name=link.partner.display_name,
                        token=links.shown_token(link, secret_key),
                        issued_at=link.issued_at,
                        expires_at=link.expires_at,
                        revoked=link.revoked_at is not None,
                        expired=link.expires_at <= now,
                    ),
                )
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
    prompts = {a.id: a.snapshot.get("prompts", []) for a in assignments}
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
            Entry.id, Entry.assignment_id, Entry.partner_id, Entry.created_at, Entry.answers,
            Entry.completion_note, Entry.connection_rating, Entry.visibility,
            Entry.private_note, Entry.seen_at, rank,
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


def couple_homework(
    couple: Couple, today: date, secret_key: str | None = None
) -> CoupleHomework:
    """The couple page's homework as plain data, in a fixed number of queries: current
    assignments newest due date first, each with its latest entries; the count and the most
    recent few of the older ones.

    Only reads: the page marks what it showed as seen after rendering (mark_entries_seen)."""
    current = list(
        db.session.execute(
            _newest_first(_with_links(select(Assignment)))
            .where(Assignment.couple_id == couple.id, is_current(today))
        ).scalars()
    )
    older_count = func.count().over().label("older_count")
    older_rows = db.session.execute(
        _newest_first(_with_links(select(Assignment, older_count)))
        .where(Assignment.couple_id == couple.id, ~is_current(today))
        .limit(OLDER_SHOWN)
    ).all()
    older = [row[0] for row in older_rows]
    views = _views(current + older, secret_key, _entry_views(current, LATEST_ENTRIES))
    return CoupleHomework(
        current=views[: len(current)],
        older=views[len(current):],
        older_count=older_rows[0].older_count if older_rows else 0,
    )


def homework_page(couple: Couple, page: int, secret_key: str | None = None) -> tuple[
    list[AssignmentView], int
]:
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
    return _views(assignments, secret_key, {}), total


def assignment_view(assignment: Assignment, secret_key: str | None = None) -> AssignmentView:
    """One assignment with all its entries, for its own page."""
    return _views([assignment], secret_key, _entry_views([assignment], None))[0]


def unseen_entry_ids(views: Iterable[AssignmentView]) -> list[int]:
    """The entries among those shown that the counselor had not seen yet."""
    return [entry.id for view in views for entry in view.entries if entry.is_new]


def mark_entries_seen(entry_ids: list[int]) -> None:
    """Mark entries the counselor has just been shown as seen. The caller commits.

    The reads are committed first so the UPDATE opens a fresh transaction: on SQLite a
    deferred transaction that read and then writes can fail at once under concurrency."""
    if not entry_ids:
        return
    db.session.commit()
    db.session.execute(
        update(Entry)
        .where(Entry.id.in_(entry_ids), Entry.seen_at.is_(None))
        .values(seen_at=utcnow())
        .execution_options(synchronize_session=False)
    )
