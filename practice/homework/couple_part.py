"""Homework's part of a couple: its section of the couple page, record and deletion counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from practice.couples.models import Couple
from practice.couples.parts import CouplePart, CoupleSection
from practice.couples.services import count_rows, record_columns
from practice.extensions import db
from practice.formatting import today_local
from practice.homework.assigning import mark_entries_seen
from practice.homework.models import Assignment, Entry
from practice.homework.read import couple_homework, unseen_entry_ids


def section(couple: Couple, args: Mapping[str, str]) -> CoupleSection:
    homework = couple_homework(couple, today_local())
    return CoupleSection(
        {"homework": homework},
        # What was shown is now seen.
        after_render=lambda: mark_entries_seen(unseen_entry_ids(homework.current)),
    )


def export(couple: Couple) -> dict[str, Any]:
    """Every assignment with its links and entries; link token hashes are credentials, not
    record, and are left out."""
    assignments = db.session.execute(
        select(Assignment)
        .where(Assignment.couple_id == couple.id)
        .options(selectinload(Assignment.links), selectinload(Assignment.entries))
        .order_by(Assignment.created_at, Assignment.id)
    ).scalars()
    return {
        "assignments": [
            {
                **record_columns(assignment),
                "links": [
                    record_columns(link, exclude=frozenset({"token_hash"}))
                    for link in assignment.links
                ],
                "entries": [record_columns(entry) for entry in assignment.entries],
            }
            for assignment in assignments
        ]
    }


def count(couple: Couple) -> dict[str, int]:
    return {
        "assignments": count_rows(select(Assignment.id).where(Assignment.couple_id == couple.id)),
        "entries": count_rows(
            select(Entry.id).join(Assignment).where(Assignment.couple_id == couple.id)
        ),
    }


PART = CouplePart("homework", section=section, export=export, count=count)
