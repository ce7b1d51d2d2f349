"""The nudge follows the homework's schedule: on which local days a "nudge while nothing is
done" may go out, and what counts as done for now. Plain functions of dates, so the sweep,
the sender and the tests share one answer.

- Daily homework: each day with nothing done that day.
- N times a week: each day with nothing done that day, until the partner has written N
  entries in the week (7 days at a time from the day assigned, as progress counts it);
  from then on none until the next week starts.
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


def week_start(assigned_on: date, today: date) -> date:
    """The first day of the week (7 days at a time from the day assigned) `today` lies in."""
    return today - timedelta(days=(today - assigned_on).days % 7)


def done_for_now(
    frequency: str,
    assigned_on: date,
    today: date,
    last_entry_on: date | None,
    nth_latest_on: date | None = None,
) -> bool:
    """Whether the partner's entries already count for the stretch `today` nudges about
    (today's, this fortnight's, this month's; for N times a week, also this week's N).
    `nth_latest_on`: the day of their N-th latest entry (N = times a week); it lies in this
    week exactly when N entries do. False on a day without a nudge."""
    start = stretch_start(frequency, assigned_on, today)
    if start is None:
        return False
    if last_entry_on is not None and last_entry_on >= start:
        return True
    return (
        frequency == "weekly"
        and nth_latest_on is not None
        and nth_latest_on >= week_start(assigned_on, today)
    )
