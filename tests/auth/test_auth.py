"""Counselor accounts: first-run setup, sign-in and out, the administrator's team page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from practice.auth.models import Counselor
from practice.extensions import db
from tests.factories import TEST_PASSWORD, make_counselor


def test_first_run_redirects_to_setup(client):
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/setup")


def test_setup_creates_administrator_and_then_disappears(app, client):
    response = client.post(
        "/setup",
        data={
            "practice-practice_name": "Calm Harbor Counseling",
            "practice-timezone": "Europe/Paris",
            "name": "Maya Cohen",
            "email": "Maya@Example.org ",
            "password": "a long enough phrase",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/couples/new")
    with app.app_context():
        counselor = db.session.execute(select(Counselor)).scalar_one()
        assert counselor.email == "maya@example.org"
        assert counselor.is_admin
        assert counselor.password_hash.startswith("$argon2id$")
        assert "a long enough phrase" not in counselor.password_hash
        # The practice's name and zone were asked for, saved, and the administrator's zone.
        from practice.settings.services import practice_settings

        practice = practice_settings()
        assert (practice.name, practice.timezone, practice.saved) == (
            "Calm Harbor Counseling",
            "Europe/Paris",
            True,
        )
        assert counselor.timezone == "Europe/Paris"
    # Signed in straight away.
    assert client.get("/").status_code == 200
    # The setup page is gone for good, for everyone.
    assert client.get("/setup").status_code == 404
    assert app.test_client().post("/setup", data={}).status_code == 404


def test_setup_asks_for_the_practice_name_and_time_zone(app, client):
    page = client.get("/setup").get_data(as_text=True)
    assert "Practice name" in page and "Practice time zone" in page
    assert 'value="Harbor Counseling"' in page  # the environment's name, as a suggestion
    response = client.post(
        "/setup",
        data={
            "practice-practice_name": "",
            "practice-timezone": "Mars/Base",
            "name": "Maya",
            "email": "maya@example.org",
            "password": "a long enough phrase",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the practice&#39;s name." in page and "Not a valid choice" in page
    assert 'value="maya@example.org"' in page
    with app.app_context():
        assert db.session.execute(select(Counselor)).scalar_one_or_none() is None


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"name": "", "email": "a@b.org", "password": "x" * 12}, "Enter a name."),
        ({"name": "M", "email": "not-an-email", "password": "x" * 12}, "Enter an email address"),
        ({"name": "M", "email": "a@b.org", "password": "short"}, "Use between 12 and"),
        ({"name": "M" * 121, "email": "a@b.org", "password": "x" * 12}, "120 characters or fewer"),
    ],
)
def test_setup_rejects_bad_input_and_keeps_what_was_typed(client, data, field_message):
    data = {"practice-practice_name": "Harbor", "practice-timezone": "UTC", **data}
    response = client.post("/setup", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_message in page
    if data["email"]:
        assert f'value="{data["email"]}"' in page


def test_sign_in_and_out(client, auth, counselor):
    assert client.get("/").status_code == 302  # sign-in required
    response = auth.login(counselor.email)
    assert response.headers["Location"] == "/"
    assert "Dashboard" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("email", ["admin@example.org", "nobody@example.org"])
def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth, counselor, email):
    response = auth.login(email, "wrong password here")
    assert response.status_code == 200
    assert "That email and password do not match an active account." in response.get_data(
        as_text=True
    )


def test_sign_in_redirects_only_to_local_paths(client, auth, counselor):
    response = client.post(
        "/login?next=//evil.example/steal",
        data={"email": counselor.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post(
        "/login?next=/couples/", data={"email": counselor.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == "/couples/"


def test_cookie_copied_before_sign_out_stops_working(app, client, auth, counselor):
    auth.login(counselor.email)
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_every_counselor_page_requires_sign_in(app, client):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or getattr(view, "public", False):
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code in (302, 404), (url, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"]
        if "POST" in rule.methods:
            assert client.post(url).status_code in (401, 404), url


def test_administrator_adds_and_deactivates_a_counselor(app, client, auth, counselor):
    auth.login(counselor.email)
    response = client.post(
        "/team",
        data={"name": "José Álvarez", "email": "jose@example.org", "password": "twelve chars ok"},
    )
    assert response.status_code == 302
    assert "José Álvarez" in client.get("/team").get_data(as_text=True)
    with app.app_context():
        jose = db.session.execute(
            select(Counselor).where(Counselor.email == "jose@example.org")
        ).scalar_one()
        jose_id = jose.id

    colleague = app.test_client()
    assert (
        colleague.post(
            "/login", data={"email": "jose@example.org", "password": "twelve chars ok"}
        ).status_code
        == 302
    )
    assert colleague.get("/").status_code == 200

    client.post(f"/team/{jose_id}/close", data={"outcome": "end_links"})
    # Deactivation ends the session already open and blocks new sign-ins.
    assert colleague.get("/").status_code == 302
    response = colleague.post(
        "/login", data={"email": "jose@example.org", "password": "twelve chars ok"}
    )
    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)


def test_team_page_is_only_for_the_administrator(app, client, auth, counselor):
    with app.app_context():
        make_counselor(email="plain@example.org")
        db.session.commit()
    auth.login("plain@example.org")
    assert client.get("/team").status_code == 404
    assert client.post("/team/1/active", data={"active": "0"}).status_code == 404


def test_duplicate_email_is_refused_beside_the_field(client, auth, counselor):
    auth.login(counselor.email)
    response = client.post(
        "/team",
        data={"name": "Someone", "email": "ADMIN@example.org", "password": "twelve chars ok"},
    )
    assert "A counselor with this email already exists." in response.get_data(as_text=True)


def test_password_change_signs_out_other_devices(app, client, auth, counselor):
    auth.login(counselor.email)
    other = app.test_client()
    other.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    assert other.get("/").status_code == 200
    response = client.post(
        "/account",
        data={
            "password-current_password": TEST_PASSWORD,
            "password-new_password": "a brand new phrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this device stays signed in
    assert other.get("/").status_code == 302


def test_create_counselor_command(app, runner, monkeypatch):
    answers = iter(["a very good passphrase", "a very good passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    result = runner.invoke(
        args=["create-counselor", "--email", "li@example.org", "--name", "Li Wei"]
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator li@example.org" in result.output
    with app.app_context():
        assert db.session.execute(select(Counselor)).scalar_one().is_admin


def test_security_headers_on_every_page(client, counselor):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "script-src" not in csp.replace("default-src", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_only_the_administrator_can_require_two_factor(app, client, auth, counselor):
    from practice.auth import two_factor

    with app.app_context():
        make_counselor(email="plain@example.org")
        db.session.commit()
    auth.login("plain@example.org")
    assert client.post("/team/two-factor", data={"required": "1"}).status_code == 404
    with app.app_context():
        assert not two_factor.is_required()


def test_expired_form_token_shows_what_was_typed(app_config, counselor):
    """A counselor form sent with a stale CSRF token is refused, but the text comes back."""
    from practice import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    client.get("/login")
    response = client.post(
        "/couples/new",
        data={
            "csrf_token": "stale",
            "goals": "Three paragraphs about trust 💬",
            "partner1-display_name": "Ana",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 401)
    assert "Three paragraphs about trust 💬" in page
    assert "stale" not in page
    with app.app_context():
        db.engine.dispose()  # this extra app's pool: an open PostgreSQL connection warns at GC
