from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from practice.reminders.models import FIRST_HOUR, LAST_HOUR, RULES

HOURS = {hour: f"{hour:02d}:00" for hour in range(FIRST_HOUR, LAST_HOUR + 1)}


class ReminderSettingsForm(FlaskForm):
    default_rule = SelectField("Reminders for new homework", choices=RULES)
    default_hour = SelectField(
        "Send reminders at (the partner's local time)", choices=HOURS, coerce=int
    )
    subject = StringField(
        "Subject line of emails to partners",
        validators=[DataRequired("Write a subject line."), Length(max=120)],
        description="Keep it neutral: partners' inboxes may be seen by others.",
    )
