"""Assigning homework as a new practice does it: a due date that makes sense, messages written
for people, a preview of each exercise, and several exercises in one go."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from practice.extensions import db
from practice.homework.due_dates import suggested_due_date
from practice.homework.models import Assignment
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow
from tests.factories import make_couple, make_exercise


@pytest.fixture
def couple_id(app, counselor):
    with app.app_context():
        couple = make_couple(counselor, ("Yusuf Haddad", "Noa Cohen"))
        make_exercise(slug="gratitude-list", title="Gratitude list")
        make_exercise(slug="daily-check-in", title="Daily check-in")
        db.session.commit()
        return couple.id


def form_for(client, couple_id, query: str = "") -> str:
    response = client.get(f"/couples/{couple_id}/homework/new{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client, couple_id, **fields):
    data = {
        "exercises": ["gratitude-list"],
        "partners": "both",
        "due_date": (utcnow().date() + timedelta(days=7)).isoformat(),
        "frequency": "once",
        "times_per_week": "",
        "note": "",
        "session_id": "None",
    }
    data.update(fields)
    return client.post(f"/couples/{couple_id}/homework/new", data=data)


def due_value(page: str) -> str:
    return (
        re.search(r'id="due_date"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="due_date"', page)
        .group(0)
        .split('value="')[1]
        .split('"')[0]
    )


def test_due_date_is_a_week_ahead_without_an_appointment(signed_in, couple_id):
    page = form_for(signed_in, couple_id)
    assert (
        due_value(page) == (date.today() + timedelta(days=7)).isoformat()
        or due_value(page) == (utcnow().date() + timedelta(days=7)).isoformat()
    )
    assert "Suggested: a week from today. No next appointment is booked." in page


def test_due_date_is_the_day_before_the_next_appointment(app, signed_in, couple_id):
    appointment = (utcnow() + timedelta(days=10)).replace(hour=12, minute=0)
    with app.app_context():
        db.session.add(
            CounselingSession(
                couple_id=couple_id,
                starts_at=utcnow() - timedelta(days=4),
                next_appointment_at=appointment,
            )
        )
        db.session.commit()
    page = form_for(signed_in, couple_id)
    assert due_value(page) == (appointment.date() - timedelta(days=1)).isoformat()
    assert "Suggested: the day before their next appointment" in page


@pytest.mark.parametrize(
    ("appointment", "expected"),
    [
        (date(2026, 12, 10), date(2026, 12, 9)),
        (date(2026, 12, 2), date(2026, 12, 1)),  # tomorrow: due today
        (date(2026, 12, 1), date(2026, 12, 8)),  # today: the next one is not known, a week
        (None, date(2026, 12, 8)),
    ],
)
def test_suggested_due_date(appointment, expected):
    assert suggested_due_date(appointment, date(2026, 12, 1)) == expected


def test_messages_are_for_people_and_examples_are_in_the_future(signed_in, couple_id):
    page = post(
        signed_in, couple_id, frequency="weekly", times_per_week="three", due_date="next friday"
    ).get_data(as_text=True)
    assert "Not a valid integer value" not in page and "Not a valid date value" not in page
    assert "Enter how many times a week as a number from 1 to 7, like 3." in page
    example = re.search(r"Enter a due date, like (\d{4}-\d\d-\d\d)\.", page).group(1)
    assert date.fromisoformat(example) > utcnow().date()
    assert 'value="three"' in page  # what was typed stays


def test_letters_in_times_a_week_are_ignored_when_not_weekly(app, signed_in, couple_id):
    assert post(signed_in, couple_id, frequency="once", times_per_week="three").status_code == 302


def test_times_a_week_sits_under_its_own_choice(signed_in, couple_id):
    page = form_for(signed_in, couple_id)
    weekly = page.index('data-frequency="weekly"')
    box = page.index('id="times_per_week"')
    daily = page.index('data-frequency="daily"')
    assert daily < weekly < box
    assert 'data-shown-for="weekly"' in page


def test_a_preview_of_each_exercise_beside_the_form(signed_in, couple_id):
    page = form_for(signed_in, couple_id, "?exercise=gratitude-list")
    shown = re.search(r'<section class="card preview" data-preview="gratitude-list"[^>]*>', page)
    assert shown and "hidden" not in shown.group(0)
    other = re.search(r'<section class="card preview" data-preview="daily-check-in"[^>]*>', page)
    assert "hidden" in other.group(0)


def test_without_a_script_the_preview_button_keeps_everything_typed(signed_in, couple_id):
    page = post(
        signed_in, couple_id, exercises=["daily-check-in"], note="Be gentle", preview="1"
    ).get_data(as_text=True)
    assert "Be gentle</textarea>" in page
    shown = re.search(r'<section class="card preview" data-preview="daily-check-in"[^>]*>', page)
    assert "hidden" not in shown.group(0)


def test_several_exercises_at_once(app, signed_in, couple_id):
    response = post(
        signed_in, couple_id, exercises=["gratitude-list", "daily-check-in"], note="Both this week"
    )
    assert response.status_code == 302
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    assert re.search(
        r"2 exercises assigned: “(Gratitude list|Daily check-in)”, “(Gratitude list|"
        r"Daily check-in)”\. Copy or print",
        page,
    )
    with app.app_context():
        rows = db.session.execute(select(Assignment.title, Assignment.note)).all()
        assert sorted(rows) == [
            ("Daily check-in", "Both this week"),
            ("Gratitude list", "Both this week"),
        ]


def test_too_many_at_once_is_refused_and_nothing_is_saved(app, signed_in, couple_id):
    with app.app_context():
        for n in range(5):
            make_exercise(slug=f"extra-{n}", title=f"Extra {n}")
        db.session.commit()
    chosen = ["gratitude-list", "daily-check-in"] + [f"extra-{n}" for n in range(5)]
    page = post(signed_in, couple_id, exercises=chosen).get_data(as_text=True)
    assert "Choose at most 5 exercises at once." in page
    with app.app_context():
        assert db.session.execute(select(func.count(Assignment.id))).scalar_one() == 0


def test_an_appointment_in_the_past_is_not_used(app, signed_in, couple_id):
    with app.app_context():
        db.session.add(
            CounselingSession(
                couple_id=couple_id,
                starts_at=datetime(2025, 1, 1, 10),
                next_appointment_at=datetime(2025, 1, 8, 10),
            )
        )
        db.session.commit()
    assert "No next appointment is booked." in form_for(signed_in, couple_id)
