from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, Form, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from practice.couples.services import PartnerDetails
from practice.forms import email_address, max_length, normalize_newlines, plain_text, strip


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
        validators=[Optional(), max_length(254), email_address],
    )
    pronouns = StringField(
        "Pronouns (optional)",
        filters=[strip],
        validators=[Optional(), max_length(40), plain_text],
        description="For example: she/her, he/him, they/them.",
    )

    def details(self) -> PartnerDetails:
        return PartnerDetails(
            display_name=self.display_name.data,
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
