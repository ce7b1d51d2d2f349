"""The partner's entry form, built by hand from the assignment's frozen prompts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from practice.forms import _CONTROL, normalize_newlines
from practice.homework.answers import i_statement_sentence
from practice.homework.models import VISIBILITIES
from practice.partner.services import Submission, new_submission_key

ANSWER_LIMIT = 10_000
NOTE_FIELD_LIMIT = 20_000
MAX_LIST_ITEMS = 20
I_PARTS = (("feel", "I feel"), ("when", "when"), ("because", "because"), ("need", "I need"))
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class EntryForm:
    """The partner's form: what they typed (to show back) and what is wrong with it.

    Built by hand from the assignment's frozen prompts; field names are `a-<key>` (with
    `-<n>` for list items and `-feel/-when/-because/-need` for "I" statements). Unknown or
    tampered field names are ignored; bad values get a message, never a crash."""

    prompts: list[dict[str, Any]]
    values: dict[str, Any] = field(default_factory=dict)
    completion_note: str = ""
    connection_rating: str = ""
    visibility: str = "counselor"
    private_note: str = ""
    submission_key: str = field(default_factory=new_submission_key)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, prompts: list[dict[str, Any]]) -> EntryForm:
        form = cls(prompts=prompts)
        for prompt in prompts:
            if prompt.get("type") == "list":
                form.values[prompt["key"]] = [""] * _list_size(prompt)
            elif prompt.get("type") == "i_statement":
                form.values[prompt["key"]] = {part: "" for part, _ in I_PARTS}
            else:
                form.values[prompt["key"]] = ""
        return form

    @classmethod
    def from_post(cls, prompts: list[dict[str, Any]], data) -> EntryForm:
        """Read every field back as typed, applying "add another item" / "remove" buttons."""
        key = data.get("submission_key", "")
        form = cls(
            prompts=prompts,
            completion_note=_text(data.get("completion_note")),
            connection_rating=data.get("connection_rating", "")[:5],
            visibility=data.get("visibility", "counselor")[:20],
            private_note=_text(data.get("private_note")),
            submission_key=key if _KEY_SHAPE.match(key) else new_submission_key(),
        )
        add, remove = data.get("add", ""), data.get("remove", "")
        for prompt in prompts:
            name, kind = prompt["key"], prompt.get("type")
            if kind == "list":
                count = min(_int(data.get(f"n-{name}"), _list_size(prompt)), MAX_LIST_ITEMS)
                items = [_text(data.get(f"a-{name}-{i}")) for i in range(max(count, 1))]
                if add == name and len(items) < MAX_LIST_ITEMS:
                    items.append("")
                if remove.startswith(f"{name}:"):
                    index = _int(remove.split(":", 1)[1], -1)
                    if 0 <= index < len(items) and len(items) > 1:
                        items.pop(index)
                form.values[name] = items
            elif kind == "i_statement":
                form.values[name] = {
                    part: _text(data.get(f"a-{name}-{part}")) for part, _ in I_PARTS
                }
            else:
                form.values[name] = _text(data.get(f"a-{name}"))
        return form

    def i_preview(self, key: str) -> str:
        return i_statement_sentence(self.values.get(key) or {})

    def validate(self) -> Submission | None:
        """The submission if everything is acceptable; otherwise fills `errors`."""
        answers: dict[str, Any] = {}
        for prompt in self.prompts:
            name, kind = prompt["key"], prompt.get("type")
            value = self.values.get(name)
            if kind == "list":
                kept = [item.strip() for item in value if item.strip()]
                if any(self._text_error(f"{name}-{i}", item) for i, item in enumerate(value)):
                    continue
                if kept:
                    answers[name] = kept
            elif kind == "i_statement":
                parts = {part: value[part].strip() for part, _ in I_PARTS}
                if any(self._text_error(f"{name}-{part}", value[part]) for part, _ in I_PARTS):
                    continue
                if any(parts.values()):
                    answers[name] = parts
            elif kind == "scale":
                if value:
                    if value not in {"1", "2", "3", "4", "5"}:
                        self.errors[name] = "Choose a number from 1 to 5."
                    else:
                        answers[name] = int(value)
            elif kind == "yes_no":
                if value:
                    if value not in {"yes", "no"}:
                        self.errors[name] = "Choose yes or no."
                    else:
                        answers[name] = value
            else:
                if not self._text_error(name, value) and value.strip():
                    answers[name] = value.strip()
        self._text_error("completion_note", self.completion_note, NOTE_FIELD_LIMIT)
        self._text_error("private_note", self.private_note, NOTE_FIELD_LIMIT)
        rating = None
        if self.connection_rating:
            if self.connection_rating not in {"1", "2", "3", "4", "5"}:
                self.errors["connection_rating"] = "Choose a number from 1 to 5, or leave it empty."
            else:
                rating = int(self.connection_rating)
        if self.visibility not in VISIBILITIES:
            self.errors["visibility"] = "Choose who may see this entry."
        if not self.errors and not answers and not self.completion_note.strip():
            self.errors["form"] = "Write at least one answer or a note before you send."
        if self.errors:
            return None
        return Submission(
            submission_key=self.submission_key,
            answers=answers,
            completion_note=self.completion_note.strip(),
            connection_rating=rating,
            visibility=self.visibility,
            private_note=self.private_note.strip(),
        )

    def _text_error(self, name: str, value: str, limit: int = ANSWER_LIMIT) -> bool:
        if len(value) > limit:
            self.errors[name] = f"This is too long: keep it to {limit:,} characters or fewer."
        elif _CONTROL.search(value):
            self.errors[name] = "Remove the invisible control characters from this text."
        return name in self.errors


def _list_size(prompt: dict[str, Any]) -> int:
    return min(max(_int(prompt.get("items"), 3), 1), MAX_LIST_ITEMS)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _text(value: Any) -> str:
    # Normalised newlines so the length limit counts what people see.
    return normalize_newlines(value) if isinstance(value, str) else ""
