from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from practice.audit.services import ACTIONS, Filters


class AuditFilterForm(FlaskForm):
    """The filters above the audit log, read from the query string."""

    class Meta:
        csrf = False  # a GET search form changes nothing

    counselor = SelectField("Counselor", choices=[], validators=[Optional()])
    action = SelectField(
        "Action",
        choices=[SelectChoice("", "Any action")] + [SelectChoice(a, a) for a in ACTIONS],
        validators=[Optional()],
    )
    couple = IntegerField(
        "Couple number",
        validators=[Optional(), NumberRange(min=1, message="Enter a couple number like 12.")],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def filters(self) -> Filters:
        """The valid filters; a field with an error filters nothing."""

        def valid(field):
            return None if field.errors else field.data

        counselor = valid(self.counselor)
        return Filters(
            counselor_id=int(counselor) if counselor else None,
            action=valid(self.action) or "",
            couple_id=valid(self.couple),
            since=valid(self.since),
            until=valid(self.until),
        )
