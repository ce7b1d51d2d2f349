"""Finding 6: with Redis refusing or hanging, limits fell back to per-process memory and
nothing said so. Now the fall-back and the recovery are each logged once on the app's
logger (the one that reaches the server's log), and /healthz says "degraded" meanwhile."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

import pytest

from practice import create_app
from practice.extensions import db
from practice.ratelimit import FALLING_BACK, RECOVERED
from tests.factories import TEST_PASSWORD


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def hanging_server(port: int):
    """Accepts connections and never answers, like a Redis host that froze."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen(64)
        yield


@contextlib.contextmanager
def redis_server(port: int):
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(10)


def lines(caplog, app, message: str) -> int:
    return sum(
        1
        for record in caplog.records
        if record.name == app.logger.name and record.getMessage() == message
    )


def sign_in_attempt(client):
    return client.post(
        "/login",
        data={"email": "admin@example.org", "password": "wrong guess 123"},
        environ_base={"REMOTE_ADDR": "203.0.113.10"},
    )


@pytest.mark.parametrize("fault", ["refusing", "hanging"])
def test_the_fall_back_and_the_recovery_are_logged_once_and_seen_on_healthz(
    app_config, counselor, caplog, fault
):
    port = free_port()
    app = create_app(
        {
            **app_config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0",
        }
    )
    client = app.test_client()
    try:
        with hanging_server(port) if fault == "hanging" else contextlib.nullcontext():
            statuses = [sign_in_attempt(client).status_code for _ in range(6)]
            health = client.get("/healthz")
            client.get("/healthz")
        assert statuses == [200] * 5 + [429]  # limits hold, counted in memory
        assert health.status_code == 200
        assert health.get_json() == {"status": "degraded"}  # no details: they are in the log
        assert lines(caplog, app, FALLING_BACK) == 1
        assert lines(caplog, app, RECOVERED) == 0

        with redis_server(port):
            assert client.get("/healthz").get_json() == {"status": "ok"}
            assert client.get("/healthz").get_json() == {"status": "ok"}
            response = client.post(
                "/login", data={"email": "admin@example.org", "password": TEST_PASSWORD}
            )
            assert response.status_code == 302
        assert lines(caplog, app, RECOVERED) == 1
        assert lines(caplog, app, FALLING_BACK) == 1
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_healthz_is_ok_with_a_live_store(app_config):
    app = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}
    )
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}
    with app.app_context():
        db.engine.dispose()
