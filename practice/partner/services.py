"""What a partner's page reads and writes: the live link, their entry, what they may read."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner, first_name
from practice.extensions import db
from practice.homework import links
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.timeutil import utcnow


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
        return first_name(self.partner_name)

    @classmethod
    def of_row(cls, row: Any, waiting: int = 0) -> LiveLink:
        """The link from a row of `link_statement`."""
        return cls(
            id=row.id,
            partner_id=row.partner_id,
            assignment_id=row.assignment_id,
            couple_id=row.couple_id,
            partner_name=row.display_name,
            counselor_name=row.counselor_name,
            title=row.title,
            snapshot=row.snapshot,
            note=row.note,
            due_date=row.due_date,
            frequency=row.frequency,
            waiting=waiting,
        )


def link_statement(*extra: Any) -> Select:
    """A partner's homework link with what its page needs (LiveLink: the assignment, the
    partner, the counselor's name), and any `extra` columns; the caller says which link.
    Both ways in use it: the partner's one link with a homework id, and a per-homework link
    of before by its token."""
    return (
        select(
            PartnerLink.id,
            PartnerLink.partner_id,
            PartnerLink.assignment_id,
            Assignment.couple_id,
            Partner.display_name,
            Counselor.name.label("counselor_name"),
            Assignment.title,
            Assignment.snapshot,
            Assignment.note,
            Assignment.due_date,
            Assignment.frequency,
            *extra,
        )
        .join(Assignment, Assignment.id == PartnerLink.assignment_id)
        .join(Partner, Partner.id == PartnerLink.partner_id)
        .join(Couple, Couple.id == Assignment.couple_id)
        .join(Counselor, Counselor.id == Couple.counselor_id)
    )


@functools.lru_cache(maxsize=2)
def _live_link_statement(with_waiting: bool) -> Select:
    """One row per token: the link and its page's facts, whether it still works (and what
    waits)."""
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
    return link_statement(
        PartnerLink.revoked_at,
        PartnerLink.expires_at,
        Assignment.status,
        *([waiting.label("waiting")] if with_waiting else []),
    ).where(PartnerLink.token_hash == bindparam("token_hash"))


# Built once, on first use (building needs every model mapped): constructing the statement
# cost more than running it.


def find_live_link(token: str, now: datetime, *, with_waiting: bool = False) -> LiveLink | None:
    """The link a client token opens, or None if unknown, expired, revoked or cancelled.
    Reads only: opening a link changes nothing. One query."""
    if not links.well_formed(token):
        return None
    # Core execution on the session's connection (same transaction): plain rows need none of
    # the ORM's per-statement work, which was most of this page's database time.
    row = (
        db.session.connection()
        .execute(_live_link_statement(with_waiting), {"token_hash": links.hash_token(token)})
        .one_or_none()
    )
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= now
        or (row.status != "active")
    ):
        return None
    return LiveLink.of_row(row, row.waiting if with_waiting else 0)


@dataclass
class Submission:
    """A validated client entry, ready to store."""

    submission_key: str
    answers: dict[str, Any]
    completion_note: str
    connection_rating: int | None
    visibility: str
    private_note: str


def new_submission_key() -> str:
    """The key a blank form carries, so that sending it twice stores one entry."""
    return secrets.token_urlsafe(24)


def _entry_with_key(link: LiveLink, submission_key: str) -> Entry | None:
    """The entry this partner already saved with this form, if any (double submit)."""
    return db.session.execute(
        select(Entry).where(
            Entry.submission_key == submission_key,
            Entry.assignment_id == link.assignment_id,
            Entry.partner_id == link.partner_id,
        )
    ).scalar_one_or_none()


def _key_taken(submission_key: str) -> bool:
    return (
        db.session.execute(select(Entry.id).where(Entry.submission_key == submission_key)).first()
        is not None
    )


def save_entry(link: LiveLink, submission: Submission) -> bool:
    """Store the partner's entry unless this very form was stored already; True when a new
    entry was added. Flushes (a lost race shows here); the caller commits.

    A form sent twice (a double tap, a retry after a timeout) carries the same submission key,
    so the second send finds the first's entry and stores nothing. A key already used by
    someone else's entry was tampered with: the entry is still saved, under a fresh key."""
    # "Taken?" before "ours?": a row seen once stays visible, so a double tap committed
    # in between is found as ours, never mistaken for a tampered key and saved twice.
    if _key_taken(submission.submission_key):
        if _entry_with_key(link, submission.submission_key) is not None:
            return False
        submission.submission_key = new_submission_key()
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
    try:
        db.session.flush()
    except IntegrityError:
        # Two sends raced: the other request stored this very form. Anything else is an error.
        db.session.rollback()
        if _entry_with_key(link, submission.submission_key) is None:
            raise
        return False
    from practice.homework.finished import refresh_finished

    refresh_finished([link.assignment_id])
    return True


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
    assignment_id: BindParameter[int] = bindparam("assignment_id")
    partner_id: BindParameter[int] = bindparam("partner_id")
    they_wrote_too = (
        select(Entry.id)
        .where(Entry.assignment_id == assignment_id, Entry.partner_id == partner_id)
        .exists()
    )
    return (
        select(
            Entry.id,
            Entry.partner_id,
            Entry.created_at,
            Entry.answers,
            Entry.completion_note,
            Entry.connection_rating,
            Entry.visibility,
            Partner.display_name,
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
    rows = (
        db.session.connection()
        .execute(  # Core, as find_live_link
            _history_statement(limit), {"assignment_id": assignment_id, "partner_id": partner_id}
        )
        .all()
    )
    entries = [row._asdict() | {"first_name": first_name(row.display_name)} for row in rows]
    return History(entries=entries, total=rows[0].total if rows else 0)


@functools.cache
def _waiting_statement() -> Select:
    """waiting_for_both's query, built once (building it cost more than running it)."""
    assignment_id: BindParameter[int] = bindparam("assignment_id")
    partner_id: BindParameter[int] = bindparam("partner_id")
    return select(func.count(Entry.id)).where(
        Entry.assignment_id == assignment_id,
        Entry.partner_id != partner_id,
        Entry.visibility == "after_both",
        ~select(Entry.id)
        .where(Entry.assignment_id == assignment_id, Entry.partner_id == partner_id)
        .exists(),
    )


def waiting_for_both(assignment_id: int, partner_id: int) -> int:
    """How many 'after_both' entries of the other partner wait for this partner's first entry."""
    return (
        db.session.connection()
        .execute(_waiting_statement(), {"assignment_id": assignment_id, "partner_id": partner_id})
        .scalar_one()
    )


@dataclass(frozen=True)
class PlanFacts:
    """What decides which prompts the partner's next entry asks (exercises.placement), and
    who the other partner is, to name them in the roles line."""

    roles: dict[str, Any] | None
    earlier: int  # entries this partner wrote before
    other_id: int | None = None
    other_name: str = ""


@functools.cache
def _plan_facts_statement() -> Select:
    """entry_plan_facts's query, built once."""
    assignment_id: BindParameter[int] = bindparam("assignment_id")
    partner_id: BindParameter[int] = bindparam("partner_id")
    earlier = (
        select(func.count(Entry.id))
        .where(Entry.assignment_id == assignment_id, Entry.partner_id == partner_id)
        .scalar_subquery()
    )
    other = aliased(Partner)
    other_row = (
        select(other.id, other.display_name)
        .where(other.couple_id == Assignment.couple_id, other.id != partner_id)
        .order_by(other.position)
        .limit(1)
        .correlate(Assignment)
    )
    return select(
        Assignment.roles,
        earlier,
        other_row.with_only_columns(other.id).scalar_subquery(),
        other_row.with_only_columns(other.display_name).scalar_subquery(),
    ).where(Assignment.id == assignment_id)


def entry_plan_facts(assignment_id: int, partner_id: int) -> PlanFacts:
    """The assignment's role plan, this partner's earlier entries and the other partner of
    the couple. One statement."""
    row = (
        db.session.connection()
        .execute(
            _plan_facts_statement(), {"assignment_id": assignment_id, "partner_id": partner_id}
        )
        .one_or_none()
    )
    if row is None:
        return PlanFacts(None, 0)
    name = row[3] or ""
    return PlanFacts(row[0], row[1], row[2], first_name(name))
