from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField

# New in WTForms 3.3; types-WTForms does not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

NO_ONE = 0  # the "choose" entry of the counselor menus


def counselor_choices(counselors) -> list[SelectChoice]:
    return [SelectChoice(NO_ONE, "Choose a counselor")] + [
        SelectChoice(c.id, f"{c.name} ({c.email})") for c in counselors
    ]


class MoveCouplesForm(FlaskForm):
    """Some or all of a counselor's couples, to another counselor."""

    couples = SelectMultipleField(
        "Couples to move",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    target = SelectField("Move them to", coerce=int, default=NO_ONE)

    def validate_target(self, field) -> None:
        if field.data == NO_ONE:
            raise ValidationError("Choose the counselor who takes the couples over.")


HAND_OVER = "hand_over"
END_LINKS = "end_links"


class CloseAccountForm(FlaskForm):
    """Closing a counselor's account: their couples go to someone, or their links end."""

    outcome = RadioField(
        "Their couples",
        choices=[
            SelectChoice(HAND_OVER, "Hand every couple to another counselor (links keep working)"),
            SelectChoice(END_LINKS, "End their partners' links (each partner sees a kind note)"),
        ],
        validators=[InputRequired(message="Choose what happens to their couples.")],
    )
    target = SelectField("Counselor who takes the couples", coerce=int, default=NO_ONE)

    def validate_target(self, field) -> None:
        if self.outcome.data == HAND_OVER and field.data == NO_ONE:
            raise ValidationError("Choose the counselor who takes the couples over.")
