"""Forms for asking a couple for a measure and for a counselor's own short scale."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional

from practice.forms import max_length, plain_text, strip
from practice.measures.format import LIMITS, MAX_ITEMS
from practice.measures.models import CADENCES


class RequestMeasureForm(FlaskForm):
    measure_id = SelectField(
        "Measure", coerce=int, validators=[InputRequired(message="Choose a measure.")]
    )
    cadence = RadioField(
        "How often",
        choices=dict(CADENCES),
        default="weekly",
        validators=[InputRequired(message="Choose how often to ask.")],
        description="Before each session: due the day before the next booked appointment.",
    )


class ScaleItemForm(Form):
    """One question of a counselor's scale; a row left blank is not a question."""

    text = StringField(
        "Question",
        filters=[strip],
        validators=[Optional(), max_length(LIMITS["item_text"]), plain_text],
    )
    min = IntegerField("From", default=1, validators=[Optional()])
    max = IntegerField("To", default=5, validators=[Optional()])
    low = StringField(
        "Label of the lowest answer",
        filters=[strip],
        validators=[Optional(), max_length(LIMITS["anchor"]), plain_text],
    )
    high = StringField(
        "Label of the highest answer",
        filters=[strip],
        validators=[Optional(), max_length(LIMITS["anchor"]), plain_text],
    )

    def is_blank(self) -> bool:
        return not (self.text.data or self.low.data or self.high.data)


class CustomScaleForm(FlaskForm):
    title = StringField(
        "Name of the scale",
        filters=[strip],
        validators=[
            DataRequired(message="Name the scale."),
            max_length(LIMITS["title"]),
            plain_text,
        ],
    )
    items = FieldList(FormField(ScaleItemForm), min_entries=MAX_ITEMS, max_entries=MAX_ITEMS)

    def item_data(self) -> list[dict[str, Any]]:
        """The filled rows in the measure format (blank rows left out), keyed item_1, …"""
        rows = [entry.form for entry in self.items if not entry.form.is_blank()]
        return [
            {
                "key": f"item_{n}",
                "text": row.text.data or "",
                "min": row.min.data,
                "max": row.max.data,
                "low": row.low.data or "",
                "high": row.high.data or "",
            }
            for n, row in enumerate(rows, start=1)
        ]

    def show_problems(self, messages: list[str]) -> None:
        """Put the format's messages ("Your scale: items[2].max: …") next to their row."""
        rows = [entry.form for entry in self.items if not entry.form.is_blank()]
        for message in messages:
            where, _, what = message.removeprefix("Your scale: ").partition(": ")
            if where.startswith("items[") and "]." in where:
                n = int(where[6 : where.index("]")])
                name = where.split(".", 1)[1]
                field = getattr(rows[n - 1], name, None) if n <= len(rows) else None
                if field is not None:
                    field.errors = [*field.errors, what[:1].upper() + what[1:] + "."]
                    continue
            if where == "items":
                self.title.errors = [*self.title.errors, "Write at least one question."]
            else:
                self.title.errors = [*self.title.errors, message.removeprefix("Your scale: ")]
