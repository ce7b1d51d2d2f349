"""The nudge follows the homework's schedule: on which local days a "nudge while nothing is
done" may go out, and what counts as done for now. Plain functions of dates, so the sweep,
the sender and the tests share one answer.

- Daily and N-times-a-week homework: each day with nothing done that day.
- Every other week: each day of its active weeks (the week it was assigned and every second
  week after), until that fortnight's entry is written.
- Monthly (30 days at a time from the day assigned, as progress counts it): once a week in
  the month's first four weeks (its first day and every seventh day after), until that
  month's entry is written.
- Once and "when it happens": no nudge (one-off homework has no rhythm; an event-driven
  entry is written when the event happens). The day-before and due-day reminders still work.
"""

from __future__ import annotations

from datetime import date, timedelta

# Frequency → days in one stretch of it, and the days of each stretch a nudge may go out on.
_STRETCH = {"daily": 1, "weekly": 1, "fortnightly": 14, "monthly": 30}
_NUDGE_DAYS = {
    "daily": frozenset({0}),
    "weekly": frozenset({0}),
    "fortnightly": frozenset(range(7)),
    "monthly": frozenset({0, 7, 14, 21}),
}
NUDGED = tuple(_STRETCH)


def stretch_start(frequency: str, assigned_on: date, today: date) -> date | None:
    """The first day of the stretch (day, fortnight, month) `today` lies in, when the nudge
    may go out on `today`; None on other days and for homework without a rhythm."""
    length = _STRETCH.get(frequency)
    offset = (today - assigned_on).days
    if length is None or offset < 0:
        return None
    into = offset % length
    if into not in _NUDGE_DAYS[frequency]:
        return None
    return today - timedelta(days=into)


def nudge_day(frequency: str, assigned_on: date, today: date) -> bool:
    return stretch_start(frequency, assigned_on, today) is not None


def done_for_now(
    frequency: str, assigned_on: date, today: date, last_entry_on: date | None
) -> bool:
    """Whether the partner's latest entry already counts for the stretch `today` nudges
    about (today's, this fortnight's, this month's). False on a day without a nudge."""
    start = stretch_start(frequency, assigned_on, today)
    return start is not None and last_entry_on is not None and last_entry_on >= start
