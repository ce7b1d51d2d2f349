"""Session summaries and the couple's full record as PDF: plain data in, bytes out (no Flask,
no database).

What a copy may show is decided before the dataclasses of ``records`` are filled (see
practice.sessions.printouts); this module only lays the content out, from ``blocks``.
Everything a partner wrote is printed in full and flows across pages; nothing is cut to fit
a table cell.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from practice.pdf.base import bullet_list, heading, paragraph, spacer
from practice.pdf.blocks import (
    has_links,
    homework_block,
    link_sheet,
    private,
    progress_flowables,
    text_or_nothing,
    until_next_time,
)
from practice.pdf.document import build_document, section
from practice.pdf.page import Letterhead
from practice.pdf.records import CoupleRecord, PartnerDetails, SessionSummary
from practice.pdf.tables import key_value_table


def _session_facts(summary: SessionSummary) -> Flowable:
    return key_value_table(
        [
            ("Format", summary.format),
            ("Length", summary.duration),
            ("Who attended", summary.attendance),
        ]
    )


def _session_story(
    summary: SessionSummary, level: int, *, in_record: bool = False
) -> list[Flowable]:
    """The sections of one session; `level` is the heading level of each section. In the
    full record the homework is printed once, in its own section, so a session names it."""
    story: list[Flowable] = [_session_facts(summary)]
    story += [heading("Focus", level), text_or_nothing(summary.focus)]
    story += [heading("Summary", level), text_or_nothing(summary.couple_summary)]
    story.append(heading("Homework reviewed", level))
    if not summary.reviewed:
        story.append(paragraph("No homework was reviewed in this session.", "muted"))
    if in_record and summary.reviewed:
        story.append(
            bullet_list(
                [
                    f"{item.title} (due {item.due}; its entries are under Homework)"
                    for item in summary.reviewed
                ]
            )
        )
    for item in [] if in_record else summary.reviewed:
        story.extend(homework_block(item, min(level + 1, 3)))
    if not in_record:
        story += until_next_time(summary, level)
    story += [heading("Next steps", level), text_or_nothing(summary.next_steps)]
    story += [
        heading("Next appointment", level),
        text_or_nothing(summary.next_appointment or "Not booked yet."),
    ]
    if summary.copy == "counselor":
        story.append(heading("Session notes", level))
        story.extend(private([text_or_nothing(summary.private_notes)]))
    return story


def _partner_rows(partners: list[PartnerDetails]) -> list[tuple[str, str]]:
    """Each partner's name beside their pronouns and email (a dash when there are none)."""
    rows = []
    for partner in partners:
        details = ", ".join(x for x in (partner.pronouns, partner.email) if x)
        rows.append((partner.name, details or "\u2014"))
    return rows


def _people_line(partners: list[str], counselor: str, *, lead: str = "") -> str:
    names = " and ".join(partners) if len(partners) <= 2 else ", ".join(partners)
    return f"{lead}{names} \u00b7 with {counselor}"


def session_summary_pdf(
    summary: SessionSummary,
    *,
    practice_name: str | None = None,
    letterhead: Letterhead | None = None,
    page_size: str = "a4",
) -> bytes:
    """One session summary, couple or counselor copy."""
    story = _session_story(summary, level=2)
    if summary.progress:
        story += [heading("Progress", 2), *progress_flowables(summary.progress, level=3)]
    if summary.copy == "couple" and has_links(summary):
        story += link_sheet(summary)
    subtitle = f"{summary.starts_at} \u00b7 {_people_line(summary.partners, summary.counselor)}"
    if summary.copy == "counselor":
        subtitle += f"\n{summary.copy_label}"
    return build_document(
        title="Session summary",
        subtitle=subtitle,
        practice_name=practice_name,
        letterhead=letterhead,
        story=story,
        page_size=page_size,
    )


def couple_record_pdf(
    record: CoupleRecord,
    *,
    practice_name: str | None = None,
    letterhead: Letterhead | None = None,
    page_size: str = "a4",
    on_progress: Callable[[float], None] | None = None,
) -> bytes:
    """Everything kept about a couple, with a contents page: the couple, their goals, every
    homework with all its entries, every session, and what other features add."""
    story: list[Flowable] = [section("The couple")]
    rows = _partner_rows(record.partners)
    rows += [
        ("Counselor", record.counselor),
        ("Status", record.status),
        ("In care since", record.since),
        ("Sessions", str(len(record.sessions))),
        ("Homework", str(len(record.homework))),
    ]
    story.append(key_value_table(rows))
    story.append(heading("Goals for therapy", 3))
    story.append(text_or_nothing(record.goals))

    story.append(section("Homework"))
    if not record.homework:
        story.append(paragraph("No homework given yet.", "muted"))
    for item in record.homework:
        story.extend(homework_block(item, 3, in_contents=True))

    story.append(section("Sessions"))
    if not record.sessions:
        story.append(paragraph("No sessions recorded yet.", "muted"))
    total = len(record.sessions)
    for number, summary in enumerate(record.sessions, start=1):
        story.append(CondPageBreak(60 * mm))
        story.append(section(f"Session {number} of {total}: {summary.starts_at}", 1))
        story.extend(_session_story(summary, level=3, in_record=True))

    if record.progress:
        story.append(section("Progress"))
        story.extend(progress_flowables(record.progress, level=3))
    story.append(spacer(8))
    story.append(paragraph(f"Printed {record.exported_at}.", "muted"))
    subtitle = _people_line([p.name for p in record.partners], record.counselor, lead="For ")
    if record.copy == "counselor":
        subtitle += f"\n{record.copy_label}"
    return build_document(
        title="Full record",
        subtitle=subtitle,
        practice_name=practice_name,
        letterhead=letterhead,
        story=story,
        page_size=page_size,
        contents=True,
        on_progress=on_progress,
    )
