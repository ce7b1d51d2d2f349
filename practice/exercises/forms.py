"""The form for a counselor's own exercise, with a prompt editor that works without JavaScript."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; types-WTForms 3.2 lacks it
from wtforms.validators import DataRequired, Optional, ValidationError

from practice.exercises.format import PROMPT_CLASSES, PROMPT_TYPES
from practice.exercises.limits import (
    CHOICES,
    GRID_ROWS,
    LIMITS,
    LIST_ITEMS,
    PHASES,
    ROLE_KINDS,
    ROLES,
    TIMER_MINUTES,
    list_items_problem,
)
from practice.exercises.models import CATEGORIES
from practice.exercises.prompts import Prompt
from practice.exercises.services import ExerciseFields
from practice.forms import max_length, normalize_newlines, plain_text, strip

MAX_PROMPTS = 8
MAX_STEPS = 12


def _one_line(form, field) -> None:
    if field.data and "\n" in field.data:
        raise ValidationError("Keep this to one line.")


class PromptForm(Form):
    """One prompt. Its type is fixed when it is added; the fields shown follow the type."""

    type = HiddenField()
    key = HiddenField(filters=[strip])
    label = StringField(
        "Question",
        filters=[strip],
        validators=[
            DataRequired(message="Write the question the partner answers."),
            max_length(LIMITS["prompt_label"]),
            plain_text,
        ],
    )
    help = StringField(
        "Hint (optional)",
        filters=[strip],
        validators=[Optional(), max_length(LIMITS["prompt_help"]), plain_text],
    )
    items = StringField("How many items", filters=[strip], default="3")
    low = StringField("Label for 1", filters=[strip], default="Not at all")
    high = StringField("Label for 5", filters=[strip], default="Very much")
    choices = TextAreaField(
        "One per line",
        filters=[normalize_newlines],
        description="The boxes to tick (a checklist) or the rows to rate (a rating grid).",
    )
    minutes = StringField("Minutes", filters=[strip], default="5")
    role = SelectField(
        "Who answers", choices={"": "Both partners"} | ROLES, default="", validate_choice=False
    )
    phase = SelectField("When", choices=PHASES, default="every", validate_choice=False)

    @property
    def type_label(self) -> str:
        return PROMPT_TYPES.get(self.type.data or "", "Free text")

    def validate_type(self, field) -> None:
        if field.data not in PROMPT_TYPES:
            # Only a tampered form gets here; fall back to the simplest type rather than fail.
            field.data = "text"

    def validate_items(self, field) -> None:
        if self.type.data != "list":
            return
        digits = (field.data or "").isdigit()
        if not digits or list_items_problem(int(field.data)):
            low, high = LIST_ITEMS
            raise ValidationError(f"Enter a whole number from {low} to {high}.")

    def validate_choices(self, field) -> None:
        if self.type.data not in ("checklist", "rating_grid"):
            return
        low, high = CHOICES if self.type.data == "checklist" else GRID_ROWS
        lines = self.choice_list()
        if not low <= len(lines) <= high:
            raise ValidationError(f"Write from {low} to {high} lines ({len(lines)} now).")
        limit = LIMITS["option"]
        for number, line in enumerate(lines, start=1):
            if len(line) > limit:
                raise ValidationError(f"Line {number} is long: keep each to {limit} characters.")
        if len({line.casefold() for line in lines}) < len(lines):
            raise ValidationError("Each line must be different.")
        plain_text(self, field)

    def validate_minutes(self, field) -> None:
        if self.type.data != "timer":
            return
        low, high = TIMER_MINUTES
        if not (field.data or "").isdigit() or not low <= int(field.data) <= high:
            raise ValidationError(f"Enter a whole number of minutes from {low} to {high}.")

    def validate_role(self, field) -> None:
        if field.data and field.data not in ROLES:
            field.data = ""  # only a tampered form gets here

    def validate_phase(self, field) -> None:
        if field.data not in PHASES:
            field.data = "every"

    def choice_list(self) -> list[str]:
        return [line.strip() for line in (self.choices.data or "").split("\n") if line.strip()]

    def validate_low(self, field) -> None:
        self._scale_label(field)

    def validate_high(self, field) -> None:
        self._scale_label(field)

    def _scale_label(self, field) -> None:
        if self.type.data not in ("scale", "rating_grid"):
            return
        if not field.data:
            raise ValidationError("Write a short label for this end of the scale.")
        limit = LIMITS["scale_label"]
        if len(field.data) > limit:
            raise ValidationError(f"Keep this to {limit:,} characters or fewer.")
        plain_text(self, field)

    def prompt(self) -> Prompt:
        """This prompt as its type (keys are assigned by the service)."""
        cls = PROMPT_CLASSES.get(self.type.data or "", PROMPT_CLASSES["text"])
        extra: dict[str, Any] = {}
        if "items" in cls.extra_keys:
            extra["items"] = int(self.items.data or "")
        if "low" in cls.extra_keys:
            extra["low"], extra["high"] = self.low.data, self.high.data
        if "options" in cls.extra_keys:
            extra["options"] = tuple(self.choice_list())
        if "rows" in cls.extra_keys:
            extra["rows"] = tuple(self.choice_list())
        if "minutes" in cls.extra_keys:
            extra["minutes"] = int(self.minutes.data or "")
        return cls(
            key=self.key.data or "",
            label=self.label.data or "",
            help=self.help.data or "",
            role=self.role.data or "",
            phase=self.phase.data or "every",
            **extra,
        )


class ExerciseForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[
            DataRequired(message="Give the exercise a title."),
            max_length(LIMITS["title"]),
            plain_text,
            _one_line,
        ],
    )
    category = SelectField(
        "Category", choices=[SelectChoice(value, label) for value, label in CATEGORIES.items()]
    )
    goal = StringField(
        "Goal",
        filters=[strip],
        validators=[
            DataRequired(message="Say in one line what the exercise is for."),
            max_length(LIMITS["goal"]),
            plain_text,
            _one_line,
        ],
        description="One line: what the couple gets out of it.",
    )
    why = TextAreaField(
        "Why it helps",
        filters=[strip, normalize_newlines],
        validators=[Optional(), max_length(LIMITS["why"]), plain_text],
    )
    steps = TextAreaField(
        "Steps",
        filters=[normalize_newlines],
        validators=[DataRequired(message="Write at least one step."), plain_text],
        description=f"One step per line, in order (up to {MAX_STEPS}). They are numbered for you.",
    )
    frequency = StringField(
        "How often",
        filters=[strip],
        validators=[Optional(), max_length(LIMITS["frequency"]), plain_text, _one_line],
        description="For example: twice a week.",
    )
    duration = StringField(
        "How long",
        filters=[strip],
        validators=[Optional(), max_length(LIMITS["duration"]), plain_text, _one_line],
        description="For example: 15 minutes.",
    )
    roles = SelectField(
        "Roles",
        choices={"": "No roles: both partners answer the same"}
        | {
            "speaker_listener": "Speaker and listener",
            "hurt_repairing": "The partner who was hurt and the partner repairing",
        },
        default="",
        validate_choice=False,
        description="With roles, give a prompt a role and only that partner is asked it.",
    )
    prompts = FieldList(FormField(PromptForm), max_entries=MAX_PROMPTS)

    def validate_roles(self, field) -> None:
        if field.data and field.data not in ROLE_KINDS:
            field.data = ""
        allowed = ROLE_KINDS.get(field.data or "", ())
        for number, entry in enumerate(self.prompts, start=1):
            role = entry.form.role.data
            if role and role not in allowed:
                raise ValidationError(
                    f"Prompt {number} is for the {ROLES[role].lower()}: choose roles that "
                    "include it, or make the prompt for both partners."
                )

    def validate_steps(self, field) -> None:
        steps = self.step_list()
        if len(steps) > MAX_STEPS:
            raise ValidationError(f"Keep it to {MAX_STEPS} steps or fewer ({len(steps)} now).")
        limit = LIMITS["step"]
        for number, step in enumerate(steps, start=1):
            if len(step) > limit:
                raise ValidationError(
                    f"Step {number} is long: keep each step to {limit:,} characters or fewer."
                )

    def validate_prompts(self, field) -> None:
        if not field.entries:
            raise ValidationError("Add at least one prompt for the partners to answer.")

    def step_list(self) -> list[str]:
        return [line.strip() for line in (self.steps.data or "").split("\n") if line.strip()]

    def fields(self) -> ExerciseFields:
        return ExerciseFields(
            title=self.title.data or "",
            category=self.category.data,
            goal=self.goal.data or "",
            why=self.why.data or "",
            steps=self.step_list(),
            frequency=self.frequency.data or "",
            duration=self.duration.data or "",
            prompts=[entry.form.prompt() for entry in self.prompts],
            roles=self.roles.data or None,
        )


def form_data(fields: ExerciseFields) -> dict[str, Any]:
    """Initial form values from stored fields (editing, copying)."""
    prompts = []
    for prompt in fields.prompts:
        row = {
            "type": prompt.type,
            "key": prompt.key,
            "label": prompt.label,
            "help": prompt.help,
            "role": prompt.role,
            "phase": prompt.phase,
        }
        stored = prompt.to_json()
        for name in prompt.extra_keys:
            value = stored[name]
            if name in ("options", "rows"):
                row["choices"] = "\n".join(value)
            else:
                row[name] = str(value)
        prompts.append(row)
    return {
        "title": fields.title,
        "category": fields.category,
        "goal": fields.goal,
        "why": fields.why,
        "steps": "\n".join(fields.steps),
        "frequency": fields.frequency,
        "duration": fields.duration,
        "roles": fields.roles or "",
        "prompts": prompts,
    }


def apply_editor_action(form: ExerciseForm, action: str) -> str | None:
    """Add, move or remove a prompt as the pressed button asks, keeping everything typed.

    Returns a message to show when the action cannot be done, else None. Nothing is saved.
    """
    rows = [_raw_prompt(entry.form) for entry in form.prompts]
    verb, _, arg = action.partition(":")
    message = None
    if verb == "add" and arg in PROMPT_TYPES:
        if len(rows) >= MAX_PROMPTS:
            message = f"An exercise can have up to {MAX_PROMPTS} prompts."
        else:
            rows.append(
                {
                    "type": arg,
                    "key": "",
                    "label": "",
                    "help": "",
                    "items": "3",
                    "low": "Not at all",
                    "high": "Very much",
                    "choices": "",
                    "minutes": "5",
                    "role": "",
                    "phase": "every",
                }
            )
    elif verb in ("up", "down", "remove") and arg.isdigit() and int(arg) < len(rows):
        index = int(arg)
        if verb == "remove":
            rows.pop(index)
        else:
            other = index - 1 if verb == "up" else index + 1
            if 0 <= other < len(rows):
                rows[index], rows[other] = rows[other], rows[index]
    # Rebuild the list so the entries are numbered 0..n-1 in their new order.
    while form.prompts.entries:
        form.prompts.pop_entry()
    form.prompts.last_index = -1
    for row in rows:
        form.prompts.append_entry(row)
    return message


def _raw_prompt(prompt: PromptForm) -> dict[str, str]:
    return {
        name: prompt[name].data or ""
        for name in (
            "type",
            "key",
            "label",
            "help",
            "items",
            "low",
            "high",
            "choices",
            "minutes",
            "role",
            "phase",
        )
    }
