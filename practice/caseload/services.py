"""Moving couples from one counselor to another, and closing a counselor's account.

A couple's homework, entries, sessions, progress and partner links hang off the couple,
so moving the couple moves all of it: the partners' links keep working and what they
write from then on is read by the new counselor. Each moved couple is one audit event.
Nothing here commits; the caller does, so a move is all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from practice.audit import services as audit
from practice.auth.models import Counselor
from practice.auth.services import set_active
from practice.couples.models import Couple
from practice.extensions import db
from practice.partner import access


class MoveRefused(ValueError):
    """A move that cannot be made, with the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def caseload_of(counselor: Counselor) -> list[Couple]:
    """Every couple of the counselor, active ones first, then by when they were added."""
    return list(
        db.session.execute(
            select(Couple)
            .where(Couple.counselor_id == counselor.id)
            .order_by(Couple.status, Couple.created_at, Couple.id)
        ).scalars()
    )


def recipients(excluding: Counselor) -> list[Counselor]:
    """Who can take couples over: every other active counselor, by name."""
    return list(
        db.session.execute(
            select(Counselor)
            .where(Counselor.active.is_(True), Counselor.id != excluding.id)
            .order_by(Counselor.name, Counselor.id)
        ).scalars()
    )


def move_couples(
    couple_ids: Iterable[int], *, source: Counselor, target: Counselor
) -> list[Couple]:
    """Move these couples of `source` to `target`; returns the couples moved. Ids that are
    not the source's couples (any more) are skipped, so a page sent twice moves nothing
    twice."""
    _check_target(source, target)
    wanted = set(couple_ids)
    if not wanted:
        raise MoveRefused("couples", "Choose at least one couple to move.")
    couples = (
        db.session.execute(
            select(Couple)
            .where(Couple.counselor_id == source.id, Couple.id.in_(wanted))
            .with_for_update()
        )
        .scalars()
        .all()
    )
    for couple in couples:
        couple.counselor_id = target.id
        audit.record(
            "couple.move",
            couple_id=couple.id,
            object_type="counselor",
            object_id=target.id,
            detail=f"from counselor {source.id} to counselor {target.id}",
        )
    return list(couples)


def move_caseload(source: Counselor, target: Counselor) -> list[Couple]:
    """Every couple of `source` (archived ones too) to `target`."""
    _check_target(source, target)
    ids = [couple.id for couple in caseload_of(source)]
    return move_couples(ids, source=source, target=target) if ids else []


def _check_target(source: Counselor, target: Counselor) -> None:
    if target.id == source.id:
        raise MoveRefused("target", "Choose another counselor to take the couples.")
    if not target.active:
        raise MoveRefused("target", "Choose a counselor whose account is open.")


@dataclass(frozen=True)
class Closed:
    moved: int  # couples handed over
    links_ended: int  # partner links that stopped working


def close_account(counselor: Counselor, *, hand_to: Counselor | None, now: datetime) -> Closed:
    """Deactivate a counselor without leaving their clients writing into the void: either
    their couples go to `hand_to`, or every partner link of theirs ends, and the partner
    sees the kind page that says their counselor's account was closed."""
    moved = move_caseload(counselor, hand_to) if hand_to is not None else []
    # After a hand-over nothing of theirs is left, so this ends nothing.
    ended = access.end_for_counselor(counselor.id, now)
    set_active(counselor, False)
    audit.record(
        "counselor.deactivate",
        object_type="counselor",
        object_id=counselor.id,
        detail=(
            f"{len(moved)} couples to counselor {hand_to.id}"
            if hand_to is not None
            else f"{ended} partner links ended"
        ),
    )
    return Closed(moved=len(moved), links_ended=ended)
