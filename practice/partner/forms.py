"""The partner's entry form, built by hand from the assignment's frozen prompts."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from practice.exercises.limits import answer_text_problem
from practice.exercises.prompts import Prompt, i_statement_sentence
from practice.forms import normalize_newlines
from practice.homework.models import VISIBILITIES
from practice.partner.services import Submission, new_submission_key

NOTE_FIELD_LIMIT = 20_000
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class EntryForm:
    """The partner's form: what they typed (to show back) and what is wrong with it.

    Built by hand from the assignment's frozen prompts; field names are `a-<key>` (with
    `-<n>` for list items and `-feel/-when/-because/-need` for "I" statements). Unknown or
    tampered field names are ignored; bad values get a message, never a crash. How each
    prompt's answer is read and checked is its type's business (practice.exercises.format)."""

    prompts: Sequence[Prompt]
    values: dict[str, Any] = field(default_factory=dict)
    completion_note: str = ""
    connection_rating: str = ""
    visibility: str = "counselor"
    private_note: str = ""
    submission_key: str = field(default_factory=new_submission_key)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, prompts: Sequence[Prompt]) -> EntryForm:
        form = cls(prompts=prompts)
        for prompt in prompts:
            form.values[prompt.key] = prompt.blank()
        return form

    @classmethod
    def from_post(cls, prompts: Sequence[Prompt], data: Mapping[str, str]) -> EntryForm:
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
            form.values[prompt.key] = prompt.read_post(data, prompt.key, add, remove)
        return form

    def i_preview(self, key: str) -> str:
        return i_statement_sentence(self.values.get(key) or {})

    def validate(self) -> Submission | None:
        """The submission if everything is acceptable; otherwise fills `errors`."""
        answers: dict[str, Any] = {}
        for prompt in self.prompts:
            checked = prompt.check(self.values.get(prompt.key))
            for suffix, message in checked.errors.items():
                self.errors[prompt.key + suffix] = message
            if not checked.errors and checked.value is not None:
                answers[prompt.key] = checked.value
        self._text_error("completion_note", self.completion_note)
        self._text_error("private_note", self.private_note)
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

    def _text_error(self, name: str, value: str) -> None:
        problem = answer_text_problem(value, NOTE_FIELD_LIMIT)
        if problem:
            self.errors[name] = problem


def _text(value: Any) -> str:
    # Normalised newlines so the length limit counts what people see.
    return normalize_newlines(value) if isinstance(value, str) else ""
