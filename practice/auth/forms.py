from __future__ import annotations

import json
from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from practice import timezones
from practice.auth.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, AccountError
from practice.forms import email_address, max_length, plain_text, strip

PASSWORD_HELP = f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well."


def new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(message="Choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Use between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters.",
            ),
        ],
        description=PASSWORD_HELP,
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired(message="Enter your email."), max_length(254), plain_text],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Enter your password."), max_length(MAX_PASSWORD_LENGTH)],
    )


class CounselorForm(FlaskForm):
    """Setup of the first counselor, and the administrator adding one."""

    name = StringField(
        "Your name",
        filters=[strip],
        validators=[DataRequired(message="Enter a name."), max_length(120), plain_text],
    )
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired(message="Enter an email address."),
            email_address,
            max_length(254),
        ],
    )
    password = new_password_field("Password")


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(message="Enter your current password.")]
    )
    new_password = new_password_field("New password")


class SettingsForm(FlaskForm):
    timezone = SelectField(
        "Time zone",
        validators=[DataRequired()],
        description="Dates and times on your pages use it.",
    )

    def __init__(self, *args, **kwargs):
        """Today's zone names grouped by region; a saved old name shows as its current one.
        The page's script puts the browser's own zone first, matching old names it reports."""
        if kwargs.get("timezone"):
            kwargs["timezone"] = timezones.aliases().get(kwargs["timezone"], kwargs["timezone"])
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezones.choices(self.timezone.data)
        self.timezone.render_kw = {
            "data-browser-zone": "",
            "data-zone-aliases": json.dumps(timezones.aliases()),
        }


class TwoFactorForm(FlaskForm):
    """The second sign-in step: a code from the app, or one recovery code."""

    code = StringField(
        "Code from your authenticator app",
        filters=[strip],
        validators=[max_length(12)],
        description="Six digits. They change every 30 seconds.",
    )
    recovery_code = StringField(
        "Or a recovery code",
        filters=[strip],
        validators=[max_length(20)],
        description="One of the ten codes you saved when you set this up. Each works once.",
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.code.data and not self.recovery_code.data:
            self.code.errors = [
                *self.code.errors,
                "Enter the code from your app, or a recovery code.",
            ]
            return False
        return True


class ConfirmTwoFactorForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        filters=[strip],
        validators=[DataRequired(message="Enter the six-digit code."), max_length(12)],
    )


class ConfirmPasswordForm(FlaskForm):
    """The counselor's password again, before turning two-factor off or renewing the codes
    (each form on the account page gets its own prefix, so the field ids differ)."""

    password = PasswordField(
        "Your password", validators=[DataRequired(message="Enter your password.")]
    )


def apply_account_errors(form: Any, error: AccountError) -> None:
    """Show a refusal of the account services beside the field it is about."""
    getattr(form, error.field).errors.append(error.message)
