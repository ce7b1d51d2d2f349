"""Keep partner-link tokens out of every log line.

A link `/h/<token>` is a capability: whoever reads it from a log can open a client's
homework. Access logs print the request line and the referrer, and error logs print the
path, so each is rewritten to `/h/[redacted]` before it is written.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

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
