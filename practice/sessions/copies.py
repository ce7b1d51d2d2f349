"""What each copy of a session's printout may show: the couple's copy leaves out what a
partner kept private; the counselor's shows everything, private notes included."""

from __future__ import annotations

from collections.abc import Iterable

from practice.couples.models import Couple
from practice.exercises.format import parse_prompts, readable_answers
from practice.homework.models import Assignment, Entry
from practice.homework.progress import PartnerProgress
from practice.sessions.models import ATTENDANCE, CounselingSession

COPIES = ("couple", "counselor")


def visible_entries(assignment: Assignment, copy: str, assigned: Iterable[int]) -> list[Entry]:
    """Entries a copy may print. The couple copy leaves out what a partner kept private:
    'counselor' entries always, 'after_both' ones until both partners have submitted.
    ``assigned``: the ids of the partners it was assigned to (those with a link; the
    progress read has them, so the links themselves need not be loaded)."""
    if copy == "counselor":
        return list(assignment.entries)
    partners = set(assigned) or {e.partner_id for e in assignment.entries}
    submitted = {e.partner_id for e in assignment.entries}
    both_done = len(partners) >= 2 and partners <= submitted
    return [
        e
        for e in assignment.entries
        if e.visibility == "partner" or (e.visibility == "after_both" and both_done)
    ]


def entry_lines(assignment: Assignment, entry: Entry, copy: str) -> list[tuple[str, str]]:
    """An entry as (label, text) lines in the exercise's prompt order; private_note only
    on the counselor copy."""
    prompts = parse_prompts((assignment.snapshot or {}).get("prompts"))
    lines = [
        (answer.label, answer.text or "; ".join(answer.items))
        for answer in readable_answers(prompts, entry.answers or {})
    ]
    if entry.connection_rating:
        lines.append(("Connection", f"{entry.connection_rating} of 5"))
    if entry.completion_note:
        lines.append(("Note", entry.completion_note))
    if copy == "counselor" and entry.private_note:
        lines.append(("Private note (counselor only)", entry.private_note))
    return lines


def completion_label(progress: PartnerProgress | None) -> str:
    """'Completed (5 of 7)', 'Not started'...: one partner's progress on one assignment."""
    if progress is None:
        return "Not assigned"
    if progress.status == "completed" and progress.expected > 1:
        return f"Completed ({progress.entry_count} of {progress.expected})"
    return progress.label


def attendance_label(counseling_session: CounselingSession, couple: Couple) -> str:
    """'Both partners' or 'Ana Silva only', with the partner's name rather than a number."""
    names = {f"partner{p.position}": p.display_name for p in couple.partners}
    if counseling_session.attendance in names:
        return f"{names[counseling_session.attendance]} only"
    return ATTENDANCE.get(counseling_session.attendance, counseling_session.attendance)
