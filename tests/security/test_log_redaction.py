"""Finding 5: partner tokens reached the access log through unusual spellings of the address
that still open the page: /h//TOKEN, /h%2FTOKEN, /%68/TOKEN, a percent-encoded first
character. Redaction now reads an address the way the router does."""

from __future__ import annotations

import pytest

from practice.log_redaction import redact
from tests.realparts import Host, app_env

TOKEN = "Qm9vb29vb29vb29vb29vb3Rva2Vu"

UNUSUAL = [
    f"/h//{TOKEN}",
    f"/h///{TOKEN}",
    f"/h%2F{TOKEN}",
    f"/h%2f{TOKEN}",
    f"/%68/{TOKEN}",
    f"/%68%2F{TOKEN}",
    f"/h/%{ord(TOKEN[0]):02X}{TOKEN[1:]}",
    f"/h/{TOKEN[:5]}%{ord(TOKEN[5]):02x}{TOKEN[6:]}",
    f"/h%252F{TOKEN}",
    f"//h/{TOKEN}",
]


@pytest.mark.parametrize("path", UNUSUAL)
def test_unusual_spellings_are_redacted(path):
    for line in (
        f'127.0.0.1 - - [30/Nov/2026] "GET {path} HTTP/1.1" 404 10 "-" "curl"',
        f"https://practice.example{path}?from=mail",
        f"Referer: https://practice.example{path}/homework/3",
    ):
        logged = redact(line)
        assert TOKEN not in logged and TOKEN[1:] not in logged and TOKEN[6:] not in logged
        assert "[redacted]" in logged


@pytest.mark.parametrize(
    "line",
    [
        "GET /couples/12?q=Ana%20Silva HTTP/1.1",
        "https://practice.example//library/",
        "GET /library/?q=100%25 HTTP/1.1",
        "GET /static/css/app.css HTTP/1.1",
    ],
)
def test_other_addresses_are_left_as_they_are(line):
    assert redact(line) == line


@pytest.mark.slow
def test_gunicorns_access_log_holds_no_token_however_the_address_is_spelled(
    app, app_config, tmp_path
):
    host = Host(app_env(app_config, {"RATELIMIT_STORAGE_URI": "memory://"}), tmp_path / "g.log")
    try:
        for path in UNUSUAL:
            status, _ = host.get(path)
            assert status < 500, path
    finally:
        host.stop()
    log = host.process.log_path.read_text(errors="replace")
    assert log.count("/h/[redacted]") >= len(UNUSUAL) - 1, log
    assert TOKEN[6:] not in log, log
