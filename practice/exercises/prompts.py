"""A prompt: what each partner answers after doing an exercise, and how their answer is read,
checked and shown. `Prompt` is free text; the written types (a list, an "I" statement) are
here too; the types answered by choosing are in choice_prompts, the timed ones in
time_prompts. practice.exercises.format names them all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from practice.exercises.checks import Problems
from practice.exercises.limits import (
    I_PARTS,
    LIST_ITEMS,
    MOST_LIST_ANSWERS,
    PHASES,
    ROLES,
    answer_text_problem,
    list_items_problem,
)
from practice.forms import normalize_newlines


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
        return posted_text(data.get(f"a-{name}"))

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
        return {"items": min(max(int_or(raw.get("items"), 3), 1), MOST_LIST_ANSWERS)}

    def blank(self) -> list[str]:
        return [""] * self.items

    def read_post(self, data: Mapping[str, str], name: str, add: str, remove: str) -> list[str]:
        """The items as typed, with "Add another item" / "Remove" applied."""
        most = MOST_LIST_ANSWERS
        count = min(int_or(data.get(f"n-{name}"), self.items), most)
        items = [posted_text(data.get(f"a-{name}-{i}")) for i in range(max(count, 1))]
        if add == name and len(items) < most:
            items.append("")
        if remove.startswith(f"{name}:"):
            index = int_or(remove.split(":", 1)[1], -1)
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
        return {part: posted_text(data.get(f"a-{name}-{part}")) for part, _ in I_PARTS}

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


def int_or(value: Any, default: int) -> int:
    """A posted or stored number, or `default` when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def posted_text(value: Any) -> str:
    """A posted field as text (anything else: empty)."""
    # Normalised newlines so the length limit counts what people see.
    return normalize_newlines(value) if isinstance(value, str) else ""
