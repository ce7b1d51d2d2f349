"""`flask --app app reminders run [--now 2026-12-05T18:00]`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import click
from flask import current_app

from practice.extensions import db
from practice.mail import outbox
from practice.reminders import schedule, services
from practice.reminders.blueprint import bp
from practice.timeutil import utcnow


def run_once(now: datetime) -> tuple[schedule.SweepResult, Counter]:
    """One sweep at `now`, sending what it planned (and anything else due) in this process.
    Safe beside running workers: every send claims its row first."""
    result = schedule.sweep(now)
    result.planned += schedule.plan_digests(now)
    db.session.commit()
    outcomes: Counter = Counter()
    for email_id in dict.fromkeys([*result.planned, *outbox.due_ids(now)]):
        outcome = outbox.deliver(email_id, now)
        if outcome.status == "skipped":
            result.skipped[outcome.reason] += 1
        else:
            outcomes[outcome.status] += 1
    return result, outcomes


def summary(result: schedule.SweepResult, outcomes: Counter) -> str:
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(result.skipped.items()))
    retry = outcomes["retry"] + outcomes["deferred"]
    return (
        f"Reminders: {outcomes['sent']} sent, {sum(result.skipped.values())} skipped"
        f"{f' ({reasons})' if reasons else ''}, {outcomes['failed']} failed"
        f"{f', {retry} to retry' if retry else ''}."
    )


@bp.cli.command("run")
@click.option(
    "--now",
    "moment",
    type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    help="Run as if it were this moment (UTC), e.g. 2026-12-05T18:00.",
)
def run_command(moment: datetime | None) -> None:
    """Run the reminder sweep once and send what is due; prints a one-line summary."""
    reason = services.email_unavailable(current_app.config)
    if reason:
        raise click.ClickException(reason)
    result, outcomes = run_once(moment or utcnow())
    click.echo(summary(result, outcomes))
