"""A couple's record: exported complete as JSON, deleted for good only after typing the name."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from practice.audit.models import AuditEvent
from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.homework.models import Assignment, Entry, PartnerLink
from practice.sessions.models import CounselingSession
from tests.factories import make_counselor, make_couple

PRIVATE = "Only my counselor: I am scared of the holidays"
TOKEN_HASH = "f" * 64


def make_full_couple(counselor, names=("Ana Silva", "Ben Okafor"), token_hash=TOKEN_HASH) -> int:
    """A couple with a row in every table that hangs off a couple."""
    couple = make_couple(counselor, names, goals="Rebuild trust")
    session = CounselingSession(
        couple=couple,
        starts_at=datetime(2026, 3, 2, 15, 0),
        focus="Repair after conflict",
        private_notes="Counselor-only hunch",
        couple_summary="We practised the soft start-up.",
    )
    db.session.add(session)
    db.session.flush()
    assignment = Assignment(
        couple=couple,
        session_id=session.id,
        title="Soft start-up",
        snapshot={"title": "Soft start-up", "prompts": [{"key": "q1", "text": "What happened?"}]},
        note="Try it twice",
        due_date=date(2026, 3, 9),
    )
    db.session.add(assignment)
    db.session.flush()
    first, second = couple.partners
    for partner in (first, second):
        db.session.add(
            PartnerLink(
                assignment=assignment,
                partner=partner,
                token_hash=token_hash if partner is first else secrets.token_hex(32),
                expires_at=datetime(2026, 4, 1),
            )
        )
    db.session.add(
        Entry(
            assignment=assignment,
            partner=first,
            answers={"q1": "We argued about dishes"},
            private_note=PRIVATE,
            submission_key=secrets.token_hex(16),
            connection_rating=4,
        )
    )
    db.session.flush()
    return couple.id


def counts() -> dict[str, int]:
    tables = {
        "couple": Couple,
        "partner": Partner,
        "assignment": Assignment,
        "link": PartnerLink,
        "entry": Entry,
        "session": CounselingSession,
    }
    return {
        name: db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for name, model in tables.items()
    }


def couple_events(couple_id: int) -> list[str]:
    return list(
        db.session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.couple_id == couple_id)
            .order_by(AuditEvent.id)
        ).scalars()
    )


@pytest.fixture
def full_couple(app, counselor):
    with app.app_context():
        couple_id = make_full_couple(db.session.merge(counselor))
        db.session.commit()
        return couple_id


@pytest.fixture
def other_full_couple(app):
    with app.app_context():
        other = make_counselor(email="other@example.org", name="Dr. Other")
        couple_id = make_full_couple(
            other, ("Secret Person", "Hidden Partner"), token_hash=secrets.token_hex(32)
        )
        db.session.commit()
        return couple_id


def test_export_is_a_complete_json_attachment(app, signed_in, full_couple):
    response = signed_in.get(f"/couples/{full_couple}/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"couple-{full_couple}-record-" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    record = json.loads(response.get_data(as_text=True))
    assert record["couple"]["name"] == "Ana Silva & Ben Okafor"
    assert record["couple"]["goals"] == "Rebuild trust"
    assert [p["display_name"] for p in record["partners"]] == ["Ana Silva", "Ben Okafor"]
    [assignment] = record["assignments"]
    assert assignment["snapshot"]["prompts"][0]["text"] == "What happened?"
    assert assignment["due_date"] == "2026-03-09"
    assert len(assignment["links"]) == 2
    [entry] = assignment["entries"]
    assert entry["private_note"] == PRIVATE and entry["answers"] == {"q1": "We argued about dishes"}
    [session] = record["sessions"]
    assert session["private_notes"] == "Counselor-only hunch"
    assert session["starts_at"] == "2026-03-02T15:00:00"


def test_export_never_contains_link_token_hashes(signed_in, full_couple):
    body = signed_in.get(f"/couples/{full_couple}/export.json").get_data(as_text=True)
    assert "token_hash" not in body
    assert TOKEN_HASH not in body


def test_export_is_audited(app, signed_in, full_couple):
    signed_in.get(f"/couples/{full_couple}/export.json")
    with app.app_context():
        actions = (
            db.session.execute(select(AuditEvent.action).where(AuditEvent.couple_id == full_couple))
            .scalars()
            .all()
        )
    assert actions == ["couple.export"]


def test_couple_page_offers_export_pdf_and_delete(signed_in, full_couple):
    page = signed_in.get(f"/couples/{full_couple}").get_data(as_text=True)
    assert f'href="/couples/{full_couple}/export.json"' in page
    assert f'href="/couples/{full_couple}/record"' in page
    assert f'href="/couples/{full_couple}/delete"' in page


def test_delete_page_asks_for_the_name(signed_in, full_couple):
    page = signed_in.get(f"/couples/{full_couple}/delete").get_data(as_text=True)
    assert "Delete <bdi>Ana Silva &amp; Ben Okafor</bdi> for good?" in page
    assert "Type <strong><bdi>Ana Silva &amp; Ben Okafor</bdi></strong> to confirm." in page


@pytest.mark.parametrize(
    "typed", ["", "Ana Silva", "ana silva & ben okafor", "Ben Okafor & Ana Silva"]
)
def test_delete_with_the_wrong_name_deletes_nothing(app, signed_in, full_couple, typed):
    with app.app_context():
        before = counts()
    response = signed_in.post(f"/couples/{full_couple}/delete", data={"confirm_name": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="confirm_name-error"' in page
    if typed:
        assert f'value="{typed.replace("&", "&amp;")}"' in page  # what was typed is kept
    with app.app_context():
        assert counts() == before
        assert (
            db.session.execute(
                select(AuditEvent).where(AuditEvent.action == "couple.delete")
            ).first()
            is None
        )


def test_delete_with_the_name_removes_everything_and_leaves_an_anonymous_audit_entry(
    app, signed_in, full_couple, other_full_couple
):
    response = signed_in.post(
        f"/couples/{full_couple}/delete", data={"confirm_name": "Ana Silva & Ben Okafor"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/couples/"
    assert "has been deleted" in signed_in.get("/couples/").get_data(as_text=True)
    with app.app_context():
        # Only the other counselor's couple is left, with all of its rows.
        assert counts() == {
            "couple": 1,
            "partner": 2,
            "assignment": 1,
            "link": 2,
            "entry": 1,
            "session": 1,
        }
        assert db.session.get(Couple, other_full_couple) is not None
        [event] = (
            db.session.execute(select(AuditEvent).where(AuditEvent.action == "couple.delete"))
            .scalars()
            .all()
        )
        assert event.couple_id == full_couple
        assert event.detail == "2 partners, 1 assignments, 1 entries, 1 sessions"
        stored = " ".join(
            str(value) for value in (event.detail, event.object_type, event.user_agent)
        )
        assert "Ana" not in stored and "Ben" not in stored
    assert signed_in.get(f"/couples/{full_couple}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/couples/{id}/export.json"),
        ("get", "/couples/{id}/delete"),
        ("post", "/couples/{id}/delete"),
    ],
)
def test_another_counselors_couple_cannot_be_exported_or_deleted(
    app, signed_in, other_full_couple, method, path
):
    with app.app_context():
        before = counts()
    response = getattr(signed_in, method)(
        path.format(id=other_full_couple), data={"confirm_name": "Secret Person & Hidden Partner"}
    )
    assert response.status_code == 404
    assert "Secret Person" not in response.get_data(as_text=True)
    with app.app_context():
        assert counts() == before
        assert couple_events(other_full_couple) == []


def test_deleting_a_couple_also_deletes_a_link_opened_after_export(app, signed_in, full_couple):
    """The export loads links and entries into the session; deletion still cascades."""
    signed_in.get(f"/couples/{full_couple}/export.json")
    signed_in.post(
        f"/couples/{full_couple}/delete", data={"confirm_name": "Ana Silva & Ben Okafor"}
    )
    with app.app_context():
        assert counts() == {name: 0 for name in counts()}
        assert couple_events(full_couple) == ["couple.export", "couple.delete"]
