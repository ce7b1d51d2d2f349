from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import InputRequired

from practice.auth.forms import new_password_field
from practice.forms import email_address, strip


class NewPasswordForm(FlaskForm):
    new_password = new_password_field("New password")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Your email address",
        filters=[strip],
        validators=[InputRequired(message="Enter your email address."), email_address],
    )
