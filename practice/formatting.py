"""Display helpers used by templates (registered as Jinja filters)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from practice.timeutil import utcnow


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local(value: datetime | None, tz: str | None = None) -> datetime | None:
    """A stored naive-UTC datetime in the given zone (the signed-in counselor's by default)."""
    if value is None:
        return None
    if tz is None:
        tz = _current_timezone()
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone(tz))


def _current_timezone() -> str:
    from flask import current_app, g, has_request_context
    from flask_login import current_user

    if not has_request_context():
        return current_app.config.get("DEFAULT_TIMEZONE", "UTC")
    # Once per request: a page of 80 sessions formats 160 times, and the current_user
    # proxy lookup was most of the cost of each.
    # g._login_user is where Flask-Login keeps the user it loaded for this request; reading
    # it directly spares resolving the current_user proxy again for every date.
    cached = g.get("_display_timezone")
    if cached is not None and cached[0] is g.get("_login_user"):
        return cached[1]
    if current_user and current_user.is_authenticated:
        name = current_user.timezone
    else:
        name = current_app.config.get("DEFAULT_TIMEZONE", "UTC")
    g._display_timezone = (g.get("_login_user"), name)
    return name


def day(value: date | datetime | None) -> str:
    """'Tue 3 Dec' (with the year when it is not this year)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    today = local(utcnow()).date()
    text = f"{value:%a} {value.day} {value:%b}"
    return text if value.year == today.year else f"{text} {value.year}"


def when(value: datetime | None) -> str:
    """'Tue 3 Dec, 14:05' in the counselor's zone."""
    if value is None:
        return ""
    moment = local(value)
    return f"{day(moment.date())}, {moment:%H:%M}"  # a date: day() must not convert again


def due(value: date | None) -> str:
    """'Tue 3 Dec, due in 2 days' / 'due today' / 'overdue by 3 days'."""
    if value is None:
        return ""
    today = local(utcnow()).date()
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
    return f"{day(value)}, {relative}"


def today_local() -> date:
    return local(utcnow()).date()


FILTERS = {"day": day, "when": when, "due": due, "local": local}
