"""A synthetic practice for the benchmark, built with bulk Core inserts (no ORM object per row).

Scale 1 is a group practice a few months in: 10 counselors × 100 couples, each couple with
8 sessions and 12 homework assignments, each partner writing 6 entries per assignment
(≈144,000 entries). Scale 10 is the same practice after about two years of weekly work:
the same caseload, ten times the history per couple (80 sessions, 120 assignments,
≈1.44 million entries). Scales below 1 shrink the number of couples (for tests and smoke runs).

Ids are assigned here, not by the database, so children can point at parents without a
round trip per row; they start after the largest id already present, so building twice into
one database (the query-count test does) is fine.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table

from practice.auth.models import Counselor
from practice.bench.bulk import BulkWriter, after_bulk_load, next_ids
from practice.bench.fake_text import FIRST_NAMES, LAST_NAMES, TextPool, answers_for
from practice.bench.history import (
    SEEN_WINDOW,
    add_couple,
    add_measure_answers,
    load_library,
    load_measure,
)
from practice.extensions import db
from practice.homework.finished import refresh_all_finished
from practice.timeutil import utcnow


@dataclass(frozen=True)
class Shape:
    """How big the synthetic practice is."""

    counselors: int
    couples_per_counselor: int
    assignments_per_couple: int
    entries_per_partner: int  # per assignment
    sessions_per_couple: int

    @property
    def couples(self) -> int:
        return self.counselors * self.couples_per_counselor

    @property
    def entries(self) -> int:
        return self.couples * self.assignments_per_couple * 2 * self.entries_per_partner


def shape_for_scale(scale: float) -> Shape:
    """Scale 1 ≈ 144,000 entries; scale ≥ 1 multiplies each couple's history (years of data);
    scale < 1 shrinks the number of couples (at least 2)."""
    if not scale > 0:
        raise ValueError("scale must be positive")
    if scale >= 1:
        return Shape(10, 100, max(1, round(12 * scale)), 6, max(1, round(8 * scale)))
    couples = max(2, round(1000 * scale))
    counselors = max(1, min(10, round(10 * scale)))
    return Shape(counselors, max(1, couples // counselors), 12, 6, 8)


@dataclass
class Targets:
    """What the measurements open: one counselor's couple, session and a live client link."""

    counselor_id: int
    counselor_email: str
    couple_id: int
    session_id: int  # the couple's most recent session
    link_id: int  # the first partner's link to the couple's newest homework (not yet due)
    couple_search: str  # what a counselor types into the couples search
    library_search: str
    measure_request_id: int = 0  # the couple's weekly CSI-4 request (answered under the link)


@dataclass
class BuildResult:
    shape: Shape
    rows: dict[str, int]
    seconds: float
    targets: Targets
    library_source: str
    counselor_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "shape": asdict(self.shape),
            "rows": self.rows,
            "seconds": round(self.seconds, 2),
            "rows_per_second": round(sum(self.rows.values()) / max(self.seconds, 1e-9)),
            "library_source": self.library_source,
            "targets": asdict(self.targets),
        }


def build(
    shape: Shape,
    *,
    password_hash: str,
    seed: int = 7,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Insert a synthetic practice of `shape` into the current app's database and commit."""
    started = time.perf_counter()
    rng = random.Random(seed)
    pool = TextPool(rng)
    now = (now or utcnow()).replace(microsecond=0)
    library, library_source = load_library()
    measure = load_measure()
    for exercise in library:
        exercise.answer_sets = [answers_for(exercise.prompts, rng, pool) for _ in range(12)]
    ids = next_ids()
    writer = BulkWriter(progress)
    counselor_ids: list[int] = []
    targets: Targets | None = None

    for c in range(shape.counselors):
        counselor_id = ids["counselor"] + c
        counselor_ids.append(counselor_id)
        email = f"counselor{counselor_id}@bench.example.org"
        writer.add(
            cast(Table, Counselor.__table__),
            {
                "id": counselor_id,
                "email": email,
                "name": f"Dr. {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "password_hash": password_hash,
                "is_admin": counselor_id == 1,
                "active": True,
                "session_version": 1,
                "timezone": rng.choice(("UTC", "Europe/Berlin", "America/Chicago")),
                "created_at": now - timedelta(days=900),
                "last_sign_in_at": now - timedelta(hours=3),
                "dashboard_seen_at": now - SEEN_WINDOW,
            },
        )
        for k in range(shape.couples_per_counselor):
            couple = add_couple(writer, ids, shape, counselor_id, k, library, rng, pool, now)
            request_id = add_measure_answers(writer, ids, couple, measure, rng, now)
            if targets is None:
                targets = Targets(
                    counselor_id=counselor_id,
                    counselor_email=email,
                    couple_id=couple["id"],
                    session_id=couple["last_session_id"],
                    link_id=couple["last_link_id"],
                    couple_search="an",
                    library_search="listen",
                    measure_request_id=request_id,
                )
    writer.flush()
    # Bulk inserts bypass the entry service that keeps `finished_at`: decide it once for all.
    refresh_all_finished(now)
    db.session.commit()
    after_bulk_load()
    assert targets is not None
    return BuildResult(
        shape=shape,
        rows=dict(writer.counts),
        seconds=time.perf_counter() - started,
        targets=targets,
        library_source=library_source,
        counselor_ids=counselor_ids,
    )


def describe(shape: Shape) -> str:
    return (
        f"{shape.counselors} counselors × {shape.couples_per_counselor} couples × "
        f"{shape.assignments_per_couple} assignments × 2 partners × "
        f"{shape.entries_per_partner} entries ({shape.entries:,} entries), "
        f"{shape.sessions_per_couple} sessions per couple"
    )
