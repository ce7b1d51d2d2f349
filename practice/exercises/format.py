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
from datetime import date
from typing import Any, ClassVar

from practice.exercises.checks import CONTROL_CHARACTERS, Problems, kind_of
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
    "alias": 60,
    "not_for": 1000,
    "option": 160,
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

# Role pairings: an exercise's `roles`, and the two roles its prompts may belong to (the
# first is the one the assignment names: the speaker, or the partner who was hurt).
ROLE_KINDS = {
    "speaker_listener": ("speaker", "listener"),
    "hurt_repairing": ("hurt", "repairing"),
}
ROLES = {
    "speaker": "Speaker",
    "listener": "Listener",
    "hurt": "Hurt partner",
    "repairing": "Repairing partner",
}
# When a prompt is asked in homework that repeats ("every" when not said).
PHASES = {
    "start": "Once, at the start",
    "every": "Every time",
    "review": "In the end-of-week review",
}
# How often homework is done: an assignment's frequency, and an exercise's suggestion.
SCHEDULES = {
    "once": "Once",
    "daily": "Daily",
    "weekly": "Times a week",
    "fortnightly": "Every other week",
    "monthly": "Monthly",
    "event": "When it happens",
}
# The feeling words offered for the "I feel" part of an "I" statement (free text allowed).
FEELING_WORDS = (
    "hurt",
    "lonely",
    "overlooked",
    "worried",
    "anxious",
    "sad",
    "frustrated",
    "angry",
    "disappointed",
    "embarrassed",
    "overwhelmed",
    "tired",
    "scared",
    "confused",
    "jealous",
    "calm",
    "relieved",
    "grateful",
    "hopeful",
    "loved",
    "proud",
    "happy",
    "close",
    "safe",
)
# How many aliases, checklist options and grid rows; a timer's and a sitting's minutes.
ALIASES = (1, 12)
CHOICES = (2, 12)
GRID_ROWS = (2, 10)
TIMER_MINUTES = (1, 120)
SITTING_MINUTES = (1, 600)
TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)


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
    # Only the partner in this role is asked ("" for both), and when: "start", "every" or
    # "review" (see practice.exercises.placement).
    role: str = ""
    phase: str = "every"

    def describe(self) -> str:
        """The type in plain words, with its details."""
        return self.type_label

    def placement(self) -> str:
        """Who is asked and when, in plain words ("" for both partners, every time)."""
        parts = [f"{ROLES.get(self.role, self.role)} only"] if self.role else []
        if self.phase != "every":
            parts.append(PHASES.get(self.phase, self.phase).lower())
        return " \u00b7 ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The stored shape (`help`, `role` and `phase` only when they say something)."""
        data: dict[str, Any] = {"key": self.key, "type": self.type, "label": self.label}
        if self.help:
            data["help"] = self.help
        if self.role:
            data["role"] = self.role
        if self.phase != "every":
            data["phase"] = self.phase
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


def text_list(
    check: Problems,
    raw: Mapping[str, Any],
    key: str,
    where: str,
    bounds: tuple[int, int],
    limit: int,
) -> list[str] | None:
    """A list of short one-line texts (aliases, options, rows), or None after recording what
    is wrong with it."""
    low, high = bounds
    place = f"{where}.{key}" if where else key
    values = raw.get(key)
    if values is None:
        check.error(place, f"is missing (a list of {low} to {high} short texts)")
        return None
    if not isinstance(values, list):
        check.error(place, f"must be a list of texts, not {kind_of(values)}")
        return None
    before = len(check.messages)
    if not low <= len(values) <= high:
        check.error(place, f"has {len(values)} entries; give from {low} to {high}")
    cleaned = [
        check.text({"v": value}, "v", f"{place}[{n}]", limit=limit, one_line=True)
        for n, value in enumerate(values, start=1)
    ]
    seen: set[str] = set()
    for n, value in enumerate(cleaned, start=1):
        if value and value.casefold() in seen:
            check.error(f"{place}[{n}]", f'"{value}" is given twice')
        seen.add(value.casefold())
    return cleaned if len(check.messages) == before else None


def whole_number(
    check: Problems,
    raw: Mapping[str, Any],
    key: str,
    where: str,
    bounds: tuple[int, int],
    *,
    required: bool = True,
) -> int | None:
    low, high = bounds
    place = f"{where}.{key}" if where else key
    value = raw.get(key)
    if value is None:
        if required:
            check.error(place, f"is missing (a whole number from {low} to {high})")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        check.error(place, f"must be a whole number from {low} to {high}")
        return None
    return value


@dataclass(frozen=True)
class ChecklistPrompt(Prompt):
    """Tick any that apply. Stored: the ticked options' texts, in the prompt's order."""

    type: ClassVar[str] = "checklist"
    type_label: ClassVar[str] = "A checklist (tick any that apply)"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"options"})

    options: tuple[str, ...] = ()

    def describe(self) -> str:
        return "Tick any of: " + "; ".join(self.options)

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"options": list(self.options)}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        options = text_list(check, raw, "options", where, CHOICES, LIMITS["option"])
        return {} if options is None else {"options": tuple(options)}

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {"options": tuple(str(o) for o in raw.get("options") or [])}

    def blank(self) -> list[str]:
        return []

    def read_post(self, data: Any, name: str, add: str, remove: str) -> list[str]:
        # The ticked boxes' values are the options' positions ("0", "2"), as posted.
        getlist = getattr(data, "getlist", None)
        values = getlist(f"a-{name}") if getlist else [data.get(f"a-{name}", "")]
        return [str(v)[:4] for v in values if v][: len(self.options) + 1]

    def check(self, value: list[str]) -> Checked:
        if any(not v.isdigit() or int(v) >= len(self.options) for v in value):
            return Checked(errors={"": "Choose from the list."})
        ticked = {int(v) for v in value}
        return Checked([o for i, o in enumerate(self.options) if i in ticked] or None)

    def readable(self, value: Any) -> Answer:
        if not isinstance(value, list):
            return super().readable(value)
        return Answer(self.label, self.type, items=tuple(str(v) for v in value))


@dataclass(frozen=True)
class RatingGridPrompt(Prompt):
    """Each row rated 1 to 5. Stored: {row text: rating} for the rows rated."""

    type: ClassVar[str] = "rating_grid"
    type_label: ClassVar[str] = "A rating grid (each row from 1 to 5)"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"rows", "low", "high"})

    rows: tuple[str, ...] = ()
    low: str = ""
    high: str = ""

    def describe(self) -> str:
        return (
            f"Rate each from \u201c{self.low}\u201d (1) to \u201c{self.high}\u201d (5): "
            + "; ".join(self.rows)
        )

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"rows": list(self.rows), "low": self.low, "high": self.high}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        ends = ScalePrompt._read_extra(raw, check, where)
        rows = text_list(check, raw, "rows", where, GRID_ROWS, LIMITS["option"])
        if rows is None or not all(ends.values()):
            return {}
        return {"rows": tuple(rows), **ends}

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "rows": tuple(str(r) for r in raw.get("rows") or []),
            **ScalePrompt._extra_from_json(raw),
        }

    def blank(self) -> dict[str, str]:
        return {}

    def read_post(self, data: Any, name: str, add: str, remove: str) -> dict[str, str]:
        return {str(i): str(data.get(f"a-{name}-{i}") or "")[:2] for i in range(len(self.rows))}

    def check(self, value: dict[str, str]) -> Checked:
        errors = {
            f"-{i}": "Choose a number from 1 to 5."
            for i, rating in value.items()
            if rating and rating not in SCALE_POINTS
        }
        if errors:
            return Checked(errors=errors)
        rated = {
            self.rows[int(i)]: int(rating)
            for i, rating in value.items()
            if rating and i.isdigit() and int(i) < len(self.rows)
        }
        return Checked(rated or None)

    def readable(self, value: Any) -> Answer:
        if not isinstance(value, dict):
            return super().readable(value)
        rows = [row for row in self.rows if row in value]
        rows += [row for row in value if row not in rows]  # a row since renamed: still shown
        ends = f" (1 = {self.low}, 5 = {self.high})" if self.low or self.high else ""
        return Answer(
            self.label + ends, self.type, items=tuple(f"{row}: {value[row]} of 5" for row in rows)
        )


@dataclass(frozen=True)
class TimerPrompt(Prompt):
    """A timed turn, break or device-free block. Stored: "done" when the partner ticks it."""

    type: ClassVar[str] = "timer"
    type_label: ClassVar[str] = "A timer for a timed turn or break"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"minutes"})

    minutes: int = 5

    def describe(self) -> str:
        return f"A {self.minutes}-minute timer"

    def plain_text(self) -> str:
        """The timer in words: the whole of it without JavaScript, and on paper."""
        return f"Set a timer for {self.minutes} minute{'s' if self.minutes != 1 else ''}."

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"minutes": self.minutes}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        minutes = whole_number(check, raw, "minutes", where, TIMER_MINUTES)
        return {} if minutes is None else {"minutes": minutes}

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {"minutes": min(max(_int(raw.get("minutes"), 5), 1), TIMER_MINUTES[1])}

    def read_post(self, data: Any, name: str, add: str, remove: str) -> str:
        return str(data.get(f"a-{name}") or "")[:10]

    def check(self, value: str) -> Checked:
        if value and value != "done":
            return Checked(errors={"": "Tick the box, or leave it empty."})
        return Checked("done" if value else None)

    def readable(self, value: Any) -> Answer:
        return Answer(self.label, self.type, text="Done")


@dataclass(frozen=True)
class DateTimePrompt(Prompt):
    """A date and an optional time. Stored: {"date": "YYYY-MM-DD", "time"?: "HH:MM"}."""

    type: ClassVar[str] = "date_time"
    type_label: ClassVar[str] = "A date and time"

    def blank(self) -> dict[str, str]:
        return {"date": "", "time": ""}

    def read_post(self, data: Any, name: str, add: str, remove: str) -> dict[str, str]:
        return {
            part: str(data.get(f"a-{name}-{part}") or "").strip()[:10] for part in ("date", "time")
        }

    def check(self, value: dict[str, str]) -> Checked:
        day, time = value.get("date", ""), value.get("time", "")
        errors = {}
        parsed = _date(day)
        if day and parsed is None:
            errors["-date"] = "Enter a date like 2026-12-31."
        elif parsed and not EARLIEST_DATE <= parsed <= LATEST_DATE:
            errors["-date"] = "Enter a date between 2000 and 2100."
        if time and not TIME_OF_DAY.match(time):
            errors["-time"] = "Enter a time like 19:30."
        elif time and not day:
            errors["-date"] = "Add the date for this time."
        if errors:
            return Checked(errors=errors)
        if not day:
            return Checked()
        return Checked({"date": day, "time": time} if time else {"date": day})

    def readable(self, value: Any) -> Answer:
        if not isinstance(value, dict):
            return super().readable(value)
        return Answer(self.label, self.type, text=when_text(value))


def when_text(value: Mapping[str, str]) -> str:
    """ "Thursday 3 December 2026 at 19:30" (the date as given when it cannot be read)."""
    parsed = _date(value.get("date", ""))
    text = f"{parsed:%A} {parsed.day} {parsed:%B %Y}" if parsed else str(value.get("date", ""))
    return f"{text} at {value['time']}" if value.get("time") else text


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


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


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _posted_text(value: Any) -> str:
    # Normalised newlines so the length limit counts what people see.
    return normalize_newlines(value) if isinstance(value, str) else ""
