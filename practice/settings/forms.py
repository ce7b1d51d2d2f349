from __future__ import annotations

import json

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

# New in WTForms 3.3; types-WTForms does not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, ValidationError

from practice import timezones
from practice.forms import max_length, normalize_newlines, plain_text, strip
from practice.settings.services import PAPER_SIZES, LogoError, check_logo


def _logo(form: PracticeSettingsForm, field: FileField) -> None:
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        form.logo_bytes = None
        return
    try:
        form.logo_bytes, _ = check_logo(upload.read())
    except LogoError as error:
        raise ValidationError(str(error)) from None


class PracticeNameAndZoneForm(FlaskForm):
    """What set-up asks before anything else: the practice's name and its time zone."""

    practice_name = StringField(
        "Practice name",
        filters=[strip],
        validators=[
            DataRequired(message="Enter the practice's name."),
            max_length(120),
            plain_text,
        ],
        description="Printed on every summary and handout, and shown on every page.",
    )
    timezone = SelectField(
        "Practice time zone",
        validators=[DataRequired(message="Choose the practice's time zone.")],
        description="Dates on printouts and client pages are shown in this zone.",
    )

    def __init__(self, *args, **kwargs) -> None:
        """The same zone picker as the account page (today's names grouped by region; the
        page's script puts the browser's zone first)."""
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezones.choices(self.timezone.data)
        self.timezone.render_kw = {
            "data-browser-zone": "",
            "data-zone-aliases": json.dumps(timezones.aliases()),
        }


class PracticeSettingsForm(PracticeNameAndZoneForm):
    """The administrator's page for the practice's letterhead and print settings."""

    address = TextAreaField(
        "Address",
        filters=[strip, normalize_newlines],
        validators=[max_length(300), plain_text],
    )
    phone = StringField("Phone", filters=[strip], validators=[max_length(40), plain_text])
    website = StringField("Website", filters=[strip], validators=[max_length(200), plain_text])
    crisis_line = StringField(
        "Crisis line",
        filters=[strip],
        validators=[max_length(300), plain_text],
        description="Optional. Printed on every sheet a client gets, e.g. "
        "\u201cIn a crisis, call or text 988 (any time, free).\u201d",
    )
    paper_size = RadioField(
        "Paper size",
        choices=[SelectChoice(code, label) for code, label in PAPER_SIZES.items()],
        validators=[DataRequired(message="Choose a paper size.")],
    )
    logo = FileField(
        "Logo",
        validators=[_logo],
        description="Optional. A PNG or JPEG image under 256 KB, printed at the top of each sheet.",
    )
    remove_logo = BooleanField("Remove the current logo")
    logo_bytes: bytes | None = None
