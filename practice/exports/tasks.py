"""Jobs that build full-record PDFs and delete them when their time is up."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from huey import crontab

from practice import jobs
from practice.exports import services
from practice.extensions import db
from practice.timeutil import utcnow


@jobs.task()
def build_record_export(export_id: int) -> None:
    """Build one export (claimed first: a job delivered twice builds once)."""
    keep = timedelta(minutes=current_app.config["EXPORT_KEEP_MINUTES"])
    services.build_export(export_id, now=utcnow(), keep=keep)


@jobs.periodic_task(crontab(minute="*"))
def purge_record_exports() -> None:
    """Every minute: delete the PDFs whose time is up."""
    services.purge(utcnow())
    db.session.commit()
