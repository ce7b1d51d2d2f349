"""Reminder times in the partner's own zone (their counselor's when they have none), and the
quiet hours no reminder is sent in. Moments are naive UTC, as stored."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from practice.reminders.rules import FIRST_HOUR, LAST_HOUR


def zone(name: str | None, fallback: str | None = None) -> ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local(now: datetime, tz: ZoneInfo) -> datetime:
    """Naive UTC `now` as a wall-clock time in `tz` (aware)."""
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)


def utc_moment(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """`hour`:00 on `day` in `tz`, as naive UTC."""
    aware = datetime.combine(day, time(hour), tzinfo=tz)
    return aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def quiet(moment_local: datetime) -> bool:
    """Between 21:00 and 08:00 local: no reminder goes out."""
    return not (FIRST_HOUR <= moment_local.hour < LAST_HOUR + 1)


def next_morning(now: datetime, tz: ZoneInfo) -> datetime:
    """The next 08:00 local after `now`, as naive UTC."""
    here = local(now, tz)
    day = here.date() if here.hour < FIRST_HOUR else here.date() + timedelta(days=1)
    return utc_moment(day, FIRST_HOUR, tz)
