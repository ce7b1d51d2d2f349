"""The audit log: what is recorded, that it cannot be changed, and the administrator's pages."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from practice.audit import services as audit
from practice.audit.models import AuditEvent
from practice.extensions import db
from tests.factories import TEST_PASSWORD, make_counselor


def couple_form(name1="Ana Silva", name2="Ben Okafor", goals=""):
    return {
        "partner1-display_name": name1,
        "partner2-display_name": name2,
        "goals": goals,
    }


def events(**where) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(db.session.execute(query).scalars())


def add_event(action: str, at: datetime | None = None, **fields) -> None:
    db.session.add(AuditEvent(action=action, at=at or datetime(2026, 5, 1, 12), **fields))


def test_couple_work_is_recorded_with_who_and_where_but_no_personal_data(
    app, client, auth, counselor
):
    headers = {"User-Agent": "Mozilla/5.0 " + "x" * 500}
    client.environ_base.update(
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": headers["User-Agent"]}
    )
    auth.login(counselor.email)
    response = client.post("/couples/new", data=couple_form(goals="Stop the silent treatment"))
    couple_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.get(f"/couples/{couple_id}")
    client.post(f"/couples/{couple_id}/edit", data=couple_form("Ana Silva", "Benjamin", "Trust"))
    client.post(f"/couples/{couple_id}/archive")
    client.post(f"/couples/{couple_id}/restore")
    client.get(f"/couples/{couple_id}/export.json")
    client.post(f"/couples/{couple_id}/delete", data={"confirm_name": "Ana Silva & Benjamin"})
    client.post("/logout")
    with app.app_context():
        rows = events()
        assert [e.action for e in rows] == [
            "sign_in",
            "couple.create",
            "couple.view",
            "couple.update",
            "couple.archive",
            "couple.restore",
            "couple.export",
            "couple.delete",
            "sign_out",
        ]
        assert all(e.actor_counselor_id == counselor.id for e in rows)
        assert all(e.actor_kind == "counselor" for e in rows)
        assert all(e.ip_address == "203.0.113.9" for e in rows)
        assert all(
            len(e.user_agent) == 200 and e.user_agent.startswith("Mozilla/5.0") for e in rows
        )
        assert {e.couple_id for e in rows[1:-1]} == {couple_id}
        update = rows[3]
        assert update.detail == "goals, partner2.display_name"
        stored = repr([(e.detail, e.object_type, e.user_agent) for e in rows])
        for personal in ("Ana", "Ben", "Silent", "silent", "Trust"):
            assert personal not in stored


def test_failed_sign_in_is_recorded_without_the_typed_email(app, client, auth, counselor):
    auth.login(counselor.email, "wrong password here")
    auth.login("nobody@example.org", TEST_PASSWORD)
    with app.app_context():
        known, unknown = events(action="sign_in_failed")
        assert (known.object_type, known.object_id) == ("counselor", counselor.id)
        assert (unknown.object_type, unknown.object_id) == (None, None)
        assert known.actor_counselor_id is None and known.actor_kind == "system"
        assert "nobody" not in repr([(e.detail, e.user_agent) for e in (known, unknown)])
        assert events(action="sign_in") == []


def test_record_outside_a_request_is_the_system(app, ctx):
    audit.record("couple.view", couple_id=7, detail="x" * 500)
    db.session.commit()
    [event] = events()
    assert (event.actor_kind, event.actor_counselor_id, event.ip_address) == ("system", None, None)
    assert len(event.detail) == 200


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'nothing'",
        "UPDATE audit_event SET detail = 'rewritten' WHERE id = 1",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_refuses_to_change_or_delete_events(app, ctx, statement):
    add_event("sign_in")
    db.session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert [(e.action, e.detail) for e in events()] == [("sign_in", "")]


def test_the_migrated_database_refuses_changes_too(app_config):
    """The triggers come from the migration in production, not from create_all."""
    from practice import create_app

    migrated = create_app(app_config)
    with migrated.app_context():
        upgrade()
        add_event("sign_in")
        db.session.commit()
        for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 1
        db.session.remove()
        db.engine.dispose()


def test_the_app_has_no_route_that_changes_the_log(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")]
    assert rules
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


@pytest.fixture
def plain_counselor(app):
    with app.app_context():
        counselor = make_counselor(email="plain@example.org", name="Dr. Plain")
        db.session.commit()
        return counselor.id


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/audit/?action=sign_in"])
def test_only_the_administrator_sees_the_log(client, auth, counselor, plain_counselor, path):
    auth.login("plain@example.org")
    response = client.get(path)
    assert response.status_code == 404
    assert "sign_in" not in response.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client, counselor):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def logged(app, counselor, plain_counselor):
    """A spread of events: two counselors, three couples, three days."""
    with app.app_context():
        add_event(
            "couple.view",
            datetime(2026, 5, 1, 9),
            couple_id=11,
            actor_counselor_id=plain_counselor,
            actor_kind="counselor",
        )
        add_event(
            "couple.update",
            datetime(2026, 5, 2, 23, 59),
            couple_id=11,
            actor_counselor_id=plain_counselor,
            actor_kind="counselor",
        )
        add_event(
            "couple.export",
            datetime(2026, 5, 3, 8),
            couple_id=12,
            actor_counselor_id=counselor.id,
            actor_kind="counselor",
            user_agent='=HYPERLINK("http://evil.example")',
        )
        add_event(
            "link.use",
            datetime(2026, 5, 3, 10),
            couple_id=13,
            object_type="partner_link",
            object_id=5,
            actor_kind="partner_link",
        )
        db.session.commit()


def page_text(client, query: str) -> str:
    response = client.get("/audit/" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_admin_browses_and_filters(signed_in, logged, plain_counselor):
    everything = page_text(signed_in, "")
    # The admin's own sign-in is an event too.
    assert "5 events" in everything
    for label in (
        "Opened a couple&#39;s page",
        "Changed a couple&#39;s details",
        "Exported a couple&#39;s record",
        "A partner opened their link",
        "Signed in",
    ):
        assert f"<td>{label}</td>" in everything
    assert "A partner&#39;s link" in everything and "Dr. Plain" in everything

    by_counselor = page_text(signed_in, f"?counselor={plain_counselor}")
    assert "2 events" in by_counselor and "<td>Exported a couple" not in by_counselor

    by_action = page_text(signed_in, "?action=couple.export")
    assert "1 event<" in by_action and "#12 <span" in by_action

    by_couple = page_text(signed_in, "?couple=11")
    assert "2 events" in by_couple and "<td>Opened a couple&#39;s page</td>" in by_couple
    assert '#11 <span class="muted">(deleted)</span>' in by_couple

    # Both ends of the range are whole days: 23:59 on the 2nd is inside.
    by_dates = page_text(signed_in, "?since=2026-05-02&until=2026-05-02")
    assert "1 event<" in by_dates and "<td>Changed a couple&#39;s details</td>" in by_dates


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=yesterday", "Not a valid date value."),
        ("?couple=" + "x" * 81, "Type at most 80 characters."),
        ("?counselor=99999", "Not a valid choice."),
    ],
)
def test_bad_filters_are_explained_not_a_500(signed_in, logged, query, message):
    page = page_text(signed_in, query)
    assert message in page
    assert "5 events" in page  # the bad filter filters nothing


def test_the_log_is_paginated(app, signed_in):
    with app.app_context():
        for number in range(audit.PAGE_SIZE + 5):
            add_event(
                "couple.view", datetime(2026, 1, 1) + timedelta(minutes=number), couple_id=number
            )
        db.session.commit()
    first = page_text(signed_in, "?action=couple.view")
    assert first.count("<td>Opened a couple&#39;s page</td>") == audit.PAGE_SIZE
    assert (
        "/audit/?page=2&amp;action=couple.view" in first
        or "/audit/?action=couple.view&amp;page=2" in first
    )
    second = page_text(signed_in, "?action=couple.view&page=2")
    assert second.count("<td>Opened a couple&#39;s page</td>") == 5
    assert "Previous page" in second and "Next page" not in second


def test_csv_export_follows_the_filters_and_defuses_formulas(signed_in, logged):
    response = signed_in.get("/audit/export.csv?since=2026-05-03")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["action"] for row in rows][-2:] == ["link.use", "couple.export"]
    export = next(row for row in rows if row["action"] == "couple.export")
    assert export["actor_name"] == "Dr. Rivera"
    assert export["at"] == "2026-05-03T08:00:00"
    assert export["user_agent"] == '\'=HYPERLINK("http://evil.example")'
