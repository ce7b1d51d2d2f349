"""Homework commands: assigning, changing, reviewing and cancelling it, and its links.

Everything here takes explicit arguments and never commits: the caller does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.exercises.models import Exercise
from practice.exercises.placement import RolePlan
from practice.extensions import db
from practice.homework import links
from practice.homework.finished import refresh_finished
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.partner import access
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow


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
    roles: dict[str, Any] | None = None,
) -> Assignment:
    """Assign a frozen copy of `exercise` to the chosen partners (not committed). Each one's
    personal link is made or renewed to outlive the due date; the homework opens under it.
    `roles` is the role plan (exercises.placement.RolePlan) when the exercise has roles."""
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
        roles=roles,
        status="active",
        created_at=now,
    )
    db.session.add(assignment)
    for partner in partners:
        # Who was given the homework, and until when it stays open under their link. No
        # token of its own: the partner's one link opens it.
        assignment.links.append(
            PartnerLink(partner=partner, expires_at=links.expiry_for(due_date, grace_days))
        )
        access.renew_for_homework(
            partner, due_date=due_date, grace_days=grace_days, secret_key=secret_key, now=now
        )
    db.session.flush()
    if not assignment.links:
        assignment.finished_at = now  # nobody to wait for (see homework.finished)
    return assignment


def own_assignment(counselor: Counselor, assignment_id: int) -> Select[Assignment]:
    """The counselor's assignment with its couple, partners and links (none for anyone else's):
    views take it with `db.one_or_404`."""
    return (
        select(Assignment)
        .join(Couple)
        .where(Assignment.id == assignment_id, Couple.counselor_id == counselor.id)
        .options(
            joinedload(Assignment.couple).selectinload(Couple.partners),
            selectinload(Assignment.links).joinedload(PartnerLink.partner),
        )
    )


def assignment_link(assignment: Assignment, partner_id: int) -> Select[PartnerLink]:
    """The assigned partner's link of an assignment the caller already holds."""
    return (
        select(PartnerLink)
        .where(PartnerLink.assignment_id == assignment.id, PartnerLink.partner_id == partner_id)
        .options(joinedload(PartnerLink.partner))
    )


def update_assignment(assignment: Assignment, due_date: date, note: str, grace_days: int) -> None:
    """New due date and note; the homework, and its partners' links, follow the due date so
    they do not close early."""
    assignment.due_date = due_date
    assignment.note = note
    for link in assignment.links:
        if link.revoked_at is None:
            link.expires_at = links.expiry_for(due_date, grace_days)
    access.extend_for_due_date([link.partner_id for link in assignment.links], due_date, grace_days)
    db.session.flush()
    refresh_finished([assignment.id])  # a later due date can ask for more entries


def cancel_assignment(assignment: Assignment) -> None:
    """Cancelled homework keeps its entries; its links stop working."""
    assignment.status = "cancelled"
    assignment.cancelled_at = utcnow()


def review_assignment(assignment: Assignment, remarks: str) -> None:
    assignment.reviewed_at = utcnow()
    assignment.review_remarks = remarks


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


def role_choices(partners: Sequence[Partner]) -> dict[str, str]:
    """The assign form's role choices: who takes the first role (the speaker, or the partner
    who was hurt), fixed or swapping with each entry."""
    choices = {"": "Not needed for this exercise"}
    for partner in partners:
        choices[f"swap:{partner.id}"] = f"{partner.display_name} speaks first; swap each time"
    for partner in partners:
        choices[f"fixed:{partner.id}"] = (
            f"{partner.display_name} is always the speaker, or the partner who was hurt"
        )
    return choices


def role_plan(
    kind: str | None, choice: str, partners: Sequence[Partner]
) -> tuple[dict[str, Any] | None, str | None]:
    """(the role plan to store, or a message for the form) for an exercise's role kind."""
    if kind is None:
        return None, None
    mode, _, partner_id = (choice or "").partition(":")
    ids = {str(p.id): p.id for p in partners}
    if not choice:
        if kind == "hurt_repairing":
            return None, "Say which partner was hurt: this exercise asks each partner differently."
        # Speaker and listener not chosen: the first partner speaks first, then they swap.
        mode, partner_id = "swap", str(partners[0].id) if partners else ""
    if mode not in ("swap", "fixed") or partner_id not in ids:
        return None, "Choose one of the listed options."
    if kind == "hurt_repairing" and mode == "swap":
        return None, "The partner who was hurt stays the same: choose who that is."
    return RolePlan(first_partner_id=ids[partner_id], swap=mode == "swap").to_json(), None
