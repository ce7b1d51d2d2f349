"""Finding 3 (one TOTP code signed in twice when sent concurrently) and finding 4's two-factor
part (codes typed in other scripts' digits gave a 500)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import text

from practice import timeutil
from practice.auth import two_factor
from practice.auth.models import Counselor
from practice.extensions import db
from tests.factories import TEST_PASSWORD, enrol_two_factor

NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timeutil, "utcnow", lambda: NOW)
    return NOW


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).at(NOW.replace(tzinfo=UTC))


def half_signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.headers["Location"].startswith("/login/code")
    return client


def test_a_code_used_meanwhile_by_another_request_is_refused(app, clock, counselor):
    """Request A has read the counselor (no step used yet) when request B signs in with the
    same code and commits. A must not accept the code too."""
    secret, _ = enrol_two_factor(app, counselor.email, NOW)
    step = pyotp.TOTP(secret).timecode(NOW.replace(tzinfo=UTC))
    with app.app_context():
        stale = db.session.get(Counselor, counselor.id)
        assert stale.totp_last_step is None
        db.session.expunge(stale)
        db.session.rollback()
        with db.engine.begin() as other_request:
            other_request.execute(
                text("UPDATE counselor SET totp_last_step = :step WHERE id = :id"),
                {"step": step, "id": counselor.id},
            )
        stale = db.session.merge(stale, load=False)
        assert two_factor.verify_code(stale, code_now(secret), NOW) is False


def test_the_same_code_sent_at_once_signs_in_once(app, clock, counselor):
    secret, _ = enrol_two_factor(app, counselor.email, NOW)
    code = code_now(secret)
    clients = [half_signed_in(app, counselor.email) for _ in range(6)]
    start = threading.Barrier(len(clients))
    answers: list[str] = []

    def send(client):
        start.wait()
        response = client.post("/login/code", data={"code": code})
        answers.append(response.headers.get("Location", str(response.status_code)))

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == len(clients)
    assert answers.count("/") == 1, answers
    assert answers.count("200") == len(clients) - 1, answers


@pytest.mark.parametrize(
    "translate",
    [
        pytest.param(lambda d: d, id="ascii"),
        pytest.param(lambda d: "".join(chr(0xFF10 + int(c)) for c in d), id="fullwidth"),
        pytest.param(lambda d: "".join(chr(0x0660 + int(c)) for c in d), id="arabic-indic"),
        pytest.param(lambda d: "".join(chr(0x06F0 + int(c)) for c in d), id="persian"),
        pytest.param(lambda d: "".join(chr(0x0966 + int(c)) for c in d), id="devanagari"),
        pytest.param(lambda d: f"{d[:3]} {d[3:]}", id="spaced"),
    ],
)
def test_a_code_in_any_scripts_digits_signs_in(app, clock, counselor, translate):
    secret, _ = enrol_two_factor(app, counselor.email, NOW)
    client = half_signed_in(app, counselor.email)
    response = client.post("/login/code", data={"code": translate(code_now(secret))})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "typed", ["１２３４５６", "١٢٣٤٥٦", "१२३४५६", "¹²³⁴⁵⁶", "12345６7", "x23456", "\x00" * 6]
)
def test_a_wrong_code_in_any_script_is_a_calm_refusal(app, clock, counselor, typed):
    enrol_two_factor(app, counselor.email, NOW)
    client = half_signed_in(app, counselor.email)
    response = client.post("/login/code", data={"code": typed})
    assert response.status_code == 200
    assert "That code did not work" in response.get_data(as_text=True)


def test_enrolment_accepts_other_scripts_digits_and_refuses_junk(app, clock, signed_in, counselor):
    signed_in.post("/account/two-factor/start")
    with app.app_context():
        secret = two_factor.secret_of(db.session.get(Counselor, counselor.id))
    wrong = signed_in.post("/account/two-factor", data={"code": "٠٠٠٠٠٠"})
    assert wrong.status_code == 200 and "That code did not match" in wrong.get_data(as_text=True)
    arabic = "".join(chr(0x0660 + int(c)) for c in code_now(secret))
    response = signed_in.post("/account/two-factor", data={"code": arabic})
    assert "shown only once" in response.get_data(as_text=True)
