"""The built-in measures: read seed/measures/*.toml, validate every file, sync the database.

The same rules as the exercise library (practice.exercises.library): every problem in every
file is collected and, if there is any, nothing is written; a row changes only when its
file's hash changed, and a changed file adds a version (answers keep the one they were
given against).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from practice.exercises.library import SeedError, read_seed_files, refuse_clashes, retire_left
from practice.extensions import db
from practice.measures.format import MeasureDefinition, parse_measure
from practice.measures.models import Measure, MeasureVersion
from practice.timeutil import utcnow

MEASURES_FOLDER = "measures"


@dataclass
class SeedMeasure:
    definition: MeasureDefinition
    content_hash: str


@dataclass
class MeasureSyncResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Measures: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.retired)} retired, {len(self.unchanged)} unchanged."
        )


def read_measures(measure_dir: Path) -> list[SeedMeasure]:
    """Parse and validate every measure file; raise SeedError listing all problems.
    No folder means no built-in measures (a practice may ship none)."""
    if not measure_dir.is_dir():
        return []
    label_dir = f"{measure_dir.parent.name}/{measure_dir.name}"
    messages: list[str] = []
    measures: list[SeedMeasure] = []
    for seed in read_seed_files(sorted(measure_dir.glob("*.toml")), label_dir, messages):
        definition, problems = parse_measure(
            seed.data, label=seed.label, expected_slug=seed.path.stem
        )
        messages.extend(problems)
        if definition is not None:
            measures.append(SeedMeasure(definition, seed.content_hash))
    if messages:
        raise SeedError(messages)
    return measures


def add_version(measure: Measure, definition: MeasureDefinition) -> MeasureVersion:
    """Make `definition` the measure's newest version (earlier answers keep theirs)."""
    number = (measure.version + 1) if measure.id is not None and measure.versions else 1
    version = MeasureVersion(number=number, definition=definition.to_dict(), created_at=utcnow())
    measure.versions.append(version)
    measure.version = number
    measure.title = definition.title
    measure.updated_at = utcnow()
    return version


def sync_measures(measure_dir: Path) -> MeasureSyncResult:
    """Bring the built-in measures in line with seed/measures/ (flushes; the caller commits)."""
    seeds = read_measures(measure_dir)
    rows = {
        row.slug: row
        for row in db.session.execute(
            select(Measure).where(
                Measure.slug.in_([s.definition.slug for s in seeds])
                | Measure.counselor_id.is_(None)
            )
        ).scalars()
    }
    refuse_clashes(rows, [s.definition.slug for s in seeds], measure_dir.name, "measure")
    result = MeasureSyncResult()
    now = utcnow()
    for seed in seeds:
        slug = seed.definition.slug
        row = rows.pop(slug, None)
        if row is None:
            row = Measure(slug=slug, counselor_id=None, title=seed.definition.title, created_at=now)
            db.session.add(row)
            add_version(row, seed.definition)
            result.added.append(slug)
        elif row.content_hash == seed.content_hash and row.retired_at is None:
            result.unchanged.append(slug)
            continue
        else:
            if row.versions[-1].definition != seed.definition.to_dict():
                add_version(row, seed.definition)
            row.retired_at = None
            result.updated.append(slug)
        row.content_hash = seed.content_hash
    result.retired = retire_left(rows, now)
    db.session.flush()
    return result
