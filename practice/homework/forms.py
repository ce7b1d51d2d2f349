"""Homework forms: the counselor's (Flask-WTF) and the partner's entry form (built from prompts)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from practice.formatting import today_local
from practice.forms import _CONTROL, max_length, normalize_newlines, plain_text
from practice.homework.models import FREQUENCIES, VISIBILITIES
from practice.homework.services import Submission, i_statement_sentence

NOTE_LIMIT = 5000


def _optional_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class AssignForm(FlaskForm):
    exercise = SelectField("Exercise", validators=[DataRequired(message="Choose an exercise.")])
    partners = RadioField("Who does it", default="both")
    due_date = DateField(
        "Due date", validators=[DataRequired(message="Enter a due date, like 2025-03-14.")]
    )
    frequency = RadioField(
        "How often", choices=dict(FREQUENCIES), default="once",
        validators=[DataRequired(message="Choose how often.")],
    )
    times_per_week = IntegerField(
        "Times a week", description="Only for \u201ctimes a week\u201d: a number from 1 to 7."
    )
    note = TextAreaField(
        "Note to the couple (optional)",
        filters=[normalize_newlines],
        validators=[Optional(), max_length(NOTE_LIMIT), plain_text],
        description="Both partners see this on their page.",
    )
    session_id = SelectField(
        "Counseling session (optional)", coerce=_optional_int, validate_choice=False
    )

    def validate_times_per_week(self, field_) -> None:
        if self.frequency.data != "weekly":
            field_.errors = []  # a stray number is harmless when it is not weekly
            field_.data = None
            return
        if field_.data is None:
            raise ValidationError("Enter how many times a week, from 1 to 7.")
        if not 1 <= field_.data <= 7:
            raise ValidationError("Enter a number from 1 to 7.")

    def validate_due_date(self, field_) -> None:
        if field_.data and field_.data < today_local():
            raise ValidationError("Choose today or a later date.")
        if field_.data and field_.data > today_local() + timedelta(days=366):
            raise ValidationError("Choose a date within the next year.")

    def validate_session_id(self, field_) -> None:
        if field_.data not in self.session_id.choices:
            raise ValidationError("Choose one of this couple's sessions.")


class AssignmentEditForm(FlaskForm):
    due_date = DateField(
        "Due date", validators=[DataRequired(message="Enter a due date, like 2025-03-14.")]
    )
    note = TextAreaField(
        "Note to the couple",
        filters=[normalize_newlines],
        validators=[Optional(), max_length(NOTE_LIMIT), plain_text],
    )


class ReviewForm(FlaskForm):
    remarks = TextAreaField(
        "Review remarks (optional)",
        filters=[normalize_newlines],
        validators=[Optional(), max_length(NOTE_LIMIT), plain_text],
        description="Only you see these.",
    )


# ------------------------------------------------------------------ the partner's entry form

ANSWER_LIMIT = 10_000
NOTE_FIELD_LIMIT = 20_000
MAX_LIST_ITEMS = 20
I_PARTS = (("feel", "I feel"), ("when", "when"), ("because", "because"), ("need", "I need"))
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


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
