"""Two-factor secrets are stored sealed: a copy of the database alone cannot make codes, a
sealed secret moved to another row does not open, and another SECRET_KEY locks the secrets
but never the counselor (recovery codes still work)."""

from __future__ import annotations

import base64
from datetime import datetime

import pyotp
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from practice import create_app, sealed, timeutil
from practice.auth import two_factor
from practice.auth.models import Counselor
from practice.extensions import db
from tests.factories import TEST_PASSWORD, enrol_two_factor, make_counselor

NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timeutil, "utcnow", lambda: NOW)
    return NOW


def stored_secret(app, email: str) -> str:
    with app.app_context():
        return db.session.execute(
            select(Counselor.totp_secret_sealed).where(Counselor.email == email)
        ).scalar_one()


def code_at(secret: str) -> str:
    return pyotp.TOTP(secret).at(NOW)


def test_the_database_holds_no_usable_secret(app, client, clock, counselor):
    secret, _ = enrol_two_factor(app, counselor.email, NOW)
    stored = stored_secret(app, counselor.email)
    assert stored.startswith("v1:") and secret not in stored
    assert len(base64.b32decode(secret)) >= 16  # a real secret came back out
    # And it works for signing in.
    client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
    assert client.post("/login/code", data={"code": code_at(secret)}).status_code == 302


def test_a_sealed_secret_copied_to_another_row_does_not_open(app, client, clock, counselor):
    secret, _ = enrol_two_factor(app, counselor.email, NOW)
    with app.app_context():
        make_counselor(email="mallory@example.org", name="Mallory")
        db.session.commit()
    enrol_two_factor(app, "mallory@example.org", NOW)
    with app.app_context():  # someone with write access to the database copies the value
        db.session.execute(
            text("UPDATE counselor SET totp_secret_sealed = :s WHERE email = :email"),
            {"s": stored_secret(app, counselor.email), "email": "mallory@example.org"},
        )
        db.session.commit()
    client.post("/login", data={"email": "mallory@example.org", "password": TEST_PASSWORD})
    response = client.post("/login/code", data={"code": code_at(secret)})
    assert response.status_code == 200
    assert "That code did not work" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not signed in


def test_another_secret_key_locks_the_secret_but_recovery_codes_still_work(
    app, app_config, clock, counselor, caplog
):
    secret, codes = enrol_two_factor(app, counselor.email, NOW)
    moved = create_app({**app_config, "SECRET_KEY": "a different secret key"})
    try:
        client = moved.test_client()
        client.post("/login", data={"email": counselor.email, "password": TEST_PASSWORD})
        response = client.post("/login/code", data={"code": code_at(secret)})
        assert "That code did not work" in response.get_data(as_text=True)
        assert "cannot be opened (SECRET_KEY changed?)" in caplog.text
        assert client.post("/login/code", data={"recovery_code": codes[0]}).status_code == 302
        assert client.get("/").status_code == 200
    finally:
        with moved.app_context():
            db.engine.dispose()


def test_migration_0007_seals_secrets_in_a_database_with_data_and_downgrade_opens_them(
    app_config,
):
    app = create_app(app_config)
    plain = pyotp.random_base32()
    with app.app_context():
        upgrade(revision="0006_unseen_by_partner")
        db.session.execute(
            text(
                "INSERT INTO counselor (id, email, name, password_hash, is_admin, active, "
                "session_version, timezone, created_at, totp_secret, totp_confirmed_at) "
                "VALUES (7, 'old@example.org', 'Old', 'x', false, true, 1, 'UTC', :now, "
                ":secret, :now)"
            ),
            {"now": NOW, "secret": plain},
        )
        # A couple pointing at the counselor: rebuilding the counselor table (what altering
        # a column takes on SQLite) fails on exactly this foreign key.
        db.session.execute(
            text(
                "INSERT INTO couple (id, counselor_id, status, goals, created_at) "
                "VALUES (70, 7, 'active', '', :now)"
            ),
            {"now": NOW},
        )
        db.session.commit()

        upgrade()
        stored = db.session.execute(text("SELECT totp_secret_sealed FROM counselor")).scalar_one()
        assert sealed.is_sealed(stored) and plain not in stored
        assert two_factor.secret_of(db.session.get(Counselor, 7)) == plain
        db.session.remove()

        downgrade(revision="0006_unseen_by_partner")
        assert db.session.execute(text("SELECT totp_secret FROM counselor")).scalar_one() == plain
        assert db.session.execute(text("SELECT counselor_id FROM couple")).scalar_one() == 7
        db.session.remove()
        db.engine.dispose()
