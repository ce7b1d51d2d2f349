"""Each partner's latest totals (the series the dashboard's flags read) follow the answers:
a new answer, an answer given again, a skipped item, two answers stored at the same moment,
and the migration that fills the series in for answers given before it."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import date, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from practice.extensions import db
from practice.measures.models import MeasureSeries
from practice.measures.scheduling import request_measure, waiting_for
from practice.measures.series import SERIES_LENGTH
from practice.measures.submission import mark_seen, submit_answers
from tests.measures.conftest import answer, csi_answers, weekly_story

START = date.today() - timedelta(weeks=7, days=date.today().weekday())  # a Monday


def every_series() -> list[dict]:
    rows = db.session.execute(select(MeasureSeries).order_by(MeasureSeries.partner_id))
    columns = [c.key for c in MeasureSeries.__table__.columns]
    return [{c: getattr(row, c) for c in columns} for row in rows.scalars()]


def series_of(partner) -> list[list]:
    row = db.session.execute(
        select(MeasureSeries.latest).where(MeasureSeries.partner_id == partner.id)
    ).scalar_one_or_none()
    return row or []


def store_at_once(app, partner_type, first: tuple, second: tuple) -> None:
    """Two requests store answers, each (partner id, day, total): the first has stored its
    answer and not committed when the second starts, and commits 0.8 s later, while the
    second waits on it. Both must finish without an error."""
    first_stored = threading.Event()
    errors: list[BaseException] = []

    def store(partner_id: int, day: date, total: int, hold: bool) -> None:
        try:
            with app.app_context():
                partner = db.session.get(partner_type, partner_id)
                at = datetime.combine(day, datetime.min.time()).replace(hour=9)
                waiting = waiting_for(partner, day, at)[0]
                submit_answers(waiting, partner, csi_answers(total), secrets.token_urlsafe(16))
                if hold:
                    first_stored.set()
                    time.sleep(0.8)  # the other request is now waiting on this one
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
            first_stored.set()

    db.session.remove()  # the test's thread holds no transaction while the two run
    threads = [threading.Thread(target=store, args=(*first, True))]
    threads[0].start()
    assert first_stored.wait(timeout=30)
    threads.append(threading.Thread(target=store, args=(*second, False)))
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a request never finished"
    assert not errors, errors
    db.session.remove()


def test_the_dashboard_reads_the_latest_answers_as_they_are_given(signed_in, csi, couple):
    ana, ben = couple.partners
    weekly_story(couple, csi, [16, 15, 17, 18, 19, 18, 17, 16], [None] * 8, start=START)
    assert len(series_of(ana)) == SERIES_LENGTH  # the latest six weeks of eight
    assert series_of(ana)[-1] == [(START + timedelta(weeks=7)).isoformat(), 16.0]
    assert series_of(ben) == []  # Ben never answered
    page = signed_in.get("/").get_data(as_text=True)
    assert "Progress to look at" not in page  # 16 is above the cutoff of 13.5

    # Ana answers this week again, before the counselor has seen it: the new answer counts.
    this_week = START + timedelta(weeks=7, days=2)
    _response, replaced = answer(ana, this_week, csi_answers(9))
    assert replaced
    assert series_of(ana)[-1] == [(START + timedelta(weeks=7)).isoformat(), 9.0]
    page = signed_in.get("/").get_data(as_text=True)
    assert "<bdi>Ana</bdi>: 9 on Couples Satisfaction Index (CSI-4), below the cutoff" in page

    # Once seen, a third answer for the week is a new answer, and the newest one counts.
    mark_seen(couple.id, datetime.now())
    db.session.commit()
    answer(ana, this_week, csi_answers(20))
    assert series_of(ana)[-1] == [(START + timedelta(weeks=7)).isoformat(), 20.0]
    assert "Progress to look at" not in signed_in.get("/").get_data(as_text=True)


def test_an_answer_with_skipped_items_has_no_total_and_leaves_the_series_alone(csi, couple):
    ana = couple.partners[0]
    weekly_story(couple, csi, [12, 14], [None, None], start=START)
    before = series_of(ana)
    skipped = {**csi_answers(10), "item-happiness": ""}
    answer(ana, START + timedelta(weeks=2, days=1), skipped)
    assert series_of(ana) == before


def test_answers_older_than_twelve_weeks_raise_no_flag(signed_in, csi, couple):
    old = START - timedelta(weeks=20)
    weekly_story(couple, csi, [5, 5], [20, 20], start=old)
    assert len(series_of(couple.partners[0])) == 2
    assert "Progress to look at" not in signed_in.get("/").get_data(as_text=True)


def test_two_answers_of_one_partner_stored_at_the_same_moment_both_count(app, csi, couple):
    """One request has stored Ana's answer for last week and not committed yet when another
    stores her answer for this week. The second must wait and then build the series with
    both: built from what it saw before the first committed, it would lose last week's."""
    ana_id = couple.partners[0].id
    weekly_story(couple, csi, [18, 18, 18, 18], [None] * 4, start=START)  # a series exists
    weeks = [START + timedelta(weeks=5, days=1), START + timedelta(weeks=6, days=1)]
    partner_type = type(couple.partners[0])
    store_at_once(app, partner_type, (ana_id, weeks[0], 11), (ana_id, weeks[1], 10))
    latest = series_of(db.session.get(partner_type, ana_id))
    mondays = [(START + timedelta(weeks=n)).isoformat() for n in (5, 6)]
    assert latest[-2:] == [[mondays[0], 11.0], [mondays[1], 10.0]]
    assert len(latest) == SERIES_LENGTH


def test_the_migration_fills_in_the_series_for_answers_given_before_it(app_config):
    """Down to 0017 (no series) and up again over a practice with answers: the series the
    migration builds are the ones storing each answer built, replaced answers included."""
    from practice import create_app
    from tests.factories import make_counselor, make_couple
    from tests.measures.conftest import load_measures

    app = create_app(app_config)
    with app.app_context():
        upgrade()
        couple = make_couple(make_counselor(email="m@example.org"), ("Ana", "יוסף"))
        measure = load_measures()
        request_measure(couple, measure, "weekly", START)
        db.session.commit()
        ana, yosef = couple.partners
        for week, total in enumerate([17, 16, 15, 14, 13, 12, 11, 10]):
            answer(ana, START + timedelta(weeks=week, days=1), csi_answers(total))
        answer(ana, START + timedelta(weeks=7, days=3), csi_answers(21))  # given again
        answer(yosef, START + timedelta(days=1), csi_answers(3))
        # A second couple whose gap widens: both partners' rows carry it.
        other = make_couple(make_counselor(email="n@example.org"), ("Noa", "Sam"))
        request_measure(other, measure, "weekly", START)
        db.session.commit()
        noa, sam = other.partners
        for week, (a, b) in enumerate([(15, 14), (16, 13), (17, 12), (18, 10)]):
            answer(noa, START + timedelta(weeks=week, days=1), csi_answers(a))
            answer(sam, START + timedelta(weeks=week, days=2), csi_answers(b))
        before = every_series()
        assert len(before) == 4 and before[0]["latest"][-1][1] == 21.0
        assert [row["widening_gap"] for row in before[2:]] == [8.0, 8.0]
        assert before[0]["widening_gap"] is None and before[0]["previous_total"] == 11.0
        db.session.remove()

        downgrade(revision="0017_library_second_edition")
        upgrade()
        after = every_series()
        db.session.remove()
        db.engine.dispose()
    assert after == before


def test_the_gap_follows_whichever_partner_answers_last(signed_in, csi, couple):
    """The widening gap is the couple's: Ben's answer completes it on Ana's row too, and a
    later answer of Ana's that narrows it clears it on both."""
    ana, ben = couple.partners
    weekly_story(couple, csi, [15, 16, 17, 18], [14, 13, 12, None], start=START)
    page = signed_in.get("/").get_data(as_text=True)
    assert "widened three times in a row" not in page
    answer(ben, START + timedelta(weeks=3, days=2), csi_answers(10))
    page = signed_in.get("/").get_data(as_text=True)
    assert "widened three times in a row, to 8 points" in page
    gaps = db.session.execute(select(MeasureSeries.widening_gap)).scalars().all()
    assert gaps == [8.0, 8.0]
    answer(ana, START + timedelta(weeks=3, days=3), csi_answers(11))  # this week's again
    assert "widened three times" not in signed_in.get("/").get_data(as_text=True)
    gaps = db.session.execute(select(MeasureSeries.widening_gap)).scalars().all()
    assert gaps == [None, None]


def test_both_partners_answering_at_the_same_moment_both_count_for_the_gap(app, csi, couple):
    """Ana's answer is stored and not yet committed when Ben's arrives: Ben's request waits,
    then works out the couple's gap with Ana's answer in it, and neither waits forever."""
    ana_id, ben_id = (p.id for p in couple.partners)
    weekly_story(couple, csi, [15, 16, 17], [14, 13, 12], start=START)
    week = START + timedelta(weeks=3, days=1)
    store_at_once(app, type(couple.partners[0]), (ana_id, week, 18), (ben_id, week, 10))
    gaps = db.session.execute(
        select(MeasureSeries.widening_gap).order_by(MeasureSeries.partner_id)
    ).scalars()
    assert list(gaps) == [8.0, 8.0]
