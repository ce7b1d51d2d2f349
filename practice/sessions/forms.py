from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    TextAreaField,
    ValidationError,
)

# New in WTForms 3.3; types-WTForms does not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import InputRequired, NumberRange, Optional

from practice.couples.models import Couple
from practice.forms import max_length, normalize_newlines, plain_text
from practice.homework.models import Assignment
from practice.sessions.models import SESSION_FORMATS, CounselingSession
from practice.sessions.services import Review, SessionDetails, local_to_utc, utc_to_local

NOTES_LIMIT = 20_000
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
# Far enough to record old files, near enough that time zone arithmetic cannot overflow.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input whose unreadable values get a message a person understands."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a date and time, like 2025-03-14 15:30.") from error


def _sane_year(form, field) -> None:
    if field.data and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(f"Enter a year between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def _text(label: str, limit: int, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        filters=[normalize_newlines],
        validators=[Optional(), max_length(limit), plain_text],
        description=description,
    )


class SessionForm(FlaskForm):
    """A session as the counselor records it. Times are typed in the counselor's zone."""

    starts_at = LocalDateTimeField(
        "Date and time",
        format=DATETIME_FORMATS,
        validators=[InputRequired(message="Enter the date and time of the session."), _sane_year],
    )
    duration_minutes = IntegerField(
        "Length in minutes",
        default=50,
        validators=[
            InputRequired(message="Enter the length in minutes."),
            NumberRange(min=1, max=480, message="Enter a length between 1 and 480 minutes."),
        ],
    )
    format = RadioField(
        "Format",
        choices=[SelectChoice(value, label) for value, label in SESSION_FORMATS.items()],
        default="in_person",
        validators=[InputRequired(message="Choose how the session took place.")],
    )
    attendance = RadioField(
        "Who attended",
        default="both",
        validators=[InputRequired(message="Choose who attended.")],
    )
    focus = _text("Focus areas", 2_000, "What the session was about. Printed on both copies.")
    couple_summary = _text(
        "Summary for the couple",
        NOTES_LIMIT,
        "Written for the couple: printed on their copy.",
    )
    next_steps = _text("Next steps", 5_000, "Printed on both copies.")
    next_appointment_at = LocalDateTimeField(
        "Next appointment (optional)",
        format=DATETIME_FORMATS,
        validators=[Optional(), _sane_year],
    )
    include_progress = BooleanField(
        "Include progress in the couple's copy",
        description="The progress chart (both partners' totals only, no answers). The "
        "counselor copy always has it.",
    )
    private_notes = _text(
        "Private notes",
        NOTES_LIMIT,
        "Only for you: never printed on the couple's copy.",
    )

    def set_partner_choices(self, couple: Couple) -> None:
        """'Who attended' names the partners instead of numbering them."""
        self.attendance.choices = [SelectChoice("both", "Both partners")] + [
            SelectChoice(f"partner{p.position}", f"{p.display_name} only") for p in couple.partners
        ]

    def validate_next_appointment_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("The next appointment should be after this session.")

    def details(self, tz: str | None) -> SessionDetails:
        """The typed values as a SessionDetails, times converted from `tz` to naive UTC."""
        next_at = self.next_appointment_at.data
        starts_at, duration = self.starts_at.data, self.duration_minutes.data
        # Both are InputRequired: details() is only read from a validated form.
        assert starts_at is not None and duration is not None
        return SessionDetails(
            starts_at=local_to_utc(starts_at, tz),
            duration_minutes=duration,
            format=self.format.data,
            attendance=self.attendance.data,
            focus=(self.focus.data or "").strip(),
            private_notes=self.private_notes.data or "",
            couple_summary=self.couple_summary.data or "",
            next_steps=self.next_steps.data or "",
            next_appointment_at=local_to_utc(next_at, tz) if next_at else None,
            include_progress=bool(self.include_progress.data),
        )

    def reviews(self, assignments: Iterable[Assignment]) -> dict[int, Review]:
        """The review box and remarks typed for each assignment offered by the form."""
        return {
            a.id: Review(
                reviewed=bool(self[f"reviewed_{a.id}"].data),
                remarks=self[f"remarks_{a.id}"].data or "",
            )
            for a in assignments
        }


def session_form(
    couple: Couple, assignments: Iterable[Assignment], data: dict[str, Any] | None = None
) -> SessionForm:
    """A SessionForm with a review box and a remarks field for each assignment to review.

    Fields are added to a subclass per request (the WTForms way to build dynamic forms), so a
    posted id that is not in `assignments` is simply ignored.
    """

    class ReviewingSessionForm(SessionForm):
        pass

    for assignment in assignments:
        setattr(ReviewingSessionForm, f"reviewed_{assignment.id}", BooleanField("Reviewed"))
        setattr(
            ReviewingSessionForm,
            f"remarks_{assignment.id}",
            _text(
                "Your remarks",
                5_000,
                "Printed on both copies under the homework once “Reviewed” is ticked; "
                "typing a remark ticks it.",
            ),
        )
    form = ReviewingSessionForm(data=data)
    form.set_partner_choices(couple)
    return form


def initial_data(
    counseling_session: CounselingSession | None,
    assignments: Iterable[Assignment],
    tz: str | None,
    now: datetime,
) -> dict[str, Any]:
    """What the form shows before anything is posted: the session's values or sensible defaults."""
    data: dict[str, Any] = {}
    if counseling_session is None:
        data["starts_at"] = utc_to_local(now, tz).replace(second=0, microsecond=0)
    else:
        s = counseling_session
        data.update(
            starts_at=utc_to_local(s.starts_at, tz),
            duration_minutes=s.duration_minutes,
            format=s.format,
            attendance=s.attendance,
            focus=s.focus,
            couple_summary=s.couple_summary,
            next_steps=s.next_steps,
            next_appointment_at=utc_to_local(s.next_appointment_at, tz),
            private_notes=s.private_notes,
            include_progress=s.include_progress,
        )
    session_id = counseling_session.id if counseling_session is not None else None
    for a in assignments:
        data[f"reviewed_{a.id}"] = session_id is not None and a.reviewed_session_id == session_id
        data[f"remarks_{a.id}"] = a.review_remarks or ""
    return data
