"""Couples and partners. Every query here is scoped to one counselor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, inspect, select
from sqlalchemy.orm import selectinload

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.couples.parts import CouplePart
from practice.extensions import db
from practice.timeutil import utcnow

PAGE_SIZE = 50


@dataclass
class PartnerDetails:
    display_name: str
    email: str | None = None
    pronouns: str | None = None


def own_couple(counselor: Counselor, couple_id: int) -> Select[Couple]:
    """The counselor's couple (none whether it is missing or someone else's): views take it
    with `db.one_or_404`, the one idiom for "this counselor's record or 404"."""
    return (
        select(Couple)
        .where(Couple.id == couple_id, Couple.counselor_id == counselor.id)
        .options(selectinload(Couple.partners))
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def couples_query(counselor: Counselor, *, search: str = "", status: str = "active") -> Select:
    """Couples of one counselor, by status, whose partner names contain `search`."""
    query = select(Couple).where(Couple.counselor_id == counselor.id)
    if status in ("active", "archived"):
        query = query.where(Couple.status == status)
    if search.strip():
        query = query.where(partner_name_contains(search))
    return query


def partner_name_contains(search: str) -> ColumnElement[bool]:
    """Either partner's name contains `search`, ignoring case (also used by the audit log)."""
    pattern = f"%{_escape_like(search.strip().lower())}%"
    return exists().where(
        Partner.couple_id == Couple.id,
        func.lower(Partner.display_name).like(pattern, escape="\\"),
    )


def list_couples(
    counselor: Counselor, *, search: str = "", status: str = "active", page: int = 1
) -> tuple[list[Couple], int]:
    """One page of couples with their partners loaded, and the total count."""
    query = couples_query(counselor, search=search, status=status)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    couples = (
        db.session.execute(
            query.options(selectinload(Couple.partners))
            .order_by(Couple.created_at.desc(), Couple.id.desc())
            .limit(PAGE_SIZE)
            .offset((max(page, 1) - 1) * PAGE_SIZE)
        )
        .scalars()
        .all()
    )
    return list(couples), total


def create_couple(
    counselor: Counselor, partners: tuple[PartnerDetails, PartnerDetails], goals: str = ""
) -> Couple:
    """A new active couple with exactly two partners (not committed)."""
    couple = Couple(counselor=counselor, goals=goals, status="active")
    for position, details in enumerate(partners, start=1):
        couple.partners.append(_partner(position, details))
    db.session.add(couple)
    db.session.flush()  # the id, for the audit log and the redirect
    return couple


def update_couple(
    couple: Couple, partners: tuple[PartnerDetails, PartnerDetails], goals: str
) -> list[str]:
    """Apply the form; return the names of the fields that changed (never their values)."""
    changed = ["goals"] if couple.goals != goals else []
    couple.goals = goals
    for partner, details in zip(couple.partners, partners, strict=True):
        new = {
            "display_name": details.display_name,
            "email": details.email or None,
            "pronouns": details.pronouns or None,
        }
        for key, value in new.items():
            if getattr(partner, key) != value:
                changed.append(f"partner{partner.position}.{key}")
                setattr(partner, key, value)
    return changed


def _partner(position: int, details: PartnerDetails) -> Partner:
    return Partner(
        position=position,
        display_name=details.display_name,
        email=details.email or None,
        pronouns=details.pronouns or None,
    )


def archive(couple: Couple, now: datetime | None = None) -> None:
    """Out of care: hidden from the active list, and both partners' links stop working."""
    from practice.partner.access import end_for_couple

    couple.status = "archived"
    couple.archived_at = now or utcnow()
    end_for_couple(couple.id, couple.archived_at)


def restore(couple: Couple) -> None:
    couple.status = "active"
    couple.archived_at = None


RECORD_FORMAT = "practice.couple-record/1"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def record_columns(row: Any, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every column of a row: a new column is exported without anyone remembering to."""
    return {
        column.key: _plain(getattr(row, column.key))
        for column in inspect(row).mapper.column_attrs
        if column.key not in exclude
    }


def export_record(
    couple: Couple, exported_at: datetime, parts: Iterable[CouplePart]
) -> dict[str, Any]:
    """The couple's complete record for the counselor: partners, then each part's share
    (homework with every entry, private notes included: this is the counselor's record;
    sessions). Credentials such as link token hashes are left out by the parts."""
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "exported_at": _plain(exported_at),
        "couple": {"name": couple.name, **record_columns(couple)},
        "partners": [record_columns(partner) for partner in couple.partners],
    }
    for part in parts:
        record.update(part.export(couple))
    return record


def delete_couple(couple: Couple, parts: Iterable[CouplePart]) -> dict[str, int]:
    """Delete the couple and everything of theirs for good (not committed).

    The database cascades do the work (partners, links, entries, assignments, sessions),
    so nothing is left behind whichever way a row hangs off the couple. Returns how many
    of each there were, for the audit log.
    """
    counts = {"partners": len(couple.partners)}
    for part in parts:
        counts.update(part.count(couple))
    db.session.delete(couple)
    db.session.flush()
    return counts


def count_rows(query: Select) -> int:
    """How many rows `query` finds."""
    return db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
