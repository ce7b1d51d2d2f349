"""The one exercise format: an exercise and its prompts as typed values, validated here.

The seed loader, the counselor's exercise editor, the partner's entry form and the PDFs all
go through these types. The database keeps the JSON shape (`Exercise.prompts`, an
assignment's `snapshot`); it is parsed into these types where it is read (`parse_prompts`,
`ExerciseContent.from_json`). What the format allows (sizes, counts, roles, phases) is in
`limits`.

Adding a prompt type: write its class beside its kind (`prompts` for written answers,
`choice_prompts`, `time_prompts`): its extra fields and their rules in `_read_extra`, how it
is described, its blank answer, how a posted answer is read and checked, how an answer
reads; then add it to `PROMPT_CLASSES` here. Templates that draw the input
(`partner/_client_form.html`) and the handout's answer space then learn its `type`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from practice.exercises.checks import Problems
from practice.exercises.choice_prompts import (
    ChecklistPrompt,
    RatingGridPrompt,
    ScalePrompt,
    YesNoPrompt,
)
from practice.exercises.limits import LIMITS, PHASES, PROMPT_KEY, ROLE_KINDS
from practice.exercises.prompts import (
    Answer,
    IStatementPrompt,
    ListPrompt,
    Prompt,
    TextPrompt,
)
from practice.exercises.time_prompts import DateTimePrompt, TimerPrompt

PROMPT_CLASSES: dict[str, type[Prompt]] = {
    cls.type: cls
    for cls in (
        TextPrompt,
        ListPrompt,
        IStatementPrompt,
        ScalePrompt,
        YesNoPrompt,
        ChecklistPrompt,
        RatingGridPrompt,
        TimerPrompt,
        DateTimePrompt,
    )
}
# Type → how it is named to counselors, in the order the editor offers them.
PROMPT_TYPES = {kind: cls.type_label for kind, cls in PROMPT_CLASSES.items()}
COMMON_PROMPT_KEYS = frozenset({"key", "type", "label", "help", "role", "phase"})


def prompt_from_json(raw: Mapping[str, Any]) -> Prompt:
    """A stored prompt as its type (an unknown type reads as free text, never a crash)."""
    cls = PROMPT_CLASSES.get(str(raw.get("type")), TextPrompt)
    return cls(
        key=str(raw.get("key", "")),
        label=str(raw.get("label", "")),
        help=str(raw.get("help") or ""),
        role=str(raw.get("role") or ""),
        phase=str(raw.get("phase") or "every"),
        **cls._extra_from_json(raw),
    )


def parse_prompts(raw: Iterable[Mapping[str, Any]] | None) -> list[Prompt]:
    """Stored prompts (an exercise's, or an assignment snapshot's) as typed prompts."""
    return [prompt_from_json(p) for p in raw or []]


def read_prompts(
    check: Problems, raw: Any, count: tuple[int, int], roles: str | None = None
) -> list[Prompt]:
    """Prompts written by hand (a seed file, the editor's fields), every problem recorded in
    `check`: keys unique and well formed, known types, texts within LIMITS, each type's own
    rules, roles among the exercise's `roles` and known phases. `count` is how many prompts
    the source may have."""
    low, high = count
    if raw is None:
        check.error("prompts", "is missing (add at least one [[prompts]] table)")
        return []
    if not isinstance(raw, list) or not all(isinstance(p, Mapping) for p in raw):
        check.error("prompts", "must be [[prompts]] tables")
        return []
    if not low <= len(raw) <= high:
        check.error("prompts", f"has {len(raw)} prompts; write from {low} to {high}")
    prompts: list[Prompt] = []
    seen: set[str] = set()
    for n, table in enumerate(raw, start=1):
        where = f"prompts[{n}]"
        key = check.text(table, "key", f"{where}.key", limit=LIMITS["prompt_key"], one_line=True)
        if key and not PROMPT_KEY.match(key):
            check.error(f"{where}.key", "use lowercase letters, digits and _ only")
        elif key in seen:
            check.error(f"{where}.key", f'"{key}" is used by an earlier prompt; use unique keys')
        seen.add(key)
        kind = check.text(table, "type", f"{where}.type", limit=20)
        label = check.text(
            table, "label", f"{where}.label", limit=LIMITS["prompt_label"], one_line=True
        )
        help_text = check.text(
            table,
            "help",
            f"{where}.help",
            limit=LIMITS["prompt_help"],
            required=False,
            one_line=True,
        )
        cls = PROMPT_CLASSES.get(kind)
        if kind and cls is None:
            check.error(f"{where}.type", f'"{kind}" is not one of: {", ".join(PROMPT_CLASSES)}')
            continue
        if cls is None:
            continue
        check.unknown_keys(table, COMMON_PROMPT_KEYS | cls.extra_keys, where)
        extra = cls._read_extra(table, check, where)
        placement = _read_placement(check, table, where, roles)
        if len(extra) == len(cls.extra_keys):
            prompts.append(cls(key=key, label=label, help=help_text, **placement, **extra))
    if roles in ROLE_KINDS:
        for role in ROLE_KINDS[roles]:
            if not any(p.role in ("", role) for p in prompts):
                check.error("prompts", f'no prompt is asked of the "{role}"')
    return prompts


def _read_placement(
    check: Problems, table: Mapping[str, Any], where: str, roles: str | None
) -> dict[str, str]:
    """A prompt's `role` (one of the exercise's roles) and `phase`, checked."""
    placement: dict[str, str] = {}
    role = check.text(table, "role", f"{where}.role", limit=20, required=False, one_line=True)
    if role and roles not in ROLE_KINDS:
        check.error(
            f"{where}.role",
            "needs the exercise's roles set first (roles = "
            + " or ".join(f'"{kind}"' for kind in ROLE_KINDS)
            + ")",
        )
    elif role and roles is not None and role not in ROLE_KINDS[roles]:
        check.error(f"{where}.role", f'"{role}" is not one of: {", ".join(ROLE_KINDS[roles])}')
    elif role:
        placement["role"] = role
    phase = check.text(table, "phase", f"{where}.phase", limit=20, required=False, one_line=True)
    if phase and phase not in PHASES:
        check.error(f"{where}.phase", f'"{phase}" is not one of: {", ".join(PHASES)}')
    elif phase:
        placement["phase"] = phase
    return placement


def readable_answers(prompts: Iterable[Prompt], answers: Mapping[str, Any]) -> list[Answer]:
    """Answers in prompt order, rendered for reading; skipped prompts are left out."""
    shown: list[Answer] = []
    for prompt in prompts:
        value = answers.get(prompt.key)
        if value in (None, "", [], {}):
            continue
        shown.append(prompt.readable(value))
    return shown


# ---------------------------------------------------------------------------- exercises


@dataclass(frozen=True)
class Source:
    file: str
    title: str


@dataclass(frozen=True)
class ExerciseContent:
    """An exercise's content as assigned: what a snapshot holds, typed."""

    slug: str
    title: str
    category: str
    goal: str
    why: str
    steps: tuple[str, ...]
    prompts: tuple[Prompt, ...]
    frequency: str
    duration: str
    sources: tuple[Source, ...]
    # The exercise's role pairing (ROLE_KINDS), or None.
    roles: str | None = None

    @classmethod
    def of(cls, exercise: Any) -> ExerciseContent:
        """The content of anything with the exercise's attributes (an `Exercise` row)."""
        return cls.from_json({name: getattr(exercise, name) for name in _CONTENT_FIELDS})

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExerciseContent:
        return cls(
            slug=str(data.get("slug", "")),
            title=str(data.get("title", "")),
            category=str(data.get("category", "")),
            goal=str(data.get("goal") or ""),
            why=str(data.get("why") or ""),
            steps=tuple(str(s) for s in data.get("steps") or []),
            prompts=tuple(parse_prompts(data.get("prompts"))),
            frequency=str(data.get("frequency") or ""),
            duration=str(data.get("duration") or ""),
            sources=tuple(
                Source(str(s.get("file", "")), str(s.get("title", "")))
                for s in data.get("sources") or []
            ),
            roles=data.get("roles") if data.get("roles") in ROLE_KINDS else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "title": self.title,
            "category": self.category,
            "goal": self.goal,
            "why": self.why,
            "steps": list(self.steps),
            "prompts": [p.to_json() for p in self.prompts],
            "frequency": self.frequency,
            "duration": self.duration,
            "sources": [{"file": s.file, "title": s.title} for s in self.sources],
            "roles": self.roles,
        }


_CONTENT_FIELDS = (
    "slug",
    "title",
    "category",
    "goal",
    "why",
    "steps",
    "prompts",
    "frequency",
    "duration",
    "sources",
    "roles",
)
