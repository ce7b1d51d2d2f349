"""Measures a counselor can use: the built-in scales and their own, and the latest version of
each. Plain functions of explicit arguments (no request, no abort); the views commit."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import bindparam, func, or_, select

from practice.auth.models import Counselor
from practice.extensions import db
from practice.measures.format import MeasureDefinition, parse_measure
from practice.measures.library import add_version
from practice.measures.models import (
    Measure,
    MeasureVersion,
)

# --- measures a counselor can use ----------------------------------------------------------


def usable_measures(counselor: Counselor) -> list[Measure]:
    """Built-in measures in service and the counselor's own (never another counselor's)."""
    return list(
        db.session.execute(
            select(Measure)
            .where(
                Measure.retired_at.is_(None),
                or_(Measure.counselor_id.is_(None), Measure.counselor_id == counselor.id),
            )
            .order_by(Measure.counselor_id.is_not(None), Measure.title)
        ).scalars()
    )


def own_measure(counselor: Counselor, measure_id: int) -> Measure | None:
    """A measure this counselor may use or edit, or None (missing or someone else's)."""
    return db.session.execute(
        select(Measure).where(
            Measure.id == measure_id,
            or_(Measure.counselor_id.is_(None), Measure.counselor_id == counselor.id),
        )
    ).scalar_one_or_none()


def latest_version(measure: Measure) -> MeasureVersion:
    return measure.versions[-1]


def custom_definition(
    slug: str, title: str, items: list[dict[str, Any]]
) -> tuple[MeasureDefinition | None, list[str]]:
    """A counselor's short scale, checked by the same rules as the built-in files."""
    return parse_measure(
        {"slug": slug, "title": title, "items": items, "missing": "none"}, label="Your scale"
    )


def create_custom_measure(counselor: Counselor, definition: MeasureDefinition) -> Measure:
    measure = Measure(slug=definition.slug, counselor_id=counselor.id, title=definition.title)
    db.session.add(measure)
    add_version(measure, definition)
    db.session.flush()
    return measure


def update_custom_measure(measure: Measure, definition: MeasureDefinition) -> bool:
    """Add a version when the wording changed; answers keep the version they were given
    against. Returns whether anything changed."""
    if latest_version(measure).definition == definition.to_dict():
        return False
    add_version(measure, definition)
    db.session.flush()
    return True


def new_custom_slug() -> str:
    return f"own-{secrets.token_hex(5)}"


# The number of each measure's latest version (measure_ids bound when run).
NEWEST_VERSION = (
    select(MeasureVersion.measure_id, func.max(MeasureVersion.number).label("number"))
    .where(MeasureVersion.measure_id.in_(bindparam("measure_ids", expanding=True)))
    .group_by(MeasureVersion.measure_id)
    .subquery()
)
# Built once (the progress page and the dashboard's flags both ask on every request).
_LATEST_VERSIONS = select(MeasureVersion).join(
    NEWEST_VERSION,
    (MeasureVersion.measure_id == NEWEST_VERSION.c.measure_id)
    & (MeasureVersion.number == NEWEST_VERSION.c.number),
)


def latest_versions(measure_ids: list[int]) -> dict[int, MeasureVersion]:
    rows = db.session.execute(_LATEST_VERSIONS, {"measure_ids": sorted(set(measure_ids))}).scalars()
    return {row.measure_id: row for row in rows}
