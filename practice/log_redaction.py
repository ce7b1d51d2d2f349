"""Keep partner-link tokens out of every log line.

A link `/h/<token>` is a capability: whoever reads it from a log can open a client's
homework. Access logs print the request line and the referrer, and error logs print the
path, so each is rewritten to `/h/[redacted]` before it is written.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType

from flask import Flask, request

REDACTED = "[redacted]"
# `/h/` (or a password reset link's `/password/reset/`, or an email's one-click
# `/unsubscribe/`: whoever has one can turn a partner's reminders off) followed by the
# token, in a path, a full URL or a percent-encoded URL.
_LINK_TOKEN = re.compile(r"(/h/|/password/reset/|/unsubscribe/|%2[Ff]h%2[Ff])[^/?#\s\"'&%]+")


def redact(text: str) -> str:
    """The text with every partner-link token replaced by [redacted]."""
    return _LINK_TOKEN.sub(lambda match: match.group(1) + REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrites a record's message with the tokens redacted (the arguments are merged in)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as usual
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Tracebacks can quote the URL too; format once here so it can be redacted.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


# Loggers that print request paths: ours, the development server, gunicorn's.
LOGGER_NAMES = ("werkzeug", "gunicorn.error", "gunicorn.access")


def install(app: Flask) -> None:
    """Add the filter to the app's logger, the servers' loggers and the root handlers.

    A logger's filters only see records logged on that logger, so the root logger's
    handlers get it too, for records that propagate from anywhere else.
    """
    token_filter = RedactTokens()
    loggers = [app.logger, *(logging.getLogger(name) for name in LOGGER_NAMES)]
    handlers = list(logging.getLogger().handlers)
    for target in [*loggers, *handlers]:
        if not any(isinstance(existing, RedactTokens) for existing in target.filters):
            target.addFilter(token_filter)


ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


def describe_exception(exc_info: ExcInfo) -> str:
    """An unexpected error for the log: its class (and its causes' classes) and the code it
    went through, never its message. Messages quote what people typed: a database error
    carries the query's parameters (a client's name in a search), a ValueError the value."""
    exc_type, error, trace = exc_info
    if exc_type is None or error is None:
        return "unknown error"
    classes = [exc_type.__name__]
    cause = error.__cause__ or error.__context__
    while cause is not None and len(classes) < 5:
        classes.append(type(cause).__name__)
        cause = cause.__cause__ or cause.__context__
    frames = "".join(
        f"\n  {frame.filename}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(trace)
    )
    return " caused by ".join(classes) + frames


def log_exception(app: Flask, exc_info: ExcInfo) -> None:
    """Flask's log of an unhandled error (the 500), by class only: the route's pattern
    instead of its path (no ids, no tokens), no message, no local values."""
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    app.logger.error(
        "Unhandled error on %s %s: %s", request.method, rule, describe_exception(exc_info)
    )
