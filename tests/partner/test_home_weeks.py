"""'2 of 3 this week' on the partner's home counts the homework's own weeks (7 days at a time
from the day it was assigned, in the partner's own days), the weeks their nudges and the
counselor's progress count, and says which days that week covers."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from practice.couples.models import Partner
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.partner import access, home, views
from practice.reminders import schedule
from tests.reminders.helpers import add_entry, build

# Assigned on Wednesday 2 December 2026: its weeks run Wednesday to Tuesday.
WEDNESDAY = datetime(2026, 12, 2, 10)


def _three_a_week(**fields) -> tuple[int, list[int]]:
    return build(
        rule="daily_nudge",
        hour=19,
        frequency="weekly",
        times_per_week=3,
        due=date(2026, 12, 22),
        **{"assigned": WEDNESDAY, **fields},
    )


def _home(client, monkeypatch, partner_id: int, now: datetime) -> str:
    """The partner's home as they open it at `now` (naive UTC)."""
    monkeypatch.setattr(views, "utcnow", lambda: now)
    with client.application.app_context():
        token = access.current_token(
            access.access_of(partner_id), current_app.config["SECRET_KEY"], now
        )
    response = client.get(f"/h/{token}")
    assert response.status_code == 200
    return " ".join(response.get_data(as_text=True).split())


def _text(page: str) -> str:
    """What the partner reads: the page without its tags."""
    return " ".join(re.sub(r"<[^>]+>", "", page).split())


def test_entries_before_the_calendars_monday_count_in_the_homeworks_week(app, client, monkeypatch):
    """Friday to Sunday's three entries are this week's three on Monday (the week began on
    Wednesday): the home says so, and Ana gets no nudge that evening while Ben does."""
    with app.app_context():
        assignment_id, (ana, ben) = _three_a_week()
        db.session.get(Partner, ana).display_name = "נועה לוי"
        db.session.commit()
        for day in (4, 5, 6):
            add_entry(assignment_id, ana, datetime(2026, 12, day, 12))
    monday = datetime(2026, 12, 7, 19)
    page = _home(client, monkeypatch, ana, monday)
    assert "3 of 3 this week (since Wednesday)" in _text(page)
    assert "Hi <bdi>נועה</bdi>" in page
    assert "0 of 3 this week (since Wednesday)" in _text(_home(client, monkeypatch, ben, monday))
    with app.app_context():
        planned = schedule.sweep(monday).planned
        nudged = db.session.scalars(
            select(OutboundEmail.partner_id).where(OutboundEmail.id.in_(planned))
        ).all()
    assert nudged == [ben]


def test_entries_of_the_weeks_before_do_not_count_after_the_calendars_monday(
    app, client, monkeypatch
):
    """Monday's and Tuesday's entries belong to the week that ended on Tuesday: on Thursday
    none of this week's three is in (the calendar's week would count two)."""
    with app.app_context():
        assignment_id, (ana, _ben) = _three_a_week()
        for day in (7, 8):
            add_entry(assignment_id, ana, datetime(2026, 12, day, 12))
    page = _home(client, monkeypatch, ana, datetime(2026, 12, 10, 12))
    assert "0 of 3 this week (since yesterday)" in _text(page)
    page = _home(client, monkeypatch, ana, datetime(2026, 12, 9, 12))
    assert "0 of 3 this week (starts today)" in _text(page)


def test_the_week_follows_the_partners_own_days(app, client, monkeypatch):
    """Assigned at 12:00 UTC on Tuesday 1 December, 01:00 on Wednesday in Auckland: Ana's
    weeks there run from Wednesday, and her entry at 01:00 on Wednesday 9 December is the
    first of a new week, as her nudges count it."""
    with app.app_context():
        assignment_id, (ana, _ben) = _three_a_week(
            assigned=datetime(2026, 12, 1, 12), partner_tz=("Pacific/Auckland", None)
        )
        add_entry(assignment_id, ana, datetime(2026, 12, 8, 12))  # Wed 9 Dec, 01:00 there
    page = _home(client, monkeypatch, ana, datetime(2026, 12, 9, 3))  # 16:00 there
    assert "1 of 3 this week (starts today)" in _text(page)


@pytest.mark.parametrize(
    ("start", "today", "words"),
    [
        (date(2026, 12, 2), date(2026, 12, 2), "starts today"),
        (date(2026, 12, 2), date(2026, 12, 3), "since yesterday"),
        (date(2026, 12, 2), date(2026, 12, 8), "since Wednesday"),
    ],
)
def test_week_words(start, today, words):
    assert home.week_words(start, today) == words


def test_daily_homework_asks_for_the_days_of_its_week_up_to_the_due_date():
    assert home.expected_this_week("daily", None, date(2026, 12, 2), date(2026, 12, 20)) == 7
    assert home.expected_this_week("daily", None, date(2026, 12, 16), date(2026, 12, 18)) == 3
    assert home.expected_this_week("weekly", 3, date(2026, 12, 2), date(2026, 12, 3)) == 3


@pytest.mark.parametrize(
    ("frequency", "entries", "says"),
    [
        # Assigned 2 Dec, due 22 Dec: two fortnights, one month; the counselor's count.
        ("fortnightly", 1, "1 of 2 so far"),
        ("monthly", 1, "1 of 1 so far"),
        ("event", 2, "2 entries so far"),
        ("event", 1, "1 entry so far"),
        ("event", 0, "Not started"),
    ],
)
def test_homework_without_a_weekly_number_says_no_week(
    app, client, monkeypatch, frequency, entries, says
):
    """Every other week, monthly and "when it happens" ask for no number a week: their
    progress is the whole homework's, never "x of 1 this week"."""
    with app.app_context():
        assignment_id, (ana, _ben) = build(
            frequency=frequency, due=date(2026, 12, 22), assigned=WEDNESDAY
        )
        for day in range(entries):
            add_entry(assignment_id, ana, datetime(2026, 12, 3 + day, 12))
    text = _text(_home(client, monkeypatch, ana, datetime(2026, 12, 9, 19)))
    assert says in text
    assert "this week" not in text and "(since" not in text
