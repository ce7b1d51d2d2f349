"""Jobs that send the outbox's rows."""

from __future__ import annotations

from huey import crontab

from practice import jobs
from practice.mail import outbox
from practice.timeutil import utcnow


@jobs.task()
def deliver_email(email_id: int) -> None:
    """Send one outbox row (claimed first, so running this twice sends once)."""
    outcome = outbox.deliver(email_id)
    if outcome.status == "retry" and outcome.retry_in is not None:
        jobs.enqueue(deliver_email, email_id, delay=outcome.retry_in)


def queue_delivery(email_ids: list[int]) -> int:
    """Queue a job per row; returns how many were queued (rows not queued wait for the sweep)."""
    return sum(jobs.enqueue(deliver_email, email_id) for email_id in email_ids)


@jobs.periodic_task(crontab(minute="*"))
def requeue_outbox() -> None:
    """Every minute: queue rows whose job was lost (queue down) or whose worker died."""
    queue_delivery(outbox.due_ids(utcnow()))
