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

import bisect
import hashlib
import json
import random
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any, cast

from flask import current_app
from sqlalchemy import (
    JSON,
    Column,
    ColumnDefault,
    Date,
    DateTime,
    MetaData,
    Table,
    Text,
    func,
    select,
    text,
)

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.exercises.models import Exercise
from practice.extensions import db
from practice.homework.finished import refresh_all_finished
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.measures.models import MeasureRequest, MeasureResponse
from practice.partner.models import PartnerAccess
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow

BATCH_SIZE = 5_000
# Parents before children: rows are flushed in this order so foreign keys always hold.
TABLES: tuple[Table, ...] = (
    cast(Table, Counselor.__table__),
    cast(Table, Couple.__table__),
    cast(Table, Partner.__table__),
    cast(Table, CounselingSession.__table__),
    cast(Table, Assignment.__table__),
    cast(Table, PartnerLink.__table__),
    cast(Table, PartnerAccess.__table__),
    cast(Table, Entry.__table__),
    cast(Table, MeasureRequest.__table__),
    cast(Table, MeasureResponse.__table__),
)
# Every couple is asked for the CSI-4 weekly, and both partners answered every week of the
# last year of their care (or of all of it, when shorter).
MEASURE_WEEKS = 52
LINK_GRACE_DAYS = 14
SEEN_WINDOW = timedelta(days=2)  # entries newer than this are "new since you last looked"


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


# --- text --------------------------------------------------------------------------------

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Dmitri",
    "Eun-ji",
    "Farah",
    "Gabriel",
    "Hana",
    "Ibrahim",
    "Jonas",
    "Keiko",
    "Liam",
    "María José",
    "Noah",
    "Olúwaseun",
    "Priya",
    "Quinn",
    "Rafael",
    "Søren",
    "Tamar",
    "Uma",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Amélie",
    "Björn",
    "Chidi",
    "Dana",
    "Émile",
    "Fatima",
    "Grace",
    "Hiroshi",
    "Ingrid",
    "José",
    "Kateřina",
    "Lea",
    "Mateo",
    "Nadia",
    "Oskar",
    "Paulina",
    "Ravi",
    "Sofía",
    "Tomás",
    "Yara",
    "李娜",
    "Магда",
)
LAST_NAMES = (
    "Silva",
    "Okafor",
    "Nguyễn",
    "Müller",
    "O'Brien",
    "García",
    "Kowalski",
    "Haddad",
    "Tanaka",
    "Johansson",
    "Novák",
    "Đorđević",
    "Smith",
    "Cohen",
    "Rossi",
    "Kim",
    "Ivanova",
    "Dubois",
    "Mensah",
    "Patel",
    "Andersen",
    "Łukasik",
    "Schäfer",
    "Abebe",
    "Costa",
)
PRONOUNS = ("she/her", "he/him", "they/them", None, None, None)
SENTENCES = (
    "We talked after dinner without our phones, which felt strange at first.",
    "I noticed I started planning my answer before she finished, so I stopped and asked again.",
    "He said he felt unheard when I changed the subject; I had not realized that.",
    "It was easier on Tuesday than on Sunday, when we were both tired.",
    "We laughed about the café where we had our first date — it closed last year.",
    "I felt anxious bringing up money again, but we stayed calm the whole time.",
    "She thanked me for the dishes and I realized how much that small thing matters to me.",
    "We skipped one evening because of the kids' schedule and did two the next day.",
    "My partner reflected back what I said and got it right on the second try.",
    "I wrote three things I appreciate and read them out loud; it felt a bit awkward 🙂",
    "We argued about the holidays with his family, then took a twenty-minute break.",
    "Coming back after the break worked: we both apologized for the tone.",
    "I need more time alone on weekends, and I managed to say it without blaming.",
    "The check-in was short, ten minutes, but it kept us from drifting apart this week.",
    "Honestly I forgot twice. The reminder on the fridge helped.",
    "We tried the walk without screens — naïve of us to think the dog would cooperate.",
    "I felt closer to him afterwards, and we slept better ❤️",
    "It brought up an old hurt from last spring that we want to talk about in session.",
    "She asked open questions instead of yes/no ones and I talked more than usual.",
    "We disagreed about the budget but agreed on one thing to try until next session.",
    "Work was overwhelming, so we did the shorter version; still better than nothing.",
    "I caught myself saying “you always” and rephrased it as an I-statement.",
    "We celebrated a small win: a whole week without a slammed door.",
    "Next time I want to start earlier in the evening, before we are exhausted.",
)
ITEMS = (
    "made coffee for me",
    "listened without fixing",
    "planned the weekend",
    "called my mother",
    "a walk by the river",
    "cooking together",
    "the kids' bedtime",
    "a hug at the door",
    "told me about their day",
    "a handwritten note",
    "fixed the bike",
    "remembered the dentist",
)
FEELINGS = ("hurt", "lonely", "overlooked", "relieved", "anxious", "grateful", "frustrated")


class TextPool:
    """Notes of realistic length (50–400 characters), some with accents and emoji,
    made once and reused: generating text per row would dominate the build time."""

    def __init__(self, rng: random.Random, size: int = 600) -> None:
        self.rng = rng
        self.notes = [self._note(rng.randint(50, 400)) for _ in range(size)]
        self.short = [self._note(rng.randint(50, 120)) for _ in range(size)]

    def _note(self, length: int) -> str:
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < length:
            parts.append(self.rng.choice(SENTENCES))
        note = " ".join(parts)[:length]
        return note.rsplit(" ", 1)[0] if " " in note[40:] else note

    def note(self) -> str:
        return self.rng.choice(self.notes)

    def short_note(self) -> str:
        return self.rng.choice(self.short)


def answers_for(prompts: list[dict[str, Any]], rng: random.Random, pool: TextPool) -> dict:
    """Answers shaped like the prompt types (see practice/exercises/format.py, PROMPT_CLASSES)."""
    answers: dict[str, Any] = {}
    for prompt in prompts:
        kind = prompt.get("type")
        if kind == "scale":
            answers[prompt["key"]] = rng.randint(1, 5)
        elif kind == "yes_no":
            answers[prompt["key"]] = "yes" if rng.random() < 0.7 else "no"
        elif kind == "list":
            items = prompt.get("items")
            count = items if isinstance(items, int) else 3
            answers[prompt["key"]] = rng.sample(ITEMS, min(count, len(ITEMS)))
        elif kind == "i_statement":
            answers[prompt["key"]] = {
                "feel": rng.choice(FEELINGS),
                "when": pool.short_note()[:80],
                "because": pool.short_note()[:80],
                "need": pool.short_note()[:80],
            }
        else:
            answers[prompt["key"]] = pool.short_note()
    return answers


# --- the exercise library ------------------------------------------------------------------


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
    """Use the app's own library loader when there is one; otherwise read the TOML files."""
    try:
        from practice.exercises.library import sync_library
    except ImportError:
        sync_library = None  # type: ignore[assignment]  # an app without the library loader
    if sync_library is not None:
        source_dir = current_app.config.get("SOURCE_DIR")
        sync_library(seed_dir, Path(source_dir) if source_dir else None)
        db.session.commit()
        return "practice.exercises.library.sync_library"
    now = utcnow()
    rows = []
    for path in sorted(seed_dir.glob("*.toml")):
        if path.name == "sources.toml":  # the cited articles' titles, not an exercise
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        rows.append(
            {
                "slug": data["slug"],
                "counselor_id": None,
                "based_on_id": None,
                "title": data["title"],
                "category": data["category"],
                "goal": data["goal"],
                "why": data.get("why", "").strip(),
                "steps": data.get("steps", []),
                "prompts": data.get("prompts", []),
                "frequency": data.get("frequency", ""),
                "duration": data.get("duration", ""),
                "sources": data.get("sources", []),
                "search_text": "\n".join(
                    [data["title"], data["goal"], *data.get("steps", [])]
                ).lower(),
                "content_hash": hashlib.sha256(path.read_bytes()).hexdigest(),
                "retired_at": None,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(Exercise.__table__.insert(), rows)
    db.session.commit()
    return "seed/*.toml read by the benchmark"


# --- building ------------------------------------------------------------------------------


class BulkWriter:
    """Buffers rows per table and inserts them in batches, parents first.

    On SQLite the rows skip SQLAlchemy's per-value type processing, which was most of the
    build time: JSON columns get text we serialized once per distinct value (answer sets and
    snapshots repeat), dates and times the exact text SQLAlchemy's SQLite types store
    ("YYYY-MM-DD HH:MM:SS.ffffff"). PostgreSQL gets the values through the column types.
    """

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.sqlite = db.engine.dialect.name == "sqlite"
        self.targets = {t.name: self._insertable(t) for t in TABLES}
        self.temporal = {
            t.name: [c.name for c in t.columns if isinstance(c.type, Date | DateTime)]
            for t in TABLES
        }
        self._json_cache: dict[int, tuple[Any, str]] = {}
        self.buffers: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        self.counts: dict[str, int] = {t.name: 0 for t in TABLES}
        self.progress = progress
        self.started = time.perf_counter()
        self.next_report = 100_000

    def _insertable(self, table: Table) -> Table:
        if not self.sqlite:
            return table
        return Table(table.name, MetaData(), *(_sqlite_column(c) for c in table.columns))

    def json(self, value: Any) -> Any:
        """A JSON column's value as this database's insert wants it."""
        if not self.sqlite:
            return value
        cached = self._json_cache.get(id(value))
        if cached is None or cached[0] is not value:
            cached = (value, json.dumps(value))
            self._json_cache[id(value)] = cached
        return cached[1]

    def add(self, table: Table, row: dict[str, Any]) -> None:
        buffer = self.buffers[table.name]
        buffer.append(row)
        if len(buffer) >= BATCH_SIZE:
            self.flush()

    @staticmethod
    def _format_temporal(rows: list[dict[str, Any]], names: list[str]) -> None:
        for row in rows:
            for name in names:
                value = row.get(name)  # a column the builder leaves out keeps its default
                if isinstance(value, datetime):
                    row[name] = value.isoformat(" ", "microseconds")
                elif value is not None:
                    row[name] = value.isoformat()

    def flush(self) -> None:
        for table in TABLES:
            buffer = self.buffers[table.name]
            if buffer:
                if self.sqlite:
                    self._format_temporal(buffer, self.temporal[table.name])
                db.session.execute(self.targets[table.name].insert(), buffer)
                self.counts[table.name] += len(buffer)
                buffer.clear()
        total = sum(self.counts.values())
        if self.progress and total >= self.next_report:
            elapsed = time.perf_counter() - self.started
            self.progress(
                f"  {total:>10,} rows  ({self.counts['entry']:,} entries)  "
                f"{total / max(elapsed, 1e-9):,.0f} rows/s"
            )
            self.next_report = (total // 100_000 + 1) * 100_000


def _sqlite_text(value: Any) -> Any:
    """What SQLAlchemy's SQLite JSON, Date and DateTime types would store for `value`."""
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else json.dumps(value)


def _sqlite_column(column: Column) -> Column:
    """The column as the SQLite bulk insert sees it: JSON, dates and times as plain text we
    format ourselves, Python-side defaults kept (encoded the same way) for columns that the
    builder leaves out, such as ones added to the schema after it was written."""
    if not isinstance(column.type, JSON | Date | DateTime):
        # Python-side defaults here are ColumnDefaults (a scalar or a callable), never Sequences.
        default = cast(ColumnDefault, column.default).arg if column.default is not None else None
        return Column(column.name, column.type, default=default)
    if column.default is None:
        return Column(column.name, Text)
    arg = cast(ColumnDefault, column.default).arg
    if column.default.is_callable:
        return Column(column.name, Text, default=lambda context: _sqlite_text(arg(context)))
    return Column(column.name, Text, default=_sqlite_text(arg))


def _next_ids() -> dict[str, int]:
    return {
        t.name: (db.session.execute(select(func.max(t.c.id))).scalar() or 0) + 1 for t in TABLES
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
    ids = _next_ids()
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
            couple = _add_couple(writer, ids, shape, counselor_id, k, library, rng, pool, now)
            request_id = _add_measure_answers(writer, ids, couple, measure, rng, now)
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
    _after_bulk_load()
    assert targets is not None
    return BuildResult(
        shape=shape,
        rows=dict(writer.counts),
        seconds=time.perf_counter() - started,
        targets=targets,
        library_source=library_source,
        counselor_ids=counselor_ids,
    )


def _take(ids: dict[str, int], table: str, count: int = 1) -> int:
    first = ids[table]
    ids[table] += count
    return first


def _add_couple(
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
    couple_id = _take(ids, "couple")
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
    partner_ids = [_take(ids, "partner"), _take(ids, "partner")]
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
        session_id = _take(ids, "counseling_session")
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
        assignment_id = _take(ids, "assignment")
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
            link_id = _take(ids, "partner_link")
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
                entry_id = _take(ids, "entry")
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
        access_id = _take(ids, "partner_access")
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


def _add_measure_answers(
    writer: BulkWriter,
    ids: dict[str, int],
    couple: dict[str, Any],
    measure: BenchMeasure,
    rng: random.Random,
    now: datetime,
) -> int:
    """The couple's weekly CSI-4 request and both partners' answers, week by week."""
    request_id = _take(ids, "measure_request")
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
    for partner_id in couple["partner_ids"]:
        level = rng.uniform(0.4, 0.9)  # each partner's own satisfaction, drifting week to week
        for week in range(weeks):
            level = min(1.0, max(0.0, level + rng.uniform(-0.08, 0.08)))
            answers = {key: round(top * level) for key, top in measure.item_tops}
            occasion = start + timedelta(weeks=week)
            at = datetime.combine(occasion, clock(rng.randint(7, 22)))
            response_id = _take(ids, "measure_response")
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
                    "total": float(sum(answers.values())),
                    "score_note": "",
                    "submission_key": f"bench-m-{response_id:016d}",
                    "created_at": at,
                    "updated_at": at,
                    "seen_at": at + timedelta(days=1) if at < now - SEEN_WINDOW else None,
                },
            )
    return request_id


def _after_bulk_load() -> None:
    """PostgreSQL: move the id sequences past the ids we chose, and gather planner statistics
    (autovacuum would do the same within a minute of a real import). SQLite: nothing; a real
    SQLite install never runs ANALYZE either, so the benchmark does not flatter it."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in (*TABLES, cast(Table, Exercise.__table__)):
        # Built from SQL expressions: the table name is a bound value and a quoted identifier.
        highest = select(func.max(table.c.id)).scalar_subquery()
        db.session.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, "id"), func.greatest(highest, 1)
                )
            )
        )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def count_rows(tables: Iterable[Table] = TABLES) -> dict[str, int]:
    return {
        t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one() for t in tables
    }


def describe(shape: Shape) -> str:
    return (
        f"{shape.counselors} counselors × {shape.couples_per_counselor} couples × "
        f"{shape.assignments_per_couple} assignments × 2 partners × "
        f"{shape.entries_per_partner} entries ({shape.entries:,} entries), "
        f"{shape.sessions_per_couple} sessions per couple"
    )
