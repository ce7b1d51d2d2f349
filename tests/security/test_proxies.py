"""Finding 8, first part: with TRUSTED_PROXIES set and no proxy in front, a rotating
X-Forwarded-For bypassed the per-address limit. The app now warns, once, when a request
arrives without the header a real proxy always sets."""

from __future__ import annotations

import logging

import pytest

from practice import create_app
from practice.extensions import db
from practice.proxies import MISSING_HEADER


def warnings_about_the_header(caplog) -> int:
    return sum(
        1
        for record in caplog.records
        if record.levelno == logging.WARNING and record.msg == MISSING_HEADER
    )


@pytest.fixture
def proxied_app(app, app_config):
    app = create_app({**app_config, "TRUSTED_PROXIES": 1})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_request_without_the_header_is_warned_about_once(proxied_app, caplog):
    client = proxied_app.test_client()
    with caplog.at_level(logging.WARNING):
        assert client.get("/healthz").status_code == 200  # monitors may call it directly
        assert warnings_about_the_header(caplog) == 0
        for _ in range(3):
            assert client.get("/login").status_code in (200, 302)
    assert warnings_about_the_header(caplog) == 1
    assert "unset TRUSTED_PROXIES" in caplog.text


def test_requests_through_a_proxy_are_not_warned_about(proxied_app, caplog):
    client = proxied_app.test_client()
    with caplog.at_level(logging.WARNING):
        response = client.get(
            "/login", headers={"X-Forwarded-For": "198.51.100.4"}, environ_base={}
        )
    assert response.status_code in (200, 302)
    assert warnings_about_the_header(caplog) == 0


def test_the_address_comes_from_the_header_only_with_trusted_proxies(app, proxied_app):
    seen = {}
    for which, application in (("direct", app), ("proxied", proxied_app)):

        @application.get("/whoami")
        def whoami():
            from flask import request

            return request.remote_addr or ""

        whoami.public = True
        seen[which] = (
            application.test_client()
            .get("/whoami", headers={"X-Forwarded-For": "203.0.113.77"})
            .get_data(as_text=True)
        )
    assert seen == {"direct": "127.0.0.1", "proxied": "203.0.113.77"}
