"""The partner's entry form, built by hand from the assignment's frozen prompts."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from practice.exercises.limits import ANSWER_LIMIT, I_PARTS, answer_text_problem
from practice.exercises.prompts import Prompt, i_statement_sentence
from practice.forms import normalize_newlines
from practice.homework.models import VISIBILITIES
from practice.partner.services import Submission, new_submission_key

NOTE_FIELD_LIMIT = 20_000
# The questions after the exercise, in page order: the id of the field a summary link
# moves to (a radio group's first option) and the words the partner reads beside it.
_AFTER_FIELDS = {
    "completion_note": ("completion_note", "How did it go?"),
    "connection_rating": ("connection_rating-1", "How connected did you feel"),
    "visibility": ("visibility-1", "Who may read this entry"),
    "private_note": ("private_note", "Only my counselor will see this"),
}
_I_PART_LABELS = dict(I_PARTS)
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
    answer_limit: int = ANSWER_LIMIT
    note_limit: int = NOTE_FIELD_LIMIT

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

    def error_links(self) -> list[tuple[str, str]]:
        """The page's error summary, in page order: (the id of the field to fix, the problem
        led by the question it is about). Ids are those partner/_client_form.html gives."""
        links = []
        for prompt in self.prompts:
            for name, message in self.errors.items():
                suffix = name[len(prompt.key) :]
                if name.startswith(prompt.key) and (suffix == "" or suffix.startswith("-")):
                    where = _field_id(prompt, suffix)
                    links.append((where, _problem(_question(prompt, suffix), message)))
        for name, (where, question) in _AFTER_FIELDS.items():
            if name in self.errors:
                links.append((where, _problem(question, self.errors[name])))
        if "form" in self.errors:
            first = _first_field(self.prompts[0]) if self.prompts else "completion_note"
            links.append((first, self.errors["form"]))
        return links

    def _text_error(self, name: str, value: str) -> None:
        problem = answer_text_problem(value, NOTE_FIELD_LIMIT)
        if problem:
            self.errors[name] = problem


def _field_id(prompt: Prompt, suffix: str) -> str:
    """Where the partner fixes an answer: the box, or a group's first choice."""
    if prompt.type in ("scale", "yes_no"):
        return f"a-{prompt.key}-1"
    if prompt.type == "checklist":
        return f"a-{prompt.key}-0"
    if prompt.type == "rating_grid":
        return f"a-{prompt.key}{suffix}-1"
    return f"a-{prompt.key}{suffix}"


def _first_field(prompt: Prompt) -> str:
    """A prompt's first box, where "write at least one answer" sends the partner."""
    first = {"list": "-0", "i_statement": "-feel", "rating_grid": "-0", "date_time": "-date"}
    return _field_id(prompt, first.get(prompt.type, ""))


def _problem(question: str, message: str) -> str:
    """ "What touched you: This is too long…" (a question's own "?" dropped before the colon)."""
    return f"{question.rstrip('?:. ')}: {message}"


def _question(prompt: Prompt, suffix: str) -> str:
    """The question an error is about, with the item or part when it is one of several."""
    part = suffix[1:]
    if prompt.type == "list" and part.isdigit():
        return f"{prompt.label}, item {int(part) + 1}"
    if prompt.type == "i_statement" and part in _I_PART_LABELS:
        return f"{prompt.label}, \u201c{_I_PART_LABELS[part]}\u201d"
    return prompt.label


def _text(value: Any) -> str:
    # Normalised newlines so the length limit counts what people see.
    return normalize_newlines(value) if isinstance(value, str) else ""
