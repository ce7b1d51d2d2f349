"""Sign-in attempts and partner-link guesses are limited, per address and per account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from flask import abort

from practice import create_app
from practice.extensions import db
from practice.security import link_limit, public
from tests.factories import TEST_PASSWORD

REDIS_URL = os.environ.get("RATELIMIT_TEST_REDIS_URL", "").strip()


def close(app) -> None:
    """Release an extra app's database connections (the fixtures close only their own)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def limited_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.fixture
def limited_app(app, limited_config):
    """The same database as `app`, but with rate limits on (the suite turns them off)."""
    limited = create_app(limited_config)
    yield limited
    close(limited)


def _attempt(client, email: str, address: str = "203.0.113.1", password: str = "wrong guess 123"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _assert_too_many(response):
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "wait a minute" in page
    assert "Retry-After" in response.headers


def test_twenty_attempts_per_minute_per_address(limited_app, counselor):
    client = limited_app.test_client()
    for number in range(20):
        assert _attempt(client, f"someone{number}@example.org").status_code == 200
    _assert_too_many(_attempt(client, "someone-else@example.org"))
    # Even the right password waits: the limit is checked before the password.
    _assert_too_many(_attempt(client, counselor.email, password=TEST_PASSWORD))
    # Another address is not affected, and reading the page is never limited.
    assert _attempt(client, "x@example.org", address="198.51.100.7").status_code == 200
    assert client.get("/login", environ_base={"REMOTE_ADDR": "203.0.113.1"}).status_code == 200


def test_five_attempts_per_minute_per_account_and_address(limited_app, counselor):
    """(Many addresses against one account: tests/security/test_sign_in_limits.py.)"""
    client = limited_app.test_client()
    spellings = ["admin@example.org", "ADMIN@example.org", " Admin@Example.org "]
    for number in range(5):
        email = spellings[number % len(spellings)]
        assert _attempt(client, email, address="192.0.2.1").status_code == 200
    _assert_too_many(_attempt(client, "admin@example.org", address="192.0.2.1"))
    _assert_too_many(_attempt(client, counselor.email, address="192.0.2.1", password=TEST_PASSWORD))
    # Other accounts can still sign in from that address, and this one from another.
    assert _attempt(client, "other@example.org", address="192.0.2.1").status_code == 200
    assert _attempt(client, counselor.email, address="192.0.2.2").status_code == 200


def test_partner_link_guessing_is_limited_per_address(limited_config, counselor):
    app = create_app(limited_config)

    @public
    @link_limit
    def fake_link(token: str):
        if token != "the-real-token":
            abort(404)
        return "Your homework"

    app.add_url_rule("/test-link/<token>", view_func=fake_link)
    client = app.test_client()
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    partner = {"REMOTE_ADDR": "198.51.100.20"}
    # Real links can be opened again and again: only failed look-ups count.
    for _ in range(40):
        assert client.get("/test-link/the-real-token", environ_base=partner).status_code == 200
    for number in range(30):
        assert client.get(f"/test-link/guess{number}", environ_base=guesser).status_code == 404
    response = client.get("/test-link/guess-more", environ_base=guesser)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get("/test-link/the-real-token", environ_base=guesser).status_code == 429
    assert client.get("/test-link/the-real-token", environ_base=partner).status_code == 200
    close(app)


# A second process, like a second gunicorn worker: its own app and its own memory.
_OTHER_WORKER = textwrap.dedent(
    """
    import json, sys
    from practice import create_app
    config = json.loads(sys.argv[1])
    client = create_app(config).test_client()
    for _ in range(3):
        response = client.post(
            "/login",
            data={"email": "admin@example.org", "password": "wrong guess 123"},
            environ_base={"REMOTE_ADDR": "203.0.113.50"},
        )
        print(response.status_code)
    """
)


@pytest.mark.skipif(
    not REDIS_URL,
    reason="set RATELIMIT_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15; .ci/run does) to "
    "prove limits are shared between processes",
)
def test_limits_hold_across_processes_with_redis(limited_config, counselor):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    config = {**limited_config, "RATELIMIT_STORAGE_URI": REDIS_URL}
    worker = subprocess.run(
        [sys.executable, "-c", _OTHER_WORKER, json.dumps(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert worker.stdout.split() == ["200", "200", "200"], worker.stderr

    app = create_app(config)
    client = app.test_client()
    # This process has seen no attempts, yet only two remain for the account from the other
    # worker's address; from elsewhere the account is not locked.
    assert _attempt(client, "admin@example.org", address="203.0.113.50").status_code == 200
    assert _attempt(client, "admin@example.org", address="203.0.113.50").status_code == 200
    _assert_too_many(_attempt(client, "admin@example.org", address="203.0.113.50"))
    assert _attempt(client, "admin@example.org", address="192.0.2.1").status_code == 200
    close(app)
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_two_factor_codes_are_limited_per_account(limited_app, counselor):
    from practice.auth import two_factor
    from practice.auth.models import Counselor
    from practice.timeutil import utcnow

    with limited_app.app_context():
        account = db.session.get(Counselor, counselor.id)
        two_factor.begin_enrolment(account)
        account.totp_confirmed_at = utcnow()
        db.session.commit()
    for number in range(5):
        client = limited_app.test_client()  # a fresh browser and address each time
        address = {"REMOTE_ADDR": f"192.0.2.{number + 1}"}
        client.post(
            "/login",
            data={"email": counselor.email, "password": TEST_PASSWORD},
            environ_base=address,
        )
        response = client.post("/login/code", data={"code": "000000"}, environ_base=address)
        assert response.status_code == 200
    response = client.post("/login/code", data={"code": "111111"}, environ_base=address)
    _assert_too_many(response)


def test_the_partner_link_page_counts_unknown_tokens(limited_app, counselor):
    client = limited_app.test_client()
    guesser = {"REMOTE_ADDR": "203.0.113.77"}
    for number in range(30):
        assert client.get(f"/h/not-a-token-{number}", environ_base=guesser).status_code == 404
    assert client.get("/h/not-a-token-more", environ_base=guesser).status_code == 429


def test_an_unreachable_limit_store_is_never_a_500(limited_config, counselor, caplog):
    """Redis gone (here: a port nobody listens on): partners' pages and sign-in still answer,
    and the limits carry on in this process's memory until the store is back."""
    import socket

    with socket.socket() as sock:  # a free port, closed again: connections are refused
        sock.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
    app = create_app({**limited_config, "RATELIMIT_STORAGE_URI": dead})
    try:
        client = app.test_client()
        token = "x" * 43  # well-formed, opens nothing
        first = client.get(f"/h/{token}", environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert first.status_code == 404 and "link" in first.get_data(as_text=True).lower()
        statuses = [
            client.get(f"/h/{token}", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
            for _ in range(40)
        ]
        assert 500 not in statuses
        assert statuses.count(429) > 0  # 30 unknown links a minute, counted in memory now
        for _ in range(5):
            _attempt(client, counselor.email, address="203.0.113.10")
        _assert_too_many(_attempt(client, counselor.email, address="203.0.113.10"))
        assert "falling back to in-memory storage" in caplog.text
    finally:
        close(app)
