"""Session summaries and the couple's record as PDF: plain data in, bytes out (no Flask, no DB).

What a copy may show is decided before these dataclasses are filled (see
practice.sessions.services.build_summary); this module only lays the content out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.platypus import Flowable, PageBreak

from practice.pdf.base import build_document, data_table, heading, key_value_table, paragraph

NOTHING = "Nothing recorded."


@dataclass
class PartnerHomework:
    """One partner's line in the table of reviewed homework."""

    partner: str
    completion: str
    notes: str = ""


@dataclass
class ReviewedHomework:
    title: str
    due: str
    partners: list[PartnerHomework] = field(default_factory=list)
    remarks: str = ""


@dataclass
class AssignedHomework:
    title: str
    due: str
    goal: str = ""
    note: str = ""


@dataclass
class SessionSummary:
    """One copy ('couple' or 'counselor') of one session, with dates already formatted."""

    copy: str
    couple_name: str
    partners: list[str]
    counselor: str
    starts_at: str
    format: str
    duration: str
    attendance: str
    focus: str = ""
    couple_summary: str = ""
    next_steps: str = ""
    next_appointment: str = ""
    private_notes: str = ""
    reviewed: list[ReviewedHomework] = field(default_factory=list)
    assigned: list[AssignedHomework] = field(default_factory=list)
    # Progress charts (practice.measures.charts.ChartData: totals only), when this copy has them.
    progress: list = field(default_factory=list)

    @property
    def copy_label(self) -> str:
        return copy_label(self.copy, self.couple_name)


@dataclass
class CoupleRecord:
    """All sessions of one couple, oldest first."""

    copy: str
    couple_name: str
    partners: list[str]
    counselor: str
    sessions: list[SessionSummary] = field(default_factory=list)
    progress: list = field(default_factory=list)  # as SessionSummary.progress

    @property
    def copy_label(self) -> str:
        return copy_label(self.copy, self.couple_name)


def copy_label(copy: str, couple_name: str) -> str:
    """Printed on every copy so nobody hands the counselor's copy to the couple by mistake."""
    if copy == "counselor":
        return "Counselor copy \u2014 contains private notes"
    return f"Copy for {couple_name}"


def progress_flowables(charts: list, level: int) -> list[Flowable]:
    """The progress charts (engineer 5's measures), drawn by their own module."""
    if not charts:
        return []
    from practice.measures.charts import pdf_flowables  # here: the package imports its views

    return pdf_flowables(charts, level)


def _text_or_nothing(text: str) -> Flowable:
    return paragraph(text) if text.strip() else paragraph(NOTHING, "muted")


def _session_story(summary: SessionSummary, level: int) -> list[Flowable]:
    """The sections of one session; `level` is the heading level of each section."""
    story: list[Flowable] = []

    story.append(heading("Focus", level))
    story.append(_text_or_nothing(summary.focus))

    story.append(heading("Summary", level))
    story.append(_text_or_nothing(summary.couple_summary))

    story.append(heading("Homework reviewed", level))
    if not summary.reviewed:
        story.append(paragraph("No homework was reviewed in this session.", "muted"))
    for item in summary.reviewed:
        story.append(heading(f"{item.title} (due {item.due})", min(level + 1, 3)))
        story.append(
            data_table(
                ["Partner", "Completion", "Notes (excerpt)"],
                [(p.partner, p.completion, p.notes) for p in item.partners],
                col_widths=[1.2, 1.5, 3.3],
            )
        )
        if item.remarks.strip():
            story.append(paragraph("Counselor\u2019s remarks", "cell_header"))
            story.append(paragraph(item.remarks))

    story.append(heading("Homework until next time", level))
    if summary.assigned:
        story.append(
            data_table(
                ["Exercise", "Due", "What it is for"],
                [
                    (a.title, a.due, "\n".join(t for t in (a.goal, a.note) if t.strip()))
                    for a in summary.assigned
                ],
                col_widths=[2, 1.3, 3],
            )
        )
    else:
        story.append(paragraph("No new homework.", "muted"))

    story.append(heading("Next steps", level))
    story.append(_text_or_nothing(summary.next_steps))

    story.append(heading("Next appointment", level))
    story.append(_text_or_nothing(summary.next_appointment or "Not booked yet."))

    if summary.copy == "counselor":
        story.append(heading("Private notes (counselor only)", level))
        story.append(_text_or_nothing(summary.private_notes))
    return story


def _session_facts(summary: SessionSummary, *, with_people: bool) -> Flowable:
    rows: list[tuple[str, str]] = []
    if with_people:
        rows.append(("Couple", summary.couple_name))
        rows.extend((f"Partner {i}", name) for i, name in enumerate(summary.partners, start=1))
        rows.append(("Counselor", summary.counselor))
    rows += [
        ("Date", summary.starts_at),
        ("Format", summary.format),
        ("Length", summary.duration),
        ("Who attended", summary.attendance),
    ]
    return key_value_table(rows)


def session_summary_pdf(
    summary: SessionSummary, *, practice_name: str, page_size: str = "a4"
) -> bytes:
    """One session summary, couple or counselor copy."""
    story = [_session_facts(summary, with_people=True), *_session_story(summary, level=2)]
    story += progress_flowables(summary.progress, level=2)
    return build_document(
        title=f"Session summary \u00b7 {summary.copy_label}",
        subtitle=f"{summary.couple_name} \u00b7 {summary.starts_at}",
        practice_name=practice_name,
        story=story,
        page_size=page_size,
    )


def couple_record_pdf(record: CoupleRecord, *, practice_name: str, page_size: str = "a4") -> bytes:
    """All sessions of a couple in one document, one session per page or more."""
    rows = [("Couple", record.couple_name)]
    rows += [(f"Partner {i}", name) for i, name in enumerate(record.partners, start=1)]
    rows += [("Counselor", record.counselor), ("Sessions", str(len(record.sessions)))]
    story: list[Flowable] = [key_value_table(rows)]
    story += progress_flowables(record.progress, level=2)
    if not record.sessions:
        story.append(paragraph("No sessions recorded yet.", "muted"))
    total = len(record.sessions)
    for number, summary in enumerate(record.sessions, start=1):
        story.append(PageBreak())
        story.append(heading(f"Session {number} of {total}: {summary.starts_at}", 2))
        story.append(_session_facts(summary, with_people=False))
        story.extend(_session_story(summary, level=3))
    return build_document(
        title=f"Record \u00b7 {record.copy_label}",
        subtitle=record.couple_name,
        practice_name=practice_name,
        story=story,
        page_size=page_size,
    )
