"""The outbox against a real SMTP server on loopback: each row is sent once, retried while
the server refuses or is down, failed with the reason after the retry window."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.mail import outbox
from practice.mail.models import OutboundEmail
from practice.mail.services import Message
from tests.factories import make_counselor

NOW = datetime(2026, 12, 5, 10, 0)


@outbox.composer("test-note")
def _compose(row: OutboundEmail, now: datetime):
    return Message(
        to=f"person{row.id}@example.org",
        subject="A note from Harbor Counseling",
        text="Hello in plain text.",
        html="<p>Hello in <b>HTML</b>.</p>",
        headers={"X-Row": str(row.id)},
    )


@outbox.composer("test-skip")
def _compose_skip(row: OutboundEmail, now: datetime):
    return outbox.Skip("homework done")


def _plan(key: str, kind: str = "test-note", at: datetime = NOW) -> list[int]:
    ids = outbox.plan([outbox.Planned(kind=kind, dedupe_key=key, scheduled_for=at)])
    db.session.commit()
    return ids


def _row(email_id: int) -> OutboundEmail:
    db.session.expire_all()
    return db.session.get(OutboundEmail, email_id)


def test_a_planned_row_is_sent_once_with_text_html_and_headers(ctx, smtp_server):
    [email_id] = _plan("k1")
    assert outbox.deliver(email_id, NOW).status == "sent"
    assert outbox.deliver(email_id, NOW).status == "busy"  # already sent: nothing happens

    [received] = smtp_server.inbox.received
    assert received.recipients == [f"person{email_id}@example.org"]
    assert received.message["Subject"] == "A note from Harbor Counseling"
    assert received.message["From"] == "Harbor Counseling <office@harbor.example>"
    assert received.message["X-Row"] == str(email_id)
    assert received.text.strip() == "Hello in plain text."
    assert "<b>HTML</b>" in received.html
    row = _row(email_id)
    assert (row.status, row.sent_at, row.attempts, row.claim_token) == ("sent", NOW, 1, None)
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "email.sent")
    ).scalar_one()
    assert (event.object_id, event.detail, event.actor_kind) == (email_id, "test-note", "system")


def test_the_same_key_planned_twice_is_one_row(ctx):
    assert len(_plan("same")) == 1
    assert _plan("same") == []
    assert db.session.scalar(select(func.count()).select_from(OutboundEmail)) == 1


def test_a_row_is_not_sent_before_its_moment(ctx, smtp_server):
    [email_id] = _plan("later", at=NOW + timedelta(hours=1))
    assert outbox.deliver(email_id, NOW).status == "busy"
    assert smtp_server.inbox.count() == 0


def test_a_skipped_row_records_why_and_sends_nothing(ctx, smtp_server):
    [email_id] = _plan("skip", kind="test-skip")
    assert outbox.deliver(email_id, NOW) == outbox.Outcome("skipped", "homework done")
    assert (_row(email_id).status, _row(email_id).last_error) == ("skipped", "homework done")
    assert smtp_server.inbox.count() == 0


def test_smtp_refusing_retries_with_backoff_then_delivers_once(ctx, smtp_server):
    [email_id] = _plan("refused")
    smtp_server.inbox.refuse = True
    first = outbox.deliver(email_id, NOW)
    assert (first.status, first.reason, first.retry_in) == (
        "retry",
        "The mail server answered 451",
        1.0,
    )
    row = _row(email_id)
    assert (row.status, row.next_attempt_at) == ("pending", NOW + timedelta(seconds=1))
    # Not before its retry time; then the delay doubles.
    assert outbox.deliver(email_id, NOW).status == "busy"
    assert outbox.deliver(email_id, NOW + timedelta(seconds=1)).retry_in == 2.0

    smtp_server.inbox.refuse = False
    assert outbox.deliver(email_id, NOW + timedelta(seconds=3)).status == "sent"
    assert smtp_server.inbox.count() == 1
    assert (_row(email_id).attempts, _row(email_id).last_error) == (3, None)


def test_smtp_down_for_the_retry_window_marks_the_row_failed_with_the_reason(ctx, smtp_server):
    [email_id] = _plan("down")
    smtp_server.stop()
    assert outbox.deliver(email_id, NOW).reason == "The mail server could not be reached"
    later = NOW + timedelta(hours=24, seconds=5)
    outcome = outbox.deliver(email_id, later)
    assert outcome == outbox.Outcome("failed", "The mail server could not be reached")
    row = _row(email_id)
    assert (row.status, row.failing_since) == ("failed", NOW)
    assert outbox.deliver(email_id, later + timedelta(days=1)).status == "busy"  # stays failed
    failed = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "email.failed")
    ).scalar_one()
    assert failed.detail == "test-note: The mail server could not be reached"


def test_a_claim_held_by_a_dead_worker_is_taken_again_after_the_timeout(app, ctx, smtp_server):
    [email_id] = _plan("stale")
    assert outbox.claim(email_id, NOW) is not None  # a worker claimed it, then died
    assert outbox.deliver(email_id, NOW + timedelta(seconds=10)).status == "busy"
    assert outbox.due_ids(NOW + timedelta(seconds=10)) == []
    timeout = app.config["MAIL_CLAIM_TIMEOUT_SECONDS"]
    later = NOW + timedelta(seconds=timeout)
    assert outbox.due_ids(later) == [email_id]
    assert outbox.deliver(email_id, later).status == "sent"
    assert smtp_server.inbox.count() == 1
    assert _row(email_id).attempts == 2


def test_a_lost_job_is_found_by_the_sweep_after_the_grace(app, ctx):
    [email_id] = _plan("lost")
    assert outbox.due_ids(NOW) == []  # its job is presumably queued
    grace = app.config["MAIL_REQUEUE_GRACE_SECONDS"]
    assert outbox.due_ids(NOW + timedelta(seconds=grace)) == [email_id]


@pytest.mark.slow
def test_eight_threads_delivering_the_same_rows_send_each_once(app, smtp_server):
    with app.app_context():
        make_counselor(email="c@example.org")
        ids = outbox.plan(
            [
                outbox.Planned(kind="test-note", dedupe_key=f"race{i}", scheduled_for=NOW)
                for i in range(10)
            ]
        )
        db.session.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def worker():
        with app.app_context():
            barrier.wait()
            for email_id in ids:
                outcomes.append(outbox.deliver(email_id, NOW).status)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes.count("sent") == 10
    assert sorted(int(r.message["X-Row"]) for r in smtp_server.inbox.received) == sorted(ids)
