"""A real worker process on a real Redis queue sends each outbox row once, however often its
job is queued; it picks up rows whose job was lost; it survives the queue going away."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.mail import outbox
from practice.mail.models import OutboundEmail
from practice.mail.tasks import queue_delivery
from practice.timeutil import utcnow
from tests.factories import make_counselor
from tests.realparts import app_env, start_worker, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(app_config, jobs_redis_url):
    # A queue of this test's own: other test runs may share the Redis database.
    return {
        **app_config,
        "JOBS_REDIS_URL": jobs_redis_url,
        "JOBS_QUEUE_NAME": f"practice-test-{uuid.uuid4().hex}",
    }


def _plan(count: int, prefix: str) -> list[int]:
    """`count` test emails, each to a counselor of its own (prefix0@example.org, …)."""
    now = utcnow()
    counselors = [make_counselor(email=f"{prefix}{i}@example.org") for i in range(count)]
    db.session.flush()
    ids = outbox.plan(
        [
            outbox.Planned(
                kind="mail_test", dedupe_key=f"{prefix}{i}", scheduled_for=now, counselor_id=c.id
            )
            for i, c in enumerate(counselors)
        ]
    )
    db.session.commit()
    return ids


def _recipients(smtp_server) -> list[str]:
    return sorted(r for m in smtp_server.inbox.received for r in m.recipients)


def _statuses() -> list[str]:
    """Read, then end the transaction: an open one would keep the workers from writing
    (SQLite)."""
    try:
        return list(db.session.execute(select(OutboundEmail.status)).scalars())
    finally:
        db.session.rollback()


def _worker_env(app_config, smtp_server, **extra) -> dict[str, str]:
    return app_env(
        app_config,
        {
            **smtp_server.env,
            "JOBS_REDIS_URL": app_config["JOBS_REDIS_URL"],
            "MAIL_RETRY_SECONDS": "1",
            **extra,
        },
    )


def test_a_worker_process_sends_each_row_once_however_often_it_is_queued(
    app, app_config, ctx, smtp_server, tmp_path
):
    ids = _plan(5, "w")
    for _ in range(3):  # a double click, a retry, a second scheduler: queued three times
        assert queue_delivery(ids) == 5
    worker = start_worker(_worker_env(app_config, smtp_server), tmp_path / "worker.log")
    try:
        wait_until(lambda: smtp_server.inbox.count() >= 5, 60, what="five messages")
        time.sleep(2)  # anything extra would have arrived by now
    finally:
        worker.stop()
    assert smtp_server.inbox.count() == 5, worker.output()
    assert _recipients(smtp_server) == [f"w{i}@example.org" for i in range(5)]
    assert _statuses() == ["sent"] * 5


def test_smtp_stopped_mid_run_is_retried_and_delivered_once_when_back(
    app, app_config, ctx, smtp_server, tmp_path
):
    worker = start_worker(_worker_env(app_config, smtp_server), tmp_path / "worker.log")
    try:
        first = _plan(2, "before")
        queue_delivery(first)
        wait_until(lambda: smtp_server.inbox.count() == 2, 60, what="the first two")
        smtp_server.stop()
        second = _plan(3, "during")
        queue_delivery(second)

        def retried() -> bool:
            rows = db.session.execute(
                select(OutboundEmail.status, OutboundEmail.attempts).where(
                    OutboundEmail.id.in_(second)
                )
            ).all()
            db.session.rollback()
            return all(status == "pending" and attempts >= 2 for status, attempts in rows)

        wait_until(retried, 60, what="retries while the server is down")
        assert _statuses().count("pending") == 3
        smtp_server.start()
        wait_until(lambda: smtp_server.inbox.count() >= 5, 60, what="delivery once it is back")
        time.sleep(2)
    finally:
        worker.stop()
    assert smtp_server.inbox.count() == 5, worker.output()
    assert _statuses() == ["sent"] * 5


def test_a_worker_killed_mid_send_leaves_a_claim_that_another_worker_retakes(
    app, app_config, ctx, smtp_server, tmp_path
):
    smtp_server.inbox.delay = 4.0  # the server sits on the message: the worker is mid-send
    env = _worker_env(
        app_config, smtp_server, MAIL_CLAIM_TIMEOUT_SECONDS="3", MAIL_REQUEUE_GRACE_SECONDS="1"
    )
    [email_id] = _plan(1, "killed")
    first = start_worker(env, tmp_path / "first.log")
    try:
        queue_delivery([email_id])

        def claimed() -> bool:
            status = db.session.scalar(
                select(OutboundEmail.status).where(OutboundEmail.id == email_id)
            )
            db.session.rollback()
            return status == "sending"

        wait_until(claimed, 60, what="the first worker's claim")
        time.sleep(0.5)
        first.kill()
    finally:
        first.stop()
    time.sleep(4)  # the message was never accepted; the claim has timed out
    assert smtp_server.inbox.count() == 0
    smtp_server.inbox.delay = 0
    # A fresh worker's scheduler runs the outbox sweep when it starts: it finds the claim.
    second = start_worker(env, tmp_path / "second.log")
    try:
        wait_until(lambda: smtp_server.inbox.count() >= 1, 60, what="the retaken claim sent")
        time.sleep(2)
    finally:
        second.stop()
    assert smtp_server.inbox.count() == 1, second.output()
    row = db.session.get(OutboundEmail, email_id)
    assert (row.status, row.attempts) == ("sent", 2)


def test_the_queue_down_loses_nothing_the_sweep_queues_it_again(
    app, app_config, ctx, smtp_server, tmp_path, own_redis, monkeypatch
):
    """Redis stops: queueing fails quietly (the row is committed); once Redis is back a
    worker's sweep finds the row and sends it."""
    from practice import jobs

    app.config["JOBS_REDIS_URL"] = own_redis["url"]
    jobs.init_app(app)
    own_redis["stop"]()
    ids = _plan(2, "redisdown")
    assert queue_delivery(ids) == 0  # nothing raised; nothing queued
    own_redis["start"]()
    env = _worker_env(
        app_config, smtp_server, JOBS_REDIS_URL=own_redis["url"], MAIL_REQUEUE_GRACE_SECONDS="0"
    )
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        wait_until(lambda: smtp_server.inbox.count() >= 2, 60, what="the rows, after Redis")
        time.sleep(1)
    finally:
        worker.stop()
    assert smtp_server.inbox.count() == 2, worker.output()
    assert _statuses() == ["sent"] * 2
