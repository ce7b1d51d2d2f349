"""Sending a partner their link from the couple page, opting out through the email's
header, and the rule that no email carries anything clinical."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from practice import jobs
from practice.audit.models import AuditEvent
from practice.couples.models import Partner
from practice.extensions import db
from practice.mail import outbox
from practice.mail.models import OutboundEmail
from practice.reminders import preferences, services
from practice.reminders.cli import run_once
from tests.factories import make_counselor
from tests.realparts import wait_until
from tests.reminders.helpers import (
    ENTRY_TEXT,
    NOTE,
    PROMPT,
    TITLE,
    add_entry,
    build,
    link_in,
    unsubscribe_path,
)


@pytest.fixture
def homework(app, counselor):
    """The signed-in counselor's couple (Ana and Ben, with emails) with homework."""
    with app.app_context():
        counselor = db.session.merge(counselor)
        assignment_id, partner_ids = build(counselor=counselor, rule="day_before")
        return assignment_id, partner_ids


def _couple_page(client, partner_id: int) -> str:
    with client.application.app_context():
        couple_id = db.session.get(Partner, partner_id).couple_id
    return client.get(f"/couples/{couple_id}").get_data(as_text=True)


def _send_link(client, partner_id: int):
    with client.application.app_context():
        couple_id = db.session.get(Partner, partner_id).couple_id
    return client.post(f"/couples/{couple_id}/partners/{partner_id}/send-link")


def test_send_the_link_from_the_couple_page_read_it_and_open_it(
    app, signed_in, homework, smtp_server
):
    """The request only writes a row and queues a job; the embedded worker (real Huey
    consumer threads on the SQLite queue, as `python app.py` runs them) sends it."""
    _, (ana, _ben) = homework
    consumer = jobs.start_in_process(workers=2)
    try:
        response = _send_link(signed_in, ana)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"#partner-{ana}")
        page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
        assert "link is on its way to ana@example.org" in page
        wait_until(lambda: smtp_server.inbox.count() == 1, 30, what="the link email")
    finally:
        jobs.stop_in_process(consumer)
    [received] = smtp_server.inbox.received
    assert received.recipients == ["ana@example.org"]
    path = link_in(received.text)
    signed_in.post("/logout")
    home = signed_in.get(path)
    assert home.status_code == 200 and "Hi <bdi>Ana</bdi>" in home.get_data(as_text=True)
    with app.app_context():
        actions = db.session.execute(
            select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.action.like("email.%"))
        ).all()
    assert sorted(actions) == [("email.link_requested", ""), ("email.sent", "link")]


def test_the_couple_page_shows_what_was_sent_failed_and_opted_out(
    app, signed_in, homework, smtp_server
):
    _, (ana, ben) = homework
    _send_link(signed_in, ana)
    with app.app_context():
        run_once(datetime(2026, 12, 5, 18, 0))  # the link, and both day-before reminders
        smtp_server.stop()
    _send_link(signed_in, ben)
    with app.app_context():
        run_once(datetime(2026, 12, 5, 18, 5))
        preferences.set_opted_out(ben, True, datetime(2026, 12, 5, 19))
        db.session.commit()
    page = " ".join(_couple_page(signed_in, ana).split())
    assert "Their link · sent" in page
    assert "Reminder, the day before · sent" in page
    assert "Not sent yet" in page and "The mail server could not be reached" in page
    assert "Opted out of reminders" in page


def test_double_click_on_send_link_queues_one_email(app, signed_in, homework):
    _, (ana, _) = homework
    _send_link(signed_in, ana)
    _send_link(signed_in, ana)
    with app.app_context():
        kinds = db.session.execute(select(OutboundEmail.kind)).scalars().all()
    assert kinds == ["link"]


def test_another_counselors_partner_is_not_found(app, client, auth, homework):
    _, (ana, _) = homework
    with app.app_context():
        make_counselor(email="other@example.org")
        db.session.commit()
    auth.login("other@example.org")
    assert _send_link(client, ana).status_code == 404


def test_without_mail_server_every_send_control_explains(app, signed_in, homework):
    app.config["MAIL_SERVER"] = ""
    _, (ana, _) = homework
    page = _couple_page(signed_in, ana)
    assert "Email is not configured for this practice" in page
    assert "Email Ana their link" not in page
    response = _send_link(signed_in, ana)
    assert "Email is not configured" in signed_in.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.execute(select(OutboundEmail)).first() is None


def test_one_click_unsubscribe_through_the_header_and_undo_from_the_home(
    app, client, homework, smtp_server
):
    _, (ana, _) = homework
    with app.app_context():
        run_once(datetime(2026, 12, 5, 18, 0))
    received = smtp_server.inbox.to("ana@example.org")[0]
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_path(received.message)

    # A link scanner's GET changes nothing.
    page = client.get(path)
    assert page.status_code == 200 and "Stop reminder emails?" in page.get_data(as_text=True)
    # The mail client's one-click POST (RFC 8058): no session, no CSRF token.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no more reminders" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert preferences.opted_out_since([ana])
        events = (
            db.session.execute(
                select(AuditEvent.action).where(AuditEvent.action.like("reminders.%"))
            )
            .scalars()
            .all()
        )
        assert events == ["reminders.opt_out"]
        # At once: the next reminder is skipped.
        assert run_once(datetime(2026, 12, 5, 18, 1))[0].skipped == {"opted out": 1}

    home_path = link_in(received.text)
    home = client.get(home_path).get_data(as_text=True)
    assert "You turned reminder emails off" in home
    back = client.post(f"{home_path}/reminders", data={"reminders": "on"})
    assert back.status_code == 302
    assert "You turned reminder emails off" not in client.get(home_path).get_data(as_text=True)
    with app.app_context():
        assert preferences.opted_out_since([ana]) == {}


@pytest.mark.parametrize("token", ["nonsense", "eyJhIjoxfQ.bad", "x" * 300])
def test_a_bad_unsubscribe_link_gets_a_kind_page(client, token):
    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_no_email_of_any_kind_carries_anything_clinical(app, homework, smtp_server):
    """Links, every reminder kind and the test email: no exercise title, note, prompt,
    entry or rating, in subject, text or HTML."""
    assignment_id, (ana, ben) = homework
    with app.app_context():
        add_entry(assignment_id, ana, datetime(2026, 12, 1, 9))  # something to leak
        services.set_plan(assignment_id, "daily_nudge", 18)
        db.session.get(
            type(db.session.get(Partner, ana).couple.assignments[0]), assignment_id
        ).frequency = "daily"
        db.session.commit()
        moment = datetime(2026, 12, 5, 18)
        rows = [
            outbox.Planned(
                kind=kind,
                dedupe_key=kind,
                scheduled_for=moment,
                partner_id=ben,
                assignment_id=assignment_id,
                couple_id=None,
            )
            for kind in ("link", "reminder_day_before", "reminder_due_day", "reminder_daily_nudge")
        ]
        counselor_id = db.session.get(Partner, ben).couple.counselor_id
        rows.append(
            outbox.Planned(
                kind="mail_test", dedupe_key="t", scheduled_for=moment, counselor_id=counselor_id
            )
        )
        ids = outbox.plan(rows)
        db.session.commit()
        outcomes = [outbox.deliver(i, moment).status for i in ids]
    assert outcomes == ["sent"] * 5
    assert smtp_server.inbox.count() == 5
    for received in smtp_server.inbox.received:
        whole = " ".join([received.message["Subject"], received.text, received.html]).lower()
        for clinical in (TITLE, NOTE, PROMPT, ENTRY_TEXT, "gratitude", "rating"):
            assert clinical.lower() not in whole, (clinical, received.message["Subject"])
        assert "harbor counseling" in whole
    partner_mail = [r for r in smtp_server.inbox.received if r.recipients == ["ben@example.org"]]
    for received in partner_mail:
        assert "Dr. Rivera" in received.text
        assert received.message["List-Unsubscribe"]
