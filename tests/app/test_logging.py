"""Partner-link tokens never reach a log: gunicorn's access log, the dev server, the app's."""

from __future__ import annotations

import logging
import os
import runpy
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from practice import create_app
from practice.extensions import db
from practice.log_redaction import redact

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Qm9vb29vb29vb29vb29vb3Rva2Vu"
REFERRER_TOKEN = "UmVmZXJyZXJ0b2tlbnRva2VudG9r"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /h/abc-DEF_123 HTTP/1.1", "GET /h/[redacted] HTTP/1.1"),
        ("https://x.example/h/abc?y=1#z", "https://x.example/h/[redacted]?y=1#z"),
        ("/h/abc/more", "/h/[redacted]/more"),
        ("next=%2Fh%2Fabc", "next=%2Fh%2F[redacted]"),
        ("/homework/3/links/4/handout.pdf", "/homework/3/links/4/handout.pdf"),
        ("/couples/12", "/couples/12"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, **headers) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our test server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_gunicorn_access_log_redacts_tokens_in_request_line_and_referrer(tmp_path):
    database = f"sqlite:///{tmp_path / 'gunicorn.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "gunicorn-test-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "WEB_CONCURRENCY": "1",
    }
    env.pop("TEST_DATABASE_URL", None)
    migrated = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x"})
    with migrated.app_context():
        upgrade()
        db.engine.dispose()

    port = free_port()
    access_log = tmp_path / "access.log"
    error_log = tmp_path / "error.log"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(error_log),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(base + "/healthz") == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, error_log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        status = get(
            f"{base}/h/{TOKEN}?from=mail",
            Referer=f"{base}/h/{REFERRER_TOKEN}",
            **{"User-Agent": f"test-agent {base}/h/{REFERRER_TOKEN}"},
        )
        assert status < 500
    finally:
        server.terminate()
        server.wait(timeout=30)
    log = access_log.read_text()
    assert "/healthz" in log  # the log is written at all
    assert f'"GET /h/[redacted]?from=mail HTTP/1.1" {status}' in log
    assert f'"{base}/h/[redacted]"' in log
    everything = log + error_log.read_text()
    assert TOKEN not in everything and REFERRER_TOKEN not in everything


def test_development_server_log_redacts_tokens(app, caplog):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            get(f"http://127.0.0.1:{server.server_port}/h/{TOKEN}")
    finally:
        server.shutdown()
        server.server_close()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("GET /h/[redacted] HTTP/1.1" in line for line in lines), lines
    assert TOKEN not in caplog.text


def test_app_exception_log_redacts_tokens(app, caplog):
    """Flask logs 'Exception on <path>' with the traceback when a view fails."""
    with app.test_request_context(f"/h/{TOKEN}"):
        try:
            raise RuntimeError(f"could not save for /h/{TOKEN}")
        except RuntimeError:
            with caplog.at_level(logging.ERROR):
                app.log_exception(sys.exc_info())
    # By class and route pattern only (practice.log_redaction.log_exception): the message,
    # which may quote the token or what was typed, is not logged at all.
    assert "Unhandled error on GET /h/[redacted] RuntimeError" in caplog.text
    assert "could not save" not in caplog.text
    assert TOKEN not in caplog.text


def load_gunicorn_config(monkeypatch, **env) -> dict:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.delenv("BIND", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    defaults = load_gunicorn_config(monkeypatch)
    assert defaults["workers"] == 2 and defaults["bind"] == ["127.0.0.1:8000"]
    assert defaults["accesslog"] == "-"
    configured = load_gunicorn_config(monkeypatch, WEB_CONCURRENCY="5", BIND="0.0.0.0:9000")
    assert configured["workers"] == 5 and configured["bind"] == ["0.0.0.0:9000"]


def test_gunicorn_logger_class_redacts_every_access_log_field(monkeypatch):
    """The logger alone, without the app's filter: request line, path, referrer, headers."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    settings = load_gunicorn_config(monkeypatch)
    config = Config()
    config.set("logger_class", settings["logger_class"])
    logger = config.logger_class(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/h/{TOKEN}?a=1",
        "PATH_INFO": f"/h/{TOKEN}",
        "QUERY_STRING": "a=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://p.example/h/{REFERRER_TOKEN}",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    assert atoms["r"] == "GET /h/[redacted]?a=1 HTTP/1.1"
    assert atoms["U"] == "/h/[redacted]"
    assert atoms["f"] == "https://p.example/h/[redacted]"
    assert TOKEN not in repr(atoms) and REFERRER_TOKEN not in repr(atoms)
