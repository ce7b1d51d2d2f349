"""Building a couple with homework on a clock the test controls."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app

from practice.extensions import db
from practice.homework.models import Entry
from practice.partner import access as partner_access
from practice.reminders import preferences, services
from tests.factories import make_assignment, make_counselor, make_couple, make_exercise

TITLE = "Write a gratitude list for each other"
NOTE = "Mention the trip to the coast"
PROMPT = "Three things you are grateful for"
ENTRY_TEXT = "I felt unseen when you left early"
DUE = date(2026, 12, 6)
# When build's homework was assigned (a Monday): nudges follow the schedule from that day.
ASSIGNED = datetime(2026, 11, 30, 10)


def build(
    *,
    rule: str = "day_before",
    hour: int = 18,
    frequency: str = "once",
    due: date = DUE,
    counselor_tz: str = "UTC",
    partner_tz: tuple = (None, None),
    times_per_week: int | None = None,
    counselor=None,
    assigned: datetime = ASSIGNED,
):
    """A counselor, a couple with emails and links, one assignment with a reminder plan.
    Returns (assignment id, [partner ids])."""
    counselor = counselor or make_counselor(
        email="dr@example.org", name="Dr. Rivera", timezone=counselor_tz
    )
    couple = make_couple(counselor)
    for partner, email in zip(couple.partners, ("ana@example.org", "ben@example.org"), strict=True):
        partner.email = email
    db.session.flush()
    for partner, tz in zip(couple.partners, partner_tz, strict=True):
        preferences.set_timezone(partner.id, tz)
    exercise = make_exercise(title=TITLE)
    assignment, _ = make_assignment(
        couple,
        exercise,
        due_date=due,
        frequency=frequency,
        note=NOTE,
        times_per_week=times_per_week,
    )
    assignment.created_at = assigned
    for partner in couple.partners:
        partner_access.issue_access(
            partner,
            secret_key=current_app.config["SECRET_KEY"],
            now=datetime(2026, 11, 1),
            expires_at=datetime.combine(due + timedelta(days=14), datetime.min.time()),
        )
    services.set_plan(assignment.id, rule, hour)
    db.session.commit()
    return assignment.id, [p.id for p in couple.partners]


def add_entry(assignment_id: int, partner_id: int, at: datetime) -> None:
    db.session.add(
        Entry(
            assignment_id=assignment_id,
            partner_id=partner_id,
            answers={"touched_me": ENTRY_TEXT},
            completion_note=ENTRY_TEXT,
            connection_rating=2,
            submission_key=f"k{assignment_id}-{partner_id}-{at:%Y%m%d%H%M%S}",
            created_at=at,
        )
    )
    db.session.commit()


def link_in(text: str) -> str:
    """The path of the partner link in an email's text."""
    match = re.search(r"http://localhost(/h/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


def unsubscribe_path(message) -> str:
    header = str(message["List-Unsubscribe"]).strip()
    assert header.startswith("<") and header.endswith(">"), header
    return urlsplit(header[1:-1]).path
