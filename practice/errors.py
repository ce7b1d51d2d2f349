"""Error pages. Every error gets a calm page with the layout; none reveals internals."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from practice.extensions import db
from practice.forms import typed_fields

MESSAGES = {
    400: ("Something went wrong with that request", "Please go back and try again."),
    401: ("Please sign in", "Your sign-in has ended. Sign in again to continue."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Page not found", "There is nothing here. Check the address or go back."),
    405: ("Not allowed", "That action is not available here."),
    413: (
        "That was too much text to send at once",
        "Please shorten what you wrote and try again.",
    ),
    429: (
        "Too many attempts",
        "Please wait a minute before trying again.",
    ),
    500: (
        "Something went wrong on our side",
        "Nothing you sent was shown to anyone. Please try again in a moment.",
    ),
}


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[400])
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or default_title,
            message=message or default_message,
        ),
        status,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # Typically a form left open across a sign-out or a restart: show the text back.
        return (
            render_template(
                "errors/error.html",
                status=400,
                title="This form has expired",
                message="For your security the form timed out, so it was not saved.",
                kept=typed_fields(request.form),
            ),
            400,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if (error.code or 500) >= 500:
            # A failed request must not leave a half-done transaction for the next one.
            db.session.rollback()
        return render_error(error.code or 500)
