"""The exercise library: what a counselor can see, search, write and adapt."""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from practice.auth.models import Counselor
from practice.exercises.format import parse_prompts
from practice.exercises.limits import LIMITS, PROMPT_KEY
from practice.exercises.models import CATEGORIES, Exercise
from practice.exercises.prompts import Prompt
from practice.exercises.search import (
    length_filter,
    minutes_from_duration,
    query_words,
    search_filter,
    search_keys,
    search_rank,
)
from practice.extensions import db
from practice.timeutil import utcnow

_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits


@dataclass
class ExerciseFields:
    """Everything a counselor writes for an exercise (sources are kept from the original)."""

    title: str
    category: str
    goal: str
    why: str = ""
    steps: list[str] = field(default_factory=list)
    frequency: str = ""
    duration: str = ""
    prompts: list[Prompt] = field(default_factory=list)
    roles: str | None = None

    @classmethod
    def of(cls, exercise: Exercise) -> ExerciseFields:
        return cls(
            title=exercise.title,
            category=exercise.category,
            goal=exercise.goal,
            why=exercise.why,
            steps=list(exercise.steps),
            frequency=exercise.frequency,
            duration=exercise.duration,
            prompts=parse_prompts(exercise.prompts),
            roles=exercise.roles,
        )


def _visible(counselor: Counselor) -> Any:
    return or_(Exercise.counselor_id.is_(None), Exercise.counselor_id == counselor.id)


def library_query(
    counselor: Counselor, *, search: str = "", category: str = "", length: str = ""
) -> Select:
    """Built-in and the counselor's own exercises that are not retired, filtered and in the
    order shown: name matches first, optional extras last, then by title."""
    query = select(Exercise).where(Exercise.retired_at.is_(None), _visible(counselor))
    if category in CATEGORIES:
        query = query.where(Exercise.category == category)
    by_length = length_filter(length)
    if by_length is not None:
        query = query.where(by_length)
    words = query_words(search)
    order: list[ColumnElement[Any] | InstrumentedAttribute[Any]] = [
        Exercise.extra,
        Exercise.title,
        Exercise.id,
    ]
    if search.strip() and not words:
        # Only punctuation ("%", "-"): nothing to look for, so nothing matches.
        query = query.where(false())
    elif words:
        query = query.where(search_filter(words))
        order.insert(0, search_rank(words))
    return query.order_by(*order)


def list_library(
    counselor: Counselor, *, search: str = "", category: str = "", length: str = ""
) -> list[Exercise]:
    query = library_query(counselor, search=search, category=category, length=length)
    return list(db.session.execute(query).scalars())


def visible_exercise(counselor: Counselor, slug: str) -> Select[Exercise]:
    """A built-in exercise or one of the counselor's own (none for anyone else's)."""
    return select(Exercise).where(Exercise.slug == slug, _visible(counselor))


def own_exercise(counselor: Counselor, slug: str) -> Select[Exercise]:
    """One of the counselor's own exercises; built-in ones cannot be changed in place."""
    return select(Exercise).where(Exercise.slug == slug, Exercise.counselor_id == counselor.id)


def based_on(counselor: Counselor, exercise: Exercise) -> Exercise | None:
    """The exercise this one was adapted from, if the counselor may still see it."""
    if exercise.based_on_id is None:
        return None
    return db.session.execute(
        select(Exercise).where(Exercise.id == exercise.based_on_id, _visible(counselor))
    ).scalar_one_or_none()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "exercise"


def new_slug(title: str) -> str:
    """Slugified title plus a random suffix, so a counselor's titles never clash."""
    base = slugify(title)
    while True:
        suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(6))
        slug = f"{base}-{suffix}"
        taken = db.session.execute(select(exists().where(Exercise.slug == slug))).scalar()
        if not taken:
            return slug


def _with_keys(prompts: list[Prompt]) -> list[Prompt]:
    """Keep each prompt's key when valid and unique; give the others a fresh one.

    Keys tie answers to prompts in homework snapshots, so an edit should not rename them.
    """
    used: set[str] = set()
    kept: list[str] = []
    for prompt in prompts:
        key = prompt.key
        if not (PROMPT_KEY.fullmatch(key) and len(key) <= LIMITS["prompt_key"]) or key in used:
            key = ""
        used.add(key)
        kept.append(key)
    counter = 1
    for index, key in enumerate(kept):
        if not key:
            while f"prompt_{counter}" in used:
                counter += 1
            kept[index] = f"prompt_{counter}"
            used.add(kept[index])
    return [replace(prompt, key=key) for prompt, key in zip(prompts, kept, strict=True)]


def _apply(exercise: Exercise, fields: ExerciseFields) -> None:
    values = {f.name: getattr(fields, f.name) for f in dataclass_fields(fields)}
    values["prompts"] = [prompt.to_json() for prompt in _with_keys(fields.prompts)]
    for name, value in values.items():
        setattr(exercise, name, value)
    exercise.minutes = minutes_from_duration(fields.duration)
    index_for_search(exercise)


def index_for_search(exercise: Exercise) -> None:
    """Refresh the search keys from the exercise's own fields (after any edit or re-seed)."""
    exercise.search_names, exercise.search_text = search_keys(
        exercise.title, exercise.aliases or [], exercise.goal, exercise.why, exercise.steps
    )


def create_own(
    counselor: Counselor, fields: ExerciseFields, *, original: Exercise | None = None
) -> Exercise:
    """A new exercise of the counselor's own, optionally adapted from `original` (flushed)."""
    exercise = Exercise(
        slug=new_slug(fields.title),
        counselor_id=counselor.id,
        based_on_id=original.id if original else None,
        # An adaptation still rests on the original's sources: keep citing them.
        sources=[dict(s) for s in original.sources] if original else [],
        content_hash=None,
    )
    _apply(exercise, fields)
    db.session.add(exercise)
    db.session.flush()
    return exercise


def update_own(exercise: Exercise, fields: ExerciseFields) -> None:
    """Save an edit; homework already assigned keeps its own copy."""
    _apply(exercise, fields)


def remove_own(exercise: Exercise) -> str:
    """Delete an own exercise, or retire it if homework was assigned from it.

    Returns "deleted" or "retired". Retiring keeps the homework's link to the exercise page.
    """
    # Imported here: the homework package imports the library, not the other way round.
    from practice.homework.models import Assignment

    used = db.session.execute(
        select(exists().where(Assignment.exercise_id == exercise.id))
    ).scalar()
    if used:
        exercise.retired_at = utcnow()
        return "retired"
    db.session.delete(exercise)
    return "deleted"


def restore_own(exercise: Exercise) -> None:
    exercise.retired_at = None


def category_counts(counselor: Counselor) -> dict[str, int]:
    """How many visible exercises each category holds, for the browse links."""
    rows = db.session.execute(
        select(Exercise.category, func.count())
        .where(Exercise.retired_at.is_(None), _visible(counselor))
        .group_by(Exercise.category)
    )
    return {category: count for category, count in rows}
