"""Error pages. Every error gets a calm page with the layout; none reveals internals."""

from __future__ import annotations

import contextlib

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from practice.extensions import db, login_manager
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
    409: (
        "That was just saved by another request",
        "Perhaps a double click or a second tab. Check the page before trying again.",
    ),
    503: (
        "We cannot reach the practice's records just now",
        "Nothing was changed. Please try again in a minute.",
    ),
}


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[400])
    # A form that failed on our side (or collided with another write) shows what was typed.
    # Known unique races are answered where they happen (409); any other constraint error
    # is a bug and reaches the 500 handler, logged.
    failed = status >= 500 or status == 409
    kept = _typed_back() if failed and request.method == "POST" else None
    signed_out = {}
    if g.get("database_unavailable"):
        # Explicit template values win over the context processors' (database_gone).
        signed_out = {"current_user": login_manager.anonymous_user()}
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or default_title,
            message=message or default_message,
            kept=kept,
            **signed_out,
        ),
        status,
    )


def _typed_back() -> list[tuple[str, str]] | None:
    """What the failed form held, to show back for copying (None if the body cannot be read,
    e.g. it was too large)."""
    try:
        return typed_fields(request.form)
    except HTTPException:
        return None


def _error_class(error: SQLAlchemyError) -> str:
    """The driver's error class, for the log: the message can carry SQL parameters, that is,
    what people wrote."""
    return type(getattr(error, "orig", None) or error).__name__


def _rollback_quietly() -> None:
    """End the failed request's transaction; with the database gone that can fail too."""
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()


def database_gone() -> None:
    """The database failed in this request: end its transaction, and let the page that says
    so render without it, signed out: a counselor not loaded yet is not loaded (the user
    loader reads `g.database_unavailable`, see practice.register_request_hooks), and one
    loaded earlier is not shown (`render_error`): the rollback, or a commit before the
    failure, expired them, and reading them again needs the database. The session cookie
    is untouched, so they are still signed in once the database is back."""
    g.database_unavailable = True
    _rollback_quietly()


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
            _rollback_quietly()
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        """The database is down, restarting or locked for too long: a 503 that says so and
        gives back whatever was typed, instead of a 500 that loses it."""
        database_gone()
        current_app.logger.error("Database unavailable: %s", _error_class(error))
        page, status = render_error(503)
        return page, status, {"Retry-After": "30"}
