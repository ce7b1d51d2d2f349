"""Assigning: the reminder rule (the practice's default preset) and emailing the links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.reminders.models import ReminderPlan
from practice.reminders.services import save_reminder_settings
from practice.timeutil import utcnow
from tests.factories import make_couple, make_exercise
from tests.reminders.helpers import link_in


def _setup(app, counselor):
    with app.app_context():
        counselor = db.session.merge(counselor)
        couple = make_couple(counselor)
        couple.partners[0].email = "ana@example.org"
        make_exercise(slug="gratitude-list")
        save_reminder_settings(
            default_rule="due_day", default_hour=10, subject="Hello", digest_enabled=False
        )
        db.session.commit()
        return couple.id


def _assign(client, couple_id, **extra):
    data = {
        "exercises": "gratitude-list",
        "partners": "both",
        "due_date": (utcnow().date() + timedelta(days=7)).isoformat(),
        "frequency": "once",
        "times_per_week": "",
        "note": "",
        "session_id": "None",
        **extra,
    }
    return client.post(f"/couples/{couple_id}/homework/new", data=data)


def test_the_form_presets_the_practice_default(app, signed_in, counselor):
    couple_id = _setup(app, counselor)
    page = signed_in.get(f"/couples/{couple_id}/homework/new").get_data(as_text=True)
    assert '<option selected value="due_day">' in page
    assert '<option selected value="10">' in page
    assert "Email each partner their link now" in page


def test_assigning_saves_the_rule_and_emails_the_partner_who_has_an_address(
    app, signed_in, counselor, smtp_server
):
    couple_id = _setup(app, counselor)
    response = _assign(
        signed_in, couple_id, reminder_rule="day_before", reminder_hour="19", email_links="y"
    )
    assert response.status_code == 302
    flashed = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Their links are on their way by email" in flashed
    with app.app_context():
        plan = db.session.execute(select(ReminderPlan)).scalar_one()
        assert (plan.rule, plan.local_hour) == ("day_before", 19)
        [email] = db.session.execute(select(OutboundEmail)).scalars().all()
        assert email.kind == "link"
        from practice.mail import outbox

        assert outbox.deliver(email.id).status == "sent"
    [received] = smtp_server.inbox.received
    assert received.recipients == ["ana@example.org"]
    signed_in.post("/logout")
    assert "Hi <bdi>Ana</bdi>" in signed_in.get(link_in(received.text)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("frequency", "message"),
    [
        ("once", "A nudge follows a repeating schedule"),
        ("event", "“When it happens” homework has no rhythm to nudge by"),
    ],
)
def test_a_nudge_for_homework_without_a_rhythm_is_refused_next_to_the_field(
    app, signed_in, counselor, frequency, message
):
    couple_id = _setup(app, counselor)
    response = _assign(
        signed_in, couple_id, frequency=frequency, reminder_rule="daily_nudge", reminder_hour="18"
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(ReminderPlan)).first() is None


@pytest.mark.parametrize("frequency", ["daily", "fortnightly", "monthly"])
def test_a_nudge_for_repeating_homework_is_saved(app, signed_in, counselor, frequency):
    couple_id = _setup(app, counselor)
    response = _assign(
        signed_in, couple_id, frequency=frequency, reminder_rule="daily_nudge", reminder_hour="18"
    )
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.execute(select(ReminderPlan)).scalar_one()
        assert (plan.rule, plan.local_hour) == ("daily_nudge", 18)


def test_a_post_without_the_reminder_fields_takes_the_default(app, signed_in, counselor):
    couple_id = _setup(app, counselor)
    assert _assign(signed_in, couple_id).status_code == 302
    with app.app_context():
        plan = db.session.execute(select(ReminderPlan)).scalar_one()
        assert (plan.rule, plan.local_hour) == ("due_day", 10)
        assert db.session.execute(select(OutboundEmail)).first() is None
