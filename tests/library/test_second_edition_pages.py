"""Roles, phases, schedules and the new prompt types, end to end: the assign form, the
partner's page (without JavaScript: plain form posts), the couple page, the session PDF and
the JSON export."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from practice.couples.models import Couple
from practice.extensions import db
from practice.homework.models import Assignment, Entry
from practice.timeutil import utcnow
from tests.factories import make_assignment, make_couple, make_exercise
from tests.sessions.test_session_pdf import read_pdf
from tests.sessions.test_sessions import add_session

PROMPTS = [
    {"key": "setup", "type": "list", "label": "Qsetup things", "items": 2, "phase": "start"},
    {"key": "turn", "type": "timer", "label": "Qspeaking turn", "minutes": 5},
    {"key": "spoke", "type": "i_statement", "label": "Qspeaker statement", "role": "speaker"},
    {"key": "heard", "type": "text", "label": "Qlistener heard", "role": "listener"},
    {
        "key": "signs",
        "type": "rating_grid",
        "label": "Qsigns grid",
        "rows": ["Talking less", "Less affection"],
        "low": "Not true",
        "high": "Very true",
    },
    {
        "key": "areas",
        "type": "checklist",
        "label": "Qareas list",
        "options": ["Time alone", "Money", "Sleep"],
    },
    {"key": "when", "type": "date_time", "label": "Qwhen next"},
    {
        "key": "week",
        "type": "scale",
        "label": "Qweek review",
        "low": "Bad",
        "high": "Good",
        "phase": "review",
    },
]


def _key(page: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def _send(client, url: str, **answers) -> str:
    page = client.get(url).get_data(as_text=True)
    data = {"submission_key": _key(page), "visibility": "partner", "n-setup": "2", **answers}
    response = client.post(url, data=data)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def homework(app, counselor):
    """Ana speaks first, then the two swap; daily for a week."""
    with app.app_context():
        couple = make_couple(counselor, ("Ana Silva", "Ben Okafor"))
        ana, ben = couple.partners
        exercise = make_exercise(
            prompts=PROMPTS, roles="speaker_listener", why="Qwhy listening slows things down."
        )
        assignment, tokens = make_assignment(couple, exercise, frequency="daily")
        assignment.roles = {"first": ana.id, "mode": "swap"}
        db.session.commit()
        return {
            "ana": f"/h/{tokens[ana.id]}",
            "ben": f"/h/{tokens[ben.id]}",
            "id": assignment.id,
            "couple": couple.id,
            "ana_id": ana.id,
        }


def test_each_partner_sees_their_role_named_and_only_their_questions(client, homework):
    ana = client.get(homework["ana"]).get_data(as_text=True)
    assert "Your role this time: Speaker" in ana
    assert "Qspeaker statement" in ana and "Qlistener heard" not in ana
    ben = client.get(homework["ben"]).get_data(as_text=True)
    assert "Your role this time: Listener" in ben
    assert "Qlistener heard" in ben and "Qspeaker statement" not in ben


def test_roles_swap_with_each_entry(client, homework):
    _send(client, homework["ana"], **{"a-spoke-feel": "heard"})
    again = client.get(homework["ana"]).get_data(as_text=True)
    assert "Your role this time: Listener" in again and "Qspeaker statement" not in again


def test_start_questions_once_and_the_review_at_the_end(app, client, homework):
    first = client.get(homework["ana"]).get_data(as_text=True)
    assert "Qsetup things" in first and "Qweek review" not in first
    assert "Answer the review now" in first
    _send(client, homework["ana"], **{"a-setup-0": "Tea first"})
    later = client.get(homework["ana"]).get_data(as_text=True)
    assert "Qsetup things" not in later and "Qweek review" not in later
    # The partner may ask for the review early; it is then posted with the entry.
    review = client.get(homework["ana"] + "?review=1").get_data(as_text=True)
    assert "Qweek review" in review and 'name="review" value="1"' in review
    _send(client, homework["ana"] + "?review=1", review="1", **{"a-week": "4"})
    with app.app_context():
        answers = [e.answers for e in db.session.execute(select(Entry)).scalars()]
    assert {"week": 4} in answers
    # On the last days before the due date it is asked without asking.
    with app.app_context():
        db.session.get(Assignment, homework["id"]).due_date = utcnow().date() + timedelta(days=1)
        db.session.commit()
    assert "Qweek review" in client.get(homework["ana"]).get_data(as_text=True)


def test_every_new_type_works_without_javascript(app, client, homework):
    page = client.get(homework["ana"]).get_data(as_text=True)
    assert "Set a timer for 5 minutes." in page and "js/timer.js" in page
    assert page.count('type="checkbox" name="a-areas"') == 3
    assert page.count('type="radio" name="a-signs-0"') == 5
    assert 'type="date" id="a-when-date"' in page and 'type="time" id="a-when-time"' in page
    assert 'list="feeling-words"' in page and '<option value="lonely">' in page
    assert '<details class="why-folded">' in page and "Qwhy listening slows" in page
    _send(
        client,
        homework["ana"],
        **{
            "a-turn": "done",
            "a-signs-0": "4",
            "a-signs-1": "2",
            "a-areas": ["0", "2"],
            "a-when-date": "2026-12-03",
            "a-when-time": "19:30",
            "a-spoke-feel": "lonely",
        },
    )
    with app.app_context():
        [saved] = db.session.execute(select(Entry)).scalars()
        assert saved.answers["turn"] == "done"
        assert saved.answers["signs"] == {"Talking less": 4, "Less affection": 2}
        assert saved.answers["areas"] == ["Time alone", "Sleep"]
        assert saved.answers["when"] == {"date": "2026-12-03", "time": "19:30"}
        assert saved.answers["spoke"]["feel"] == "lonely"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("a-when-date", "31-12-2026", "Enter a date like 2026-12-31."),
        ("a-when-time", "25:00", "Enter a time like 19:30."),
        ("a-signs-1", "9", "Choose a number from 1 to 5."),
        ("a-areas", "7", "Choose from the list."),
        ("a-turn", "maybe", "Tick the box, or leave it empty."),
    ],
)
def test_a_bad_answer_is_named_beside_its_field_and_everything_typed_is_kept(
    app, client, homework, field, value, message
):
    page = client.get(homework["ana"]).get_data(as_text=True)
    data = {
        "submission_key": _key(page),
        "visibility": "partner",
        "n-setup": "2",
        "a-setup-0": "Qkept words",
        "a-when-date": "2026-12-03",
        field: value,
    }
    if field == "a-when-time":
        data["a-when-date"] = "2026-12-03"
    response = client.post(homework["ana"], data=data)
    text = response.get_data(as_text=True)
    assert message in text and "Qkept words" in text
    with app.app_context():
        assert db.session.execute(select(Entry)).first() is None


def test_couple_page_pdf_and_export_show_the_new_answers(app, signed_in, client, homework):
    _send(
        client,
        homework["ana"],
        **{
            "a-turn": "done",
            "a-signs-0": "4",
            "a-areas": ["1"],
            "a-when-date": "2026-12-03",
            "a-when-time": "19:30",
            "a-spoke-feel": "Qlonelyword",
        },
    )
    page = signed_in.get(f"/couples/{homework['couple']}").get_data(as_text=True)
    for text in (
        "Talking less: 4 of 5",
        "Money",
        "Thursday 3 December 2026 at 19:30",
        "Qsigns grid (1 = Not true, 5 = Very true)",
        "I feel Qlonelyword",
    ):
        assert text in page, text
    with app.app_context():
        couple_session = add_session(
            db.session.get(Assignment, homework["id"]).couple, datetime(2026, 12, 4, 10, 0)
        )
        assignment = db.session.get(Assignment, homework["id"])
        assignment.reviewed_session_id = couple_session.id
        assignment.reviewed_at = datetime(2026, 12, 4)
        db.session.commit()
        session_id = couple_session.id
    pdf, _ = read_pdf(signed_in.get(f"/sessions/{session_id}/summary.pdf?copy=counselor").data)
    for text in ("Talking less: 4 of 5", "Money", "Thursday 3 December 2026 at 19:30", "Done"):
        assert text in pdf, text
    record = json.loads(signed_in.get(f"/couples/{homework['couple']}/export.json").data)
    [exported] = record["assignments"]
    assert exported["roles"] == {"first": homework["ana_id"], "mode": "swap"}
    assert exported["frequency"] == "daily"
    assert exported["entries"][0]["answers"]["signs"] == {"Talking less": 4}
    assert {p.get("role") for p in exported["snapshot"]["prompts"]} == {None, "speaker", "listener"}


# --- assigning: the role plan and the schedules -----------------------------------------


@pytest.fixture
def couple_id(app, counselor, library):
    with app.app_context():
        couple = make_couple(counselor, ("Ana Silva", "Ben Okafor"))
        db.session.commit()
        return couple.id


def _assign(signed_in, couple_id: int, exercise: str, **fields):
    data = {
        "exercises": exercise,
        "partners": "both",
        "due_date": (date.today() + timedelta(days=7)).isoformat(),
        "frequency": "once",
        **fields,
    }
    return signed_in.post(f"/couples/{couple_id}/homework/new", data=data)


def test_the_assign_page_says_when_not_to_assign(signed_in, couple_id):
    page = signed_in.get(f"/couples/{couple_id}/homework/new?exercise=repair-trust")
    text = page.get_data(as_text=True)
    assert "When not to assign" in text and "coercive control" in text
    # The exercise's own schedule is the default: repair-trust is "when it happens".
    assert re.search(r'<input checked[^>]*value="event"', text)


def test_hurt_and_repairing_partner_each_see_their_own(app, signed_in, client, couple_id):
    missing = _assign(signed_in, couple_id, "repair-trust")
    assert "Say which partner was hurt" in missing.get_data(as_text=True)
    with app.app_context():
        ana, ben = (p.id for p in db.session.get(Couple, couple_id).partners)
    response = _assign(
        signed_in, couple_id, "repair-trust", roles=f"fixed:{ben}", frequency="event"
    )
    assert response.status_code == 302
    with app.app_context():
        assignment = db.session.execute(select(Assignment)).scalar_one()
        assert assignment.roles == {"first": ben, "mode": "fixed"}
        assert assignment.frequency == "event"
        from practice.partner import access
        from practice.partner.models import PartnerAccess

        rows = db.session.execute(select(PartnerAccess)).scalars()
        secret = current_app.config["SECRET_KEY"]
        urls = {
            row.partner_id: f"/h/{access.current_token(row, secret, utcnow())}"
            f"/homework/{assignment.id}"
            for row in rows
        }
    hurt = client.get(urls[ben]).get_data(as_text=True)
    assert "Your role this time: Hurt partner" in hurt
    assert "how this incident affected you" in hurt
    assert "Fill this in each time it happens" in hurt
    repairing = client.get(urls[ana]).get_data(as_text=True)
    assert "Your role this time: Repairing partner" in repairing
    assert "how this incident affected you" not in repairing
    assert "What do you take responsibility for" in repairing


@pytest.mark.parametrize(
    ("frequency", "label"),
    [("fortnightly", "Every other week"), ("monthly", "Monthly"), ("event", "When it happens")],
)
def test_the_new_schedules_can_be_assigned_and_read(app, signed_in, couple_id, frequency, label):
    response = _assign(signed_in, couple_id, "weekly-check-in", frequency=frequency)
    assert response.status_code == 302
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    assert label in page


def test_the_library_page_and_handout_show_roles_phases_and_the_new_types(signed_in, library):
    page = signed_in.get("/library/distance-signs-reflection").get_data(as_text=True)
    assert "Rate each from “Not true” (1) to “Very true” (5)" in page
    page = signed_in.get("/library/repair-trust").get_data(as_text=True)
    assert "Hurt partner only" in page and "once, at the start" in page
    pdf, _ = read_pdf(signed_in.get("/library/distance-signs-reflection/handout.pdf").data)
    assert "We talk less and spend less time together" in pdf and "1 = Not true" in pdf
    pdf, _ = read_pdf(signed_in.get("/library/active-listening/handout.pdf").data)
    assert "Set a timer for 5 minutes." in pdf and "(Listener only)" in pdf


def _editor(**prompts) -> dict:
    data = {
        "title": "Qown drill",
        "category": "communication",
        "goal": "Practice",
        "steps": "One.\nTwo.\nThree.",
        "duration": "20 minutes",
        "action": "save",
        "roles": "speaker_listener",
    }
    data.update(prompts)
    return data


def test_the_editor_writes_every_new_type_with_roles_and_phases(app, signed_in, client, counselor):
    response = signed_in.post(
        "/library/new",
        data=_editor(
            **{
                "prompts-0-type": "checklist",
                "prompts-0-label": "Qtick",
                "prompts-0-choices": "A\nB\nC",
                "prompts-0-role": "speaker",
                "prompts-0-phase": "start",
                "prompts-1-type": "rating_grid",
                "prompts-1-label": "Qrate",
                "prompts-1-choices": "X\nY",
                "prompts-1-low": "Low",
                "prompts-1-high": "High",
                "prompts-1-role": "listener",
                "prompts-2-type": "timer",
                "prompts-2-label": "Qtime",
                "prompts-2-minutes": "7",
                "prompts-3-type": "date_time",
                "prompts-3-label": "Qwhen",
                "prompts-3-phase": "review",
            }
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    from practice.exercises.models import Exercise

    with app.app_context():
        own = db.session.execute(
            select(Exercise).where(Exercise.title == "Qown drill")
        ).scalar_one()
        assert own.roles == "speaker_listener"
        assert own.prompts[0] | {"key": ""} == {
            "key": "",
            "type": "checklist",
            "label": "Qtick",
            "options": ["A", "B", "C"],
            "role": "speaker",
            "phase": "start",
        }
        assert own.prompts[1]["rows"] == ["X", "Y"] and own.prompts[1]["role"] == "listener"
        assert own.prompts[2]["minutes"] == 7 and own.prompts[3]["phase"] == "review"
        slug = own.slug
    # Editing shows it all back.
    page = signed_in.get(f"/library/{slug}/edit").get_data(as_text=True)
    assert "A\nB\nC</textarea>" in page and 'value="7"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"prompts-0-type": "checklist", "prompts-0-label": "Q", "prompts-0-choices": "Only"},
            "Write from 2 to 12 lines (1 now).",
        ),
        (
            {
                "prompts-0-type": "rating_grid",
                "prompts-0-label": "Q",
                "prompts-0-choices": "A\na",
                "prompts-0-low": "L",
                "prompts-0-high": "H",
            },
            "Each line must be different.",
        ),
        (
            {"prompts-0-type": "timer", "prompts-0-label": "Q", "prompts-0-minutes": "500"},
            "Enter a whole number of minutes from 1 to 120.",
        ),
        (
            {"prompts-0-type": "text", "prompts-0-label": "Q", "prompts-0-role": "hurt"},
            "Prompt 1 is for the hurt partner",
        ),
    ],
)
def test_the_editor_says_what_is_wrong_with_a_new_type(signed_in, fields, message):
    response = signed_in.post("/library/new", data=_editor(**fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
