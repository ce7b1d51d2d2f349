"""Sessions' part of a couple: its section of the couple page, record and deletion counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from practice.couples.models import Couple
from practice.couples.parts import CouplePart, CoupleSection
from practice.couples.services import count_rows, record_columns
from practice.extensions import db
from practice.sessions.models import CounselingSession
from practice.sessions.services import SESSIONS_SHOWN, couple_sessions


def section(couple: Couple, args: Mapping[str, str]) -> CoupleSection:
    limit = None if args.get("sessions") == "all" else SESSIONS_SHOWN
    return CoupleSection({"sessions": couple_sessions(couple, limit)})


def export(couple: Couple) -> dict[str, Any]:
    sessions = db.session.execute(
        select(CounselingSession)
        .where(CounselingSession.couple_id == couple.id)
        .order_by(CounselingSession.starts_at, CounselingSession.id)
    ).scalars()
    return {"sessions": [record_columns(session) for session in sessions]}


def count(couple: Couple) -> dict[str, int]:
    return {
        "sessions": count_rows(
            select(CounselingSession.id).where(CounselingSession.couple_id == couple.id)
        )
    }


PART = CouplePart("sessions", section=section, export=export, count=count)
