"""Reminders and link emails: what is due, who gets what, opting out.

Everything here takes explicit arguments (the moment `now` in naive UTC included, so a test
or `flask reminders run --now` controls the clock) and never commits: the caller does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, func, or_, select, text

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.homework.models import Assignment, PartnerLink
from practice.homework.progress import assignment_progress
from practice.keys import UNSUBSCRIBE, derive_key
from practice.mail import outbox
from practice.mail.models import OutboundEmail
from practice.partner.models import PartnerAccess
from practice.reminders.models import ReminderPlan, ReminderPreference, ReminderSettings
from practice.reminders.rules import FIRST_HOUR, LAST_HOUR, RULES

RECURRING = ("daily", "weekly")
KINDS = {
    "link": "Their link",
    "reminder_day_before": "Reminder, the day before",
    "reminder_due_day": "Reminder, on the due day",
    "reminder_daily_nudge": "Reminder, nothing done yet today",
    "mail_test": "Test email",
    "digest": "Daily digest",
}


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


# ---------------------------------------------------------------------------- time


def zone(name: str | None, fallback: str | None = None) -> ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def local(now: datetime, tz: ZoneInfo) -> datetime:
    """Naive UTC `now` as a wall-clock time in `tz` (aware)."""
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)


def utc_moment(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """`hour`:00 on `day` in `tz`, as naive UTC."""
    aware = datetime.combine(day, time(hour), tzinfo=tz)
    return aware.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def quiet(moment_local: datetime) -> bool:
    """Between 21:00 and 08:00 local: no reminder goes out."""
    return not (FIRST_HOUR <= moment_local.hour < LAST_HOUR + 1)


def next_morning(now: datetime, tz: ZoneInfo) -> datetime:
    """The next 08:00 local after `now`, as naive UTC."""
    here = local(now, tz)
    day = here.date() if here.hour < FIRST_HOUR else here.date() + timedelta(days=1)
    return utc_moment(day, FIRST_HOUR, tz)


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


# ---------------------------------------------------------------------------- the sweep


@dataclass
class SweepResult:
    planned: list[int] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)


def _candidates_statement(earliest_due: date, latest_fixed_due: date, defaults: ReminderSettings):
    """Every partner of current homework that has a reminder rule, with what deciding needs,
    in one statement. Reads open homework by due date (ix_assignment_open_due), so its size
    follows the current caseload, not years of history. Homework without a plan of its own
    follows the practice's default."""
    rule = func.coalesce(ReminderPlan.rule, defaults.default_rule)
    return (
        select(
            Assignment.id,
            Assignment.due_date,
            Assignment.frequency,
            Assignment.times_per_week,
            Assignment.created_at,
            Assignment.couple_id,
            rule.label("rule"),
            func.coalesce(ReminderPlan.local_hour, defaults.default_hour).label("local_hour"),
            Partner.id.label("partner_id"),
            Partner.email,
            ReminderPreference.timezone,
            ReminderPreference.opted_out_at,
            Counselor.timezone.label("counselor_timezone"),
            PartnerAccess.revoked_at,
            PartnerAccess.expires_at,
        )
        .outerjoin(ReminderPlan, ReminderPlan.assignment_id == Assignment.id)
        .join(Couple, Couple.id == Assignment.couple_id)
        .join(Counselor, Counselor.id == Couple.counselor_id)
        .join(PartnerLink, PartnerLink.assignment_id == Assignment.id)
        .join(Partner, Partner.id == PartnerLink.partner_id)
        .outerjoin(PartnerAccess, PartnerAccess.partner_id == Partner.id)
        .outerjoin(ReminderPreference, ReminderPreference.partner_id == Partner.id)
        .where(
            # The partial index's terms, so it is used (qualified: couple has a status too).
            text("assignment.status = 'active' AND assignment.reviewed_at IS NULL"),
            Assignment.due_date >= earliest_due,
            rule != "none",
            # The day-before and due-day rules only concern homework due within two days;
            # a nudge, recurring homework until it is due.
            or_(
                Assignment.due_date <= latest_fixed_due,
                and_(rule == "daily_nudge", Assignment.frequency.in_(RECURRING)),
            ),
            Couple.status == "active",
            Counselor.active.is_(True),
        )
    )


def _moment(row, tz: ZoneInfo, today: date) -> datetime | None:
    """When this rule reminds today (naive UTC), or None if it does not remind today."""
    if row.rule == "day_before" and today == row.due_date - timedelta(days=1):
        return utc_moment(today, row.local_hour, tz)
    if row.rule == "due_day" and today == row.due_date:
        return utc_moment(today, row.local_hour, tz)
    if row.rule == "daily_nudge" and row.frequency in RECURRING and today <= row.due_date:
        return utc_moment(today, row.local_hour, tz)
    return None


def why_not(
    *,
    email: str | None,
    opted_out: bool,
    link_live: bool,
    done: bool,
    done_today: bool,
    rule: str,
) -> str | None:
    """The reason a partner gets no reminder (the sweep and the sender ask the same)."""
    if not email:
        return "no email address"
    if opted_out:
        return "opted out"
    if not link_live:
        return "no working link"
    if done or (rule == "daily_nudge" and done_today):
        return "done"
    return None


def sweep(now: datetime) -> SweepResult:
    """Plan the reminders due at `now`: one row per (assignment, partner, rule, moment); a
    second sweep for the same moment adds nothing. A fixed number of statements whatever
    the data: the candidates; and when some are due now, their progress and one insert."""
    result = SweepResult()
    # Zones run from UTC-12 to UTC+14: these UTC dates cover every local today.
    earliest_due = now.date() - timedelta(days=1)
    latest_fixed_due = now.date() + timedelta(days=2)
    rows = db.session.execute(
        _candidates_statement(earliest_due, latest_fixed_due, reminder_settings())
    ).all()
    due: list[tuple[Any, ZoneInfo, datetime, datetime]] = []
    for row in rows:
        tz = zone(row.timezone, row.counselor_timezone)
        here = local(now, tz)
        moment = _moment(row, tz, here.date())
        if moment is None or moment > now:
            continue
        if quiet(here):
            result.skipped["quiet hours"] += 1
            continue
        due.append((row, tz, here, moment))
    if not due:
        return result
    progress = assignment_progress([row for row, *_ in due])
    planned: list[outbox.Planned] = []
    for row, tz, here, moment in due:
        partner_progress = progress.get(row.id, {}).get(row.partner_id)
        last = partner_progress.last_entry_at if partner_progress else None
        reason = why_not(
            email=row.email,
            opted_out=row.opted_out_at is not None,
            link_live=row.expires_at is not None
            and row.revoked_at is None
            and row.expires_at > now,
            done=bool(partner_progress and partner_progress.status == "completed"),
            done_today=bool(last and local(last, tz).date() == here.date()),
            rule=row.rule,
        )
        if reason:
            result.skipped[reason] += 1
            continue
        planned.append(
            outbox.Planned(
                kind=f"reminder_{row.rule}",
                dedupe_key=f"reminder:{row.id}:{row.partner_id}:{row.rule}:{moment:%Y%m%dT%H%M}",
                scheduled_for=moment,
                couple_id=row.couple_id,
                partner_id=row.partner_id,
                assignment_id=row.id,
            )
        )
    result.planned = outbox.plan(planned)
    return result


def plan_digests(now: datetime) -> list[int]:
    """Each active counselor's daily digest, from 08:00 in their zone (once a day), when the
    practice has digests on. Two statements whatever the data."""
    if not reminder_settings().digest_enabled:
        return []
    planned = []
    for counselor_id, timezone in db.session.execute(
        select(Counselor.id, Counselor.timezone).where(Counselor.active.is_(True))
    ):
        tz = zone(timezone)
        here = local(now, tz)
        if quiet(here):
            continue
        planned.append(
            outbox.Planned(
                kind="digest",
                dedupe_key=f"digest:{counselor_id}:{here.date():%Y%m%d}",
                scheduled_for=utc_moment(here.date(), FIRST_HOUR, tz),
                counselor_id=counselor_id,
            )
        )
    return outbox.plan(planned)


# ---------------------------------------------------------------------------- opting out


def _unsubscribe_serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(derive_key(secret_key, UNSUBSCRIBE), salt="reminders")


def unsubscribe_token(partner_id: int, secret_key: str) -> str:
    return _unsubscribe_serializer(secret_key).dumps(partner_id)


def partner_for_unsubscribe(token: str, secret_key: str) -> Partner | None:
    try:
        partner_id = _unsubscribe_serializer(secret_key).loads(token)
    except BadSignature:
        return None
    return db.session.get(Partner, partner_id) if isinstance(partner_id, int) else None


def preference(partner_id: int) -> ReminderPreference:
    """The partner's preference row (added to the session if there was none)."""
    row = db.session.get(ReminderPreference, partner_id)
    if row is None:
        row = ReminderPreference(partner_id=partner_id)
        db.session.add(row)
    return row


def opted_out_since(partner_ids: list[int]) -> dict[int, datetime]:
    """When each partner who opted out did so, in one query."""
    if not partner_ids:
        return {}
    rows = db.session.execute(
        select(ReminderPreference.partner_id, ReminderPreference.opted_out_at).where(
            ReminderPreference.partner_id.in_(partner_ids),
            ReminderPreference.opted_out_at.is_not(None),
        )
    ).all()
    return cast(dict[int, datetime], dict(rows))  # the query keeps only non-null times


def set_opted_out(partner_id: int, opted_out: bool, now: datetime) -> bool:
    """Opt the partner out of reminders (or back in); True if that changed anything."""
    row = preference(partner_id)
    if (row.opted_out_at is not None) == opted_out:
        return False
    row.opted_out_at = now if opted_out else None
    db.session.flush()
    return True


def partner_zones(partner_ids: list[int]) -> dict[int, str]:
    """The partners' own time zones (those who have one), in one query."""
    if not partner_ids:
        return {}
    rows = db.session.execute(
        select(ReminderPreference.partner_id, ReminderPreference.timezone).where(
            ReminderPreference.partner_id.in_(partner_ids),
            ReminderPreference.timezone.is_not(None),
        )
    ).all()
    return cast(dict[int, str], dict(rows))  # the query keeps only non-null zones


def set_timezone(partner_id: int, timezone: str | None) -> None:
    """The partner's own zone, or None for their counselor's (no row is made for that)."""
    row = db.session.get(ReminderPreference, partner_id)
    if row is None and not timezone:
        return
    (row or preference(partner_id)).timezone = timezone or None


# ---------------------------------------------------------------------------- couple page


@dataclass(frozen=True)
class SentLine:
    kind: str
    status: str
    when: datetime
    reason: str | None


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
        )
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
        shown.append(SentLine(row.kind, row.status, when, row.last_error))
    return lines
