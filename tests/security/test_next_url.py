"""Finding 1: an open redirect after sign-in and after the two-factor step.

`/login?next=/%09/evil.example` answered `Location: //evil.example` once the browser dropped
the tab, and `/%0a/x` gave a 500 after a successful sign-in."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest

from practice import timeutil
from practice.security import safe_next_url
from tests.factories import TEST_PASSWORD, enrol_two_factor

HOME = "/"

LOCAL = [
    "/",
    "/couples/",
    "/couples/?q=Ana+Silva&status=all",
    "/couples/7?sessions=all#history",
    "/exercises/?q=%C3%98deg%C3%A5rd",
    "/couples/?q=%C3%98deg%C3%A5rd ",
    "/audit/?until=2026-03-01",
]

FOREIGN = [
    "//evil.example",
    "///evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/%0a/x",
    "/%0d/x",
    "/\n/x",
    "/\r/x",
    "/\x00/x",
    "/%00/x",
    "/\\evil.example",
    "/%5Cevil.example",
    "\\\\evil.example",
    "/%2F/evil.example",
    "/%252F/evil.example",
    "/%25252F/evil.example",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    " /couples/",
    "evil.example",
    "couples/",
    "/\u202e/x",
    "/\u200b/evil.example",
    "/\u2028/x",
    "/\x7f/x",
    "/\x85/x",
    "/" + "a" * 3000,
    "",
    None,
]


@pytest.mark.parametrize("target", LOCAL)
def test_paths_on_this_site_are_kept(target):
    assert safe_next_url(target, HOME) == target


@pytest.mark.parametrize("target", FOREIGN)
def test_anything_else_falls_back(target):
    assert safe_next_url(target, HOME) == HOME


def _sign_in(client, email, query):
    return client.post(f"/login?{query}", data={"email": email, "password": TEST_PASSWORD})


ATTACKS = [
    "next=/%09/evil.example",
    "next=/%0a/x",
    "next=/%0d/x",
    "next=%2F%5Cevil.example",
    "next=/%252F/evil.example",
    "next=/%00/x",
    "next=https://evil.example",
]


@pytest.mark.parametrize("query", ATTACKS)
def test_sign_in_never_redirects_away(client, counselor, query):
    response = _sign_in(client, counselor.email, query)
    assert response.status_code == 302
    assert response.headers["Location"] == HOME


def test_sign_in_returns_to_the_page_asked_for(client, counselor):
    response = _sign_in(client, counselor.email, "next=/couples/%3Fstatus%3Dall")
    assert response.headers["Location"] == "/couples/?status=all"


@pytest.mark.parametrize("query", ATTACKS)
def test_the_two_factor_step_never_redirects_away(app, client, counselor, monkeypatch, query):
    now = datetime(2026, 3, 2, 9, 0)
    monkeypatch.setattr(timeutil, "utcnow", lambda: now)
    secret, _ = enrol_two_factor(app, counselor.email, now)
    first = _sign_in(client, counselor.email, query)
    assert first.headers["Location"].startswith("/login/code")
    code = pyotp.TOTP(secret).at(now.replace(tzinfo=UTC))
    response = client.post(first.headers["Location"], data={"code": code})
    assert response.status_code == 302
    assert response.headers["Location"] == HOME
