"""Answering a measure: out of range, tampered keys, double submits, replacing until seen,
versions kept after an edit, and the weekly and before-session occasions."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from practice.extensions import db
from practice.measures import services
from practice.measures.models import MeasureResponse
from practice.measures.progress import couple_progress
from practice.measures.scheduling import request_measure, waiting_for
from practice.measures.submission import AnswerError, mark_seen, submit_answers
from practice.sessions.models import CounselingSession
from tests.measures.conftest import MONDAY, answer, csi_answers


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(MeasureResponse)).scalar_one()


def _waiting(partner, day=MONDAY):
    return waiting_for(partner, day, datetime.combine(day, datetime.min.time()))[0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("item-happiness", "7", "Choose an answer from 0 to 6."),
        ("item-warm_comfortable", "-1", "Choose an answer from 0 to 5."),
        ("item-rewarding", "2.5", "Choose one of the answers."),
        ("item-satisfied", "<script>", "Choose one of the answers."),
        ("item-satisfied", "9" * 400, "Choose an answer from 0 to 5."),
    ],
)
def test_an_answer_out_of_range_is_refused_and_nothing_is_stored(
    csi, couple, field, value, message
):
    request_measure(couple, csi, "once", MONDAY)
    form = {**csi_answers(15), field: value}
    with pytest.raises(AnswerError) as caught:
        submit_answers(_waiting(couple.partners[0]), couple.partners[0], form, "k1")
    assert caught.value.errors[field.removeprefix("item-")] == message
    assert _count() == 0


def test_a_tampered_item_key_is_refused(csi, couple):
    request_measure(couple, csi, "once", MONDAY)
    form = {**csi_answers(15), "item-other_partners_total": "3"}
    with pytest.raises(AnswerError) as caught:
        submit_answers(_waiting(couple.partners[0]), couple.partners[0], form, "k1")
    assert "does not match the questionnaire" in caught.value.errors[""]
    assert _count() == 0


def test_the_same_form_sent_twice_stores_one_answer(csi, couple):
    request_measure(couple, csi, "once", MONDAY)
    ana = couple.partners[0]
    waiting = _waiting(ana)  # the page the partner had open, sent twice
    first, _ = submit_answers(waiting, ana, csi_answers(15), "same-key")
    again, replaced = submit_answers(waiting, ana, csi_answers(9), "same-key")
    db.session.commit()
    assert again.id == first.id and not replaced
    assert _count() == 1 and first.total == 15


def test_a_second_answer_replaces_the_first_until_the_counselor_has_seen_it(csi, couple):
    request_measure(couple, csi, "weekly", MONDAY)
    ana = couple.partners[0]
    first, replaced = answer(ana, MONDAY, csi_answers(10))
    assert not replaced
    second, replaced = answer(ana, MONDAY + timedelta(days=2), csi_answers(12))
    assert replaced and second.id == first.id and _count() == 1 and second.total == 12

    mark_seen(couple.id, datetime(2026, 9, 10, 12))
    db.session.commit()
    third, replaced = answer(ana, MONDAY + timedelta(days=3), csi_answers(14))
    assert not replaced and third.id != first.id and _count() == 2
    # The progress page shows the newest answer for the occasion.
    progress = couple_progress(couple, MONDAY + timedelta(days=3))
    assert [p.total for p in progress.measures[0].series[0].points] == [14]


def test_answers_keep_the_version_they_were_given_against(couple):
    counselor = couple.counselor
    items = [
        {
            "key": "item_1",
            "text": "How close did you feel?",
            "min": 1,
            "max": 5,
            "low": "Distant",
            "high": "Close",
        }
    ]
    definition, problems = services.custom_definition("own-test", "Closeness", items)
    assert problems == []
    scale = services.create_custom_measure(counselor, definition)
    request_measure(couple, scale, "once", MONDAY)
    db.session.commit()
    ana = couple.partners[0]
    given, _ = answer(ana, MONDAY, {"item-item_1": "4"})

    changed = [{**items[0], "text": "How close did you feel this week?", "max": 7}]
    edited, _ = services.custom_definition("own-test", "Closeness", changed)
    assert services.update_custom_measure(scale, edited)
    db.session.commit()
    db.session.refresh(given)
    assert scale.version == 2
    assert given.version.number == 1
    assert given.version.typed.items[0].text == "How close did you feel?"
    assert services.latest_version(scale).typed.items[0].max == 7


def test_a_skipped_item_stores_the_answer_with_the_reason_for_no_total(csi, couple):
    request_measure(couple, csi, "once", MONDAY)
    form = {**csi_answers(12), "item-rewarding": ""}
    response, _ = answer(couple.partners[1], MONDAY, form)
    assert response.total is None
    assert response.answers["rewarding"] is None
    assert "1 of 4 items skipped" in response.score_note


def test_weekly_asks_again_each_week_and_once_only_once(csi, couple):
    ana = couple.partners[0]
    request_measure(couple, csi, "weekly", MONDAY)
    answer(ana, MONDAY, csi_answers(15))
    waiting = waiting_for(ana, MONDAY + timedelta(days=8), datetime(2026, 9, 15))
    assert [(w.occasion, w.answered) for w in waiting] == [(MONDAY + timedelta(weeks=1), False)]

    other = couple.partners[1]
    request_measure(couple, csi, "once", MONDAY + timedelta(weeks=3))
    answer(other, MONDAY + timedelta(weeks=3), csi_answers(15))
    assert waiting_for(other, MONDAY + timedelta(weeks=4), datetime(2026, 10, 5)) == []


def test_before_each_session_is_due_the_day_before_the_next_appointment(csi, couple):
    ana = couple.partners[0]
    request_measure(couple, csi, "before_session", MONDAY)
    assert waiting_for(ana, MONDAY, datetime(2026, 9, 7, 9)) == []  # none booked
    db.session.add(
        CounselingSession(
            couple_id=couple.id,
            starts_at=datetime(2026, 9, 4, 15),
            next_appointment_at=datetime(2026, 9, 11, 15),
        )
    )
    db.session.commit()
    (waiting,) = waiting_for(ana, MONDAY, datetime(2026, 9, 7, 9))
    assert waiting.occasion == date(2026, 9, 10)


def test_a_partner_cannot_answer_with_the_other_partners_form(csi, couple):
    request_measure(couple, csi, "once", MONDAY)
    ana, ben = couple.partners
    key = secrets.token_urlsafe(16)
    submit_answers(_waiting(ana), ana, csi_answers(15), key)
    with pytest.raises(AnswerError):
        submit_answers(_waiting(ben), ben, csi_answers(3), key)
