"""What the printed session summary and the couple's full record contain, copy by copy.

Privacy is decided here, once: the couple copy carries only what the partners chose to
share; the counselor copy adds every private piece, each marked as such by the PDF layout.
practice.pdf.summary lays the result out (practice.pdf.records holds it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from practice.couples.models import Couple
from practice.exercises.format import parse_prompts, readable_answers
from practice.extensions import db
from practice.formatting import zone
from practice.homework.models import Assignment, Entry
from practice.pdf.records import (
    Answer,
    CoupleRecord,
    HomeworkRecord,
    OpenHomework,
    PartnerDetails,
    PartnerProgress,
    PersonalLink,
    PrintedEntry,
    SessionSummary,
)
from practice.sessions.copies import COPIES, attendance_label, completion_label, visible_entries
from practice.sessions.models import SESSION_FORMATS, CounselingSession
from practice.sessions.services import progress_for, reviewed_homework

# On paper every entry of the counselor copy says who may read it.
PRINTED_VISIBILITY = {
    "counselor": "only for the counselor",
    "partner": "shared with the partner",
    "after_both": "shared once both have written",
}


# --- one date format on paper: "Tuesday 3 December 2024" (", 14:05" when a time matters) ------


def paper_date(value: date | datetime | None, tz: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=zone("UTC")).astimezone(zone(tz)).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


def paper_datetime(value: datetime | None, tz: str | None) -> str:
    if value is None:
        return ""
    moment = value.replace(tzinfo=zone("UTC")).astimezone(zone(tz))
    return f"{paper_date(moment.date())}, {moment:%H:%M}"


def how_often(frequency: str, times_per_week: int | None) -> str:
    if frequency == "daily":
        return "every day"
    if frequency == "weekly":
        times = times_per_week or 1
        return "once a week" if times == 1 else f"{times} times a week"
    return "once"


# --- pieces ----------------------------------------------------------------------------------


def printed_entry(assignment: Assignment, entry: Entry, copy: str, tz: str) -> PrintedEntry:
    """An entry in the exercise's prompt order; private parts only on the counselor copy."""
    prompts = parse_prompts((assignment.snapshot or {}).get("prompts"))
    answers = [
        Answer(prompt=a.label, text=a.text, items=list(a.items))
        for a in readable_answers(prompts, entry.answers or {})
    ]
    counselor = copy == "counselor"
    return PrintedEntry(
        id=entry.id,
        partner=entry.partner.display_name,
        written=paper_date(entry.created_at, tz),
        answers=answers,
        note=entry.completion_note or "",
        rating=f"{entry.connection_rating} of 5" if entry.connection_rating else "",
        visibility=PRINTED_VISIBILITY.get(entry.visibility, "") if counselor else "",
        counselor_only=counselor and entry.visibility == "counselor",
        private_note=(entry.private_note or "") if counselor else "",
    )


def homework_record(
    assignment: Assignment,
    couple: Couple,
    progress: dict,
    copy: str,
    tz: str,
    *,
    full: bool = False,
) -> HomeworkRecord:
    """One assignment with the entries this copy may show. ``full`` adds what the record
    holds beyond a session's review: when it was given, its goal and note, its status."""
    entries = visible_entries(assignment, copy, progress.get(assignment.id, {}))
    snapshot = assignment.snapshot or {}
    record = HomeworkRecord(
        title=assignment.title,
        due=paper_date(assignment.due_date),
        how_often=how_often(assignment.frequency, assignment.times_per_week).capitalize(),
        progress=[
            PartnerProgress(
                partner.display_name,
                completion_label(progress.get(assignment.id, {}).get(partner.id)),
            )
            for partner in couple.partners
        ],
        entries=[printed_entry(assignment, e, copy, tz) for e in entries],
        remarks=assignment.review_remarks or "",
    )
    if full:
        record.assigned = paper_date(assignment.created_at, tz)
        record.goal = str(snapshot.get("goal") or "")
        record.note = assignment.note or ""
        if assignment.status == "cancelled":
            record.status = f"Cancelled {paper_date(assignment.cancelled_at, tz)}".strip()
        elif assignment.reviewed_at is not None:
            record.status = f"Reviewed {paper_date(assignment.reviewed_at, tz)}"
        else:
            record.status = "Open"
    return record


def open_homework(couple: Couple) -> list[OpenHomework]:
    """Every homework the couple still has to do: active and not yet reviewed. Only what the
    list prints is read (the goal out of the snapshot, not the whole exercise)."""
    rows = db.session.execute(
        select(
            Assignment.title,
            Assignment.due_date,
            Assignment.frequency,
            Assignment.times_per_week,
            Assignment.note,
            Assignment.snapshot["goal"].as_string().label("goal"),
        )
        .where(
            Assignment.couple_id == couple.id,
            Assignment.status == "active",
            Assignment.reviewed_at.is_(None),
        )
        .order_by(Assignment.due_date, Assignment.id)
    )
    return [
        OpenHomework(
            title=row.title,
            due=paper_date(row.due_date),
            how_often=how_often(row.frequency, row.times_per_week),
            goal=row.goal or "",
            note=row.note or "",
        )
        for row in rows
    ]


def partner_links(
    couple: Couple, *, secret_key: str, now: datetime, url_for_token: Callable[[str], str]
) -> list[PersonalLink]:
    """Each partner's one personal link (their home), or None where there is none that works."""
    from practice.partner.access import accesses_of, current_token

    accesses = accesses_of([p.id for p in couple.partners])
    links = []
    for partner in couple.partners:
        token = current_token(accesses.get(partner.id), secret_key, now)
        links.append(PersonalLink(partner.display_name, url_for_token(token) if token else None))
    return links


# --- documents -------------------------------------------------------------------------------


def build_summary(
    counseling_session: CounselingSession,
    copy: str,
    reviewed: list[Assignment],
    progress: dict,
    *,
    still_open: Sequence[OpenHomework] = (),
    links: Sequence[PersonalLink] = (),
) -> SessionSummary:
    """The printable content of one copy of a session summary."""
    if copy not in COPIES:
        raise ValueError(f"copy must be one of {COPIES}, not {copy!r}")
    couple = counseling_session.couple
    tz = couple.counselor.timezone
    return SessionSummary(
        copy=copy,
        couple_name=couple.name,
        partners=[p.display_name for p in couple.partners],
        counselor=couple.counselor.name,
        starts_at=paper_datetime(counseling_session.starts_at, tz),
        format=SESSION_FORMATS.get(counseling_session.format, counseling_session.format),
        duration=f"{counseling_session.duration_minutes} minutes",
        attendance=attendance_label(counseling_session, couple),
        focus=counseling_session.focus or "",
        couple_summary=counseling_session.couple_summary or "",
        next_steps=counseling_session.next_steps or "",
        next_appointment=paper_datetime(counseling_session.next_appointment_at, tz),
        private_notes=counseling_session.private_notes if copy == "counselor" else "",
        reviewed=[homework_record(a, couple, progress, copy, tz) for a in reviewed],
        open_homework=list(still_open),
        links=list(links),
    )


def session_summary(
    counseling_session: CounselingSession,
    copy: str,
    *,
    secret_key: str,
    now: datetime,
    url_for_token: Callable[[str], str],
) -> SessionSummary:
    """Load what one session's summary shows and build one copy of it."""
    from practice.measures.progress import couple_charts  # here: measures imports partner pages

    items = reviewed_homework([counseling_session])[counseling_session.id]
    couple = counseling_session.couple
    summary = build_summary(
        counseling_session,
        copy,
        items,
        progress_for(items),
        still_open=open_homework(couple),
        links=partner_links(couple, secret_key=secret_key, now=now, url_for_token=url_for_token),
    )
    # The counselor's copy always shows progress; the couple's only when ticked for the session.
    if copy == "counselor" or counseling_session.include_progress:
        summary.progress = couple_charts(couple, now.date())
    return summary


def couple_record(couple: Couple, copy: str, *, now: datetime) -> CoupleRecord:
    """Everything the JSON export holds about a couple, as one printable record."""
    from practice.measures.progress import couple_charts  # here: measures imports partner pages

    tz = couple.counselor.timezone
    sessions = list(
        db.session.execute(
            select(CounselingSession)
            .where(CounselingSession.couple_id == couple.id)
            .order_by(CounselingSession.starts_at, CounselingSession.id)
        ).scalars()
    )
    homework = list(
        db.session.execute(
            select(Assignment)
            .where(Assignment.couple_id == couple.id)
            .options(selectinload(Assignment.entries).selectinload(Entry.partner))
            .order_by(Assignment.created_at, Assignment.id)
        ).scalars()
    )
    progress = progress_for(homework)
    reviewed = reviewed_homework(sessions)
    # The couple's copy of the record shows progress when the latest session has it ticked.
    with_progress = copy == "counselor" or bool(sessions and sessions[-1].include_progress)
    return CoupleRecord(
        copy=copy,
        couple_name=couple.name,
        partners=[
            PartnerDetails(p.display_name, p.email or "", p.pronouns or "") for p in couple.partners
        ],
        counselor=couple.counselor.name,
        status="Archived" if couple.is_archived else "In care",
        since=paper_date(couple.created_at, tz),
        goals=couple.goals or "",
        homework=[homework_record(a, couple, progress, copy, tz, full=True) for a in homework],
        sessions=[build_summary(s, copy, reviewed[s.id], progress) for s in sessions],
        exported_at=paper_datetime(now, tz),
        progress=couple_charts(couple, now.date()) if with_progress else [],
    )
