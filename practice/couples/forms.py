from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Optional

from practice.couples.services import PartnerDetails
from practice.forms import email_address, max_length, normalize_newlines, plain_text, strip
from practice.settings.services import time_zones


class PartnerForm(Form):
    """One partner's details; the couple form holds two of these."""

    display_name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired(message="Enter this partner's name."), max_length(80), plain_text],
    )
    email = EmailField(
        "Email (optional)",
        filters=[strip],
        validators=[Optional(), max_length(254), plain_text, email_address],
    )
    pronouns = StringField(
        "Pronouns (optional)",
        filters=[strip],
        validators=[Optional(), max_length(40), plain_text],
        description="For example: she/her, he/him, they/them.",
    )
    # Reminder emails go out at this zone's local hours (practice.reminders).
    timezone = SelectField(
        "Time zone for reminders",
        choices=lambda: {"": "Same as the counselor's"} | {z: z for z in time_zones()},
        default="",
    )

    def details(self) -> PartnerDetails:
        return PartnerDetails(
            display_name=self.display_name.data or "",
            email=self.email.data or None,
            pronouns=self.pronouns.data or None,
        )


class CoupleForm(FlaskForm):
    partner1 = FormField(PartnerForm, label="First partner")
    partner2 = FormField(PartnerForm, label="Second partner")
    goals = TextAreaField(
        "Goals for therapy",
        filters=[normalize_newlines],
        validators=[Optional(), max_length(5000), plain_text],
        description="What the couple hopes to change. Only you see this.",
    )

    def partner_details(self) -> tuple[PartnerDetails, PartnerDetails]:
        return (self.partner1.form.details(), self.partner2.form.details())


class DeleteCoupleForm(FlaskForm):
    """Deleting for good asks for the couple's name, typed exactly as shown."""

    confirm_name = StringField(
        "Type the couple's name to confirm",
        filters=[strip],
        validators=[DataRequired(message="Type the couple's name to confirm."), max_length(300)],
    )

    def __init__(self, expected_name: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_name = expected_name

    def validate_confirm_name(self, field) -> None:
        if field.data != self.expected_name:
            raise ValidationError(
                f"That does not match. Type “{self.expected_name}” exactly as shown."
            )
