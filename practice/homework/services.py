"""Homework: assigning exercises, partner links, entries."""

from __future__ import annotations

from sqlalchemy import select

from practice.couples.models import Couple
from practice.extensions import db
from practice.homework.models import Assignment


def couple_homework(couple: Couple) -> list[Assignment]:
    """The couple's assignments, newest due date first, for the couple page."""
    return list(
        db.session.execute(
            select(Assignment)
            .where(Assignment.couple_id == couple.id)
            .order_by(Assignment.due_date.desc(), Assignment.id.desc())
        ).scalars()
    )
