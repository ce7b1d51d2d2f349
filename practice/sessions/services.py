"""Counseling sessions: record, edit and delete them, and review homework (what each printed
copy may show is in copies; the printouts themselves in printouts).

Every query here is scoped to one counselor or to a session already checked to be theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import overload
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import contains_eager, load_only, selectinload

from practice.auth.models import Counselor
from practice.couples.models import Couple
from practice.extensions import db
from practice.formatting import zone
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.homework.progress import PartnerProgress, assignment_progress
from practice.sessions.copies import completion_label, entry_lines
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow

VISIBILITY_LABELS = {
    "counselor": "Private: only you",
    "partner": "Shared with partner",
    "after_both": "Shared once both have submitted",
}


@dataclass
class SessionDetails:
    """What the counselor types about a session; times are naive UTC."""

    starts_at: datetime
    duration_minutes: int
    format: str
    attendance: str
    focus: str = ""
    private_notes: str = ""
    couple_summary: str = ""
    next_steps: str = ""
    next_appointment_at: datetime | None = None
    include_progress: bool = False


@dataclass
class Review:
    """The counselor's review of one assignment, as ticked and typed in the session form."""

    reviewed: bool
    remarks: str = ""


# --- time -------------------------------------------------------------------------------------


def local_to_utc(value: datetime, tz: str | None) -> datetime:
    """A naive wall-clock time in the counselor's zone as naive UTC (how we store times)."""
    return value.replace(tzinfo=zone(tz)).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


@overload
def utc_to_local(value: datetime, tz: str | None) -> datetime: ...
@overload
def utc_to_local(value: None, tz: str | None) -> None: ...
@overload
def utc_to_local(value: datetime | None, tz: str | None) -> datetime | None: ...


def utc_to_local(value: datetime | None, tz: str | None) -> datetime | None:
    """A stored naive-UTC time as naive wall-clock time in the counselor's zone (for inputs)."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone(tz)).replace(tzinfo=None)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    """A session as the couple page lists it: plain values, because that page commits before
    rendering (marking entries seen), which would make ORM rows reload one by one."""

    id: int
    starts_at: datetime
    format: str
    duration_minutes: int
    focus: str


# Sessions listed on the couple page; two years of weekly sessions are one click away.
SESSIONS_SHOWN = 10


class SessionRows(list):
    """The sessions a page lists, and how many the couple has in all."""

    def __init__(self, rows: list[SessionRow], total: int) -> None:
        super().__init__(rows)
        self.total = total

    @property
    def hidden(self) -> int:
        return self.total - len(self)


def couple_sessions(couple: Couple, limit: int | None = SESSIONS_SHOWN) -> SessionRows:
    """The couple's latest sessions (all with limit=None), most recent first, for the couple
    page, and their number (one query: a window function counts them)."""
    rows = db.session.execute(
        select(
            CounselingSession.id,
            CounselingSession.starts_at,
            CounselingSession.format,
            CounselingSession.duration_minutes,
            CounselingSession.focus,
            func.count().over().label("total"),
        )
        .where(CounselingSession.couple_id == couple.id)
        .order_by(CounselingSession.starts_at.desc(), CounselingSession.id.desc())
        .limit(limit)
    ).all()
    return SessionRows([SessionRow(*row[:5]) for row in rows], rows[0].total if rows else 0)


def own_session(counselor: Counselor, session_id: int) -> Select[CounselingSession]:
    """The counselor's session with its couple and partners (none: missing or someone else's)."""
    # The couple comes with the join that checks ownership, so its counselor is the one
    # signed in (already loaded: reading couple.counselor runs no statement).
    return (
        select(CounselingSession)
        .join(Couple)
        .where(CounselingSession.id == session_id, Couple.counselor_id == counselor.id)
        .options(contains_eager(CounselingSession.couple).selectinload(Couple.partners))
    )


def _with_homework_loaded(query):
    """Everything the homework tables show, in a fixed number of queries however many rows."""
    return query.options(
        selectinload(Assignment.links).selectinload(PartnerLink.partner),
        selectinload(Assignment.entries).selectinload(Entry.partner),
    )


def previous_session(
    couple: Couple, before: CounselingSession | None = None
) -> CounselingSession | None:
    """The session before `before` (or the couple's latest one when recording a new session)."""
    query = select(CounselingSession).where(CounselingSession.couple_id == couple.id)
    if before is not None:
        query = query.where(
            or_(
                CounselingSession.starts_at < before.starts_at,
                and_(
                    CounselingSession.starts_at == before.starts_at,
                    CounselingSession.id < before.id,
                ),
            )
        )
    return db.session.execute(
        query.order_by(CounselingSession.starts_at.desc(), CounselingSession.id.desc()).limit(1)
    ).scalar_one_or_none()


def homework_to_review(
    couple: Couple, counseling_session: CounselingSession | None = None
) -> list[Assignment]:
    """Homework since the previous session: what the session form offers to review.

    That is the couple's active assignments not yet reviewed, those created after the previous
    session, and those already reviewed in this session; never homework given in this very
    session, nor homework another session reviewed.
    """
    previous = previous_session(couple, counseling_session)
    this_id = counseling_session.id if counseling_session is not None else None
    open_review: ColumnElement[bool] = Assignment.reviewed_at.is_(None)
    if previous is not None:
        open_review = or_(open_review, Assignment.created_at > previous.starts_at)
    reviewable = and_(Assignment.reviewed_session_id.is_(None), open_review)
    if this_id is not None:
        reviewable = or_(Assignment.reviewed_session_id == this_id, reviewable)
    query = select(Assignment).where(
        Assignment.couple_id == couple.id,
        Assignment.status == "active",
        reviewable,
    )
    if this_id is not None:
        query = query.where(or_(Assignment.session_id.is_(None), Assignment.session_id != this_id))
    query = query.order_by(Assignment.due_date, Assignment.id)
    return list(db.session.execute(_with_homework_loaded(query)).scalars())


def reviewed_homework(
    counseling_sessions: list[CounselingSession],
) -> dict[int, list[Assignment]]:
    """Homework reviewed in each of these sessions (by session id), with what the printouts
    show of it: its entries (who it was assigned to comes with its progress).

    Two statements for any number of sessions, so the couple record costs the same as one
    summary. Only the columns the printouts read are loaded; the partners' names come from
    the couple (already loaded with the session, so reading entry.partner runs no statement).
    """
    ids = [s.id for s in counseling_sessions]
    reviewed: dict[int, list[Assignment]] = {i: [] for i in ids}
    if not ids:
        return reviewed
    query = (
        select(Assignment)
        .where(Assignment.reviewed_session_id.in_(ids))
        .options(
            load_only(*_PRINTED_ASSIGNMENT),
            selectinload(Assignment.entries).load_only(*_PRINTED_ENTRY),
        )
        .order_by(Assignment.due_date, Assignment.id)
    )
    for assignment in db.session.execute(query).scalars():
        reviewed[assignment.reviewed_session_id].append(assignment)  # type: ignore[index]
    return reviewed


# What a reviewed homework's printout and progress read (sessions.printouts, copies,
# homework.progress): snapshot for the prompts, the schedule for the expected entries.
_PRINTED_ASSIGNMENT = (
    Assignment.reviewed_session_id,
    Assignment.title,
    Assignment.snapshot,
    Assignment.due_date,
    Assignment.frequency,
    Assignment.times_per_week,
    Assignment.created_at,
    Assignment.review_remarks,
)
_PRINTED_ENTRY = (
    Entry.partner_id,
    Entry.answers,
    Entry.completion_note,
    Entry.connection_rating,
    Entry.visibility,
    Entry.private_note,
    Entry.created_at,
)


def progress_for(
    assignments: list[Assignment],
) -> dict[int, dict[int, PartnerProgress]]:
    """Each partner's progress on each assignment (the homework feature's single definition)."""
    return assignment_progress(assignments) if assignments else {}


@dataclass
class ReviewItem:
    """One assignment as the session form shows it: each partner's completion and every entry."""

    assignment: Assignment
    completion: list[tuple[str, str]]
    entries: list[tuple[Entry, list[tuple[str, str]]]]


def review_items(couple: Couple, assignments: list[Assignment]) -> list[ReviewItem]:
    """The homework to review, ready for the form: the counselor sees every entry."""
    progress = progress_for(assignments)
    return [
        ReviewItem(
            assignment=a,
            completion=[
                (p.display_name, completion_label(progress.get(a.id, {}).get(p.id)))
                for p in couple.partners
            ],
            entries=[(e, entry_lines(a, e, "counselor")) for e in a.entries],
        )
        for a in assignments
    ]


def session_at(
    couple: Couple, starts_at: datetime, other_than: CounselingSession | None = None
) -> CounselingSession | None:
    """The couple's session starting at that minute, if any: two at once is always a mistake
    (most often the same form sent twice)."""
    query = select(CounselingSession).where(
        CounselingSession.couple_id == couple.id, CounselingSession.starts_at == starts_at
    )
    if other_than is not None:
        query = query.where(CounselingSession.id != other_than.id)
    return db.session.execute(query.limit(1)).scalar_one_or_none()


def same_details(counseling_session: CounselingSession, details: SessionDetails) -> bool:
    return all(getattr(counseling_session, name) == value for name, value in vars(details).items())


# --- writing ----------------------------------------------------------------------------------


def _apply(counseling_session: CounselingSession, details: SessionDetails) -> None:
    counseling_session.starts_at = details.starts_at
    counseling_session.duration_minutes = details.duration_minutes
    counseling_session.format = details.format
    counseling_session.attendance = details.attendance
    counseling_session.focus = details.focus
    counseling_session.private_notes = details.private_notes
    counseling_session.couple_summary = details.couple_summary
    counseling_session.next_steps = details.next_steps
    counseling_session.next_appointment_at = details.next_appointment_at
    counseling_session.include_progress = details.include_progress


def record_session(
    couple: Couple,
    details: SessionDetails,
    reviewable: list[Assignment] | None = None,
    reviews: dict[int, Review] | None = None,
) -> CounselingSession:
    """A new session for the couple, with its homework reviews (flushed, not committed)."""
    counseling_session = CounselingSession(couple=couple)
    _apply(counseling_session, details)
    db.session.add(counseling_session)
    db.session.flush()
    apply_reviews(counseling_session, reviewable or [], reviews or {})
    return counseling_session


def update_session(
    counseling_session: CounselingSession,
    details: SessionDetails,
    reviewable: list[Assignment] | None = None,
    reviews: dict[int, Review] | None = None,
) -> None:
    _apply(counseling_session, details)
    apply_reviews(counseling_session, reviewable or [], reviews or {})


def apply_reviews(
    counseling_session: CounselingSession,
    reviewable: list[Assignment],
    reviews: dict[int, Review],
) -> None:
    """Mark homework reviewed in this session, or no longer reviewed, and keep the remarks.

    Only assignments in `reviewable` (this couple's homework offered by the form) are touched,
    whatever ids a request names.
    """
    now = utcnow()
    for assignment in reviewable:
        review = reviews.get(assignment.id)
        if review is None:
            continue
        # Remarks are kept even when the box is not ticked: nothing typed is lost.
        assignment.review_remarks = review.remarks
        if review.reviewed:
            if assignment.reviewed_session_id != counseling_session.id:
                assignment.reviewed_at = now
            assignment.reviewed_session_id = counseling_session.id
        elif assignment.reviewed_session_id == counseling_session.id:
            assignment.reviewed_session_id = None
            assignment.reviewed_at = None


def delete_session(counseling_session: CounselingSession) -> None:
    """Delete the session; its homework stays, no longer tied to it (reviews keep their date)."""
    session_id = counseling_session.id
    # Explicit rather than relying on ON DELETE SET NULL, so it holds on every backend.
    db.session.execute(
        update(Assignment).where(Assignment.session_id == session_id).values(session_id=None)
    )
    db.session.execute(
        update(Assignment)
        .where(Assignment.reviewed_session_id == session_id)
        .values(reviewed_session_id=None)
    )
    db.session.delete(counseling_session)
