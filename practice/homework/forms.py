"""Homework forms: assigning, changing and reviewing homework."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from practice.formatting import today_local
from practice.forms import max_length, normalize_newlines, plain_text
from practice.homework.models import FREQUENCIES
from practice.reminders.forms import ReminderChoiceForm

NOTE_LIMIT = 5000


def _optional_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class AssignForm(ReminderChoiceForm):  # + the reminder rule and "email the links now"
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
