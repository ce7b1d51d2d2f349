"""One key per purpose (practice.keys): the session cookie and CSRF tokens are signed with
keys of their own, never SECRET_KEY itself, and two-factor secrets sealed before keep
opening."""

from __future__ import annotations

import hashlib

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from practice import keys, sealed

SECRET = "test-secret-key"  # the conftest's SECRET_KEY


def test_each_purpose_gets_its_own_key():
    derived = {purpose: keys.derive_key(SECRET, purpose) for purpose in keys.PURPOSES}
    assert len(set(derived.values())) == len(keys.PURPOSES)
    assert all(len(key) == 32 for key in derived.values())
    assert SECRET.encode() not in derived.values()
    # Deterministic, and a function of the root secret.
    assert keys.derive_key(SECRET, keys.SESSIONS) == derived[keys.SESSIONS]
    assert keys.derive_key("another root", keys.SESSIONS) != derived[keys.SESSIONS]
    assert keys.derive_key(SECRET.encode(), keys.SESSIONS) == derived[keys.SESSIONS]


def test_an_unlisted_purpose_or_an_empty_secret_is_refused():
    with pytest.raises(keys.UnknownPurpose):
        keys.derive_key(SECRET, "something-new")
    with pytest.raises(ValueError):
        keys.derive_key("", keys.SESSIONS)


def _raw_key_serializer() -> URLSafeTimedSerializer:
    """How Flask signs the session cookie with SECRET_KEY itself (its default)."""
    interface = SecureCookieSessionInterface()
    return URLSafeTimedSerializer(
        SECRET,
        salt=interface.salt,
        serializer=interface.serializer,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )


def test_the_session_cookie_is_not_signed_with_secret_key_itself(app, signed_in):
    cookie = signed_in.get_cookie("session")
    assert cookie is not None
    with pytest.raises(BadSignature):
        _raw_key_serializer().loads(cookie.value)
    # It opens under the sessions key, and still says who is signed in.
    interface = app.session_interface
    assert "_user_id" in interface.get_signing_serializer(app).loads(cookie.value)


def test_a_cookie_signed_with_secret_key_itself_signs_nobody_in(app, client, signed_in):
    cookie = signed_in.get_cookie("session")
    opened = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    forged = _raw_key_serializer().dumps(opened)
    fresh = app.test_client()
    fresh.set_cookie("session", forged)
    response = fresh.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_rotating_secret_key_keeps_sessions_through_the_fallbacks(app, signed_in):
    cookie = signed_in.get_cookie("session").value
    app.config["SECRET_KEY_FALLBACKS"] = [SECRET]
    app.config["SECRET_KEY"] = app.secret_key = "the new root secret"
    client = app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/").status_code == 200


def test_csrf_tokens_use_their_own_key(app):
    assert app.config["WTF_CSRF_SECRET_KEY"] == keys.derive_key(SECRET, keys.CSRF)


# Sealed by the code before practice.keys existed (HKDF label "practice:totp"), for
# counselor 1 under the conftest's SECRET_KEY: secrets already in databases must still open.
SEALED_BEFORE = "v1:j55h28E7DbaNaETp5RByjduts9IlbWgBFIgFciq4HXoDPYKLsyzVxiEmduI="


def test_two_factor_secrets_sealed_before_still_open():
    assert (
        sealed.open_sealed(
            SEALED_BEFORE, secret_key=SECRET, purpose=keys.TWO_FACTOR, bound_to="counselor:1"
        )
        == "JBSWY3DPEHPK3PXP"
    )
