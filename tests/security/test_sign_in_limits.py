"""Findings 2 and 8 (second part): the per-account sign-in limit.

2. It keyed on the raw email field: 1 MB "emails" grew Redis by megabytes a second, and a
   password typed into the email box sat in Redis as plain text.
8. It let anyone lock a counselor out: five wrong passwords from anywhere and the right one
   from the counselor's own computer was refused too.
"""

from __future__ import annotations

import os

import pytest
import redis

from practice import create_app
from practice.extensions import db
from tests.factories import TEST_PASSWORD

REDIS_URL = os.environ.get("RATELIMIT_TEST_REDIS_URL", "").strip() or "redis://127.0.0.1:6379/2"


@pytest.fixture
def store():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def limited_app(app, app_config, store):
    limited = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL}
    )
    yield limited
    with limited.app_context():
        db.engine.dispose()


def attempt(client, email: str, address: str, password: str = "wrong guess 123"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_huge_email_field_is_refused_before_any_limit_counts_it(limited_app, store, counselor):
    client = limited_app.test_client()
    before = store.info("memory")["used_memory"]
    huge = "a" * (1024 * 1024 - 100) + "@example.org"
    statuses = {attempt(client, huge, "203.0.113.5").status_code for _ in range(10)}
    assert statuses == {413}
    assert "That was too much text" in attempt(client, huge, "203.0.113.5").get_data(as_text=True)
    assert store.dbsize() == 0  # nothing counted, nothing stored
    assert store.info("memory")["used_memory"] - before < 100_000
    # A real attempt from that address still counts as usual.
    assert attempt(client, "admin@example.org", "203.0.113.5").status_code == 200


def test_the_store_never_holds_what_was_typed(limited_app, store, counselor):
    client = limited_app.test_client()
    typed = ["my Secret Passphrase 42", "admin@example.org", "x" * 250 + "@example.org"]
    for text in typed:
        attempt(client, text, "203.0.113.6")
    keys = b" ".join(store.keys("*")).decode()
    assert keys  # the limits are counted here
    for text in typed:
        assert text.lower()[:20] not in keys.lower()
        assert text.lower().split("@")[0][:20] not in keys.lower()
    assert max(len(key) for key in store.keys("*")) < 200  # bounded, whatever was typed


def test_spellings_of_one_email_count_as_one_account(limited_app, counselor):
    client = limited_app.test_client()
    for email in [
        "admin@example.org",
        "ADMIN@example.org",
        " Admin@Example.org ",
        "admin@EXAMPLE.org",
        "Admin@example.ORG",
    ]:
        assert attempt(client, email, "203.0.113.7").status_code == 200
    assert attempt(client, "admin@example.org", "203.0.113.7").status_code == 429


def test_wrong_passwords_elsewhere_do_not_lock_the_counselor_out(limited_app, counselor):
    attacker = limited_app.test_client()
    for _ in range(5):
        assert attempt(attacker, counselor.email, "198.51.100.66").status_code == 200
    assert attempt(attacker, counselor.email, "198.51.100.66").status_code == 429
    # The counselor, from their own address, with the right password: signed in.
    own = limited_app.test_client()
    response = attempt(own, counselor.email, "192.0.2.10", password=TEST_PASSWORD)
    assert response.status_code == 302


def test_many_addresses_reach_the_per_account_ceiling_but_a_known_browser_passes(
    limited_app, counselor
):
    # The counselor signed in from this browser before: it carries the known-device cookie.
    own = limited_app.test_client()
    assert attempt(own, counselor.email, "192.0.2.10", password=TEST_PASSWORD).status_code == 302
    own.post("/logout", environ_base={"REMOTE_ADDR": "192.0.2.10"})

    botnet = limited_app.test_client()
    # 29 more from 6 addresses (at most 5 each: none hits its own limits) make 30 attempts
    # on the account this minute, the ceiling.
    for number in range(29):
        assert attempt(botnet, counselor.email, f"198.51.100.{number // 5}").status_code == 200
    refused = attempt(botnet, counselor.email, "198.51.100.200")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    # A new browser is held back too, even with the right password...
    stranger = limited_app.test_client()
    assert (
        attempt(stranger, counselor.email, "192.0.2.11", password=TEST_PASSWORD).status_code == 429
    )
    # ...but the counselor's own browser signs in.
    response = attempt(own, counselor.email, "192.0.2.10", password=TEST_PASSWORD)
    assert response.status_code == 302


def test_a_known_device_cookie_for_another_account_or_forged_does_not_help(limited_app, counselor):
    botnet = limited_app.test_client()
    for number in range(30):
        attempt(botnet, counselor.email, f"198.51.100.{number // 5}")
    forged = limited_app.test_client()
    forged.set_cookie("known_device", "eyJhIjoiYiJ9.forged", path="/login")
    assert attempt(forged, counselor.email, "192.0.2.12", password=TEST_PASSWORD).status_code == 429
