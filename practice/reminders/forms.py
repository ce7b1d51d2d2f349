from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from practice.reminders.rhythm import NUDGED
from practice.reminders.rules import FIRST_HOUR, LAST_HOUR, RULES

HOURS = {hour: f"{hour:02d}:00" for hour in range(FIRST_HOUR, LAST_HOUR + 1)}


class ReminderSettingsForm(FlaskForm):
    default_rule = SelectField("Reminders for new homework", choices=RULES)
    default_hour = SelectField(
        "Send reminders at (the partner's local time)",
        choices=HOURS,  # type: ignore[arg-type]  # {value: label}; types-WTForms wants str keys
        coerce=int,
    )
    subject = StringField(
        "Subject line of emails to partners",
        validators=[DataRequired("Write a subject line."), Length(max=120)],
        description="Keep it neutral: partners' inboxes may be seen by others.",
    )
    digest_enabled = BooleanField(
        "Send each counselor a daily digest",
        description="At 08:00 in the counselor's time zone: counts of new entries, homework "
        "due this week and overdue, with a sign-in link. No client names or content.",
    )


class ReminderChoiceForm(FlaskForm):
    """The assign form's reminder fields: `practice.homework.forms.AssignForm` inherits
    them. The view presets the practice's defaults."""

    reminder_rule = SelectField("Remind each partner", choices=RULES)
    reminder_hour = SelectField(
        "At (the partner's local time)",
        choices=HOURS,  # type: ignore[arg-type]  # {value: label}; types-WTForms wants str keys
        coerce=int,
    )
    email_links = BooleanField("Email each partner their link now", default=True)

    def validate_reminder_rule(self, field_) -> None:
        frequency = getattr(self, "frequency", None)
        if field_.data != "daily_nudge" or frequency is None or frequency.data in NUDGED:
            return
        if frequency.data == "event":
            raise ValidationError(
                "“When it happens” homework has no rhythm to nudge by: remind the day "
                "before or on the due day (its review) instead."
            )
        raise ValidationError(
            "A nudge follows a repeating schedule (daily, times a week, every other week or "
            "monthly): choose another reminder for one-off homework."
        )
