"""The built-in exercise library: read seed/*.toml, validate every file, sync the database.

Validation is strict and complete: every problem in every file is collected, and if there
is any, nothing is written, so the library is never half-loaded. Sync is idempotent: a row
changes only when the hash of its file changed.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from practice.exercises.checks import Problems, kind_of, text_list, whole_number
from practice.exercises.format import read_prompts
from practice.exercises.limits import ALIASES, LIMITS, ROLE_KINDS, SCHEDULES, SITTING_MINUTES
from practice.exercises.models import CATEGORIES, Exercise
from practice.exercises.services import index_for_search
from practice.exercises.sources import (
    SOURCES_FILE,
    SourcesFileError,
    first_lines,
    read_source_titles,
)
from practice.extensions import db
from practice.timeutil import utcnow

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words the library's own URLs use after /library/: a seed with such a slug would be shadowed.
RESERVED_SLUGS = frozenset({"new"})

TOP_LEVEL_KEYS = frozenset(
    {
        "slug",
        "title",
        "category",
        "goal",
        "why",
        "steps",
        "frequency",
        "duration",
        "prompts",
        "sources",
        "aliases",
        "minutes",
        "not_for",
        "extra",
        "roles",
        "schedule",
    }
)
STEPS_RANGE = (3, 8)
PROMPTS_RANGE = (1, 8)


class SeedError(Exception):
    """The seed library is invalid; `messages` lists every problem, one line each."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class SeedFile:
    """One seed file read as TOML: named as messages name it, hashed (a row changes only when
    its file did)."""

    path: Path
    label: str
    data: dict[str, Any]
    content_hash: str


def read_seed_files(
    paths: Iterable[Path], label_dir: str, messages: list[str]
) -> Iterator[SeedFile]:
    """Each file of a seed folder (the exercises, the measures) as TOML, in order; a file that
    is not UTF-8 TOML adds what is wrong to `messages` instead, so every problem of every
    file is reported together."""
    for path in paths:
        label = f"{label_dir}/{path.name}"
        raw = path.read_bytes()
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            messages.append(f"{label}: is not UTF-8 text")
            continue
        except tomllib.TOMLDecodeError as error:
            messages.append(f"{label}: is not valid TOML: {error}")
            continue
        yield SeedFile(path, label, data, hashlib.sha256(raw).hexdigest())


def refuse_clashes(rows: Mapping[str, Any], slugs: Iterable[str], folder: str, kind: str) -> None:
    """Raise SeedError naming every seed file whose slug a counselor's own row (an exercise,
    a measure) already uses: syncing would take it over."""
    clashes = [
        f"{folder}/{slug}.toml: slug: already used by a counselor's own {kind}"
        for slug in slugs
        if slug in rows and rows[slug].counselor_id is not None
    ]
    if clashes:
        raise SeedError(clashes)


def retire_left(rows: Mapping[str, Any], now: datetime) -> list[str]:
    """Retire the built-in rows left in `rows` once every seed file took its own (their
    files are gone); the slugs retired now."""
    retired = []
    for slug, row in rows.items():
        if row.counselor_id is None and row.retired_at is None:
            row.retired_at = now
            retired.append(slug)
    return retired


@dataclass
class SyncResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"Exercise library: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.retired)} retired, {len(self.unchanged)} unchanged"
        )
        if self.restored:
            text += f", {len(self.restored)} restored"
        return text + "."


def exercise_files(seed_dir: Path) -> list[Path]:
    """The seed files that each hold one exercise (every *.toml but the sources list)."""
    return sorted(p for p in seed_dir.glob("*.toml") if p.name != SOURCES_FILE)


@dataclass(frozen=True)
class KnownSources:
    """What a citation is checked against: the titles list, and the articles when present."""

    titles: dict[str, str]
    first_lines: dict[str, str] | None


def validate_exercise(
    data: dict[str, Any], *, label: str, expected_slug: str, sources: KnownSources
) -> tuple[dict[str, Any], list[str]]:
    """Check one parsed seed file; return the cleaned fields and the problems found."""
    check = Problems(label)
    check.unknown_keys(data, TOP_LEVEL_KEYS, "")
    slug = check.text(data, "slug", "slug", limit=LIMITS["slug"], one_line=True)
    if slug and not SLUG.match(slug):
        check.error("slug", "use lowercase letters, digits and single hyphens only")
    elif slug and slug != expected_slug:
        check.error("slug", f'must equal the file name "{expected_slug}"')
    elif slug in RESERVED_SLUGS:
        check.error("slug", f'"{slug}" is reserved for a page of the library')
    cleaned: dict[str, Any] = {"slug": slug}
    for key in ("title", "goal", "frequency", "duration"):
        cleaned[key] = check.text(data, key, key, limit=LIMITS[key], one_line=True)
    cleaned["why"] = check.text(data, "why", "why", limit=LIMITS["why"])
    category = check.text(data, "category", "category", limit=LIMITS["category"])
    if category and category not in CATEGORIES:
        check.error("category", f'"{category}" is not one of: {", ".join(CATEGORIES)}')
    cleaned["category"] = category
    cleaned["steps"] = _steps(check, data)
    cleaned.update(_second_edition(check, data))
    cleaned["prompts"] = [
        p.to_json()
        for p in read_prompts(check, data.get("prompts"), PROMPTS_RANGE, cleaned["roles"])
    ]
    cleaned["sources"] = _sources(check, data, sources)
    return cleaned, check.messages


def _second_edition(check: Problems, data: dict[str, Any]) -> dict[str, Any]:
    """The optional exercise-level fields: aliases, minutes, not_for, extra, roles, schedule."""
    aliases = (
        text_list(check, data, "aliases", "", ALIASES, LIMITS["alias"])
        if ("aliases" in data)
        else []
    )
    cleaned: dict[str, Any] = {
        "aliases": aliases or [],
        "minutes": whole_number(check, data, "minutes", "", SITTING_MINUTES, required=False),
        "not_for": check.text(data, "not_for", "not_for", limit=LIMITS["not_for"], required=False),
        "extra": False,
        "roles": None,
        "schedule": None,
    }
    if "extra" in data:
        if isinstance(data["extra"], bool):
            cleaned["extra"] = data["extra"]
        else:
            check.error("extra", f"must be true or false, not {kind_of(data['extra'])}")
    for key, choices in (("roles", ROLE_KINDS), ("schedule", SCHEDULES)):
        value = check.text(data, key, key, limit=20, required=False, one_line=True)
        if value and value not in choices:
            check.error(key, f'"{value}" is not one of: {", ".join(choices)}')
        elif value:
            cleaned[key] = value
    return cleaned


def _steps(check: Problems, data: dict[str, Any]) -> list[str]:
    steps = data.get("steps")
    low, high = STEPS_RANGE
    if steps is None:
        check.error("steps", "is missing")
        return []
    if not isinstance(steps, list):
        check.error("steps", f"must be a list of sentences, not {kind_of(steps)}")
        return []
    if not low <= len(steps) <= high:
        check.error("steps", f"has {len(steps)} steps; write from {low} to {high}")
    return [
        check.text({"s": step}, "s", f"steps[{n}]", limit=LIMITS["step"])
        for n, step in enumerate(steps, start=1)
    ]


def _sources(check: Problems, data: dict[str, Any], known: KnownSources) -> list[dict[str, str]]:
    sources = data.get("sources")
    if sources is None:
        check.error("sources", "is missing (cite at least one article with [[sources]])")
        return []
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        check.error("sources", "must be [[sources]] tables")
        return []
    if not sources:
        check.error("sources", "cite at least one article")
    cleaned = []
    for n, raw in enumerate(sources, start=1):
        where = f"sources[{n}]"
        check.unknown_keys(raw, frozenset({"file", "title"}), where)
        name = check.text(raw, "file", f"{where}.file", limit=200, one_line=True)
        title = check.text(raw, "title", f"{where}.title", limit=2000, one_line=True)
        if name and ("/" in name or "\\" in name):
            check.error(f"{where}.file", "must be a file name, not a path")
        elif name and name not in known.titles:
            check.error(f"{where}.file", f'"{name}" is not an article listed in {SOURCES_FILE}')
        elif name and known.first_lines is not None:
            # The articles are here (SOURCE_DIR): the citation must match the article itself.
            first_line = known.first_lines.get(name)
            if first_line is None:
                check.error(f"{where}.file", f'"{name}" is not a file in the source articles')
            elif title and title != first_line:
                check.error(f"{where}.title", f'must be the article\'s first line: "{first_line}"')
        cleaned.append({"file": name, "title": title})
    return cleaned


@dataclass
class SeedExercise:
    fields: dict[str, Any]
    content_hash: str


def read_library(seed_dir: Path, source_dir: Path | None) -> list[SeedExercise]:
    """Parse and validate every seed file; raise SeedError listing all problems."""
    label_dir = seed_dir.name or str(seed_dir)
    if not seed_dir.is_dir():
        raise SeedError([f"{seed_dir}: the exercise library folder does not exist"])
    paths = exercise_files(seed_dir)
    if not paths:
        raise SeedError([f"{label_dir}/: no exercise files (*.toml) found"])
    try:
        known = KnownSources(read_source_titles(seed_dir), first_lines(source_dir))
    except SourcesFileError as error:
        raise SeedError([str(error)]) from None
    messages: list[str] = []
    exercises: list[SeedExercise] = []
    for seed in read_seed_files(paths, label_dir, messages):
        cleaned, problems = validate_exercise(
            seed.data, label=seed.label, expected_slug=seed.path.stem, sources=known
        )
        messages.extend(problems)
        exercises.append(SeedExercise(cleaned, seed.content_hash))
    if messages:
        raise SeedError(messages)
    return exercises


def sync_library(seed_dir: Path, source_dir: Path | None) -> SyncResult:
    """Bring the built-in exercises in line with seed/ (flushes; the caller commits).

    Unchanged files touch nothing; a removed file retires its exercise (assignments keep
    their snapshot); a file that comes back un-retires it.
    """
    seeds = read_library(seed_dir, source_dir)
    rows = {
        row.slug: row
        for row in db.session.execute(
            select(Exercise).where(
                or_(
                    Exercise.counselor_id.is_(None),
                    Exercise.slug.in_([s.fields["slug"] for s in seeds]),
                )
            )
        ).scalars()
    }
    refuse_clashes(rows, [s.fields["slug"] for s in seeds], seed_dir.name, "exercise")
    result = SyncResult()
    now = utcnow()
    for seed in seeds:
        slug = seed.fields["slug"]
        row = rows.pop(slug, None)
        if row is None:
            row = Exercise(counselor_id=None, created_at=now)
            db.session.add(row)
            result.added.append(slug)
        elif row.content_hash == seed.content_hash and row.retired_at is None:
            result.unchanged.append(slug)
            continue
        elif row.retired_at is not None:
            result.restored.append(slug)
        else:
            result.updated.append(slug)
        for key, value in seed.fields.items():
            setattr(row, key, value)
        index_for_search(row)
        row.content_hash = seed.content_hash
        row.retired_at = None
        row.updated_at = now
    result.retired = retire_left(rows, now)
    db.session.flush()
    return result
