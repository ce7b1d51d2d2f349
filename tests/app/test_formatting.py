"""Dates as people read them: English day and month names, the year only when it is not this
year, and the time in the signed-in counselor's zone (the practice's zone for clients)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask import g

from practice import formatting
from practice.extensions import db
from practice.timeutil import utcnow


@pytest.fixture
def in_request(app):
    """A request with nobody signed in (what a partner's link page is)."""
    with app.test_request_context("/"):
        yield app


def test_day_names_this_year_without_the_year_and_other_years_with_it(in_request):
    this_year = formatting.today_local().year
    assert formatting.day(date(this_year, 12, 3)).startswith(
        ("Mon 3 Dec", "Tue 3 Dec", "Wed 3 Dec", "Thu 3 Dec", "Fri 3 Dec", "Sat 3 Dec", "Sun 3 Dec")
    )
    assert not formatting.day(date(this_year, 12, 3)).endswith(str(this_year))
    assert formatting.day(date(2031, 1, 6)) == "Mon 6 Jan 2031"
    assert formatting.day(None) == ""


def test_when_converts_to_the_practice_zone_across_daylight_saving(app):
    app.config["DEFAULT_TIMEZONE"] = "Europe/Berlin"
    with app.test_request_context("/"):
        # 23:30 UTC in summer is 01:30 the next day in Berlin (UTC+2); in winter 00:30 (UTC+1).
        assert formatting.when(datetime(2031, 7, 14, 23, 30)) == "Tue 15 Jul 2031, 01:30"
        assert formatting.when(datetime(2031, 1, 14, 23, 30)) == "Wed 15 Jan 2031, 00:30"
        assert formatting.when(None) == ""


def test_an_unknown_zone_falls_back_to_utc(app):
    app.config["DEFAULT_TIMEZONE"] = "Mars/Olympus_Mons"
    with app.test_request_context("/"):
        assert formatting.when(datetime(2031, 7, 14, 23, 30)) == "Mon 14 Jul 2031, 23:30"


def test_due_counts_days_from_today_in_the_zone(in_request):
    today = formatting.today_local()
    assert formatting.due(today).endswith("due today")
    assert formatting.due(today + timedelta(days=1)).endswith("due tomorrow")
    assert formatting.due(today + timedelta(days=9)).endswith("due in 9 days")
    assert formatting.due(today - timedelta(days=1)).endswith("overdue by 1 day")
    assert formatting.due(today - timedelta(days=12)).endswith("overdue by 12 days")


def test_today_is_the_date_in_the_zone_not_on_the_server(app):
    """Just before midnight UTC it is already tomorrow in Auckland (UTC+12 or +13)."""
    app.config["DEFAULT_TIMEZONE"] = "Pacific/Auckland"
    with app.test_request_context("/"):
        now = utcnow()
        expected = formatting.local(now, "Pacific/Auckland").date()
        assert formatting.today_local() == expected


def test_the_signed_in_counselors_zone_wins_and_signing_in_mid_request_is_noticed(app, counselor):
    """The zone is worked out once per request, and again if the user changes (signing in)."""
    from flask_login import login_user

    app.config["DEFAULT_TIMEZONE"] = "UTC"
    moment = datetime(2031, 3, 1, 12, 0)
    with app.test_request_context("/"):
        assert formatting.when(moment) == "Sat 1 Mar 2031, 12:00"
        user = db.session.merge(counselor)
        user.timezone = "Asia/Tokyo"
        login_user(user)
        assert g.get("_login_user") is user
        assert formatting.when(moment) == "Sat 1 Mar 2031, 21:00"


def test_outside_a_request_the_practice_zone_is_used(app):
    app.config["DEFAULT_TIMEZONE"] = "America/Chicago"
    with app.app_context():
        assert formatting.when(datetime(2031, 12, 4, 10, 0)) == "Thu 4 Dec 2031, 04:00"


@pytest.mark.parametrize("script_root", ["", "/practice"])
def test_links_filled_in_from_a_route_built_once_match_url_for(app, script_root):
    """The dashboard's links (id_path) are the addresses url_for gives, also when the app is
    served under a prefix, and a second link of the same route is not mixed up with the first."""
    from flask import url_for

    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": script_root}):
        for couple_id in (7, 1234):
            assert formatting.id_path("couples.detail", couple_id=couple_id) == url_for(
                "couples.detail", couple_id=couple_id
            )
            assert formatting.id_path("measures.progress", couple_id=couple_id) == url_for(
                "measures.progress", couple_id=couple_id
            )
        assert formatting.id_path("homework.detail", "entry-5", assignment_id=3) == url_for(
            "homework.detail", assignment_id=3, _anchor="entry-5"
        )
        assert formatting.id_path("couples.detail", couple_id=7).startswith(f"{script_root}/")
