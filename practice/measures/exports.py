"""Every answer and score of a couple, for the JSON export and the progress page's CSV."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from practice.extensions import db
from practice.measures.models import (
    MeasureResponse,
)


def all_responses(couple_id: int) -> list[MeasureResponse]:
    """Every answer of the couple, oldest first, with its version (for the exports)."""
    from sqlalchemy.orm import selectinload

    return list(
        db.session.execute(
            select(MeasureResponse)
            .where(MeasureResponse.couple_id == couple_id)
            .options(selectinload(MeasureResponse.version), selectinload(MeasureResponse.partner))
            .order_by(MeasureResponse.occasion, MeasureResponse.created_at)
        ).scalars()
    )


def export_responses(couple_id: int) -> list[dict[str, Any]]:
    """Every answer and score, for the couple's JSON export."""
    rows = []
    for response in all_responses(couple_id):
        definition = response.version.typed
        rows.append(
            {
                "measure": definition.slug,
                "measure_title": definition.title,
                "version": response.version.number,
                "partner_id": response.partner_id,
                "partner": response.partner.display_name,
                "occasion": response.occasion.isoformat(),
                "answers": response.answers,
                "total": response.total,
                "score_note": response.score_note,
                "created_at": response.created_at.isoformat(),
                "updated_at": response.updated_at.isoformat(),
                "seen_at": response.seen_at.isoformat() if response.seen_at else None,
            }
        )
    return rows


CSV_HEADER = ["measure", "version", "partner", "occasion", "total", "note", "answered_at"]


def csv_rows(couple_id: int) -> list[list[str]]:
    """The scores for the progress page's CSV download (formula-safe cells)."""
    rows = []
    for response in all_responses(couple_id):
        rows.append(
            [
                response.version.typed.title,
                str(response.version.number),
                response.partner.display_name,
                response.occasion.isoformat(),
                "" if response.total is None else f"{response.total:g}",
                response.score_note,
                response.created_at.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return [[_csv_safe(cell) for cell in row] for row in rows]


def _csv_safe(cell: str) -> str:
    # A name starting with = + - @ would run as a formula in a spreadsheet.
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
