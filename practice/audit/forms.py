from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField

# New in WTForms 3.3; types-WTForms does not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import Length, Optional

from practice.audit.labels import ACTION_LABELS
from practice.audit.services import Filters
from practice.params import MAX_ID, drop_controls


class AuditFilterForm(FlaskForm):
    """The filters above the audit log, read from the query string."""

    class Meta:
        csrf = False  # a GET search form changes nothing

    counselor = SelectField("Counselor", choices=[], validators=[Optional()])
    action = SelectField(
        "Action",
        choices=[SelectChoice("", "Any action")]
        + [SelectChoice(code, label) for code, label in ACTION_LABELS.items()],
        validators=[Optional()],
    )
    couple = StringField(
        "Couple",
        description="Part of a partner's name, or a couple's number such as #12.",
        validators=[Optional(), Length(max=80, message="Type at most 80 characters.")],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def filters(self) -> Filters:
        """The valid filters; a field with an error filters nothing."""

        def valid(field):
            return None if field.errors else field.data

        # Optional() lets a blank choice (" ") through unchecked: blank means anyone.
        counselor = (valid(self.counselor) or "").strip()
        couple = drop_controls(valid(self.couple) or "").strip()
        number = couple.removeprefix("#").strip()
        by_number = number.isdigit() and number.isascii()
        return Filters(
            counselor_id=int(counselor) if counselor else None,
            action=valid(self.action) or "",
            # A number no id can have (ids end at 2**31-1) matches no couple: 0.
            couple_id=(int(number) if int(number) <= MAX_ID else 0) if by_number else None,
            couple_name="" if by_number else couple,
            since=valid(self.since),
            until=valid(self.until),
        )
