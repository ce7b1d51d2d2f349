"""Real processes: job workers with their schedulers on Redis, two app hosts under gunicorn,
one database. Every reminder arrives exactly once."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from practice.extensions import db
from tests.factories import TEST_PASSWORD
from tests.realparts import (
    Host,
    app_env,
    browser,
    csrf_token,
    start_worker,
    wait_until,
)
from tests.reminders.helpers import build, link_in

pytestmark = pytest.mark.slow

ZONES = (
    "Asia/Tokyo",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "UTC",
    "Pacific/Honolulu",
)


def zone_in_daytime() -> tuple[str, datetime]:
    """A zone where it is between 08:00 and 19:59 now (the real clock: the workers' sweeps
    use it), and the local time there."""
    for name in ZONES:
        here = datetime.now(UTC).astimezone(ZoneInfo(name))
        if 8 <= here.hour <= 19 and here.minute < 58:
            return name, here
    pytest.skip("no listed zone is in daytime right now")


@pytest.fixture
def due_now(app, counselor):
    """Three couples (six partners with emails) whose day-before reminder is due this very
    hour in their counselor's zone; returns the counselor's id."""
    name, here = zone_in_daytime()
    with app.app_context():
        counselor = db.session.merge(counselor)
        counselor.timezone = name
        for _ in range(3):
            build(
                counselor=counselor,
                rule="day_before",
                hour=here.hour,
                due=here.date() + timedelta(days=1),
                counselor_tz=name,
            )
        counselor_id = counselor.id
        db.session.commit()
    return counselor_id


@pytest.fixture
def app_config(app_config, jobs_redis_url):
    # A queue of this test's own: other test runs may share the Redis database.
    return {
        **app_config,
        "JOBS_REDIS_URL": jobs_redis_url,
        "JOBS_QUEUE_NAME": f"practice-test-{uuid.uuid4().hex}",
    }


def _env(app_config, smtp_server, **extra) -> dict[str, str]:
    return app_env(
        app_config,
        {
            **smtp_server.env,
            "JOBS_REDIS_URL": app_config["JOBS_REDIS_URL"],
            "BASE_URL": "http://localhost",
            "MAIL_RETRY_SECONDS": "1",
            "RATELIMIT_STORAGE_URI": "memory://",
            **extra,
        },
    )


def _per_address(smtp_server) -> Counter:
    return Counter(r for m in smtp_server.inbox.received for r in m.recipients)


def test_two_workers_with_schedulers_send_each_reminder_once(
    app, app_config, due_now, smtp_server, tmp_path
):
    env = _env(app_config, smtp_server)
    workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(2)]
    try:
        wait_until(lambda: smtp_server.inbox.count() >= 6, 90, what="six reminders")
        time.sleep(3)  # a second scheduler's sweep, a duplicate job: would have landed
    finally:
        for worker in workers:
            worker.stop()
    assert smtp_server.inbox.count() == 6, [w.output()[-2000:] for w in workers]
    assert _per_address(smtp_server) == {"ana@example.org": 3, "ben@example.org": 3}


def test_two_hosts_two_workers_one_database_one_redis(
    app, app_config, due_now, smtp_server, tmp_path
):
    """A counselor signed in on one host is served by the other; a partner's link works on
    both; the link email and every reminder arrive once."""
    env = _env(app_config, smtp_server)
    hosts, workers = [], []
    try:
        hosts = [Host(env, tmp_path / f"host{i}.log") for i in range(2)]
        workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(2)]
        me = browser()
        status, page = hosts[0].get("/login", opener=me)
        status, _ = hosts[0].request(
            "POST",
            "/login",
            {
                "csrf_token": csrf_token(page),
                "email": "admin@example.org",
                "password": TEST_PASSWORD,
            },
            opener=me,
        )
        assert status == 302
        # The other host serves the signed-in counselor (same SECRET_KEY, same database).
        status, couples = hosts[1].get("/couples/1", opener=me)
        assert status == 200 and "Ana Silva" in couples
        status, _ = hosts[1].request(
            "POST",
            "/couples/1/partners/1/send-link",
            {"csrf_token": csrf_token(couples)},
            opener=me,
        )
        assert status == 302
        wait_until(lambda: smtp_server.inbox.count() >= 7, 90, what="the link and reminders")
        time.sleep(3)
        links = [r for r in smtp_server.inbox.received if "set up your personal page" in r.text]
        assert len(links) == 1
        path = link_in(links[0].text)
        for host in hosts:
            status, home = host.get(path)
            assert status == 200 and "Hi <bdi>Ana</bdi>" in home
    finally:
        for process in [*workers, *hosts]:
            process.stop()
    assert smtp_server.inbox.count() == 7
    counts = _per_address(smtp_server)
    assert counts["ana@example.org"] == 4 and counts["ben@example.org"] == 3


def test_redis_stopped_the_web_keeps_serving_and_jobs_resume(
    app, app_config, counselor, smtp_server, tmp_path, own_redis
):
    with app.app_context():
        counselor = db.session.merge(counselor)
        build(counselor=counselor, rule="none")
        db.session.commit()
        db.engine.dispose()
    env = _env(
        app_config, smtp_server, JOBS_REDIS_URL=own_redis["url"], MAIL_REQUEUE_GRACE_SECONDS="0"
    )
    host = Host(env, tmp_path / "host.log")
    worker = None
    try:
        own_redis["stop"]()
        me = browser()
        _, page = host.get("/login", opener=me)
        host.request(
            "POST",
            "/login",
            {
                "csrf_token": csrf_token(page),
                "email": "admin@example.org",
                "password": TEST_PASSWORD,
            },
            opener=me,
        )
        status, couple = host.get("/couples/1", opener=me)
        assert status == 200
        status, _ = host.request(
            "POST", "/couples/1/partners/1/send-link", {"csrf_token": csrf_token(couple)}, opener=me
        )
        assert status == 302  # queued later: the row is written, the queue was down
        status, couple = host.get("/couples/1", opener=me)
        assert status == 200 and "going out" in couple
        own_redis["start"]()
        worker = start_worker(env, tmp_path / "worker.log")
        wait_until(lambda: smtp_server.inbox.count() >= 1, 90, what="the link, after Redis")
        time.sleep(2)
    finally:
        if worker:
            worker.stop()
        host.stop()
    assert smtp_server.inbox.count() == 1
