"""Route and query parameters, checked by type and range before any query sees them.

Both databases store ids as 32-bit integers here, PostgreSQL refuses a larger number in a
query (and SQLite one past 64 bits), PostgreSQL cannot hold NUL in text, and Python's
dates end in the year 9999. A value outside those ranges is not a page that exists: a
route answers 404, a query parameter falls back to its default or is clamped, a search
drops what cannot be searched for. Never a 500.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the type of every id column
MAX_PAGE = 100_000  # far past any list of ours, far below an offset that overflows


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits only (Werkzeug's `\\d` also takes Arabic-
    Indic or fullwidth digits) and within 1..MAX_ID, else the route does not match (404)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """`<slug>` and `<string:...>`: no control characters (PostgreSQL cannot even compare
    text holding NUL), else the route does not match (404)."""

    part_isolating = True

    def __init__(self, map, minlength=1, maxlength=None, length=None):  # noqa: A002
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f]")


class ControlFreePathConverter(PathConverter):
    """`<path:...>`: the same, across slashes."""

    regex = r"[^/\x00-\x1f\x7f][^\x00-\x1f\x7f]*?"


_ASCII_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")


def query_int(name: str, default: int, *, minimum: int = 1, maximum: int = MAX_ID) -> int:
    """An integer query parameter: `default` when missing or not a number in ASCII digits,
    clamped into minimum..maximum otherwise (page=10**40 is the last page, not a 500)."""
    raw = request.args.get(name, "").strip()
    if not _ASCII_INTEGER.fullmatch(raw):
        return default
    return min(max(int(raw), minimum), maximum)


def query_id(name: str) -> int | None:
    """An id in the query string, or None when it is missing or cannot be one."""
    raw = request.args.get(name, "").strip()
    if not _ASCII_INTEGER.fullmatch(raw) or not 1 <= int(raw) <= MAX_ID:
        return None
    return int(raw)


# C0 and C1 controls (NUL above all: PostgreSQL refuses it in text) and DEL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def drop_controls(text: str) -> str:
    """The text without control characters: nobody searches for them, and PostgreSQL
    refuses NUL in any text it is given."""
    return _CONTROL.sub("", text)


def query_text(name: str, max_length: int) -> str:
    """A search box's text: at most `max_length` characters, control characters dropped,
    spaces trimmed."""
    return drop_controls(request.args.get(name, "")[: max_length * 2])[:max_length].strip()


def init_app(app: Flask) -> None:
    """Before any blueprint adds its routes: every `<int:...>` is a database id, and no
    text parameter holds a control character."""
    converters = app.url_map.converters
    converters["int"] = DatabaseIdConverter
    converters["default"] = converters["string"] = TextConverter
    converters["path"] = ControlFreePathConverter
