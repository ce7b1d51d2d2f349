"""A remark typed for homework without ticking "Reviewed" is never silently left out: the
field says so, typing ticks the box (script), and saving without the tick warns."""

from __future__ import annotations

from sqlalchemy import select

from practice.extensions import db
from practice.homework.models import Assignment
from practice.sessions.models import CounselingSession
from tests.factories import make_assignment, make_couple

FORM = {
    "starts_at": "2025-03-14T15:30",
    "duration_minutes": "50",
    "format": "video",
    "attendance": "both",
    "focus": "Repair after arguments",
}


def _couple_with_homework(app, counselor) -> tuple[int, int]:
    with app.app_context():
        couple = make_couple(counselor, ("Yusuf Haddad", "Noa Cohen"))
        assignment, _ = make_assignment(couple)
        db.session.commit()
        return couple.id, assignment.id


def test_the_field_says_the_remark_prints_only_when_reviewed(app, signed_in, counselor):
    couple_id, _ = _couple_with_homework(app, counselor)
    page = signed_in.get(f"/couples/{couple_id}/sessions/new").get_data(as_text=True)
    assert "Printed on both copies under the homework once “Reviewed” is ticked" in page
    assert "typing a remark ticks it" in page


def test_saving_a_remark_without_the_tick_warns_and_keeps_it(app, signed_in, counselor):
    couple_id, assignment_id = _couple_with_homework(app, counselor)
    response = signed_in.post(
        f"/couples/{couple_id}/sessions/new",
        data={**FORM, f"remarks_{assignment_id}": "Lovely effort, keep going."},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Session recorded." in page
    assert "is saved but not printed: tick “Reviewed” to print it on both copies." in page
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).review_remarks == (
            "Lovely effort, keep going."
        )


def test_no_warning_when_reviewed_or_no_remark(app, signed_in, counselor):
    couple_id, assignment_id = _couple_with_homework(app, counselor)
    page = signed_in.post(
        f"/couples/{couple_id}/sessions/new",
        data={
            **FORM,
            f"reviewed_{assignment_id}": "y",
            f"remarks_{assignment_id}": "Lovely effort, keep going.",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "not printed" not in page
    with app.app_context():
        session_id = db.session.execute(select(CounselingSession.id)).scalar_one()
    summary = signed_in.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Lovely effort, keep going." in summary

    blank = signed_in.post(
        f"/couples/{couple_id}/sessions/new",
        data={**FORM, "starts_at": "2025-03-21T15:30", f"remarks_{assignment_id}": "   "},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "not printed" not in blank
