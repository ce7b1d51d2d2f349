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
from urllib.parse import unquote

from flask import Flask, request

REDACTED = "[redacted]"
# `/h/` (or a password reset link's `/password/reset/`, or an email's one-click
# `/unsubscribe/`: whoever has one can turn a partner's reminders off) followed by the
# token, in a path, a full URL or a percent-encoded URL.
_LINK_TOKEN = re.compile(r"(/h/|/password/reset/|/unsubscribe/|%2[Ff]h%2[Ff])[^/?#\s\"'&%]+")


# Something that may be an address in a log line: up to a space, a quote or a bracket.
_ADDRESS = re.compile(r"[^\s\"'<>]+")
_SLASHES = re.compile(r"/{2,}")


def _redact_plain(text: str) -> str:
    return _LINK_TOKEN.sub(lambda match: match.group(1) + REDACTED, text)


def redact(text: str) -> str:
    """The text with every link token replaced by [redacted].

    Servers log the address as it was sent, and unusual spellings of it still reach the
    page: `/h//TOKEN` (slashes merged), `/h%2FTOKEN` or `/%68/TOKEN` (decoded before
    routing), a token with a percent-encoded character. So an address holding `%` or `//`
    is also read the way the router reads it (percent-decoded, slashes merged); when that
    form holds a token, it is logged in that form, redacted.
    """
    text = _redact_plain(text)
    if "%" not in text and "//" not in text:
        return text
    return _ADDRESS.sub(_redact_unusual, text)


def _redact_unusual(match: re.Match) -> str:
    address = match.group(0)
    if "%" not in address and "//" not in address:
        return address
    decoded = address
    for _ in range(3):  # "%252F" is "%2F" is "/"
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    normalized = _SLASHES.sub("/", decoded)
    redacted = _redact_plain(normalized)
    return redacted if redacted != normalized else address


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
