"""Counseling sessions: record, edit, review homework, delete; only ever the counselor's own."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from practice.extensions import db
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.sessions import services
from practice.sessions.models import CounselingSession
from tests.factories import make_counselor, make_couple

_keys = itertools.count(1)

PROMPTS = [
    {"key": "moment", "type": "text", "label": "A moment you felt close"},
    {"key": "thanks", "type": "list", "label": "Three things you appreciated"},
]


def add_assignment(couple, title="Gratitude list", *, created_at=None, due=None, **fields):
    """An assignment with a link for each partner, as the homework feature creates them."""
    assignment = Assignment(
        couple_id=couple.id,
        title=title,
        snapshot={"title": title, "goal": f"Goal of {title}", "prompts": PROMPTS},
        due_date=due or date(2025, 3, 20),
        created_at=created_at or datetime(2025, 3, 10, 9, 0),
        **fields,
    )
    for partner in couple.partners:
        assignment.links.append(PartnerLink(partner=partner, expires_at=datetime(2025, 4, 30)))
    db.session.add(assignment)
    db.session.flush()
    return assignment


def add_entry(assignment, partner, *, visibility="partner", **fields):
    entry = Entry(
        assignment=assignment,
        partner=partner,
        visibility=visibility,
        submission_key=f"key-{next(_keys)}",
        answers=fields.pop("answers", {"moment": "Walking by the river", "thanks": ["tea"]}),
        **fields,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def add_session(couple, starts_at=datetime(2025, 3, 14, 15, 30), **fields):
    counseling_session = CounselingSession(couple=couple, starts_at=starts_at, **fields)
    db.session.add(counseling_session)
    db.session.flush()
    return counseling_session


def session_form(**extra):
    data = {
        "starts_at": "2025-03-14T15:30",
        "duration_minutes": "50",
        "format": "video",
        "attendance": "both",
        "focus": "Repair after arguments",
        "couple_summary": "You practised the stop signal.",
        "next_steps": "Use the stop signal twice.",
        "next_appointment_at": "2025-03-21T15:30",
        "private_notes": "Watch for stonewalling.",
    }
    data.update(extra)
    return data


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def couple_id(app, counselor):
    with app.app_context():
        couple = make_couple(db.session.merge(counselor))
        db.session.commit()
        return couple.id


def _couple(couple_id):
    from practice.couples.models import Couple

    return db.session.get(Couple, couple_id)


# --- recording -----------------------------------------------------------------------------


def test_record_session_stores_local_time_as_utc_and_shows_it(app, signed_in, counselor, couple_id):
    with app.app_context():
        db.session.merge(counselor).timezone = "Europe/Berlin"
        db.session.commit()
    response = signed_in.post(
        f"/couples/{couple_id}/sessions/new", data=session_form(attendance="partner2")
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.execute(select(CounselingSession)).scalar_one()
        # 15:30 in Berlin in March (CET, UTC+1) is 14:30 UTC.
        assert saved.starts_at == datetime(2025, 3, 14, 14, 30)
        assert saved.next_appointment_at == datetime(2025, 3, 21, 14, 30)
        assert (saved.duration_minutes, saved.format, saved.attendance) == (50, "video", "partner2")
        assert saved.private_notes == "Watch for stonewalling."
        assert response.headers["Location"].endswith(f"/sessions/{saved.id}")
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "15:30" in page
    assert "You practised the stop signal." in page and "Watch for stonewalling." in page
    assert "Ben Okafor only" in page


def test_form_names_the_partners_and_defaults_to_now(signed_in, couple_id):
    page = signed_in.get(f"/couples/{couple_id}/sessions/new").get_data(as_text=True)
    assert 'type="datetime-local"' in page
    assert "Ana Silva only" in page and "Ben Okafor only" in page
    assert "No homework to review since the previous session." in page


def test_couple_page_lists_sessions_most_recent_first(app, signed_in, couple_id):
    with app.app_context():
        couple = _couple(couple_id)
        old = add_session(couple, datetime(2024, 11, 5, 10, 0), focus="First meeting")
        new = add_session(couple, datetime(2025, 2, 7, 10, 0), focus="Second meeting")
        db.session.commit()
        old_id, new_id = old.id, new.id
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    assert f"/couples/{couple_id}/sessions/new" in page and "Record a session" in page
    assert f"/couples/{couple_id}/record" in page
    assert page.index(f"/sessions/{new_id}") < page.index(f"/sessions/{old_id}")
    assert page.index("Second meeting") < page.index("First meeting")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"starts_at": ""}, "Enter the date and time of the session."),
        ({"starts_at": "next tuesday"}, "Enter a date and time, like 2025-03-14 15:30."),
        ({"starts_at": "0001-01-01T00:00"}, "Enter a year between 1900 and 2200."),
        ({"duration_minutes": "0"}, "Enter a length between 1 and 480 minutes."),
        ({"duration_minutes": "481"}, "Enter a length between 1 and 480 minutes."),
        ({"duration_minutes": "fifty"}, "Enter a length between 1 and 480 minutes."),
        ({"format": "carrier pigeon"}, "Not a valid choice"),
        ({"attendance": "partner3"}, "Not a valid choice"),
        ({"private_notes": "n" * 20_001}, "Keep this to 20,000 characters or fewer."),
        ({"couple_summary": "s" * 20_001}, "Keep this to 20,000 characters or fewer."),
        ({"focus": "null\x00byte"}, "Remove the invisible control characters"),
        ({"next_appointment_at": "2025-03-01T10:00"}, "should be after this session"),
    ],
)
def test_bad_input_is_explained_and_everything_typed_is_kept(
    app, signed_in, couple_id, extra, message
):
    data = session_form(next_steps="Keep this next step ✨", **extra)
    response = signed_in.post(f"/couples/{couple_id}/sessions/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "Keep this next step ✨" in page
    assert "Watch for stonewalling." in page or "private_notes" in extra
    if extra.get("starts_at", "") not in ("",):
        assert extra.get("starts_at", "2025-03-14T15:30") in page
    with app.app_context():
        assert count(CounselingSession) == 0


def test_html_in_notes_is_shown_as_text(signed_in, couple_id):
    response = signed_in.post(
        f"/couples/{couple_id}/sessions/new",
        data=session_form(focus="<script>alert(1)</script>"),
    )
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- homework review ---------------------------------------------------------------------------


@pytest.fixture
def homework(app, couple_id):
    """A previous session on 7 March, and homework from before and after it."""
    with app.app_context():
        couple = _couple(couple_id)
        ana, ben = couple.partners
        previous = add_session(couple, datetime(2025, 3, 7, 10, 0))
        reviewed_before = add_assignment(
            couple,
            "Old and reviewed",
            created_at=datetime(2025, 3, 1),
            reviewed_at=datetime(2025, 3, 7, 11),
            reviewed_session_id=previous.id,
        )
        unreviewed_old = add_assignment(couple, "Old but open", created_at=datetime(2025, 3, 1))
        since = add_assignment(couple, "Weekly check-in", created_at=datetime(2025, 3, 7, 11))
        cancelled = add_assignment(
            couple, "Cancelled one", created_at=datetime(2025, 3, 8), status="cancelled"
        )
        add_entry(since, ana, answers={"moment": "Sunday breakfast"})
        add_entry(
            since,
            ben,
            visibility="counselor",
            answers={"moment": "Ben's private answer"},
            private_note="Ben's note for the counselor only",
        )
        db.session.commit()
        return {
            "previous": previous.id,
            "reviewed_before": reviewed_before.id,
            "unreviewed_old": unreviewed_old.id,
            "since": since.id,
            "cancelled": cancelled.id,
        }


def test_form_shows_homework_since_previous_session_with_status_and_entries(
    signed_in, couple_id, homework
):
    page = signed_in.get(f"/couples/{couple_id}/sessions/new").get_data(as_text=True)
    assert "Weekly check-in" in page and "Old but open" in page
    assert "Old and reviewed" not in page and "Cancelled one" not in page
    assert "Sunday breakfast" in page and "A moment you felt close" in page
    # The counselor sees everything, including what a partner kept private, and says so.
    assert "Ben&#39;s private answer" in page and "Ben&#39;s note for the counselor only" in page
    assert "Private: only you" in page
    assert "Completed" in page and "Not started" in page
    assert f'name="reviewed_{homework["since"]}"' in page
    assert f'name="remarks_{homework["since"]}"' in page


def test_review_marks_assignments_reviewed_in_the_same_submission(
    app, signed_in, couple_id, counselor, homework
):
    with app.app_context():
        other = make_couple(make_counselor(email="x@example.org"), ("Other", "Couple"))
        foreign = add_assignment(other, "Someone else's")
        db.session.commit()
        foreign_id = foreign.id
    since, old = homework["since"], homework["unreviewed_old"]
    response = signed_in.post(
        f"/couples/{couple_id}/sessions/new",
        data=session_form(
            **{
                f"reviewed_{since}": "y",
                f"remarks_{since}": "Lovely work on breakfasts.",
                f"remarks_{old}": "Try again this week.",
                f"reviewed_{foreign_id}": "y",
            }
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        new_id = db.session.execute(
            select(CounselingSession.id).order_by(CounselingSession.id.desc()).limit(1)
        ).scalar_one()
        reviewed = db.session.get(Assignment, since)
        assert reviewed.reviewed_session_id == new_id and reviewed.reviewed_at is not None
        assert reviewed.review_remarks == "Lovely work on breakfasts."
        not_reviewed = db.session.get(Assignment, old)
        assert not_reviewed.reviewed_at is None and not_reviewed.reviewed_session_id is None
        assert not_reviewed.review_remarks == "Try again this week."  # typed, so kept
        untouched = db.session.get(Assignment, foreign_id)
        assert untouched.reviewed_at is None and untouched.reviewed_session_id is None
    page = signed_in.get(f"/sessions/{new_id}").get_data(as_text=True)
    assert "Weekly check-in" in page and "Lovely work on breakfasts." in page


def test_edit_shows_local_times_and_can_undo_a_review(
    app, signed_in, counselor, couple_id, homework
):
    with app.app_context():
        db.session.merge(counselor).timezone = "America/New_York"
        couple = _couple(couple_id)
        counseling_session = add_session(couple, datetime(2025, 3, 14, 19, 0), focus="Before")
        assignment = db.session.get(Assignment, homework["since"])
        assignment.reviewed_session_id = counseling_session.id
        assignment.reviewed_at = datetime(2025, 3, 14, 20)
        db.session.commit()
        session_id = counseling_session.id
    page = signed_in.get(f"/sessions/{session_id}/edit").get_data(as_text=True)
    assert 'value="2025-03-14T15:00"' in page  # 19:00 UTC is 15:00 in New York (EDT)
    assert re.search(rf'<input checked[^>]* name="reviewed_{homework["since"]}"', page)
    # Homework reviewed in the previous session is not offered again.
    assert "Old and reviewed" not in page
    response = signed_in.post(
        f"/sessions/{session_id}/edit",
        data=session_form(starts_at="2025-03-14T16:00", focus="After"),
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(CounselingSession, session_id)
        assert saved.focus == "After" and saved.starts_at == datetime(2025, 3, 14, 20, 0)
        undone = db.session.get(Assignment, homework["since"])
        assert undone.reviewed_session_id is None and undone.reviewed_at is None


# --- delete ----------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_and_keeps_the_homework(app, signed_in, couple_id):
    with app.app_context():
        couple = _couple(couple_id)
        counseling_session = add_session(couple)
        assigned = add_assignment(couple, "Assigned in it", session_id=counseling_session.id)
        reviewed = add_assignment(
            couple,
            "Reviewed in it",
            reviewed_session_id=counseling_session.id,
            reviewed_at=datetime(2025, 3, 14, 16),
            review_remarks="Well done",
        )
        add_entry(reviewed, couple.partners[0])
        db.session.commit()
        session_id, assigned_id, reviewed_id = counseling_session.id, assigned.id, reviewed.id
    page = signed_in.get(f"/sessions/{session_id}/delete").get_data(as_text=True)
    assert "Delete this session?" in page and 'method="post"' in page
    with app.app_context():
        assert count(CounselingSession) == 1
    response = signed_in.post(f"/sessions/{session_id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/couples/{couple_id}")
    with app.app_context():
        assert count(CounselingSession) == 0
        assert db.session.get(Assignment, assigned_id).session_id is None
        kept = db.session.get(Assignment, reviewed_id)
        assert kept.reviewed_session_id is None and kept.review_remarks == "Well done"
        assert count(Entry) == 1
    assert signed_in.get(f"/sessions/{session_id}").status_code == 404


# --- ownership -------------------------------------------------------------------------------


@pytest.fixture
def foreign(app):
    """Another counselor's couple with a session and reviewed homework."""
    with app.app_context():
        other = make_counselor(email="other@example.org", name="Dr. Other")
        couple = make_couple(other, ("Secret Person", "Hidden Partner"))
        counseling_session = add_session(couple, private_notes="FOREIGN-SECRET")
        add_assignment(couple, "Their homework", reviewed_session_id=counseling_session.id)
        db.session.commit()
        return {"couple": couple.id, "session": counseling_session.id}


def _snapshot():
    rows = db.session.execute(
        select(CounselingSession.id, CounselingSession.private_notes, CounselingSession.focus)
    ).all()
    reviews = db.session.execute(
        select(Assignment.id, Assignment.reviewed_session_id, Assignment.reviewed_at)
    ).all()
    return sorted(rows), sorted(reviews)


def test_another_counselors_sessions_are_404_for_every_method(app, signed_in, foreign):
    couple_id, session_id = foreign["couple"], foreign["session"]
    with app.app_context():
        before = _snapshot()
    get_urls = [
        f"/couples/{couple_id}/sessions/new",
        f"/sessions/{session_id}",
        f"/sessions/{session_id}/edit",
        f"/sessions/{session_id}/delete",
        f"/sessions/{session_id}/summary.pdf",
        f"/sessions/{session_id}/summary.pdf?copy=counselor",
        f"/sessions/{session_id}/print",
        f"/sessions/{session_id}/print?copy=counselor",
        f"/couples/{couple_id}/record.pdf",
        f"/couples/{couple_id}/record.pdf?copy=couple",
    ]
    for url in get_urls:
        response = signed_in.get(url)
        assert response.status_code == 404, url
        assert b"FOREIGN-SECRET" not in response.data
    post_urls = [
        f"/couples/{couple_id}/sessions/new",
        f"/sessions/{session_id}/edit",
        f"/sessions/{session_id}/delete",
    ]
    for url in post_urls:
        assert signed_in.post(url, data=session_form()).status_code == 404, url
    # The read-only URLs accept no POST from anyone (405 for the owner too, so nothing leaks).
    for url in get_urls[4:]:
        assert signed_in.post(url).status_code in (404, 405), url
    with app.app_context():
        assert _snapshot() == before


def test_signed_out_visitors_are_sent_to_sign_in(client, app, counselor, couple_id):
    with app.app_context():
        session_id = add_session(_couple(couple_id)).id
        db.session.commit()
    for url in (f"/sessions/{session_id}", f"/sessions/{session_id}/summary.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/sessions/{session_id}/delete").status_code == 401


# --- query counts ------------------------------------------------------------------------------


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def _build_history(couple_id: int, n: int) -> int:
    """A session that reviewed `n` assignments and assigned `n`, each with entries."""
    couple = _couple(couple_id)
    counseling_session = add_session(couple, datetime(2025, 3, 14, 15, 30))
    for i in range(n):
        reviewed = add_assignment(
            couple,
            f"Reviewed {i}",
            reviewed_session_id=counseling_session.id,
            reviewed_at=datetime(2025, 3, 14, 16),
        )
        for partner in couple.partners:
            add_entry(reviewed, partner)
            add_entry(reviewed, partner, visibility="after_both")
        add_assignment(
            couple,
            f"Assigned {i}",
            session_id=counseling_session.id,
            created_at=datetime(2025, 3, 14, 16) + timedelta(minutes=i),
        )
    db.session.commit()
    return counseling_session.id


@pytest.mark.parametrize(
    "path",
    [
        "/sessions/{sid}",
        "/sessions/{sid}/edit",
        "/sessions/{sid}/summary.pdf?copy=counselor",
        "/sessions/{sid}/print",
        "/couples/{cid}/record",
        "/couples/{cid}/sessions/new",
    ],
)
def test_query_count_does_not_grow_with_homework(app, signed_in, counselor, path):
    counts = []
    for n in (1, 6):
        with app.app_context():
            couple_id = make_couple(db.session.merge(counselor)).id
            session_id = _build_history(couple_id, n)
            engine = db.engine
        url = path.format(sid=session_id, cid=couple_id)
        signed_in.get(url)  # warm up anything cached per process
        with QueryCounter(engine) as counter:
            response = signed_in.get(url)
        assert response.status_code == 200, url
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


# --- services ------------------------------------------------------------------------------------


def test_homework_to_review_without_a_previous_session_offers_everything_open(app, couple_id):
    with app.app_context():
        couple = _couple(couple_id)
        open_one = add_assignment(couple, "Open")
        add_assignment(couple, "Done before", reviewed_at=datetime(2025, 3, 1))
        assert [a.id for a in services.homework_to_review(couple)] == [open_one.id]


def test_local_to_utc_round_trips_through_a_daylight_saving_change():
    local = datetime(2025, 7, 1, 9, 0)
    utc = services.local_to_utc(local, "Europe/Lisbon")
    assert utc == datetime(2025, 7, 1, 8, 0)
    assert services.utc_to_local(utc, "Europe/Lisbon") == local
    assert services.local_to_utc(local, "Not/AZone") == local  # unknown zone: UTC


# --- double submits --------------------------------------------------------------------------


def test_a_double_submit_records_one_session(app, signed_in, couple_id):
    first = signed_in.post(f"/couples/{couple_id}/sessions/new", data=session_form())
    second = signed_in.post(f"/couples/{couple_id}/sessions/new", data=session_form())
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert count(CounselingSession) == 1


def test_a_different_session_at_the_same_time_is_refused_keeping_the_text(
    app, signed_in, couple_id
):
    signed_in.post(f"/couples/{couple_id}/sessions/new", data=session_form())
    response = signed_in.post(
        f"/couples/{couple_id}/sessions/new", data=session_form(focus="A different focus 🌿")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already recorded at this time" in page and "A different focus 🌿" in page
    with app.app_context():
        assert count(CounselingSession) == 1
