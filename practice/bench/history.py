"""One synthetic couple's whole history for the benchmark: sessions, homework with both
partners' links and entries, their one link each, and their weekly CSI-4 answers; and the
exercise library and measure that history draws on."""

from __future__ import annotations

import bisect
import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from sqlalchemy import Table, func, select

from practice.bench.bulk import BulkWriter, take
from practice.bench.fake_text import FIRST_NAMES, LAST_NAMES, PRONOUNS, TextPool
from practice.couples.models import Couple, Partner
from practice.exercises.library import sync_library
from practice.exercises.models import Exercise
from practice.extensions import db
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.measures.models import MeasureRequest, MeasureResponse, MeasureSeries
from practice.measures.series import latest_totals, series_values, widening
from practice.partner.models import PartnerAccess
from practice.sessions.models import CounselingSession

if TYPE_CHECKING:
    from practice.bench.data import Shape

# Every couple is asked for the CSI-4 weekly, and both partners answered every week of the
# last year of their care (or of all of it, when shorter).
MEASURE_WEEKS = 52
LINK_GRACE_DAYS = 14
SEEN_WINDOW = timedelta(days=2)  # entries newer than this are "new since you last looked"


@dataclass
class LibraryExercise:
    id: int
    title: str
    snapshot: dict[str, Any]
    prompts: list[dict[str, Any]]
    # A few answer sets per exercise, reused: per-row answers would dominate the build time.
    answer_sets: list[dict[str, Any]] = field(default_factory=list)


def load_library() -> tuple[list[LibraryExercise], str]:
    """The built-in exercises, loaded from seed/ first if the table has none yet."""
    source = "already present"
    if db.session.execute(select(func.count()).select_from(Exercise)).scalar_one() == 0:
        source = _load_seed(Path(current_app.config["SEED_DIR"]))
    exercises = db.session.execute(
        select(Exercise)
        .where(Exercise.counselor_id.is_(None), Exercise.retired_at.is_(None))
        .order_by(Exercise.id)
    ).scalars()
    library = [LibraryExercise(e.id, e.title, e.snapshot(), list(e.prompts)) for e in exercises]
    if not library:
        raise RuntimeError("the exercise library is empty: seed/ has no exercises")
    return library, source


def _load_seed(seed_dir: Path) -> str:
    """The library through the app's own loader, as `flask seed` loads it."""
    source_dir = current_app.config.get("SOURCE_DIR")
    sync_library(seed_dir, Path(source_dir) if source_dir else None)
    db.session.commit()
    return "practice.exercises.library.sync_library"


def add_couple(
    writer: BulkWriter,
    ids: dict[str, int],
    shape: Shape,
    counselor_id: int,
    index: int,
    library: list[LibraryExercise],
    rng: random.Random,
    pool: TextPool,
    now: datetime,
) -> dict[str, Any]:
    """One couple with its whole history, weekly sessions and homework ending at `end`."""
    couple_id = take(ids, "couple")
    archived = index % 10 == 9  # a tenth of each caseload has finished counseling
    end = now - timedelta(days=rng.randint(30, 400)) if archived else now
    weeks = max(shape.sessions_per_couple, shape.assignments_per_couple)
    start = end - timedelta(weeks=weeks, days=rng.randint(1, 6))
    span = end - start
    writer.add(
        cast(Table, Couple.__table__),
        {
            "id": couple_id,
            "counselor_id": counselor_id,
            "status": "archived" if archived else "active",
            "goals": pool.note(),
            "created_at": start,
            "archived_at": end if archived else None,
        },
    )
    partner_ids = [take(ids, "partner"), take(ids, "partner")]
    for position, partner_id in enumerate(partner_ids, start=1):
        first = rng.choice(FIRST_NAMES)
        if index == 0 and position == 1:
            first = "Ana"  # so the couples search ("an") always finds the measured couple
        writer.add(
            cast(Table, Partner.__table__),
            {
                "id": partner_id,
                "couple_id": couple_id,
                "position": position,
                "display_name": f"{first} {rng.choice(LAST_NAMES)}",
                "email": f"p{partner_id}@mail.example" if rng.random() < 0.6 else None,
                "pronouns": rng.choice(PRONOUNS),
            },
        )

    session_starts: list[datetime] = []
    session_ids: list[int] = []
    for s in range(shape.sessions_per_couple):
        session_id = take(ids, "counseling_session")
        day = start + span * (s + 1) / (shape.sessions_per_couple + 1)
        starts_at = datetime.combine(day.date(), clock(rng.randint(8, 18)))
        session_starts.append(starts_at)
        session_ids.append(session_id)
        writer.add(
            cast(Table, CounselingSession.__table__),
            {
                "id": session_id,
                "couple_id": couple_id,
                "starts_at": starts_at,
                "duration_minutes": rng.choice((50, 50, 60, 80)),
                "format": rng.choice(("in_person", "in_person", "video", "phone")),
                "attendance": "both"
                if rng.random() < 0.9
                else rng.choice(("partner1", "partner2")),
                "focus": pool.short_note(),
                "private_notes": pool.note(),
                "couple_summary": pool.note(),
                "next_steps": pool.note(),
                "next_appointment_at": starts_at + timedelta(days=7),
                "created_at": starts_at + timedelta(hours=1),
                "updated_at": starts_at + timedelta(hours=2),
            },
        )

    last_link_id = 0
    link_expiry: dict[int, datetime] = {}
    for a in range(shape.assignments_per_couple):
        assignment_id = take(ids, "assignment")
        exercise = rng.choice(library)
        created = start + span * (a + 1) / shape.assignments_per_couple
        created -= timedelta(hours=rng.randint(2, 30))
        due = (created + timedelta(days=7)).date()
        given_in = bisect.bisect_right(session_starts, created) - 1
        reviewed_in = bisect.bisect_right(session_starts, datetime.combine(due, clock.max))
        reviewed = reviewed_in < len(session_ids)
        cancelled = a < shape.assignments_per_couple - 1 and rng.random() < 0.03
        frequency = rng.choice(("once", "daily", "weekly"))
        writer.add(
            cast(Table, Assignment.__table__),
            {
                "id": assignment_id,
                "couple_id": couple_id,
                "exercise_id": exercise.id,
                "session_id": session_ids[given_in] if given_in >= 0 else None,
                "reviewed_session_id": session_ids[reviewed_in] if reviewed else None,
                "title": exercise.title,
                "snapshot": writer.json(exercise.snapshot),
                "note": pool.short_note() if rng.random() < 0.7 else "",
                "due_date": due,
                "frequency": frequency,
                "times_per_week": rng.randint(2, 4) if frequency == "weekly" else None,
                "status": "cancelled" if cancelled else "active",
                "created_at": created,
                "cancelled_at": created + timedelta(days=1) if cancelled else None,
                "reviewed_at": session_starts[reviewed_in] if reviewed else None,
                "review_remarks": pool.short_note() if reviewed else "",
            },
        )
        # Entries spread over the time the homework was open (up to now for current homework).
        window = min(datetime.combine(due, clock(21)), now - timedelta(minutes=5)) - created
        window = max(window, timedelta(minutes=10))
        for partner_id in partner_ids:
            link_id = take(ids, "partner_link")
            last_link_id = link_id if partner_id == partner_ids[0] else last_link_id
            expires_at = datetime.combine(due + timedelta(days=LINK_GRACE_DAYS + 1), clock())
            link_expiry[partner_id] = max(link_expiry.get(partner_id, expires_at), expires_at)
            writer.add(
                cast(Table, PartnerLink.__table__),
                {
                    "id": link_id,
                    "assignment_id": assignment_id,
                    "partner_id": partner_id,
                    "token_hash": hashlib.sha256(f"bench-link-{link_id}".encode()).hexdigest(),
                    "issued_at": created,
                    "expires_at": expires_at,
                    "revoked_at": None,
                    "last_opened_at": created + window / 2,
                },
            )
            for e in range(shape.entries_per_partner):
                entry_id = take(ids, "entry")
                at = created + window * ((e + rng.random()) / shape.entries_per_partner)
                writer.add(
                    cast(Table, Entry.__table__),
                    {
                        "id": entry_id,
                        "assignment_id": assignment_id,
                        "partner_id": partner_id,
                        "answers": writer.json(rng.choice(exercise.answer_sets)),
                        "completion_note": pool.note() if rng.random() < 0.8 else "",
                        "connection_rating": rng.randint(1, 5) if rng.random() < 0.9 else None,
                        "visibility": rng.choice(("counselor", "partner", "after_both")),
                        "private_note": pool.note() if rng.random() < 0.2 else "",
                        "submission_key": f"bench-{entry_id:016d}",
                        "created_at": at,
                        "seen_at": at + timedelta(hours=20) if at < now - SEEN_WINDOW else None,
                    },
                )
    for partner_id, expires_at in link_expiry.items():  # each partner's one link
        access_id = take(ids, "partner_access")
        writer.add(
            cast(Table, PartnerAccess.__table__),
            {
                "id": access_id,
                "partner_id": partner_id,
                "token_hash": hashlib.sha256(f"bench-access-{access_id}".encode()).hexdigest(),
                "issued_at": start,
                "expires_at": expires_at,
                "revoked_at": None,
                "revoked_reason": None,
            },
        )
    return {
        "id": couple_id,
        "last_session_id": session_ids[-1] if session_ids else 0,
        "last_link_id": last_link_id,
        "partner_ids": partner_ids,
        "start": start,
        "end": end,
    }


@dataclass
class BenchMeasure:
    measure_id: int
    version_id: int
    item_tops: list[tuple[str, int]]  # item key, highest answer


def load_measure() -> BenchMeasure:
    """The built-in CSI-4, loaded from seed/measures/ first if it is not there yet."""
    from practice.measures.library import MEASURES_FOLDER, sync_measures
    from practice.measures.models import Measure, MeasureVersion

    sync_measures(Path(current_app.config["SEED_DIR"]) / MEASURES_FOLDER)
    db.session.commit()
    measure = db.session.execute(select(Measure).where(Measure.slug == "csi-4")).scalar_one()
    version = db.session.execute(
        select(MeasureVersion)
        .where(MeasureVersion.measure_id == measure.id)
        .order_by(MeasureVersion.number.desc())
        .limit(1)
    ).scalar_one()
    items = [(item.key, item.max) for item in version.typed.items]
    return BenchMeasure(measure.id, version.id, items)


def add_measure_answers(
    writer: BulkWriter,
    ids: dict[str, int],
    couple: dict[str, Any],
    measure: BenchMeasure,
    rng: random.Random,
    now: datetime,
) -> int:
    """The couple's weekly CSI-4 request and both partners' answers, week by week."""
    request_id = take(ids, "measure_request")
    start = max(couple["start"], couple["end"] - timedelta(weeks=MEASURE_WEEKS)).date()
    writer.add(
        cast(Table, MeasureRequest.__table__),
        {
            "id": request_id,
            "couple_id": couple["id"],
            "measure_id": measure.measure_id,
            "cadence": "weekly",
            "starts_on": start,
            "created_at": datetime.combine(start, clock(9)),
            "stopped_at": None,
        },
    )
    weeks = max(1, (couple["end"].date() - start).days // 7)
    series: dict[int, list[list[Any]]] = {}
    for partner_id in couple["partner_ids"]:
        level = rng.uniform(0.4, 0.9)  # each partner's own satisfaction, drifting week to week
        given: list[tuple[date, datetime, float | None]] = []
        for week in range(weeks):
            level = min(1.0, max(0.0, level + rng.uniform(-0.08, 0.08)))
            answers = {key: round(top * level) for key, top in measure.item_tops}
            occasion = start + timedelta(weeks=week)
            at = datetime.combine(occasion, clock(rng.randint(7, 22)))
            response_id = take(ids, "measure_response")
            given.append((occasion, at, float(sum(answers.values()))))
            writer.add(
                cast(Table, MeasureResponse.__table__),
                {
                    "id": response_id,
                    "request_id": request_id,
                    "couple_id": couple["id"],
                    "partner_id": partner_id,
                    "measure_id": measure.measure_id,
                    "version_id": measure.version_id,
                    "occasion": occasion,
                    "answers": writer.json(answers),
                    "total": given[-1][2],
                    "score_note": "",
                    "submission_key": f"bench-m-{response_id:016d}",
                    "created_at": at,
                    "updated_at": at,
                    "seen_at": at + timedelta(days=1) if at < now - SEEN_WINDOW else None,
                },
            )
        # What storing each answer keeps up to date in the app (practice.measures.series).
        series[partner_id] = latest_totals(given)
    first, second = couple["partner_ids"]
    gap = widening(series[first], series[second])
    for partner_id, latest in series.items():
        values = series_values(latest)
        writer.add(
            cast(Table, MeasureSeries.__table__),
            {
                "partner_id": partner_id,
                "measure_id": measure.measure_id,
                "couple_id": couple["id"],
                **values,
                **gap,
                "latest": writer.json(latest),
            },
        )
    return request_id
