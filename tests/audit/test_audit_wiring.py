"""Every view that shows, changes or exports a couple's data leaves an audit event, and no
event holds a token, a note or a name: a whole practice day, then the log is read back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from practice.audit.models import AuditEvent
from practice.exercises.models import Exercise
from practice.extensions import db
from practice.homework.models import Assignment
from practice.timeutil import utcnow
from tests.factories import TEST_PASSWORD, make_assignment, make_counselor, make_couple

NAMES = ("Zelda Quarrington", "Yusuf Brightwater")
EXERCISE_TITLE = "Moonlit walk ritual"
SECRETS = {
    "names": [*NAMES, "Zelda", "Quarrington", "Yusuf", "Brightwater"],
    "texts": [
        "Goals about the quarrel over money",
        "Homework note only for them",
        "Edited homework note",
        "Remarks after reviewing",
        "Partner wrote heartfelt words",
        "Private note of the partner",
        EXERCISE_TITLE,
        "Renamed walk ritual",
        "Focus on repair attempts",
        "Summary handed to them",
        "Private session notes",
        "Steps until next time",
    ],
}
TOKEN = re.compile(r"/h/([A-Za-z0-9_-]{20,})")


def exercise_form(title: str) -> dict:
    return {
        "title": title,
        "category": "quality-time",
        "goal": "Ten quiet minutes",
        "why": "",
        "steps": "Walk.",
        "frequency": "",
        "duration": "",
        "prompts-0-type": "text",
        "prompts-0-label": "What did you notice?",
        "action": "save",
    }


def events() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())


@pytest.fixture
def day(app, signed_in, counselor):
    """A counselor's day through the web pages; returns ids and every token seen."""
    c = signed_in
    response = c.post(
        "/couples/new",
        data={
            "partner1-display_name": NAMES[0],
            "partner2-display_name": NAMES[1],
            "goals": SECRETS["texts"][0],
        },
    )
    couple_id = int(response.headers["Location"].rsplit("/", 1)[1])

    response = c.post("/library/new", data=exercise_form(EXERCISE_TITLE))
    slug = response.headers["Location"].rsplit("/", 1)[1]
    response = c.post(
        f"/couples/{couple_id}/homework/new",
        data={
            "exercises": slug,
            "partners": "both",
            "frequency": "once",
            "times_per_week": "",
            "due_date": (utcnow().date() + timedelta(days=7)).isoformat(),
            "note": "Homework note only for them",
            "session_id": "None",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assignment = db.session.execute(select(Assignment)).scalar_one()
        assignment_id = assignment.id
        partner_ids = [link.partner_id for link in assignment.links]
        exercise_id = db.session.execute(select(Exercise.id).where(Exercise.slug == slug)).scalar()

    assert c.get(f"/homework/{assignment_id}").status_code == 200
    tokens = set(TOKEN.findall(c.get(f"/couples/{couple_id}").get_data(as_text=True)))
    assert len(tokens) == 2
    partner = app.test_client()  # the partner's own phone: nobody signed in
    token = sorted(tokens)[0]
    saved = partner.post(
        f"/h/{token}/homework/{assignment_id}",
        data={
            "submission_key": "audit-wiring-key-0001",
            "a-what_did_you_notice": "x",
            "completion_note": "Partner wrote heartfelt words",
            "private_note": "Private note of the partner",
            "visibility": "counselor",
        },
    )
    assert "Your entry is saved" in saved.get_data(as_text=True)

    base = f"/homework/{assignment_id}"
    assert (
        c.post(
            f"{base}/edit",
            data={
                "due_date": (utcnow().date() + timedelta(days=9)).isoformat(),
                "note": "Edited homework note",
            },
        ).status_code
        == 302
    )
    assert c.post(f"{base}/review", data={"remarks": "Remarks after reviewing"}).status_code == 302
    links_of = f"/couples/{couple_id}/partners"
    handout = c.get(f"{links_of}/{partner_ids[0]}/link/handout.pdf")
    assert handout.mimetype == "application/pdf"
    assert c.post(f"{links_of}/{partner_ids[1]}/link/off").status_code == 302
    assert c.post(f"{links_of}/{partner_ids[1]}/link/new").status_code == 302
    tokens |= set(TOKEN.findall(c.get(f"/couples/{couple_id}").get_data(as_text=True)))
    assert c.post(f"{base}/cancel").status_code == 302

    assert (
        c.post(f"/library/{slug}/edit", data=exercise_form("Renamed walk ritual")).status_code
        == 302
    )
    assert c.post(f"/library/{slug}/delete").status_code == 302  # used: retired
    assert c.post(f"/library/{slug}/restore").status_code == 302
    assert c.get(f"/couples/{couple_id}/export.json").status_code == 200

    response = c.post(
        f"/couples/{couple_id}/sessions/new",
        data={
            "starts_at": "2025-03-14T15:30",
            "duration_minutes": "50",
            "format": "video",
            "attendance": "both",
            "focus": "Focus on repair attempts",
            "couple_summary": "Summary handed to them",
            "private_notes": "Private session notes",
            "next_steps": "Steps until next time",
            "next_appointment_at": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session_url = response.headers["Location"]
    session_id = int(session_url.rsplit("/", 1)[1])
    assert c.get(session_url).status_code == 200
    assert (
        c.post(
            f"{session_url}/edit",
            data={
                "starts_at": "2025-03-14T16:00",
                "duration_minutes": "60",
                "format": "phone",
                "attendance": "both",
                "focus": "Focus on repair attempts",
            },
        ).status_code
        == 302
    )
    assert c.get(f"{session_url}/summary.pdf?copy=counselor").mimetype == "application/pdf"
    assert c.get(f"{session_url}/print?copy=couple").status_code == 200
    # The full record is built by a worker; here its service stands in for the worker.
    assert c.post(f"/couples/{couple_id}/record", data={"copy": "counselor"}).status_code == 302
    with app.app_context():
        from practice.exports import services as exports
        from practice.exports.models import RecordExport

        export_id = db.session.execute(select(RecordExport.id)).scalar_one()
        exports.build_export(export_id, now=utcnow(), keep=timedelta(minutes=5))
    assert c.get(f"/record-exports/{export_id}.pdf").mimetype == "application/pdf"
    assert c.post(f"{session_url}/delete").status_code == 302
    return {
        "couple_id": couple_id,
        "assignment_id": assignment_id,
        "tokens": tokens,
        "exercise_id": exercise_id,
        "partner_ids": partner_ids,
        "counselor_id": counselor.id,
        "session_id": session_id,
    }


EXPECTED = {
    # action: (object_type, actor_kind)
    "couple.create": (None, "counselor"),
    "homework.assign": ("assignment", "counselor"),
    "homework.view": ("assignment", "counselor"),
    "link.use": ("partner_link", "partner_link"),
    "homework.update": ("assignment", "counselor"),
    "homework.review": ("assignment", "counselor"),
    "link.handout": ("partner_access", "counselor"),
    "link.revoke": ("partner_access", "counselor"),
    "link.reissue": ("partner_access", "counselor"),
    "homework.cancel": ("assignment", "counselor"),
    "couple.export": (None, "counselor"),
    "session.create": ("counseling_session", "counselor"),
    "session.view": ("counseling_session", "counselor"),
    "session.update": ("counseling_session", "counselor"),
    "session.export": ("counseling_session", "counselor"),
    "session.print": ("counseling_session", "counselor"),
    "session.delete": ("counseling_session", "counselor"),
}
EXERCISE_ACTIONS = ("exercise.create", "exercise.update", "exercise.delete", "exercise.restore")


def test_each_action_leaves_its_event(app, day):
    with app.app_context():
        log = events()
    by_action: dict[str, list[AuditEvent]] = {}
    for event in log:
        by_action.setdefault(event.action, []).append(event)
    for action, (object_type, actor_kind) in EXPECTED.items():
        assert action in by_action, f"no {action} event"
        event = by_action[action][0]
        assert event.couple_id == day["couple_id"], action
        assert event.actor_kind == actor_kind, action
        assert event.object_type == object_type, action
        assert event.ip_address == "127.0.0.1", action
        if actor_kind == "counselor":
            assert event.actor_counselor_id == day["counselor_id"], action
    use = by_action["link.use"][0]
    assert use.actor_counselor_id is None  # a partner, not the counselor
    assert use.object_id is not None
    assert len(by_action["link.use"]) == 1
    assert by_action["homework.cancel"][0].object_id == day["assignment_id"]
    for action in EXERCISE_ACTIONS:
        assert action in by_action, f"no {action} event"
        event = by_action[action][0]
        assert (event.object_type, event.object_id) == ("exercise", day["exercise_id"]), action
        assert event.couple_id is None
    assert by_action["exercise.delete"][0].detail == "retired"
    for action in ("session.create", "session.update", "session.delete"):
        assert by_action[action][0].object_id == day["session_id"], action
    assert by_action["session.export"][0].detail == "pdf, counselor copy"
    assert by_action["session.print"][0].detail == "couple copy"
    assert [e.detail for e in by_action["couple.export"]] == [
        "json",
        "pdf full record, counselor copy",
    ]


def test_no_event_holds_a_token_a_note_or_a_name(app, day):
    with app.app_context():
        log = events()
    assert len(log) >= len(EXPECTED) + len(EXERCISE_ACTIONS)
    forbidden = [*day["tokens"], *SECRETS["names"], *SECRETS["texts"]]
    for event in log:
        values = [
            event.action,
            event.actor_kind,
            event.object_type,
            event.ip_address,
            event.user_agent,
            event.detail,
        ]
        joined = " | ".join(v for v in values if v)
        for secret in forbidden:
            assert secret.lower() not in joined.lower(), (event.action, secret)


def test_a_submission_that_is_not_saved_records_no_link_use(app, client, counselor):
    """The event is written with the entry or not at all: a refused form leaves nothing."""
    with app.app_context():
        couple = make_couple(counselor)
        _assignment, tokens = make_assignment(couple)
        db.session.commit()
        token = next(iter(tokens.values()))
    response = client.post(
        f"/h/{token}", data={"a-touched_me": "bad\x00text", "visibility": "counselor"}
    )
    assert response.status_code == 200
    with app.app_context():
        assert [e.action for e in events()] == []


def test_only_the_administrator_has_the_audit_log_in_the_menu(app, signed_in, counselor):
    page = signed_in.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/audit/"[^>]*>Audit log</a>', page)
    with app.app_context():
        make_counselor(email="plain@example.org")
        db.session.commit()
    other = app.test_client()
    other.post("/login", data={"email": "plain@example.org", "password": TEST_PASSWORD})
    page = other.get("/").get_data(as_text=True)
    assert "Dashboard" in page and "Audit log" not in page
