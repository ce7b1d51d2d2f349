"""Couples and partners. Every query here is scoped to one counselor."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import selectinload

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.timeutil import utcnow

PAGE_SIZE = 50


@dataclass
class PartnerDetails:
    display_name: str
    email: str | None = None
    pronouns: str | None = None


def own_couple_or_404(counselor: Counselor, couple_id: int) -> Couple:
    """The counselor's couple, or 404 whether it is missing or someone else's."""
    couple = db.session.execute(
        select(Couple)
        .where(Couple.id == couple_id, Couple.counselor_id == counselor.id)
        .options(selectinload(Couple.partners))
    ).scalar_one_or_none()
    if couple is None:
        abort(404)
    return couple


def own_partner_or_404(counselor: Counselor, partner_id: int) -> Partner:
    partner = db.session.execute(
        select(Partner)
        .join(Couple)
        .where(Partner.id == partner_id, Couple.counselor_id == counselor.id)
    ).scalar_one_or_none()
    if partner is None:
        abort(404)
    return partner


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def couples_query(counselor: Counselor, *, search: str = "", status: str = "active") -> Select:
    """Couples of one counselor, by status, whose partner names contain `search`."""
    query = select(Couple).where(Couple.counselor_id == counselor.id)
    if status in ("active", "archived"):
        query = query.where(Couple.status == status)
    search = search.strip()
    if search:
        pattern = f"%{_escape_like(search.lower())}%"
        query = query.where(
            exists().where(
                Partner.couple_id == Couple.id,
                func.lower(Partner.display_name).like(pattern, escape="\\"),
            )
        )
    return query


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
    return couple


def update_couple(
    couple: Couple, partners: tuple[PartnerDetails, PartnerDetails], goals: str
) -> None:
    couple.goals = goals
    for partner, details in zip(couple.partners, partners, strict=True):
        partner.display_name = details.display_name
        partner.email = details.email or None
        partner.pronouns = details.pronouns or None


def _partner(position: int, details: PartnerDetails) -> Partner:
    return Partner(
        position=position,
        display_name=details.display_name,
        email=details.email or None,
        pronouns=details.pronouns or None,
    )


def archive(couple: Couple) -> None:
    couple.status = "archived"
    couple.archived_at = utcnow()


def restore(couple: Couple) -> None:
    couple.status = "active"
    couple.archived_at = None
