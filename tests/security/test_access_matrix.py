"""Object-level authorization, route by route: counselor B sends every counselor URL of the
app, GET and POST, with counselor A's ids, and gets 404 with the database unchanged.

The matrix is built from `app.url_map`, so a new route is checked the day it is added. A route
whose arguments this file cannot fill in fails the test until someone adds them below.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from practice.couples.models import Couple
from practice.exports.models import RecordExport
from practice.extensions import db
from practice.homework.models import Entry
from practice.measures.models import MeasureRequest
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow
from tests.factories import (
    TEST_PASSWORD,
    make_assignment,
    make_counselor,
    make_couple,
    make_exercise,
    make_measure,
)

# Endpoints without object ids that act on the signed-in counselor's own things only.
OWN_ENDPOINTS = {
    "dashboard.index",
    "dashboard.mark_seen",
    "dashboard.overdue",
    "dashboard.due",
    "dashboard.new_entries",
    "dashboard.progress_flags",
    "dashboard.recent_entries",
    "auth.account",
    "auth.logout",
    "auth.keepalive",
    "auth.session_status",
    "auth.two_factor_setup",
    "auth.two_factor_start",
    "auth.two_factor_disable",
    "auth.recovery_codes_renew",
    "couples.index",
    "couples.new",
    "exercises.index",
    "exercises.new",
    "measures.index",
    "measures.new",
}
# The administrator's pages: a counselor who is not the administrator gets 404.
ADMIN_ENDPOINTS = {
    "audit.index",
    "audit.export",
    "auth.team",
    "auth.set_active",
    "auth.require_two_factor",
    "settings.edit",
    "passwords.make_link",
    "reminders.settings",
}
# Ids read from the query string, per endpoint (they are object ids like the path's).
QUERY_IDS = {"exercises.assign": ("couple_id",)}
# Converters the id map can fill, per argument name.
CONVERTERS = {
    "couple_id": "DatabaseIdConverter",
    "assignment_id": "DatabaseIdConverter",
    "partner_id": "DatabaseIdConverter",
    "session_id": "DatabaseIdConverter",
    "counselor_id": "DatabaseIdConverter",
    "slug": "TextConverter",
    "request_id": "DatabaseIdConverter",
    "measure_id": "DatabaseIdConverter",
    "export_id": "DatabaseIdConverter",
}
# A body that would pass most forms, so a missing ownership check would act, not just fail
# validation. The status code is the main check; the database snapshot the second.
POST_BODY = {
    "partner1-display_name": "Changed Name",
    "partner2-display_name": "Other Changed",
    "goals": "Changed goals",
    "confirm_name": "Ana Silva & Ben Okafor",
    "exercise": "",
    "partners": "both",
    "frequency": "once",
    "note": "Changed note",
    "remarks": "Changed remarks",
    "starts_at": "2030-01-01T10:00",
    "duration_minutes": "50",
    "format": "in_person",
    "attendance": "both",
    "focus": "Changed focus",
    "title": "Changed title",
    "category": "appreciation",
    "goal": "Changed goal",
    "steps": "One step",
    "action": "save",
    "active": "0",
}


def public_endpoint(app, endpoint: str) -> bool:
    return endpoint == "static" or getattr(app.view_functions[endpoint], "public", False)


def counselor_rules(app):
    """Every rule a signed-in counselor can reach, sorted for a stable report."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if not public_endpoint(app, rule.endpoint)),
        key=lambda rule: rule.rule,
    )


def methods(rule) -> list[str]:
    chosen = [m for m in ("GET", "POST") if m in rule.methods]
    assert chosen, f"{rule.rule} answers neither GET nor POST: add its methods to the matrix"
    return chosen


# A rule's variable parts as its text writes them: <name>, <converter:name>, <converter(args):name>.
_ARGUMENT = re.compile(r"<(?:(?P<converter>[A-Za-z_]\w*)(?:\(.*?\))?:)?(?P<name>[A-Za-z_]\w*)>")


def converters_of(rule) -> dict[str, str]:
    """Each argument of a rule and the class name of its converter, read from the rule's text
    and the map's converters (public Werkzeug; the rule's own table is private)."""
    return {
        match["name"]: rule.map.converters[match["converter"] or "default"].__name__
        for match in _ARGUMENT.finditer(rule.rule)
    }


def check_fillable(rule) -> None:
    """Fail loudly for a route this matrix cannot fill in, rather than skip it."""
    for name, converter in converters_of(rule).items():
        if name not in CONVERTERS:
            pytest.fail(
                f"{rule.rule} ({rule.endpoint}) has an argument {name!r} the authorization "
                f"matrix cannot fill in: add it to CONVERTERS and to the id maps in "
                f"tests/security/test_access_matrix.py"
            )
        if converter != CONVERTERS[name]:
            pytest.fail(
                f"{rule.rule} ({rule.endpoint}): {name!r} uses {converter}, "
                f"the matrix knows it as {CONVERTERS[name]}: update "
                "tests/security/test_access_matrix.py"
            )
    if not rule.arguments and rule.endpoint not in OWN_ENDPOINTS | ADMIN_ENDPOINTS:
        pytest.fail(
            f"{rule.rule} ({rule.endpoint}) takes no object id: list it in OWN_ENDPOINTS "
            f"(acts on the signed-in counselor's own data) or ADMIN_ENDPOINTS in "
            f"tests/security/test_access_matrix.py"
        )


def url_for_ids(app, rule, ids: dict) -> str:
    with app.test_request_context():
        from flask import url_for

        query = {name: ids[name] for name in QUERY_IDS.get(rule.endpoint, ())}
        return url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments}, **query)


def snapshot() -> dict:
    """Every row of every table except the append-only audit log."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name == "audit_event":
            continue
        order = [column for column in table.primary_key.columns]
        rows[table.name] = [
            tuple(row) for row in db.session.execute(select(table).order_by(*order)).all()
        ]
    db.session.rollback()
    return rows


def audit_rows() -> list:
    rows = db.session.execute(text("SELECT * FROM audit_event ORDER BY id")).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def build_practice(counselor) -> dict:
    """A's couple with everything a couple can have, and B's own, as id maps."""
    a = counselor  # the administrator; B is not
    b = make_counselor(email="b@example.org", name="Dr. Beta")
    result = {}
    owners = (("a", a, ("Ana Silva", "Ben Okafor")), ("b", b, ("Cleo Beta", "Dev Beta")))
    for who, owner, names in owners:
        couple = make_couple(owner, names)
        own_exercise = make_exercise(counselor=owner, title=f"Own exercise of {who}")
        assignment, _tokens = make_assignment(couple, own_exercise)
        partner = couple.partners[0]
        db.session.add(
            Entry(
                assignment_id=assignment.id,
                partner_id=partner.id,
                answers={"touched_me": "Words"},
                completion_note="Done",
                visibility="counselor",
                submission_key=f"key-{who}" * 4,
            )
        )
        session = CounselingSession(
            couple=couple,
            starts_at=utcnow() - timedelta(days=1),
            focus="Focus",
            private_notes="Private",
            couple_summary="Summary",
        )
        db.session.add(session)
        scale = make_measure(owner)
        measure_request = MeasureRequest(
            couple_id=couple.id, measure_id=scale.id, cadence="weekly", starts_on=utcnow().date()
        )
        db.session.add(measure_request)
        export = RecordExport(
            couple_id=couple.id,
            counselor_id=owner.id,
            status="ready",
            progress=100,
            pdf=b"%PDF-1.4 test",
            pages=1,
            expires_at=utcnow() + timedelta(hours=1),
        )
        db.session.add(export)
        db.session.flush()
        result[who] = {
            "request_id": measure_request.id,
            "measure_id": scale.id,
            "couple_id": couple.id,
            "assignment_id": assignment.id,
            "partner_id": partner.id,
            "session_id": session.id,
            "slug": own_exercise.slug,
            "counselor_id": owner.id,
            "export_id": export.id,
        }
    db.session.commit()
    return result


@pytest.fixture
def practice(app, counselor):
    with app.app_context():
        return build_practice(counselor)


def sign_in(app, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def matrix(app, a_ids: dict, b_ids: dict):
    """(method, url, description) for every counselor route: all of A's ids, and for routes
    with several ids each one of A's mixed with B's own (B's assignment, A's partner)."""
    cases = []
    for rule in counselor_rules(app):
        check_fillable(rule)
        names = set(rule.arguments) | set(QUERY_IDS.get(rule.endpoint, ()))
        variants = []
        if names or rule.endpoint in ADMIN_ENDPOINTS:
            variants.append(("A's ids", a_ids))
        if len(names) > 1:
            for name in sorted(names):
                variants.append((f"only {name} of A", {**b_ids, name: a_ids[name]}))
        for label, ids in variants:
            url = url_for_ids(app, rule, ids)
            for method in methods(rule):
                cases.append((method, url, f"{rule.endpoint} {label}"))
    return cases


def test_other_counselors_ids_get_404_everywhere_and_change_nothing(app, practice):
    b = sign_in(app, "b@example.org")
    cases = matrix(app, practice["a"], practice["b"])
    with app.app_context():
        before, audit_before = snapshot(), audit_rows()
    wrong = []
    for method, url, label in cases:
        response = b.open(url, method=method, data=POST_BODY if method == "POST" else None)
        if response.status_code != 404:
            wrong.append(f"{method} {url} ({label}) -> {response.status_code}")
    assert not wrong, "Not 404 for another counselor's ids:\n" + "\n".join(wrong)
    with app.app_context():
        after, audit_after = snapshot(), audit_rows()
    for table, rows in before.items():
        assert after[table] == rows, f"table {table} changed"
    assert audit_after[: len(audit_before)] == audit_before  # the log may only grow
    # Still signed in: nothing above signed B out, so every 404 was a real refusal.
    assert b.get("/couples/").status_code == 200


def test_the_matrix_covers_every_counselor_route(app, practice):
    """Every non-public route is in the matrix, each with the methods it answers."""
    covered = {label.split()[0] for _m, _u, label in matrix(app, practice["a"], practice["b"])}
    expected = {rule.endpoint for rule in counselor_rules(app)} - OWN_ENDPOINTS
    assert covered == expected
    for name in (
        "couples.detail",
        "partner.handout",
        "sessions.summary_pdf",
        "exercises.edit",
        "couples.delete",
        "couples.export",
        "audit.export",
    ):
        assert name in covered


def test_the_same_urls_work_for_their_owner(app, practice):
    """The ids in the matrix are real: A's own GETs answer (so B's 404s mean something)."""
    a = sign_in(app, "admin@example.org")
    for method, url, label in matrix(app, practice["a"], practice["b"]):
        if method == "GET" and "A's ids" in label:
            response = a.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)
            if response.status_code == 302:
                assert "/login" not in response.headers["Location"], url


def test_a_route_the_matrix_cannot_fill_in_fails_with_advice(app):
    """A new route with an unknown argument must not silently escape the matrix."""

    @app.get("/widgets/<int:widget_id>")
    def widget(widget_id: int):  # pragma: no cover - never requested
        return "widget"

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "widget")
    with pytest.raises(pytest.fail.Exception, match="add it to CONVERTERS"):
        check_fillable(rule)

    @app.get("/gadgets")
    def gadgets():  # pragma: no cover - never requested
        return "gadgets"

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "gadgets")
    with pytest.raises(pytest.fail.Exception, match="OWN_ENDPOINTS"):
        check_fillable(rule)


def test_a_partner_link_reads_nothing_of_another_couple(app, practice):
    """A link is a capability for one partner's homework: its page shows nothing of couple A's,
    and paths beside it are not a way in."""
    with app.app_context():
        couple = db.session.get(Couple, practice["b"]["couple_id"])
        _assignment, tokens = make_assignment(couple)
        db.session.commit()
        token = tokens[couple.partners[0].id]
    client = app.test_client()
    page = client.get(f"/h/{token}").get_data(as_text=True)
    for secret in ("Ana", "Silva", "Okafor", "Words", "Own exercise of a", "Dr. Rivera"):
        assert secret not in page
    a = practice["a"]
    for path in (
        f"/couples/{a['couple_id']}",
        f"/homework/{a['assignment_id']}",
        f"/sessions/{a['session_id']}/summary.pdf",
        f"/library/{a['slug']}",
    ):
        # The link's cookie-less visitor is not signed in: sign-in page, not data.
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(f"/h/{token}/../../couples/{a['couple_id']}").status_code in (302, 404)
