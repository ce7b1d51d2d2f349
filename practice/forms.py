"""Form pieces every feature shares: text validation and the messages people see."""

from __future__ import annotations

import re

from wtforms import ValidationError
from wtforms.validators import Length

# C0 control characters other than tab and newlines, and NUL in particular: PostgreSQL
# cannot store NUL in text, and none of these means anything in a note.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(form, field) -> None:
    """Refuse control characters with a message instead of storing them half-way."""
    if field.data and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError("Remove the invisible control characters from this text.")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(form, field) -> None:
    """A light shape check: the address is only ever shown and typed, never mailed to."""
    if field.data and not _EMAIL.match(field.data):
        raise ValidationError("Enter an email address like name@example.com.")


def max_length(limit: int) -> Length:
    return Length(max=limit, message=f"Keep this to {limit:,} characters or fewer.")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def normalize_newlines(value):
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


# Never echoed back: secrets, one-time codes and the form's own hidden keys.
SECRET_FIELDS = frozenset({"csrf_token", "code", "recovery_code", "submission_key"})


def typed_fields(form_data) -> list[tuple[str, str]]:
    """What a person typed into a form that could not be accepted, as (label, text) pairs,
    so a page can show it back for copying instead of throwing it away. Never stored."""
    return [
        (name.replace("_", " ").replace("-", " ").capitalize(), value)
        for name, value in form_data.items(multi=True)
        if value.strip() and name not in SECRET_FIELDS and "password" not in name
    ]
