"""Sign-in hardening: passwords, equal answers, timeouts, two-factor, cookies and CSRF."""

from __future__ import annotations

from importlib import resources

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from practice.auth import services
from practice.auth.models import Counselor
from practice.extensions import db
from tests.factories import TEST_PASSWORD, make_counselor

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
        data={"name": "Maya Cohen", "email": "maya@example.org", "password": "123456789012"},
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


@pytest.mark.parametrize(
    "email", ["admin@example.org", "nobody@example.org", "gone@example.org"]
)
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
