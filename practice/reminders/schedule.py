"""The sweep: which reminders and digests are due at `now`, planned into the outbox. Takes the
moment explicitly and never commits: the caller does."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, text

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.homework.models import Assignment, PartnerLink
from practice.homework.progress import PartnerProgress, assignment_progress
from practice.mail import outbox
from practice.partner.models import PartnerAccess
from practice.reminders.local_time import local, quiet, utc_moment, zone
from practice.reminders.models import ReminderPlan, ReminderPreference, ReminderSettings
from practice.reminders.rhythm import NUDGED, done_for_now, nudge_day
from practice.reminders.rules import FIRST_HOUR
from practice.reminders.services import reminder_settings


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
            # a nudge, homework with a rhythm (rhythm.NUDGED) until it is due.
            or_(
                Assignment.due_date <= latest_fixed_due,
                and_(rule == "daily_nudge", Assignment.frequency.in_(NUDGED)),
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
    if (
        row.rule == "daily_nudge"
        and today <= row.due_date
        and nudge_day(row.frequency, local(row.created_at, tz).date(), today)
    ):
        return utc_moment(today, row.local_hour, tz)
    return None


def nudge_done(
    frequency: str,
    assigned_on: date,
    today: date,
    progress: PartnerProgress | None,
    tz: ZoneInfo,
) -> bool:
    """rhythm.done_for_now with the partner's entries (read `with_nth_latest`) on their own
    days: the sweep and the sender ask the same."""

    def day(moment: datetime | None) -> date | None:
        return local(moment, tz).date() if moment else None

    return done_for_now(
        frequency,
        assigned_on,
        today,
        day(progress.last_entry_at if progress else None),
        day(progress.nth_latest_at if progress else None),
    )


def why_not(
    *,
    email: str | None,
    opted_out: bool,
    link_live: bool,
    done: bool,
    done_for_now: bool,
    rule: str,
) -> str | None:
    """The reason a partner gets no reminder (the sweep and the sender ask the same).
    `done_for_now`: a nudge's stretch (today, this week's N, this fortnight, this month) has
    its entries."""
    if not email:
        return "no email address"
    if opted_out:
        return "opted out"
    if not link_live:
        return "no working link"
    if done or (rule == "daily_nudge" and done_for_now):
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
    progress = assignment_progress([row for row, *_ in due], with_nth_latest=True)
    planned: list[outbox.Planned] = []
    for row, tz, here, moment in due:
        partner_progress = progress.get(row.id, {}).get(row.partner_id)
        reason = why_not(
            email=row.email,
            opted_out=row.opted_out_at is not None,
            link_live=row.expires_at is not None
            and row.revoked_at is None
            and row.expires_at > now,
            done=bool(partner_progress and partner_progress.status == "completed"),
            done_for_now=nudge_done(
                row.frequency,
                local(row.created_at, tz).date(),
                here.date(),
                partner_progress,
                tz,
            ),
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
