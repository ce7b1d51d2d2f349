"""The counselor's optional daily digest: counts and a sign-in link, no names or content."""

from __future__ import annotations

from datetime import date, datetime

from practice.couples.models import Partner
from practice.extensions import db
from practice.measures.scheduling import request_measure
from practice.reminders.cli import run_once
from tests.measures.conftest import answer, csi_answers, load_measures
from tests.reminders.helpers import ENTRY_TEXT, NOTE, TITLE, add_entry, build


def _turn_on(signed_in, on: bool = True):
    data = {
        "default_rule": "none",
        "default_hour": "18",
        "subject": "A message from your counselor",
    }
    if on:
        data["digest_enabled"] = "y"
    response = signed_in.post("/settings/reminders", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_the_digest_counts_without_names_once_a_day_from_eight(
    app, signed_in, counselor, smtp_server
):
    _turn_on(signed_in)
    with app.app_context():
        counselor = db.session.merge(counselor)
        counselor.timezone = "Europe/Berlin"
        assignment_id, (ana, ben) = build(counselor=counselor, rule="none")
        add_entry(assignment_id, ana, datetime(2026, 12, 4, 20))
        # Ana's latest CSI-4 total is below its cutoff of 13.5; Ben's is above.
        ana_partner, ben_partner = db.session.get(Partner, ana), db.session.get(Partner, ben)
        request_measure(ana_partner.couple, load_measures(), "once", date(2026, 12, 1))
        db.session.commit()
        answer(ana_partner, date(2026, 12, 2), csi_answers(11))
        answer(ben_partner, date(2026, 12, 2), csi_answers(18))
        run_once(datetime(2026, 12, 5, 6, 59))  # 07:59 in Berlin: not yet
        assert smtp_server.inbox.count() == 0
        run_once(datetime(2026, 12, 5, 7, 0))
        run_once(datetime(2026, 12, 5, 12, 0))  # once a day
    [digest] = smtp_server.inbox.received
    assert digest.recipients == ["admin@example.org"]
    text = " ".join(digest.text.split())
    assert "New entries since you last looked: 1" in text
    assert "Homework due this week: 1" in text
    assert "Couples with a partner whose latest score is below a measure's cutoff: 1" in text
    assert "http://localhost/login" in text
    whole = digest.message["Subject"] + digest.text + digest.html
    for private in ("Ana", "Ben", "Silva", TITLE, NOTE, ENTRY_TEXT, "CSI", "Satisfaction", "13.5"):
        assert private not in whole


def test_no_digest_unless_the_practice_turns_it_on(app, signed_in, counselor, smtp_server):
    _turn_on(signed_in, on=False)
    with app.app_context():
        assignment_id, (ana, _) = build(counselor=db.session.merge(counselor), rule="none")
        add_entry(assignment_id, ana, datetime(2026, 12, 4, 20))
        run_once(datetime(2026, 12, 5, 9, 0))
    assert smtp_server.inbox.count() == 0


def test_nothing_to_report_sends_nothing(app, signed_in, counselor, smtp_server):
    _turn_on(signed_in)
    with app.app_context():
        result, _ = run_once(datetime(2026, 12, 5, 9, 0))
    assert smtp_server.inbox.count() == 0
    assert result.skipped == {"nothing to report": 1}


def test_the_settings_page_is_the_administrators(app, client, auth, counselor):
    from tests.factories import make_counselor

    with app.app_context():
        make_counselor(email="colleague@example.org")
        db.session.commit()
    auth.login("colleague@example.org")
    assert client.get("/settings/reminders").status_code == 404
