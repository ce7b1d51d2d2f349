"""Counseling sessions and their printed summaries."""

from __future__ import annotations

from sqlalchemy import select

from practice.couples.models import Couple
from practice.extensions import db
from practice.sessions.models import CounselingSession


def couple_sessions(couple: Couple) -> list[CounselingSession]:
    """The couple's sessions, most recent first, for the couple page."""
    return list(
        db.session.execute(
            select(CounselingSession)
            .where(CounselingSession.couple_id == couple.id)
            .order_by(CounselingSession.starts_at.desc())
        ).scalars()
    )
