"""Homework forms: assigning, changing and reviewing homework."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from practice.formatting import today_local
from practice.forms import max_length, normalize_newlines, plain_text
from practice.homework.due_dates import example_date
from practice.homework.models import FREQUENCIES
from practice.reminders.forms import ReminderChoiceForm

NOTE_LIMIT = 5000
# Exercises assigned in one go: a week's plan, not the whole library.
MAX_AT_ONCE = 5


def _optional_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class WholeNumberField(IntegerField):
    """An IntegerField whose complaint about letters is written for people."""

    def __init__(self, *args, invalid_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.invalid_message) from error


class AssignForm(ReminderChoiceForm):  # + the reminder rule and "email the links now"
    """Assign one or several exercises with the same partners, due date and frequency."""

    exercises = SelectMultipleField(
        "Exercises",
        filters=[lambda chosen: [slug for slug in (chosen or []) if slug]],
        validators=[DataRequired(message="Choose at least one exercise.")],
        description="Choose one or several: each becomes its own homework, due the same day.",
    )
    partners = RadioField("Who does it", default="both")
    due_date = DateField("Due date")
    frequency = RadioField(
        "How often",
        choices=dict(FREQUENCIES),
        default="once",
        validators=[DataRequired(message="Choose how often.")],
    )
    times_per_week = WholeNumberField(
        "How many times a week",
        description="A number from 1 to 7.",
        invalid_message="Enter how many times a week as a number from 1 to 7, like 3.",
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
    roles = RadioField(
        "Roles",
        default="",
        description="For exercises with roles: speaker and listener, or the partner who was "
        "hurt and the one repairing. Each partner then sees only their own questions.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The example is a date the form accepts: a week ahead, never one in the past.
        example = example_date(today_local())
        self.due_date.validators = [DataRequired(message=f"Enter a due date, like {example}.")]

    def validate_exercises(self, field_) -> None:
        if len(field_.data or []) > MAX_AT_ONCE:
            raise ValidationError(f"Choose at most {MAX_AT_ONCE} exercises at once.")

    def validate_times_per_week(self, field_) -> None:
        if self.frequency.data != "weekly":
            field_.errors = []  # a stray number is harmless when it is not weekly
            field_.data = None
            return
        if field_.errors:
            return  # letters: WholeNumberField already said so
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
        if field_.data not in self.session_id.choices:  # type: ignore[operator]  # a dict here; stubs allow None
            raise ValidationError("Choose one of this couple's sessions.")


class AssignmentEditForm(FlaskForm):
    due_date = DateField("Due date")
    note = TextAreaField(
        "Note to the couple",
        filters=[normalize_newlines],
        validators=[Optional(), max_length(NOTE_LIMIT), plain_text],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_date.validators = [
            DataRequired(message=f"Enter a due date, like {example_date(today_local())}.")
        ]


class ReviewForm(FlaskForm):
    remarks = TextAreaField(
        "Review remarks (optional)",
        filters=[normalize_newlines],
        validators=[Optional(), max_length(NOTE_LIMIT), plain_text],
        description="Only you see these.",
    )
