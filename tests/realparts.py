"""Real parts for the email and job tests: an SMTP server on loopback (aiosmtpd), a job
worker process, a Redis of the test's own. Imported by the feature conftests."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part else ""


class Inbox:
    """aiosmtpd handler keeping what it accepted. `delay` holds each DATA that long before
    answering (a slow server, to kill a worker mid-send); `refuse` answers 451."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.delay = 0.0
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
            if server.transport is None or server.transport.is_closing():
                return "421 client went away"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]

    def count(self) -> int:
        with self.lock:
            return len(self.received)


class SmtpServer:
    """A real SMTP server on 127.0.0.1 on a free port, stoppable and restartable there."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def config(self) -> dict:
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_DEFAULT_SENDER": "Harbor Counseling <office@harbor.example>",
            "MAIL_TIMEOUT": 10,
        }

    @property
    def env(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.config.items()}


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


class Process:
    """A child process of the app (a worker, gunicorn), with its output kept in a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self.log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL: the process dies mid-whatever, as a crashed host would."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")


def app_env(app_config: dict, extra: dict[str, str]) -> dict[str, str]:
    extra = {"JOBS_QUEUE_NAME": app_config.get("JOBS_QUEUE_NAME", "practice"), **extra}
    """Environment for a child process running the same app on the same database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "JOBS_"))}
    env.update(
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=app_config["SECRET_KEY"],
        PRACTICE_NAME=app_config.get("PRACTICE_NAME", ""),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_worker(env: dict[str, str], log: Path, workers: int = 2) -> Process:
    flask = str(Path(sys.executable).with_name("flask"))
    return Process([flask, "--app", "app", "jobs", "worker", "--workers", str(workers)], env, log)


REDIS_URL = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


@pytest.fixture
def jobs_redis_url():
    """A Redis database for the queue, emptied before and after (JOBS_TEST_REDIS_URL)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis not reachable at {REDIS_URL} (REQUIRE_REDIS=1 makes this fail)")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own on a free port: stopping it stops nobody else."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REQUIRE_REDIS"):
            raise RuntimeError("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    port = free_port()
    args = [
        binary,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]
    server = {"process": subprocess.Popen(args, stdout=subprocess.DEVNULL), "port": port}

    def start():
        server["process"] = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        _wait_for_port(port)

    def stop():
        server["process"].terminate()
        server["process"].wait(10)

    _wait_for_port(port)
    server.update(url=f"redis://127.0.0.1:{port}/0", start=start, stop=stop)
    yield server
    if server["process"].poll() is None:
        stop()


def _wait_for_port(port: int) -> None:
    def open_() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_until(open_, 15, what=f"port {port}")


class Host:
    """The app under gunicorn on a free loopback port: one "host" of a multi-host setup."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = Process(
            [
                gunicorn,
                "-c",
                "gunicorn.conf.py",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
            ],
            env,
            log,
        )
        wait_until(self._up, 30, 0.2, what=f"gunicorn on {self.port}")

    def _up(self) -> bool:
        assert self.process.popen.poll() is None, self.process.output()
        try:
            return self.get("/healthz")[0] == 200
        except OSError:
            return False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, opener=None) -> tuple[int, str]:
        return self.request("GET", path, opener=opener)

    def request(self, method: str, path: str, data: dict | None = None, opener=None):
        import urllib.error
        import urllib.parse
        import urllib.request

        opener = opener or urllib.request.build_opener(NoRedirect)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with opener.open(req, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def stop(self) -> None:
        self.process.stop()


class NoRedirect(__import__("urllib.request").request.HTTPRedirectHandler):
    """Answer 3xx as they are: a test reads the Location itself."""

    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    """An opener that keeps cookies and does not follow redirects (a counselor's browser).
    Cookies are per host name, not port: one signed in on 127.0.0.1:A is sent to :B too."""
    import http.cookiejar
    import urllib.request

    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
    )


def csrf_token(page: str) -> str:
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)
