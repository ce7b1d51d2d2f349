"""The one exercise format: an exercise and its prompts as typed values, validated here.

The seed loader, the counselor's exercise editor, the partner's entry form and the PDFs all
go through these types. The database keeps the JSON shape (`Exercise.prompts`, an
assignment's `snapshot`); it is parsed into these types where it is read (`parse_prompts`,
`ExerciseContent.from_json`).

Adding a prompt type is a change to this file: write its class (its extra fields and their
rules in `_read_extra`, how it is described, its blank answer, how a posted answer is read
and checked, how an answer reads), and add it to `PROMPT_CLASSES`. Templates that draw the
input (`partner/_client_form.html`) and the handout's answer space then learn its `type`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from practice.exercises.checks import CONTROL_CHARACTERS, Problems
from practice.forms import normalize_newlines

# Longest text each field takes: the String columns' sizes, and sane bounds for the rest.
LIMITS = {
    "slug": 140,
    "title": 120,
    "category": 40,
    "goal": 200,
    "why": 5000,
    "step": 1000,
    "frequency": 80,
    "duration": 80,
    "prompt_key": 40,
    "prompt_label": 300,
    "prompt_help": 500,
    "scale_label": 60,
}
# How many items a list prompt asks for (seed files, the editor), and the most a partner may
# write in answer ("Add another item"): asked for three, someone may well have a fourth.
LIST_ITEMS = (1, 10)
MOST_LIST_ANSWERS = 20
# The longest answer a partner may write in one field.
ANSWER_LIMIT = 10_000
SCALE_POINTS = ("1", "2", "3", "4", "5")
I_PARTS = (("feel", "I feel"), ("when", "when"), ("because", "because"), ("need", "I need"))

PROMPT_KEY = re.compile(r"^[a-z0-9_]+$")


def list_items_problem(value: object) -> str | None:
    """What is wrong with a list prompt's number of items, or None."""
    low, high = LIST_ITEMS
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"must be a whole number from {low} to {high}"
    return None


def answer_text_problem(value: str, limit: int = ANSWER_LIMIT) -> str | None:
    """What is wrong with a partner's written answer, in words for them, or None."""
    if len(value) > limit:
        return f"This is too long: keep it to {limit:,} characters or fewer."
    if CONTROL_CHARACTERS.search(value):
        return "Remove the invisible control characters from this text."
    return None


# ---------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class Answer:
    """One answer as people read it: the prompt's label and a type-specific value."""

    label: str
    type: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checked:
    """A posted answer after checking: the value to store (None: nothing written) and the
    problems by form field suffix ("" for the prompt itself, "-2" for a list's third item)."""

    value: Any = None
    errors: dict[str, str] = field(default_factory=dict)


def i_statement_sentence(parts: Mapping[str, str]) -> str:
    """'I feel hurt when … because … I need …' from whatever parts were filled in."""
    pieces = []
    if parts.get("feel"):
        pieces.append(f"I feel {parts['feel']}")
    if parts.get("when"):
        pieces.append(f"when {parts['when']}")
    if parts.get("because"):
        pieces.append(f"because {parts['because']}")
    sentence = " ".join(pieces)
    if sentence:
        sentence += "."
    if parts.get("need"):
        sentence = f"{sentence} I need {parts['need']}.".strip()
    return sentence


# ---------------------------------------------------------------------------- prompts


@dataclass(frozen=True)
class Prompt:
    """What each partner answers after doing the exercise. Subclasses are the types."""

    type: ClassVar[str] = "text"
    type_label: ClassVar[str] = "Free text"
    extra_keys: ClassVar[frozenset[str]] = frozenset()

    key: str
    label: str
    help: str = ""

    def describe(self) -> str:
        """The type in plain words, with its details."""
        return self.type_label

    def to_json(self) -> dict[str, Any]:
        """The stored shape (`help` only when there is one)."""
        data: dict[str, Any] = {"key": self.key, "type": self.type, "label": self.label}
        if self.help:
            data["help"] = self.help
        return data

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        """The type's own fields from a seed table, checked."""
        return {}

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The type's own fields from stored JSON (already valid; lenient with old rows)."""
        return {}

    # The partner's answer: a blank value to show, the value read back from a POST, and
    # the checked value to store. The default is one text field.
    def blank(self) -> Any:
        return ""

    def read_post(self, data: Mapping[str, str], name: str, add: str, remove: str) -> Any:
        return _posted_text(data.get(f"a-{name}"))

    def check(self, value: Any) -> Checked:
        problem = answer_text_problem(value)
        if problem:
            return Checked(errors={"": problem})
        return Checked(value.strip() or None)

    def readable(self, value: Any) -> Answer:
        return Answer(self.label, self.type, text=str(value))


@dataclass(frozen=True)
class TextPrompt(Prompt):
    pass


@dataclass(frozen=True)
class ListPrompt(Prompt):
    type: ClassVar[str] = "list"
    type_label: ClassVar[str] = "A list of items"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"items"})

    items: int = 3

    def describe(self) -> str:
        return f"A list of {self.items} item{'s' if self.items != 1 else ''}"

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"items": self.items}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        items = raw.get("items")
        if items is None:
            low, high = LIST_ITEMS
            check.error(f"{where}.items", f"is missing (how many items to list, {low} to {high})")
            return {}
        problem = list_items_problem(items)
        if problem:
            check.error(f"{where}.items", problem)
            return {}
        return {"items": items}

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {"items": min(max(_int(raw.get("items"), 3), 1), MOST_LIST_ANSWERS)}

    def blank(self) -> list[str]:
        return [""] * self.items

    def read_post(self, data: Mapping[str, str], name: str, add: str, remove: str) -> list[str]:
        """The items as typed, with "Add another item" / "Remove" applied."""
        most = MOST_LIST_ANSWERS
        count = min(_int(data.get(f"n-{name}"), self.items), most)
        items = [_posted_text(data.get(f"a-{name}-{i}")) for i in range(max(count, 1))]
        if add == name and len(items) < most:
            items.append("")
        if remove.startswith(f"{name}:"):
            index = _int(remove.split(":", 1)[1], -1)
            if 0 <= index < len(items) and len(items) > 1:
                items.pop(index)
        return items

    def check(self, value: list[str]) -> Checked:
        errors = {
            f"-{i}": problem
            for i, item in enumerate(value)
            if (problem := answer_text_problem(item))
        }
        if errors:
            return Checked(errors=errors)
        return Checked([item.strip() for item in value if item.strip()] or None)

    def readable(self, value: Any) -> Answer:
        if not isinstance(value, list):
            return super().readable(value)
        return Answer(self.label, self.type, items=tuple(str(v) for v in value))


@dataclass(frozen=True)
class IStatementPrompt(Prompt):
    type: ClassVar[str] = "i_statement"
    type_label: ClassVar[str] = "\u201cI\u201d statement (I feel / when / because / I need)"

    def blank(self) -> dict[str, str]:
        return {part: "" for part, _ in I_PARTS}

    def read_post(self, data: Mapping[str, str], name: str, add: str, remove: str) -> Any:
        return {part: _posted_text(data.get(f"a-{name}-{part}")) for part, _ in I_PARTS}

    def check(self, value: dict[str, str]) -> Checked:
        errors = {
            f"-{part}": problem
            for part, _ in I_PARTS
            if (problem := answer_text_problem(value[part]))
        }
        if errors:
            return Checked(errors=errors)
        parts = {part: value[part].strip() for part, _ in I_PARTS}
        return Checked(parts if any(parts.values()) else None)

    def readable(self, value: Any) -> Answer:
        if not isinstance(value, dict):
            return super().readable(value)
        return Answer(self.label, self.type, text=i_statement_sentence(value))


@dataclass(frozen=True)
class ScalePrompt(Prompt):
    type: ClassVar[str] = "scale"
    type_label: ClassVar[str] = "A 1\u20135 scale"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"low", "high"})

    low: str = ""
    high: str = ""

    def describe(self) -> str:
        return f"A 1\u20135 scale, from \u201c{self.low}\u201d (1) to \u201c{self.high}\u201d (5)"

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"low": self.low, "high": self.high}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        return {
            end: check.text(raw, end, f"{where}.{end}", limit=LIMITS["scale_label"], one_line=True)
            for end in ("low", "high")
        }

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {"low": str(raw.get("low", "")), "high": str(raw.get("high", ""))}

    def check(self, value: str) -> Checked:
        if not value:
            return Checked()
        if value not in SCALE_POINTS:
            return Checked(errors={"": "Choose a number from 1 to 5."})
        return Checked(int(value))

    def readable(self, value: Any) -> Answer:
        ends = f" (1 = {self.low}, 5 = {self.high})" if self.low or self.high else ""
        return Answer(self.label, self.type, text=f"{value} of 5{ends}")


@dataclass(frozen=True)
class YesNoPrompt(Prompt):
    type: ClassVar[str] = "yes_no"
    type_label: ClassVar[str] = "Yes or no"

    def check(self, value: str) -> Checked:
        if not value:
            return Checked()
        if value not in ("yes", "no"):
            return Checked(errors={"": "Choose yes or no."})
        return Checked(value)

    def readable(self, value: Any) -> Answer:
        return Answer(self.label, self.type, text="Yes" if value == "yes" else "No")


PROMPT_CLASSES: dict[str, type[Prompt]] = {
    cls.type: cls for cls in (TextPrompt, ListPrompt, IStatementPrompt, ScalePrompt, YesNoPrompt)
}
# Type → how it is named to counselors, in the order the editor offers them.
PROMPT_TYPES = {kind: cls.type_label for kind, cls in PROMPT_CLASSES.items()}
COMMON_PROMPT_KEYS = frozenset({"key", "type", "label", "help"})


def prompt_from_json(raw: Mapping[str, Any]) -> Prompt:
    """A stored prompt as its type (an unknown type reads as free text, never a crash)."""
    cls = PROMPT_CLASSES.get(str(raw.get("type")), TextPrompt)
    return cls(
        key=str(raw.get("key", "")),
        label=str(raw.get("label", "")),
        help=str(raw.get("help") or ""),
        **cls._extra_from_json(raw),
    )


def parse_prompts(raw: Iterable[Mapping[str, Any]] | None) -> list[Prompt]:
    """Stored prompts (an exercise's, or an assignment snapshot's) as typed prompts."""
    return [prompt_from_json(p) for p in raw or []]


def read_prompts(
    check: Problems, raw: Any, count: tuple[int, int]
) -> list[Prompt]:
    """Prompts written by hand (a seed file, the editor's fields), every problem recorded in
    `check`: keys unique and well formed, known types, texts within LIMITS, each type's own
    rules. `count` is how many prompts the source may have."""
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
            table, "help", f"{where}.help", limit=LIMITS["prompt_help"], required=False,
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
        if len(extra) == len(cls.extra_keys):
            prompts.append(cls(key=key, label=label, help=help_text, **extra))
    return prompts


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
        }


_CONTENT_FIELDS = (
    "slug", "title", "category", "goal", "why", "steps", "prompts", "frequency", "duration",
    "sources",
)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _posted_text(value: Any) -> str:
    # Normalised newlines so the length limit counts what people see.
    return normalize_newlines(value) if isinstance(value, str) else ""
