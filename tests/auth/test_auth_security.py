"""Sign-in hardening: passwords, equal answers, timeouts, two-factor, cookies and CSRF."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from importlib import resources

import pyotp
import pytest
from argon2 import PasswordHasher
from markupsafe import escape
from sqlalchemy import select

from practice import create_app, timeutil
from practice.auth import services, two_factor
from practice.auth.models import Counselor, RecoveryCode
from practice.couples.models import Couple
from practice.extensions import db
from tests.factories import TEST_PASSWORD, enrol_two_factor, make_counselor


def close(app) -> None:
    """Release an extra app's database connections (the fixtures close only their own)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- Passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "passwordpassword",
        "PasswordPassword",
        "123456789012",
        "qwertyuiopasdf",
        "1qaz2wsx3edc",
        " iloveyouiloveyou ",
        "Correct Horse Battery Staple",
        "correcthorsebatterystaple",
    ],
)
def test_common_passwords_are_refused_whatever_the_case(password):
    assert "list of common passwords" in (services.password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    ["all lowercase words here", "ZZZZ tall ships & 🌊", "kitchen-table-orbit"],
)
def test_no_composition_rules_only_length_and_the_list(password):
    assert services.password_problem(password) is None


def test_short_passwords_are_refused():
    assert services.password_problem("x" * 11) == "Use at least 12 characters."


def test_common_password_list_is_shipped_with_its_licence_notice():
    text = resources.files("practice.auth").joinpath("common_passwords.txt").read_text("utf-8")
    assert "MIT License" in text and "zxcvbn" in text
    assert len(services.common_passwords()) > 30_000


def test_setup_refuses_a_common_password_beside_the_field(app, client):
    response = client.post(
        "/setup",
        data={
            "name": "Maya Cohen",
            "email": "maya@example.org",
            "password": "123456789012",
            "practice-practice_name": "Harbor",
            "practice-timezone": "UTC",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "list of common passwords" in page
    assert 'value="maya@example.org"' in page
    with app.app_context():
        assert db.session.execute(select(Counselor)).first() is None


def test_password_change_refuses_a_common_password(app, signed_in, counselor):
    response = signed_in.post(
        "/account",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": "PasswordPassword",
        },
    )
    assert response.status_code == 200
    assert "list of common passwords" in response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Counselor, counselor.id).password_hash
    PasswordHasher().verify(stored, TEST_PASSWORD)  # unchanged


def test_weaker_hash_is_replaced_at_sign_in(app, auth):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(TEST_PASSWORD)
    with app.app_context():
        make_counselor(email="old@example.org").password_hash = weak
        db.session.commit()
    assert auth.login("old@example.org").status_code == 302
    with app.app_context():
        stored = db.session.execute(
            select(Counselor.password_hash).where(Counselor.email == "old@example.org")
        ).scalar_one()
    assert stored != weak
    assert stored.startswith("$argon2id$")
    assert not services.password_hasher.check_needs_rehash(stored)
    services.password_hasher.verify(stored, TEST_PASSWORD)


# --- Same answer for an unknown email and a wrong password ----------------------------------


class CountingHasher(PasswordHasher):
    """The real hasher, counting verify calls: both failure paths must pay for exactly one."""

    calls = 0

    def verify(self, hash, password):  # noqa: A002  (argon2's own parameter name)
        CountingHasher.calls += 1
        return super().verify(hash, password)


@pytest.mark.parametrize("email", ["admin@example.org", "nobody@example.org", "gone@example.org"])
def test_unknown_email_wrong_password_and_deactivated_cost_one_verify(
    app, client, counselor, monkeypatch, email
):
    with app.app_context():
        make_counselor(email="gone@example.org", active=False)
        db.session.commit()
    monkeypatch.setattr(services, "password_hasher", CountingHasher())
    CountingHasher.calls = 0
    response = client.post("/login", data={"email": email, "password": "wrong password here"})
    assert CountingHasher.calls == 1
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "That email and password do not match an active account." in page


def test_unknown_email_and_wrong_password_pages_are_identical(client, counselor):
    pages = []
    for email in ("admin@example.org", "nobody@example.org"):
        response = client.post("/login", data={"email": email, "password": "wrong password here"})
        pages.append((response.status_code, response.get_data(as_text=True).replace(email, "E")))
    assert pages[0] == pages[1]


# --- Idle and absolute limits -----------------------------------------------------------------


class Clock:
    """A clock the test moves by hand, installed where the app looks the time up."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(datetime(2026, 3, 2, 9, 0))
    monkeypatch.setattr(timeutil, "utcnow", clock)
    return clock


def test_session_expiry_rules():
    start = datetime(2026, 3, 2, 9, 0)
    limits = {"idle_minutes": 30, "absolute_hours": 12}
    at = start + timedelta(minutes=29, seconds=59)
    assert services.session_expiry(start, start, at, **limits) is None
    assert services.session_expiry(start, start, start + timedelta(minutes=30), **limits) == "idle"
    late = start + timedelta(hours=12)
    assert services.session_expiry(start, late, late, **limits) == "absolute"
    assert services.time_left(start, start, at, **limits) == (1, "idle")
    assert services.time_left(
        start, late - timedelta(minutes=10), late - timedelta(minutes=5), **limits
    ) == (300, "absolute")


def test_idle_sign_out_after_thirty_quiet_minutes(clock, signed_in):
    clock.advance(minutes=29)
    assert signed_in.get("/").status_code == 200
    clock.advance(minutes=29)  # each request restarts the idle clock
    assert signed_in.get("/").status_code == 200
    clock.advance(minutes=30)
    response = signed_in.get("/couples/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out after 30 minutes without activity." in page
    clock.advance(minutes=1)
    assert signed_in.get("/").status_code == 302  # stays signed out


def test_idle_limit_is_a_setting(app_config, counselor, clock):
    app = create_app({**app_config, "IDLE_TIMEOUT_MINUTES": 5})
    client = app.test_client()
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    clock.advance(minutes=4)
    assert client.get("/").status_code == 200
    clock.advance(minutes=5)
    assert client.get("/").status_code == 302
    close(app)


def test_a_copied_cookie_expires_with_the_session(app, clock, signed_in):
    copied = signed_in.get_cookie("session").value
    clock.advance(minutes=31)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 302


def test_absolute_limit_even_when_active(clock, signed_in):
    for _ in range(35):  # 11 h 40 min of steady work
        clock.advance(minutes=20)
        assert signed_in.get("/").status_code == 200
    clock.advance(minutes=20)
    response = signed_in.get("/", follow_redirects=True)
    assert "sign-ins last at most 12 hours" in response.get_data(as_text=True)
    assert signed_in.get("/").status_code == 302


def test_a_form_sent_after_the_sign_out_comes_back_to_copy(app, clock, signed_in, counselor):
    typed = "<script>alert(1)</script> We argue about money 💸\nAnd about his mother."
    clock.advance(minutes=45)
    response = signed_in.post(
        "/couples/new",
        data={"goals": typed, "password": "not shown", "csrf_token": "not shown either"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "You were signed out after 30 minutes without activity." in page
    assert "Nothing you typed is lost" in page
    assert escape(typed) in page  # shown as text, never as markup
    assert "<script>alert(1)" not in page
    assert "not shown" not in page
    assert 'href="/login?next=/couples/new"' in page
    with app.app_context():
        assert db.session.execute(select(Couple)).first() is None
    assert signed_in.get("/").status_code == 302


def test_polling_the_status_is_not_activity_but_staying_signed_in_is(clock, signed_in):
    clock.advance(minutes=20)
    status = signed_in.get("/session/status").get_json()
    assert status["seconds_left"] == 600 and status["limit"] == "idle"
    clock.advance(minutes=5)
    assert signed_in.post("/session/keepalive").get_json()["seconds_left"] == 1800
    clock.advance(minutes=29)
    assert signed_in.get("/").status_code == 200
    clock.advance(minutes=20)
    signed_in.get("/session/status")
    clock.advance(minutes=10)
    assert signed_in.get("/").status_code == 302


def test_pages_carry_the_idle_warning_script(client, clock, signed_in):
    page = signed_in.get("/").get_data(as_text=True)
    assert 'data-session-seconds="1800"' in page
    assert 'data-session-warn="300"' in page
    assert 'src="/static/js/idle.js"' in page
    with client.get("/static/js/idle.js") as script:
        assert "Stay signed in" in script.get_data(as_text=True)
    signed_in.post("/logout")
    assert "idle.js" not in client.get("/login").get_data(as_text=True)


def test_no_remember_me_cookie(client, counselor):
    response = client.post(
        "/login", data={"email": counselor.email, "password": TEST_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is None
    assert "Keep me signed in" not in client.get("/login").get_data(as_text=True)


def test_sign_in_starts_a_new_session(client, counselor):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


# --- Cookies and CSRF ---------------------------------------------------------------------------


def test_session_cookie_is_httponly_lax_and_not_secure_over_http(client, counselor):
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure


def test_https_setting_makes_cookies_secure_and_sends_hsts(app_config, counselor, monkeypatch):
    monkeypatch.setenv("HTTPS", "1")  # as an operator sets it
    app = create_app(app_config)
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": counselor.email, "password": TEST_PASSWORD},
        base_url="https://localhost",
    )
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    close(app)


def test_counselor_post_without_csrf_token_is_refused(app_config, counselor):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post(
            "/login",
            data={"email": counselor.email, "password": TEST_PASSWORD, "csrf_token": token},
        ).status_code
        == 302
    )
    response = client.post("/account", data={"settings-timezone": "Europe/Lisbon"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Counselor, counselor.id).timezone == "UTC"
    close(app)


# --- Two-factor sign-in -------------------------------------------------------------------------


def _code(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when.replace(tzinfo=UTC))


def test_enrolment_shows_a_qr_code_and_recovery_codes_once(app, clock, signed_in, counselor):
    page = signed_in.get("/account").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page
    response = signed_in.post("/account/two-factor/start")
    assert response.headers["Location"] == "/account/two-factor"
    page = signed_in.get("/account/two-factor").get_data(as_text=True)
    with app.app_context():
        secret = two_factor.secret_of(db.session.get(Counselor, counselor.id))
    assert 'src="data:image/svg+xml;base64,' in page
    assert secret in page  # also as text, for apps that cannot scan

    wrong = signed_in.post("/account/two-factor", data={"code": "000000"})
    assert "That code did not match" in wrong.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(Counselor, counselor.id).two_factor_enabled

    response = signed_in.post("/account/two-factor", data={"code": _code(secret, clock.now)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "shown only once" in page
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)
    assert len(set(codes)) == 10
    with app.app_context():
        stored = db.session.execute(select(RecoveryCode.code_hash)).scalars().all()
        assert db.session.get(Counselor, counselor.id).two_factor_enabled
    assert len(stored) == 10
    assert not any(code.replace("-", "") in hashed for code in codes for hashed in stored)
    # The codes are not shown again, and this device is still signed in.
    assert signed_in.get("/account/two-factor").headers["Location"] == "/account"
    assert codes[0] not in signed_in.get("/account").get_data(as_text=True)


def test_sign_in_asks_for_the_code_and_half_signed_in_opens_nothing(app, client, clock, counselor):
    secret, _codes = enrol_two_factor(app, counselor.email, clock.now)
    response = client.post(
        "/login?next=/couples/", data={"email": counselor.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/login/code?next=/couples/"
    for url in ("/", "/account", "/couples/", "/session/status"):
        assert client.get(url).status_code == 302
    assert client.post("/session/keepalive").status_code == 401
    assert "One more step" in client.get("/login/code").get_data(as_text=True)

    wrong = client.post("/login/code?next=/couples/", data={"code": "123 456"})
    assert "That code did not work" in wrong.get_data(as_text=True)
    assert client.get("/").status_code == 302

    response = client.post("/login/code?next=/couples/", data={"code": _code(secret, clock.now)})
    assert response.headers["Location"] == "/couples/"
    assert client.get("/").status_code == 200


def test_a_code_works_only_once(app, client, clock, counselor):
    secret, _codes = enrol_two_factor(app, counselor.email, clock.now)
    code = _code(secret, clock.now)
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    response = client.post("/login/code", data={"code": code})
    assert "That code did not work" in response.get_data(as_text=True)
    clock.advance(seconds=30)  # the next code is fine
    assert client.post("/login/code", data={"code": _code(secret, clock.now)}).status_code == 302


def test_a_recovery_code_works_once(app, client, clock, counselor):
    _secret, codes = enrol_two_factor(app, counselor.email, clock.now)
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    typed = " " + codes[3].upper() + " "
    assert client.post("/login/code", data={"recovery_code": typed}).status_code == 302
    assert "9 of 10 recovery codes left" in client.get("/account").get_data(as_text=True)
    client.post("/logout")
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    response = client.post("/login/code", data={"recovery_code": codes[3]})
    assert "That code did not work" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_new_recovery_codes_need_the_password_and_replace_the_old_ones(
    app, client, clock, counselor
):
    from practice.audit.models import AuditEvent

    secret, old_codes = enrol_two_factor(app, counselor.email, clock.now)
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    client.post("/login/code", data={"recovery_code": old_codes[0]})
    assert "9 of 10 recovery codes left" in client.get("/account").get_data(as_text=True)

    refused = client.post(
        "/account/two-factor/recovery-codes", data={"renew-password": "not my password"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    # The message sits beside the field it is about, and nothing changed.
    assert re.search(
        r'id="renew-password-error">.*That is not your password\. Your codes have not changed\.',
        page,
    )
    assert "9 of 10 recovery codes left" in page

    response = client.post(
        "/account/two-factor/recovery-codes", data={"renew-password": TEST_PASSWORD}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Your new recovery codes" in page
    assert "Your old recovery codes no longer work." in page
    new_codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "10 of 10 recovery codes left" in client.get("/account").get_data(as_text=True)
    with app.app_context():
        actions = db.session.execute(select(AuditEvent.action)).scalars().all()
        assert "two_factor.recovery_codes" in actions

    # An old code no longer signs in; a new one does.
    client.post("/logout")
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    response = client.post("/login/code", data={"recovery_code": old_codes[5]})
    assert "That code did not work" in response.get_data(as_text=True)
    assert client.post("/login/code", data={"recovery_code": new_codes[5]}).status_code == 302


def test_no_recovery_codes_without_two_factor(signed_in, app, counselor):
    response = signed_in.post(
        "/account/two-factor/recovery-codes", data={"renew-password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/account"
    with app.app_context():
        assert db.session.execute(select(RecoveryCode)).first() is None


def test_the_code_step_expires_and_needs_the_password_again(app, client, clock, counselor):
    secret, _codes = enrol_two_factor(app, counselor.email, clock.now)
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    clock.advance(minutes=6)
    response = client.post("/login/code", data={"code": _code(secret, clock.now)})
    assert response.headers["Location"].startswith("/login")
    assert client.get("/").status_code == 302


def test_administrator_can_require_two_factor_for_everyone(app, clock, signed_in, counselor):
    with app.app_context():
        make_counselor(email="colleague@example.org", name="Sam Lee")
        db.session.commit()
    assert signed_in.post("/team/two-factor", data={"required": "1"}).status_code == 302
    colleague = app.test_client()
    response = colleague.post(
        "/login", data={"email": "colleague@example.org", "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/account/two-factor"
    # Nothing else opens until it is set up; signing out still works.
    assert colleague.get("/couples/").headers["Location"] == "/account/two-factor"
    assert colleague.post("/couples/new", data={}).headers["Location"] == "/account/two-factor"
    colleague.post("/account/two-factor/start")
    with app.app_context():
        secret = two_factor.secret_of(
            db.session.execute(
                select(Counselor).where(Counselor.email == "colleague@example.org")
            ).scalar_one()
        )
    colleague.post("/account/two-factor", data={"code": _code(secret, clock.now)})
    assert colleague.get("/couples/").status_code == 200
    # While required it cannot be turned off.
    colleague.post("/account/two-factor/disable", data={"password": TEST_PASSWORD})
    with app.app_context():
        assert (
            db.session.execute(
                select(Counselor.totp_confirmed_at).where(
                    Counselor.email == "colleague@example.org"
                )
            ).scalar_one()
            is not None
        )


def test_turning_two_factor_off_needs_the_password(app, clock, client, counselor):
    secret, _codes = enrol_two_factor(app, counselor.email, clock.now)
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    client.post("/login/code", data={"code": _code(secret, clock.now)})
    response = client.post(
        "/account/two-factor/disable", data={"password": "not my password"}, follow_redirects=True
    )
    assert "Two-factor sign-in is still on" in response.get_data(as_text=True)
    response = client.post(
        "/account/two-factor/disable", data={"password": TEST_PASSWORD}, follow_redirects=True
    )
    assert "Two-factor sign-in is off." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(RecoveryCode)).first() is None
        assert db.session.get(Counselor, counselor.id).totp_secret_sealed is None
