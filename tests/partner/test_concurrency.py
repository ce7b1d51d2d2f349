"""Many partners sending at once, through gunicorn with several worker processes.

200 submissions across 20 links, some sent twice at the same moment (a double tap): every one
is stored exactly once, none gets a 5xx, and the logs never say "database is locked". Runs on
SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.homework.models import Entry
from tests.factories import make_assignment, make_couple

ROOT = Path(__file__).resolve().parents[2]
# Installed beside the Python running the tests (whatever environment that is).
GUNICORN = Path(sys.executable).parent / "gunicorn"
LINKS = 20
SUBMISSIONS = 200
DOUBLED = range(0, SUBMISSIONS, 5)  # these are also sent a second time, simultaneously
REQUEST_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        payload = urlencode(body) if body is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def key(number: int) -> str:
    return f"concurrency-{number:05d}-abcdefgh"


def words(number: int) -> str:
    return f"Entry {number}: ça va 💬 \u202bשלום\u202c"


def submission(number: int) -> dict:
    return {
        "submission_key": key(number),
        "n-three_things": "3",
        "visibility": "counselor",
        "a-touched_me": words(number),
        "a-three_things-0": f"Thing {number}",
    }


@pytest.fixture
def links(app, counselor):
    """20 live client links (10 couples, both partners), as /h/<token> paths."""
    paths = []
    with app.app_context():
        for number in range(LINKS // 2):
            couple = make_couple(counselor, (f"Ana {number}", f"Ben {number}"))
            _assignment, tokens = make_assignment(couple)
            paths += [f"/h/{token}" for token in tokens.values()]
        db.session.commit()
        db.engine.dispose()  # no connection of ours open while the server writes
    assert len(paths) == LINKS
    return paths


@pytest.fixture
def server(app, links, tmp_path):
    """gunicorn with 4 workers on a free loopback port, on this test's database."""
    port = free_port()
    logs = {name: tmp_path / f"{name}.log" for name in ("access", "error", "output")}
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],  # the links were issued with it
        "INSTANCE_PATH": str(tmp_path / "server-instance"),
        "RATELIMIT_ENABLED": "0",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PRACTICE_NAME": "Harbor Counseling",
    }
    env.pop("TEST_DATABASE_URL", None)
    with logs["output"].open("w") as output:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "-c",
                "gunicorn.conf.py",
                "--workers",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--access-logfile",
                str(logs["access"]),
                "--error-logfile",
                str(logs["error"]),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, logs["output"].read_text() + logs["error"].read_text()
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start in 30 s"
            time.sleep(0.2)
        yield port, logs
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGQUIT)  # quick shutdown: nothing is in flight
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.mark.slow
def test_200_concurrent_submissions_are_each_stored_once(app, links, server):
    port, logs = server
    barriers = {number: threading.Barrier(2) for number in DOUBLED}

    def send(number: int) -> tuple[int, int, str]:
        barrier = barriers.get(number)
        if barrier is not None:
            # Both copies of a double tap leave together.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=REQUEST_TIMEOUT)
        status, page = request(port, "POST", links[number % LINKS], submission(number))
        return number, status, page

    jobs = []
    for number in range(SUBMISSIONS):
        jobs.append(number)
        if number in barriers:
            jobs.append(number)  # next to its twin, so both are running at once
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(send, jobs, timeout=REQUEST_TIMEOUT * 3))
    elapsed = time.monotonic() - started

    failed = [(number, status) for number, status, _page in results if status != 200]
    assert not failed, f"not saved (number, status): {failed[:20]}"
    for number, _status, page in results:
        assert "Your entry is saved." in page, number
    assert len(results) == SUBMISSIONS + len(DOUBLED)

    with app.app_context():
        stored = db.session.execute(
            select(Entry.submission_key, Entry.answers, Entry.partner_id)
        ).all()
        link_uses = db.session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "link.use")
        ).scalar_one()
        db.session.rollback()
    per_key = Counter(row.submission_key for row in stored)
    assert len(stored) == SUBMISSIONS, f"{len(stored)} entries for {SUBMISSIONS} submissions"
    assert set(per_key) == {key(number) for number in range(SUBMISSIONS)}
    assert max(per_key.values()) == 1
    assert link_uses == SUBMISSIONS  # audited with the entry, and only when it was stored
    answers = {row.submission_key: row.answers for row in stored}
    for number in range(SUBMISSIONS):
        assert answers[key(number)]["touched_me"] == words(number)
    # Each link received its share: 10 entries per partner link.
    assert set(Counter(row.partner_id for row in stored).values()) == {SUBMISSIONS // LINKS}

    log_text = "".join(path.read_text() for path in logs.values() if path.exists())
    assert "database is locked" not in log_text
    assert "Traceback" not in log_text
    # The token is redacted; the homework's id after it is not a secret. gunicorn writes a
    # request's access line after its answer has gone, so the last lines may lag the last
    # answers by a moment: wait for them rather than read the log too early.
    pattern = re.compile(r'"POST /h/\[redacted\](?:/homework/\d+)? HTTP/1\.1" 200')

    def posted() -> list[str]:
        return pattern.findall(logs["access"].read_text())

    deadline = time.monotonic() + 10
    while len(posted()) < len(results) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(posted()) == len(results)
    assert elapsed < REQUEST_TIMEOUT * 3
