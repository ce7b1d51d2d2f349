"""Reminder settings, link emails, and what was sent (the couple page). The sweep that plans
reminders is in schedule, a partner's preferences in preferences, their times in local_time.

Everything here takes explicit arguments (the moment `now` in naive UTC included, so a test
or `flask reminders run --now` controls the clock) and never commits: the caller does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from practice.couples.models import Partner
from practice.extensions import db
from practice.homework.models import Assignment
from practice.mail import outbox
from practice.mail.models import OutboundEmail
from practice.reminders.models import ReminderPlan, ReminderSettings
from practice.reminders.rules import RULES

KINDS = {
    "link": "Their link",
    "reminder_day_before": "Reminder, the day before",
    "reminder_due_day": "Reminder, on the due day",
    "reminder_daily_nudge": "Reminder, a nudge that follows the schedule",
    "mail_test": "Test email",
    "digest": "Daily digest",
}


def nudge_label(frequency: str | None, times_per_week: int | None) -> str:
    """What a sent nudge was about, true for its homework's schedule (rhythm.py)."""
    if frequency == "daily":
        return "Reminder, nothing done that day"
    if frequency == "weekly":
        n = max(times_per_week or 1, 1)
        entries = "entry is" if n == 1 else f"{n} entries are"
        return f"Reminder, nothing done that day (until the week's {entries} in)"
    if frequency == "fortnightly":
        return "Reminder, the fortnight's entry not written yet"
    if frequency == "monthly":
        return "Reminder, the month's entry not written yet"
    return KINDS["reminder_daily_nudge"]


def email_label(kind: str, frequency: str | None, times_per_week: int | None) -> str:
    """An email's kind in words for the couple page (a nudge's by its homework's schedule)."""
    if kind == "reminder_daily_nudge":
        return nudge_label(frequency, times_per_week)
    return KINDS.get(kind, kind)


# ---------------------------------------------------------------------------- settings


def reminder_settings() -> ReminderSettings:
    """The practice's row, or the defaults (unsaved) until the administrator saves it."""
    row = db.session.get(ReminderSettings, 1)
    return row or ReminderSettings(
        id=1,
        default_rule="day_before",
        default_hour=18,
        subject=ReminderSettings.subject.default.arg,
        digest_enabled=False,
    )


def save_reminder_settings(
    *, default_rule: str, default_hour: int, subject: str, digest_enabled: bool
) -> None:
    row = db.session.get(ReminderSettings, 1)
    if row is None:
        row = ReminderSettings(id=1)
        db.session.add(row)
    row.default_rule, row.default_hour, row.subject = default_rule, default_hour, subject
    row.digest_enabled = digest_enabled


def assign_defaults() -> dict[str, int | str]:
    """The assign form's preset reminder fields: the practice's defaults."""
    settings = reminder_settings()
    return {"reminder_rule": settings.default_rule, "reminder_hour": settings.default_hour}


def email_unavailable(config: Mapping) -> str | None:
    """Why the app cannot email partners, in words for the counselor; None when it can."""
    if not config.get("MAIL_SERVER"):
        return (
            "Email is not configured for this practice (MAIL_SERVER is not set), so nothing "
            "can be sent: copy or print the link instead."
        )
    if not config.get("BASE_URL"):
        return (
            "Emailed links need the app's public address (BASE_URL is not set), so nothing "
            "can be sent: copy or print the link instead."
        )
    return None


def set_plan(assignment_id: int, rule: str, local_hour: int) -> None:
    """The assignment's reminder rule (made or changed)."""
    if rule not in RULES:
        raise ValueError(f"unknown reminder rule {rule!r}")
    plan = db.session.get(ReminderPlan, assignment_id)
    if plan is None:
        db.session.add(ReminderPlan(assignment_id=assignment_id, rule=rule, local_hour=local_hour))
    else:
        plan.rule, plan.local_hour = rule, local_hour


# ---------------------------------------------------------------------------- link emails


def request_link_email(partner: Partner, now: datetime) -> int | None:
    """Plan an email with the partner's link; the row id, or None if the same was asked for
    this minute already (a double click sends one)."""
    ids = outbox.plan(
        [
            outbox.Planned(
                kind="link",
                dedupe_key=f"link:{partner.id}:{now:%Y%m%dT%H%M}",
                scheduled_for=now,
                couple_id=partner.couple_id,
                partner_id=partner.id,
            )
        ]
    )
    return ids[0] if ids else None


def after_assigning(
    assignment_id: int,
    partners: list[Partner],
    *,
    rule: str,
    hour: int,
    email_links: bool,
    config: Mapping,
    now: datetime,
) -> list[int]:
    """New homework: its reminder rule, and (if asked and possible) an email with each
    chosen partner's link. Returns the outbox rows to queue once committed."""
    from practice.partner.access import renew_for_homework, token_for_partner

    set_plan(assignment_id, rule, hour)
    if not email_links or email_unavailable(config):
        return []
    due_date = db.session.get_one(Assignment, assignment_id).due_date
    ids = []
    for partner in partners:
        if not partner.email:
            continue
        # The link to send lives at least until this homework's grace days are over.
        renew_for_homework(
            partner,
            due_date=due_date,
            grace_days=config["LINK_GRACE_DAYS"],
            secret_key=config["SECRET_KEY"],
            now=now,
        )
        if token_for_partner(partner.id, config["SECRET_KEY"], now):
            email_id = request_link_email(partner, now)
            if email_id is not None:
                ids.append(email_id)
    return ids


# ---------------------------------------------------------------------------- couple page


@dataclass(frozen=True)
class SentLine:
    kind: str
    status: str
    when: datetime
    reason: str | None
    label: str  # the kind in words (email_label)


def sent_by_partner(partner_ids: list[int], per_partner: int = 5) -> dict[int, list[SentLine]]:
    """The latest emails per partner, newest first, in one query (the couple page)."""
    if not partner_ids:
        return {}
    rows = db.session.execute(
        select(
            OutboundEmail.partner_id,
            OutboundEmail.kind,
            OutboundEmail.status,
            OutboundEmail.sent_at,
            OutboundEmail.next_attempt_at,
            OutboundEmail.created_at,
            OutboundEmail.last_error,
            Assignment.frequency,
            Assignment.times_per_week,
        )
        .outerjoin(Assignment, Assignment.id == OutboundEmail.assignment_id)
        .where(OutboundEmail.partner_id.in_(partner_ids))
        .order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
        .limit(per_partner * len(partner_ids) * 4)
    ).all()
    lines: dict[int, list[SentLine]] = {pid: [] for pid in partner_ids}
    for row in rows:
        shown = lines[row.partner_id]
        if len(shown) >= per_partner:
            continue
        when = row.sent_at or (row.next_attempt_at if row.status == "pending" else row.created_at)
        label = email_label(row.kind, row.frequency, row.times_per_week)
        shown.append(SentLine(row.kind, row.status, when, row.last_error, label))
    return lines
