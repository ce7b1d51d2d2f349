"""The couple page says what each nudge was sent for, true to its homework's schedule
(practice/reminders/rhythm.py): 'nothing done that day' for daily homework; for N times a
week, also that nudges go on until the week's N entries are in."""

from __future__ import annotations

import html
from datetime import date, datetime

import pytest

from practice.couples.models import Partner
from practice.extensions import db
from practice.reminders import services
from practice.reminders.cli import run_once
from tests.reminders.helpers import build

DAILY = "Reminder, nothing done that day · sent"
THREE_A_WEEK = "Reminder, nothing done that day (until the week's 3 entries are in) · sent"


def _nudged_couple_page(app, client, counselor, **homework) -> str:
    """A couple of the signed-in counselor (one partner named in Arabic) with nudging
    homework, nudged on Saturday 5 December at 19:00; their couple page."""
    with app.app_context():
        _, (ana, _ben) = build(
            counselor=db.session.merge(counselor),
            rule="daily_nudge",
            hour=19,
            due=date(2026, 12, 20),
            **homework,
        )
        partner = db.session.get(Partner, ana)
        partner.display_name = "ليلى حداد"
        couple_id = partner.couple_id
        db.session.commit()
        run_once(datetime(2026, 12, 5, 19))
    return html.unescape(
        " ".join(client.get(f"/couples/{couple_id}").get_data(as_text=True).split())
    )


def test_a_daily_nudge_reads_nothing_done_that_day(app, signed_in, counselor, smtp_server):
    page = _nudged_couple_page(app, signed_in, counselor, frequency="daily")
    assert page.count(DAILY) == 2
    assert "until the week's" not in page and "yet today" not in page
    assert "<bdi>ليلى حداد</bdi>" in page


def test_a_three_a_week_nudge_says_it_goes_on_until_the_weeks_three(
    app, signed_in, counselor, smtp_server
):
    page = _nudged_couple_page(
        app,
        signed_in,
        counselor,
        frequency="weekly",
        times_per_week=3,
        assigned=datetime(2026, 12, 2, 10),
    )
    assert page.count(THREE_A_WEEK) == 2
    assert "yet today" not in page
    assert "<bdi>ليلى حداد</bdi>" in page


@pytest.mark.parametrize(
    ("frequency", "times", "label"),
    [
        ("daily", None, "Reminder, nothing done that day"),
        ("weekly", 1, "Reminder, nothing done that day (until the week's entry is in)"),
        ("weekly", 3, "Reminder, nothing done that day (until the week's 3 entries are in)"),
        ("fortnightly", None, "Reminder, the fortnight's entry not written yet"),
        ("monthly", None, "Reminder, the month's entry not written yet"),
    ],
)
def test_nudge_labels_follow_the_schedule(frequency, times, label):
    assert services.nudge_label(frequency, times) == label
    assert services.email_label("reminder_daily_nudge", frequency, times) == label


def test_other_emails_keep_their_labels():
    assert services.email_label("reminder_day_before", "weekly", 3) == "Reminder, the day before"
    assert services.email_label("link", None, None) == "Their link"
