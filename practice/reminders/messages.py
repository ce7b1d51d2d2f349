"""The emails partners get: their link, and reminders. Composed when sent, from current data.

Nothing clinical ever goes in: no exercise titles, notes, entries or ratings (inboxes are
shared and read over shoulders). An email names the practice and the counselor and carries
the partner's personal link; reminders also carry a one-click unsubscribe (RFC 8058).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app, render_template
from sqlalchemy import select

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.homework.models import Assignment
from practice.homework.progress import assignment_progress
from practice.mail.models import OutboundEmail
from practice.mail.outbox import Composed, Defer, Skip, composer
from practice.mail.services import Message
from practice.partner import access as partner_access
from practice.reminders import local_time, preferences, rhythm, schedule, services
from practice.reminders.models import ReminderPreference
from practice.settings.services import load_practice


def external_url(endpoint: str, **values) -> str:
    """BASE_URL + the endpoint's path: jobs have no request to take a host from."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def partner_link(partner_id: int, now: datetime) -> str | None:
    """The partner's working link (their home), or None: no link, turned off, expired."""
    token = partner_access.token_for_partner(partner_id, current_app.config["SECRET_KEY"], now)
    return external_url("partner.home", token=token) if token else None


def _people(partner_id: int):
    return db.session.execute(
        select(Partner, Couple, Counselor)
        .join(Couple, Couple.id == Partner.couple_id)
        .join(Counselor, Counselor.id == Couple.counselor_id)
        .where(Partner.id == partner_id)
    ).one_or_none()


def _message(
    partner: Partner, counselor: Counselor, link: str, template: str, reminder: bool
) -> Message:
    config = current_app.config
    unsubscribe = external_url(
        "reminders.unsubscribe",
        token=preferences.unsubscribe_token(partner.id, config["SECRET_KEY"]),
    )
    context = {
        "practice_name": load_practice(config).name,
        "partner_name": partner.first_name,
        "counselor_name": counselor.name,
        "link": link,
        "unsubscribe": unsubscribe,
        "reminder": reminder,
    }
    return Message(
        to=partner.email or "",
        subject=services.reminder_settings().subject,
        text=render_template(f"reminders/email/{template}.txt", **context),
        html=render_template(f"reminders/email/{template}.html", **context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@composer("link")
def compose_link(row: OutboundEmail, now: datetime) -> Composed:
    """The partner's link, sent by their counselor (sent even if they opted out of reminders:
    the counselor asked for it just now)."""
    found = _people(row.partner_id) if row.partner_id else None
    if found is None:
        return Skip("partner removed")
    partner, couple, counselor = found
    if couple.is_archived or not counselor.active:
        return Skip("couple archived" if couple.is_archived else "counselor's account closed")
    if not partner.email:
        return Skip("no email address")
    link = partner_link(partner.id, now)
    if link is None:
        return Skip("no working link")
    return _message(partner, counselor, link, "link", reminder=False)


def _compose_reminder(row: OutboundEmail, now: datetime) -> Composed:
    """A reminder, checked again against current data: it may have stopped being due."""
    found = _people(row.partner_id) if row.partner_id else None
    assignment = db.session.get(Assignment, row.assignment_id) if row.assignment_id else None
    if found is None or assignment is None:
        return Skip("homework removed")
    partner, couple, counselor = found
    prefs = db.session.get(ReminderPreference, partner.id)
    tz = local_time.zone(prefs.timezone if prefs else None, counselor.timezone)
    here = local_time.local(now, tz)
    if assignment.status != "active" or assignment.reviewed_at is not None:
        return Skip("homework closed")
    if couple.is_archived or not counselor.active:
        return Skip("couple archived" if couple.is_archived else "counselor's account closed")
    if here.date() > assignment.due_date:
        return Skip("past due")
    link = partner_link(partner.id, now)
    progress = (
        assignment_progress([assignment], with_nth_latest=True)
        .get(assignment.id, {})
        .get(partner.id)
    )
    rule = row.kind.removeprefix("reminder_")
    assigned_on = local_time.local(assignment.created_at, tz).date()
    if rule == "daily_nudge" and not rhythm.nudge_day(
        assignment.frequency, assigned_on, here.date()
    ):
        return Skip("not a nudge day")  # e.g. kept past quiet hours into an off week
    reason = schedule.why_not(
        email=partner.email,
        opted_out=bool(prefs and prefs.opted_out_at),
        link_live=link is not None,
        done=bool(progress and progress.status == "completed"),
        done_for_now=schedule.nudge_done(
            assignment.frequency, assigned_on, here.date(), progress, tz
        ),
        rule=rule,
    )
    if reason:
        return Skip(reason)
    if local_time.quiet(here):
        return Defer(local_time.next_morning(now, tz))
    return _message(partner, counselor, link or "", "reminder", reminder=True)


REMINDER_KINDS: dict[str, Callable] = {
    kind: composer(kind)(_compose_reminder)
    for kind in ("reminder_day_before", "reminder_due_day", "reminder_daily_nudge")
}


@composer("digest")
def compose_digest(row: OutboundEmail, now: datetime) -> Composed:
    """The counselor's morning counts: new entries, homework due this week, overdue, couples
    with a partner below a measure's cutoff. No client names or content: a sign-in link leads
    to them."""
    from practice.dashboard.services import build_dashboard
    from practice.measures.flags import dashboard_flags

    counselor = db.session.get(Counselor, row.counselor_id) if row.counselor_id else None
    if counselor is None or not counselor.active:
        return Skip("the counselor's account is closed")
    if not services.reminder_settings().digest_enabled:
        return Skip("digests turned off")
    today = local_time.local(now, local_time.zone(counselor.timezone)).date()
    board = build_dashboard(counselor, today)
    counts = {
        "new_entries": board.new_entries,
        "due_this_week": len(board.due_this_week),
        "overdue": len(board.overdue),
        # The dashboard's own flags (a fixed number of queries): only the count leaves here.
        "below_cutoff": sum(
            1 for flag in dashboard_flags(counselor, today).couples if flag.below_cutoff
        ),
    }
    if not any(counts.values()):
        return Skip("nothing to report")
    practice_name = load_practice(current_app.config).name
    context = {
        "practice_name": practice_name,
        "counselor_name": counselor.name,
        "sign_in": external_url("auth.login"),
        **counts,
    }
    return Message(
        to=counselor.email,
        subject=f"Your daily summary from {practice_name}",
        text=render_template("reminders/email/digest.txt", **context),
        html=render_template("reminders/email/digest.html", **context),
    )
