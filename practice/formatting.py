"""Display helpers used by templates (registered as Jinja filters).

Dates are written in English whatever the server's locale ('Tue 3 Dec'), in the signed-in
counselor's time zone (the practice's zone on client pages). A page formats many
dates (a feed, a history, 80 sessions), so each request works out its zone and today's date
once (`_clock`) and every filter reuses them.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from practice.timeutil import utcnow

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@functools.lru_cache(maxsize=128)
def zone(name: str | None) -> tzinfo:
    """The zone of that name, or UTC for an empty or unknown name."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local(value: datetime | None, tz: str | None = None) -> datetime | None:
    """A stored naive-UTC datetime in the given zone (the signed-in counselor's by default)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(zone(tz) if tz is not None else _clock()[0])


def _clock() -> tuple[tzinfo, date]:
    """(display zone, today's date in it): once per request and signed-in user."""
    from flask import g, has_request_context

    from practice.settings.services import practice_settings

    if not has_request_context():
        tz = zone(practice_settings().timezone)
        return tz, _today_in(tz)
    from flask_login import current_user

    # Worked out once per request, and again only if the signed-in user changes (signing in
    # or out during the request). Flask-Login keeps the request's user in g._login_user and
    # replaces that object when someone signs in or out: comparing it is a dictionary read,
    # where asking current_user for its id cost two proxy look-ups per date on the page.
    cached = g.get("_display_clock")
    if cached is not None and cached[0] is g.get("_login_user", cached):
        return cached[1]
    if current_user and current_user.is_authenticated:
        name = current_user.timezone
    else:
        name = practice_settings().timezone
    tz = zone(name)
    clock = (tz, _today_in(tz))
    g._display_clock = (g.get("_login_user"), clock)
    return clock


def _today_in(tz: tzinfo) -> date:
    return utcnow().replace(tzinfo=UTC).astimezone(tz).date()


def _day_text(value: date, today: date) -> str:
    text = f"{_WEEKDAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]}"
    return text if value.year == today.year else f"{text} {value.year}"


def day(value: date | datetime | None) -> str:
    """'Tue 3 Dec' (with the year when it is not this year)."""
    if value is None:
        return ""
    tz, today = _clock()
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC).astimezone(tz)
    return _day_text(value, today)


def when(value: datetime | None) -> str:
    """'Tue 3 Dec, 14:05' in the counselor's zone."""
    if value is None:
        return ""
    tz, today = _clock()
    moment = value.replace(tzinfo=UTC).astimezone(tz)
    return f"{_day_text(moment, today)}, {moment.hour:02d}:{moment.minute:02d}"


def due(value: date | None) -> str:
    """'Tue 3 Dec, due in 2 days' / 'due today' / 'overdue by 3 days'."""
    if value is None:
        return ""
    today = _clock()[1]
    delta = (value - today).days
    if delta == 0:
        relative = "due today"
    elif delta == 1:
        relative = "due tomorrow"
    elif delta > 1:
        relative = f"due in {delta} days"
    elif delta == -1:
        relative = "overdue by 1 day"
    else:
        relative = f"overdue by {-delta} days"
    return f"{_day_text(value, today)}, {relative}"


def today_local() -> date:
    return _clock()[1]


# An id no page links to, marking where the id goes in a path built once per request.
_ID_MARK = 2_147_483_647


def id_path(endpoint: str, _anchor: str = "", **value: int) -> str:
    """url_for(endpoint, <its one id>=value) + "#anchor", for pages that link to many rows:
    the route is built once per request and endpoint, and each link is filled in from it (the
    dashboard writes about 60 links; url_for cost 10 µs each). Anchors are plain ASCII ids."""
    from flask import g, url_for

    ((key, number),) = value.items()
    paths = g.get("_id_paths")
    if paths is None:
        paths = g._id_paths = {}
    pattern = paths.get((endpoint, key))
    if pattern is None:
        marked: dict[str, Any] = {key: _ID_MARK}
        head, _mark, tail = url_for(endpoint, **marked).partition(str(_ID_MARK))
        pattern = paths[(endpoint, key)] = (head, tail)
    path = f"{pattern[0]}{int(number)}{pattern[1]}"
    return f"{path}#{_anchor}" if _anchor else path


FILTERS = {"day": day, "when": when, "due": due, "local": local}
GLOBALS = {"id_path": id_path}
