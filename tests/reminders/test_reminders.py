"""Reminder rules on a clock the test controls, against a real SMTP server on loopback."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import event, select

from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.homework.models import Assignment
from practice.mail import outbox
from practice.mail.models import OutboundEmail
from practice.partner import access as partner_access
from practice.reminders import preferences, schedule
from practice.reminders.cli import run_once, summary
from tests.reminders.helpers import DUE, add_entry, build, link_in


def _sweep_and_send(now: datetime) -> tuple[schedule.SweepResult, list[str]]:
    result, outcomes = run_once(now)
    return result, sorted(outcomes.elements())


def _to(smtp_server) -> list[str]:
    return sorted(r for m in smtp_server.inbox.received for r in m.recipients)


def test_day_before_reminds_each_partner_once_at_their_hour(ctx, smtp_server):
    build(rule="day_before", hour=18)
    assert _sweep_and_send(datetime(2026, 12, 5, 17, 59))[0].planned == []
    result, sent = _sweep_and_send(datetime(2026, 12, 5, 18, 0))
    assert (len(result.planned), sent) == (2, ["sent", "sent"])
    # The next sweeps that day and on the due day send nothing more.
    assert _sweep_and_send(datetime(2026, 12, 5, 18, 5))[0].planned == []
    assert _sweep_and_send(datetime(2026, 12, 6, 18, 0))[0].planned == []
    assert _to(smtp_server) == ["ana@example.org", "ben@example.org"]
    message = smtp_server.inbox.received[0].message
    assert message["Subject"] == "A message from your counselor"
    assert "Dr. Rivera at Harbor Counseling" in " ".join(smtp_server.inbox.received[0].text.split())


def test_due_day_reminds_only_the_partner_who_has_not_done_it(ctx, smtp_server):
    assignment_id, (ana, ben) = build(rule="due_day", hour=12)
    add_entry(assignment_id, ana, datetime(2026, 12, 5, 20, 0))
    result, sent = _sweep_and_send(datetime(2026, 12, 6, 12, 0))
    assert sent == ["sent"]
    assert result.skipped == {"done": 1}
    assert _to(smtp_server) == ["ben@example.org"]


def test_daily_nudge_only_on_days_with_nothing_done(ctx, smtp_server):
    assignment_id, (ana, ben) = build(
        rule="daily_nudge", hour=19, frequency="daily", due=datetime(2026, 12, 20).date()
    )
    add_entry(assignment_id, ana, datetime(2026, 12, 5, 8, 30))
    result, _ = _sweep_and_send(datetime(2026, 12, 5, 19, 0))
    assert result.skipped == {"done": 1}
    assert _to(smtp_server) == ["ben@example.org"]
    _sweep_and_send(datetime(2026, 12, 6, 19, 0))  # a new day, nothing done by either
    assert _to(smtp_server) == ["ana@example.org", "ben@example.org", "ben@example.org"]


def test_daily_nudge_is_for_recurring_homework_only(ctx, smtp_server):
    build(rule="daily_nudge", hour=19, frequency="once")
    assert _sweep_and_send(datetime(2026, 12, 5, 19, 0))[0].planned == []


def _nudged(smtp_server, at: datetime) -> list[str]:
    """Who a sweep at `at` nudged (the inbox emptied for the next look)."""
    _sweep_and_send(at)
    received = _to(smtp_server)
    smtp_server.inbox.received.clear()
    return received


BOTH = ["ana@example.org", "ben@example.org"]


def test_every_other_week_nudges_only_in_its_active_weeks(ctx, smtp_server):
    # Assigned Monday 30 November: active weeks are 30 Nov-6 Dec, 14-20 Dec, 28 Dec-3 Jan.
    assignment_id, (ana, ben) = build(
        rule="daily_nudge", hour=19, frequency="fortnightly", due=datetime(2027, 1, 10).date()
    )
    assert _nudged(smtp_server, datetime(2026, 11, 30, 19)) == BOTH
    add_entry(assignment_id, ana, datetime(2026, 12, 1, 9))
    # Ana has done this fortnight's: only Ben is nudged for the rest of the active week.
    assert _nudged(smtp_server, datetime(2026, 12, 2, 19)) == ["ben@example.org"]
    assert _nudged(smtp_server, datetime(2026, 12, 6, 19)) == ["ben@example.org"]
    # The week off: nobody, whoever has done it.
    for day in range(7, 14):
        result, _ = _sweep_and_send(datetime(2026, 12, day, 19))
        assert (result.planned, result.skipped) == ([], {})
    # The next active week: Ana's entry was for the last fortnight, so both again.
    assert _nudged(smtp_server, datetime(2026, 12, 14, 19)) == BOTH


def test_active_weeks_are_counted_in_the_partners_own_days(ctx, smtp_server):
    # Assigned at 12:00 UTC on 30 November: already 1 December in Auckland (UTC+13), so
    # Ana's active week there runs 1-7 December and Ben's (UTC, the counselor's) 30 Nov-6 Dec.
    build(
        rule="daily_nudge",
        hour=19,
        frequency="fortnightly",
        due=datetime(2027, 1, 10).date(),
        partner_tz=("Pacific/Auckland", None),
        assigned=datetime(2026, 11, 30, 12),
    )
    assert _nudged(smtp_server, datetime(2026, 12, 6, 19)) == ["ben@example.org"]
    # 19:00 on 7 December in Auckland (06:00 UTC): still Ana's active week, not Ben's.
    assert _nudged(smtp_server, datetime(2026, 12, 7, 6)) == ["ana@example.org"]
    assert _nudged(smtp_server, datetime(2026, 12, 7, 19)) == []
    assert _nudged(smtp_server, datetime(2026, 12, 8, 6)) == []


def test_monthly_nudges_weekly_only_while_this_months_is_not_done(ctx, smtp_server):
    # Assigned 30 November; months of 30 days: 30 Nov-29 Dec, 30 Dec-28 Jan.
    assignment_id, (ana, ben) = build(
        rule="daily_nudge", hour=19, frequency="monthly", due=datetime(2027, 1, 28).date()
    )
    assert _nudged(smtp_server, datetime(2026, 11, 30, 19)) == BOTH
    assert _nudged(smtp_server, datetime(2026, 12, 1, 19)) == []  # once a week, not daily
    assert _nudged(smtp_server, datetime(2026, 12, 7, 19)) == BOTH
    add_entry(assignment_id, ana, datetime(2026, 12, 10, 9))
    assert _nudged(smtp_server, datetime(2026, 12, 14, 19)) == ["ben@example.org"]
    assert _nudged(smtp_server, datetime(2026, 12, 21, 19)) == ["ben@example.org"]
    # The month's last days: no nudge; the next month starts afresh for both.
    assert _nudged(smtp_server, datetime(2026, 12, 28, 19)) == []
    assert _nudged(smtp_server, datetime(2026, 12, 30, 19)) == BOTH


def test_when_it_happens_gets_no_nudge_but_its_review_is_reminded(ctx, smtp_server):
    build(rule="daily_nudge", hour=19, frequency="event", due=datetime(2026, 12, 20).date())
    for day in (1, 5, 19, 20):
        assert _nudged(smtp_server, datetime(2026, 12, day, 19)) == []
    counselor = db.session.execute(select(Couple)).scalar_one().counselor
    build(
        rule="day_before",
        hour=19,
        frequency="event",
        due=datetime(2026, 12, 20).date(),
        counselor=counselor,
    )
    assert _nudged(smtp_server, datetime(2026, 12, 19, 19)) == BOTH


def test_a_nudge_kept_past_quiet_hours_into_the_week_off_is_not_sent(ctx, smtp_server):
    # Planned on the active week's last evening, still unsent the next morning (week off).
    build(rule="daily_nudge", hour=20, frequency="fortnightly", due=datetime(2027, 1, 10).date())
    planned = schedule.sweep(datetime(2026, 12, 6, 20)).planned
    db.session.commit()
    outcomes = [outbox.deliver(i, datetime(2026, 12, 7, 8)) for i in planned]
    assert outcomes == [outbox.Outcome("skipped", "not a nudge day")] * 2
    assert smtp_server.inbox.count() == 0


def test_reminders_follow_each_partners_time_zone(ctx, smtp_server):
    # Ana in Tokyo (UTC+9), Ben on the counselor's zone, New York (UTC-5 in December).
    build(
        rule="day_before", hour=9, counselor_tz="America/New_York", partner_tz=("Asia/Tokyo", None)
    )
    _sweep_and_send(datetime(2026, 12, 5, 0, 0))  # 09:00 on the 5th in Tokyo
    assert _to(smtp_server) == ["ana@example.org"]
    _sweep_and_send(datetime(2026, 12, 5, 13, 59))
    assert _to(smtp_server) == ["ana@example.org"]
    _sweep_and_send(datetime(2026, 12, 5, 14, 0))  # 09:00 in New York
    assert _to(smtp_server) == ["ana@example.org", "ben@example.org"]


def test_nothing_is_sent_in_quiet_hours_it_waits_for_the_morning(ctx, smtp_server):
    assignment_id, _ = build(rule="day_before", hour=20)
    result, sent = _sweep_and_send(datetime(2026, 12, 5, 20, 0))
    assert sent == ["sent", "sent"]
    # A reminder planned at 20:00 that could not go out before 21:00 (a slow queue) waits.
    [row_id] = outbox.plan(
        [
            outbox.Planned(
                kind="reminder_day_before",
                dedupe_key="late",
                scheduled_for=datetime(2026, 12, 5, 20),
                partner_id=_partner_ids()[0],
                assignment_id=assignment_id,
            )
        ]
    )
    db.session.commit()
    assert outbox.deliver(row_id, datetime(2026, 12, 5, 21, 30)).status == "deferred"
    db.session.expire_all()
    assert db.session.get(OutboundEmail, row_id).next_attempt_at == datetime(2026, 12, 6, 8, 0)
    # The sweep at quiet hours plans nothing new either.
    assert _sweep_and_send(datetime(2026, 12, 5, 21, 0))[0].planned == []


def _partner_ids() -> list[int]:
    return list(db.session.execute(select(Partner.id).order_by(Partner.id)).scalars())


def _cancel(assignment_id, partner_ids):
    db.session.get(Assignment, assignment_id).status = "cancelled"


def _archive(assignment_id, partner_ids):
    db.session.get(Assignment, assignment_id).couple.status = "archived"


def _revoke(assignment_id, partner_ids):
    partner_access.turn_off(partner_ids[0], datetime(2026, 12, 5, 12))
    partner_access.turn_off(partner_ids[1], datetime(2026, 12, 5, 12))


def _opt_out(assignment_id, partner_ids):
    for partner_id in partner_ids:
        preferences.set_opted_out(partner_id, True, datetime(2026, 12, 5, 12))


def _done(assignment_id, partner_ids):
    for partner_id in partner_ids:
        add_entry(assignment_id, partner_id, datetime(2026, 12, 5, 17))


def _reviewed(assignment_id, partner_ids):
    db.session.get(Assignment, assignment_id).reviewed_at = datetime(2026, 12, 5, 12)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_cancel, "homework closed"),
        (_reviewed, "homework closed"),
        (_archive, "couple archived"),
        (_revoke, "no working link"),
        (_opt_out, "opted out"),
        (_done, "done"),
    ],
)
def test_reminders_stop_by_themselves(ctx, smtp_server, change, reason):
    """Planned before the change, checked again when sent: skipped with the reason; and the
    sweep plans no new ones."""
    assignment_id, partner_ids = build(rule="day_before", hour=18)
    planned = schedule.sweep(datetime(2026, 12, 5, 18)).planned
    db.session.commit()
    change(assignment_id, partner_ids)
    db.session.commit()
    outcomes = [outbox.deliver(i, datetime(2026, 12, 5, 18, 1)) for i in planned]
    assert outcomes == [outbox.Outcome("skipped", reason)] * 2
    assert smtp_server.inbox.count() == 0
    db.session.query(OutboundEmail).delete()
    db.session.commit()
    assert schedule.sweep(datetime(2026, 12, 5, 18, 2)).planned == []


def test_past_due_reminders_are_not_sent(ctx, smtp_server):
    assignment_id, _ = build(rule="due_day", hour=18)
    planned = schedule.sweep(datetime(2026, 12, 6, 18)).planned
    db.session.commit()
    assert [outbox.deliver(i, datetime(2026, 12, 7, 8)).reason for i in planned] == [
        "past due",
        "past due",
    ]


def test_the_cli_runs_one_sweep_and_prints_a_summary(app, ctx, smtp_server):
    assignment_id, (ana, ben) = build(rule="day_before", hour=18)
    preferences.set_opted_out(ana, True, datetime(2026, 12, 1))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--now", "2026-12-05T18:00"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Reminders: 1 sent, 1 skipped (1 opted out), 0 failed."


def test_the_cli_says_why_when_email_is_not_configured(app, ctx):
    app.config["MAIL_SERVER"] = ""
    result = app.test_cli_runner().invoke(args=["reminders", "run"])
    assert result.exit_code == 1
    assert "Email is not configured" in result.output


def test_the_summary_names_failures_and_retries(ctx, smtp_server):
    build(rule="day_before", hour=18)
    smtp_server.stop()
    result, outcomes = run_once(datetime(2026, 12, 5, 18))
    assert summary(result, outcomes) == "Reminders: 0 sent, 0 skipped, 0 failed, 2 to retry."


def _count_statements(callable_):
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        callable_()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len([s for s in statements if not s.startswith("BEGIN")])


def test_the_sweep_runs_the_same_statements_whatever_the_data(ctx, smtp_server):
    """Nothing due, then ten times the couples and homework: the same number of statements."""
    from tests.factories import make_assignment

    build(rule="day_before", hour=18)
    moment = datetime(2026, 12, 5, 12)
    small = _count_statements(lambda: schedule.sweep(moment))
    counselor = db.session.execute(select(Couple)).scalars().first().counselor
    for n in range(12):
        # Nudges by every schedule with a rhythm too: deciding them reads no more rows.
        frequency = ("once", "daily", "weekly", "fortnightly", "monthly", "event")[n % 6]
        rule = "due_day" if frequency in ("once", "event") else "daily_nudge"
        per_week = 2 if frequency == "weekly" else None
        assignment_id, (ana, _) = build(
            rule=rule, hour=18, frequency=frequency, times_per_week=per_week, counselor=counselor
        )
        add_entry(assignment_id, ana, datetime(2026, 12, 1, 9))  # the week's count reads them
    for couple in db.session.execute(select(Couple)).scalars().all():
        for _ in range(3):
            make_assignment(couple, due_date=DUE)
    db.session.commit()
    large = _count_statements(lambda: schedule.sweep(moment))
    assert small == large
    # With reminders due: their progress and one insert, however many are due.
    due_now = _count_statements(lambda: schedule.sweep(datetime(2026, 12, 5, 18)))
    assert due_now == large + 2


def test_the_partner_opens_the_link_from_the_email(client, ctx, smtp_server):
    build(rule="day_before", hour=18)
    _sweep_and_send(datetime(2026, 12, 5, 18))
    received = smtp_server.inbox.to("ana@example.org")[0]
    path = link_in(received.text)
    assert path == link_in(received.html)
    page = client.get(path)
    assert page.status_code == 200
    assert "Hi <bdi>Ana</bdi>" in page.get_data(as_text=True)


# Assigned on a Wednesday, three times a week: its weeks run Wednesday to Tuesday (2-8 Dec,
# 9-15 Dec, ...), counted from the day it was assigned, not the calendar's Mondays.
WEDNESDAY = datetime(2026, 12, 2, 10)


def _three_a_week() -> tuple[int, list[int]]:
    return build(
        rule="daily_nudge",
        hour=19,
        frequency="weekly",
        times_per_week=3,
        due=datetime(2026, 12, 22).date(),
        assigned=WEDNESDAY,
    )


def test_three_entries_in_a_week_end_its_nudges_until_the_next_week(ctx, smtp_server):
    assignment_id, (ana, ben) = _three_a_week()
    for day in (2, 3, 4):
        add_entry(assignment_id, ana, datetime(2026, 12, day, 12))
        assert _nudged(smtp_server, datetime(2026, 12, day, 19)) == ["ben@example.org"]
    # Ana has done this week's three: only Ben is nudged for the rest of her week, the
    # calendar's new week on Monday 7 December included.
    for day in range(5, 9):
        assert _nudged(smtp_server, datetime(2026, 12, day, 19)) == ["ben@example.org"]
    # Her next week starts on Wednesday 9 December with nothing done: both again.
    assert _nudged(smtp_server, datetime(2026, 12, 9, 19)) == BOTH


def test_two_of_three_entries_still_get_a_nudge_on_a_day_without_one(ctx, smtp_server):
    assignment_id, (ana, ben) = _three_a_week()
    add_entry(assignment_id, ana, datetime(2026, 12, 2, 12))
    add_entry(assignment_id, ana, datetime(2026, 12, 3, 12))
    assert _nudged(smtp_server, datetime(2026, 12, 3, 19)) == ["ben@example.org"]
    assert _nudged(smtp_server, datetime(2026, 12, 4, 19)) == BOTH
    # The third, on Saturday: no nudge for Ana on Sunday.
    add_entry(assignment_id, ana, datetime(2026, 12, 5, 12))
    assert _nudged(smtp_server, datetime(2026, 12, 6, 19)) == ["ben@example.org"]


def test_a_nudge_held_overnight_is_not_sent_once_the_weeks_entries_are_in(ctx, smtp_server):
    # Planned at 20:00 on Friday with two of three written; the third is written that
    # evening; the nudge, still unsent on Saturday morning, is not sent.
    assignment_id, (ana, ben) = _three_a_week()
    add_entry(assignment_id, ana, datetime(2026, 12, 2, 12))
    add_entry(assignment_id, ana, datetime(2026, 12, 3, 12))
    planned = schedule.sweep(datetime(2026, 12, 4, 19)).planned
    db.session.commit()
    add_entry(assignment_id, ana, datetime(2026, 12, 4, 20, 30))
    outcomes = {
        row.partner_id: outbox.deliver(row.id, datetime(2026, 12, 5, 8)).status
        for row in db.session.execute(
            select(OutboundEmail).where(OutboundEmail.id.in_(planned))
        ).scalars()
    }
    assert outcomes == {ana: "skipped", ben: "sent"}
    assert _to(smtp_server) == ["ben@example.org"]


def test_daily_homework_is_nudged_on_each_day_without_an_entry_whatever_came_before(
    ctx, smtp_server
):
    assignment_id, (ana, ben) = build(
        rule="daily_nudge", hour=19, frequency="daily", due=datetime(2026, 12, 20).date()
    )
    for day in (1, 2, 3):
        add_entry(assignment_id, ana, datetime(2026, 12, day, 12))
    assert _nudged(smtp_server, datetime(2026, 12, 3, 19)) == ["ben@example.org"]
    assert _nudged(smtp_server, datetime(2026, 12, 4, 19)) == BOTH
