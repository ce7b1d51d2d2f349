"""The reminder sweep as a periodic job (every scheduler runs it; rows make it once)."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from practice import jobs
from practice.extensions import db
from practice.mail.tasks import queue_delivery
from practice.reminders import schedule, services
from practice.timeutil import utcnow


@jobs.periodic_task(crontab(minute="*"))
def sweep_reminders() -> None:
    """Every minute: plan the reminders now due and queue them for sending."""
    if services.email_unavailable(current_app.config):
        return
    now = utcnow()
    planned = [*schedule.sweep(now).planned, *schedule.plan_digests(now)]
    db.session.commit()
    queue_delivery(planned)
