"""Session summaries and the couple's full record as PDF: plain data in, bytes out (no Flask,
no database).

What a copy may show is decided before these dataclasses are filled (see
practice.sessions.printouts); this module only lays the content out. Everything a partner
wrote is printed in full and flows across pages; nothing is cut to fit a table cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from practice.pdf.base import (
    Letterhead,
    build_document,
    bullet_list,
    heading,
    key_value_table,
    paragraph,
    qr_code,
    section,
    spacer,
    styles,
)

NOTHING = "Nothing recorded."
PRIVATE_MARK = "PRIVATE \u00b7 counselor only"


@dataclass
class Answer:
    """One prompt of an exercise and what the partner answered (text, or list items)."""

    prompt: str
    text: str = ""
    items: list[str] = field(default_factory=list)


@dataclass
class PrintedEntry:
    """One entry a partner sent, as a copy may show it."""

    id: int
    partner: str
    written: str
    answers: list[Answer] = field(default_factory=list)
    note: str = ""
    rating: str = ""
    visibility: str = ""
    #: The partner chose "only my counselor" for the whole entry (counselor copy only).
    counselor_only: bool = False
    #: The "only my counselor will see this" box (counselor copy only).
    private_note: str = ""


@dataclass
class PartnerProgress:
    partner: str
    completion: str


@dataclass
class HomeworkRecord:
    """One assignment with its entries: reviewed in a session, or in the full record."""

    title: str
    due: str
    how_often: str
    progress: list[PartnerProgress] = field(default_factory=list)
    entries: list[PrintedEntry] = field(default_factory=list)
    remarks: str = ""
    status: str = ""
    assigned: str = ""
    goal: str = ""
    note: str = ""


@dataclass
class OpenHomework:
    """Homework still to do, for "Until next time"."""

    title: str
    due: str
    how_often: str
    goal: str = ""
    note: str = ""


@dataclass
class PersonalLink:
    """A partner's personal link (None: they have none that works; the counselor makes one)."""

    partner: str
    url: str | None


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
    reviewed: list[HomeworkRecord] = field(default_factory=list)
    open_homework: list[OpenHomework] = field(default_factory=list)
    links: list[PersonalLink] = field(default_factory=list)
    # Progress charts (practice.measures.charts.ChartData: totals only), when this copy has them.
    progress: list = field(default_factory=list)

    @property
    def copy_label(self) -> str:
        return copy_label(self.copy, self.couple_name)


@dataclass
class PartnerDetails:
    name: str
    email: str = ""
    pronouns: str = ""


@dataclass
class CoupleRecord:
    """Everything kept about one couple, as the JSON export holds it, oldest first."""

    copy: str
    couple_name: str
    partners: list[PartnerDetails]
    counselor: str
    status: str = ""
    since: str = ""
    goals: str = ""
    homework: list[HomeworkRecord] = field(default_factory=list)
    sessions: list[SessionSummary] = field(default_factory=list)
    exported_at: str = ""
    progress: list = field(default_factory=list)  # as SessionSummary.progress

    @property
    def copy_label(self) -> str:
        return copy_label(self.copy, self.couple_name)


def copy_label(copy: str, couple_name: str) -> str:
    """Printed on every copy so nobody hands the counselor's copy to the couple by mistake."""
    if copy == "counselor":
        return "Counselor copy \u2014 contains private notes, not for the couple"
    return f"Copy for {couple_name}"


# --- pieces --------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    all_styles = styles()
    body = all_styles["body"]
    all_styles["prompt"] = ParagraphStyle(
        "prompt",
        parent=all_styles["cell_header"],
        fontSize=10.5,
        leading=14,
        spaceBefore=4,
        spaceAfter=1,
        keepWithNext=1,
    )
    all_styles["answer"] = ParagraphStyle("answer", parent=body, spaceAfter=4)
    all_styles["byline"] = ParagraphStyle(
        "byline",
        parent=all_styles["h3"],
        fontSize=11,
        leading=15,
        spaceBefore=8,
        spaceAfter=2,
    )
    all_styles["private_mark"] = ParagraphStyle(
        "private_mark",
        parent=all_styles["cell_header"],
        fontSize=9,
        leading=12,
        textColor=colors.white,
        backColor=colors.black,
        borderPadding=(1, 3, 1, 3),  # type: ignore[arg-type]  # reportlab takes a 4-tuple; stubs say float
        spaceBefore=4,
        spaceAfter=4,
        keepWithNext=1,
    )
    return all_styles


_STYLE_CACHE: dict[str, ParagraphStyle] = {}


def _st(name: str) -> ParagraphStyle:
    if not _STYLE_CACHE:
        _STYLE_CACHE.update(_styles())
    return _STYLE_CACHE[name]


def progress_flowables(charts: list, level: int) -> list[Flowable]:
    """The progress charts (engineer 5's measures), drawn by their own module."""
    if not charts:
        return []
    from practice.measures.chart_pdf import pdf_flowables  # here: the package imports its views

    return pdf_flowables(charts, level)


def _text_or_nothing(text: str) -> Flowable:
    return paragraph(text) if text.strip() else paragraph(NOTHING, "muted")


def _private(flowables: list[Flowable]) -> list[Flowable]:
    """A private piece: a black "PRIVATE · counselor only" tag above it and a bar beside it."""
    return [paragraph(PRIVATE_MARK, _st("private_mark")), *_flow(flowables, private=True)]


def _flow(flowables: list[Flowable], *, private: bool = False) -> list[Flowable]:
    # A table cell cannot split across pages, so long private text is not boxed: each piece
    # is indented under its tag instead and flows like any other text.
    if not private:
        return flowables
    return [_Indented(f) for f in flowables]


class _Indented(Flowable):
    """A flowable drawn 10 pt in with a black bar at its left: marks private text and still
    splits across pages."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self._inner = inner
        self.spaceBefore = inner.getSpaceBefore()
        self.spaceAfter = inner.getSpaceAfter()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        _, self.height = self._inner.wrapOn(self.canv, availWidth - 10, availHeight)
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts = self._inner.splitOn(self.canv, availWidth - 10, availHeight)
        return [_Indented(p) for p in parts]

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setLineWidth(2.5)
        self.canv.line(1.25, -self.spaceAfter / 2, 1.25, self.height + 2)
        self.canv.restoreState()
        self._inner.drawOn(self.canv, 10, 0)


def _answer(answer: Answer) -> list[Flowable]:
    """The prompt as a line of its own, then the answer: reads like a worksheet."""
    out: list[Flowable] = [paragraph(answer.prompt, _st("prompt"))]
    if answer.items:
        out.append(bullet_list(answer.items))
    else:
        out.append(paragraph(answer.text, _st("answer")))
    return out


def _entry(entry: PrintedEntry) -> list[Flowable]:
    # Lines start with an English word, so a Hebrew or Arabic name does not turn the whole
    # line right-to-left.
    byline = f"From {entry.partner}, {entry.written}"
    if entry.visibility:
        byline += f" \u00b7 {entry.visibility}"
    body: list[Flowable] = []
    for answer in entry.answers:
        body.extend(_answer(answer))
    if entry.rating:
        body.extend(_answer(Answer("How connected it felt", entry.rating)))
    if entry.note.strip():
        body.extend(_answer(Answer("Anything else", entry.note)))
    if not body:
        body.append(paragraph("Marked as done, nothing written.", "muted"))
    head = paragraph(byline, _st("byline"))
    out = [*_private([head, *body])] if entry.counselor_only else [head, *body]
    if entry.private_note.strip() and not entry.counselor_only:
        out.extend(_private(_answer(Answer("Note to the counselor", entry.private_note))))
    elif entry.private_note.strip():
        out.extend(
            _flow(_answer(Answer("Note to the counselor", entry.private_note)), private=True)
        )
    return out


def _homework(item: HomeworkRecord, level: int, *, in_contents: bool = False) -> list[Flowable]:
    title = section(item.title, 1) if in_contents else heading(item.title, level)
    facts = [f"Due {item.due}", item.how_often]
    if item.assigned:
        facts.insert(0, f"Given {item.assigned}")
    if item.status:
        facts.append(item.status)
    out: list[Flowable] = [title, paragraph(" \u00b7 ".join(f for f in facts if f), "muted")]
    if item.goal.strip():
        out.append(paragraph(item.goal))
    if item.note.strip():
        out.extend(_answer(Answer("The counselor\u2019s note", item.note)))
    if item.progress:
        out.append(
            paragraph(
                "Progress: "
                + " \u00b7 ".join(f"{p.partner}, {p.completion.lower()}" for p in item.progress),
                "small",
            )
        )
    for entry in item.entries:
        out.extend(_entry(entry))
    if not item.entries:
        out.append(paragraph("No entries to show.", "muted"))
    if item.remarks.strip():
        out.extend(_answer(Answer("The counselor\u2019s remarks", item.remarks)))
    return out


def _until_next_time(summary: SessionSummary, level: int) -> list[Flowable]:
    out: list[Flowable] = [heading("Until next time", level)]
    if not summary.open_homework:
        out.append(paragraph("No homework is open.", "muted"))
        return out
    for item in summary.open_homework:
        block = [
            paragraph(item.title, _st("prompt")),
            paragraph(f"Due {item.due} \u00b7 {item.how_often}", "small"),
        ]
        if item.goal.strip():
            block.append(paragraph(item.goal, _st("answer")))
        if item.note.strip():
            block.append(paragraph(item.note, _st("answer")))
        out.extend(block)
    if summary.copy == "couple" and _has_links(summary):
        out.append(
            paragraph(
                "Each of you has a personal link that opens all your homework: it is on the last "
                "page, one half each. Cut it in two and keep your half to yourself.",
            )
        )
    elif summary.copy == "couple":
        out.append(paragraph("Ask your counselor for your personal link to your homework."))
    elif _has_links(summary):
        out.append(
            paragraph(
                "The partners\u2019 personal links are printed on the couple copy only.", "muted"
            )
        )
    return out


def _has_links(summary: SessionSummary) -> bool:
    return bool(summary.open_homework) and any(link.url for link in summary.links)


def _link_sheet(summary: SessionSummary) -> list[Flowable]:
    """The last page: one half per partner with their own link, to cut apart."""
    halves: list[Flowable] = [CondPageBreak(200 * mm)]
    for n, link in enumerate(summary.links):
        half: list[Flowable] = [heading(f"For {link.partner} only", 2)]
        if link.url:
            half += [
                paragraph(
                    "Scan with your phone\u2019s camera, or type the address below. It "
                    "opens all your homework; keep it private, like a key.",
                    "small",
                ),
                qr_code(link.url, size=38 * mm),
                paragraph(link.url, "small"),
            ]
        else:
            half.append(
                paragraph("You have no working link yet: ask your counselor for one.", "small")
            )
        if n < len(summary.links) - 1:
            half.append(_CutLine())
        halves.append(KeepTogether(half))
    return halves


class _CutLine(Flowable):
    """A dashed line with scissors: where the sheet is cut between the partners."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, 24

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setDash(4, 3)
        self.canv.setStrokeColor(colors.HexColor("#777777"))
        self.canv.line(0, 12, self.width, 12)
        self.canv.restoreState()


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
    story += [heading("Focus", level), _text_or_nothing(summary.focus)]
    story += [heading("Summary", level), _text_or_nothing(summary.couple_summary)]
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
        story.extend(_homework(item, min(level + 1, 3)))
    if not in_record:
        story += _until_next_time(summary, level)
    story += [heading("Next steps", level), _text_or_nothing(summary.next_steps)]
    story += [
        heading("Next appointment", level),
        _text_or_nothing(summary.next_appointment or "Not booked yet."),
    ]
    if summary.copy == "counselor":
        story.append(heading("Session notes", level))
        story.extend(_private([_text_or_nothing(summary.private_notes)]))
    return story


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
    if summary.copy == "couple" and _has_links(summary):
        story += _link_sheet(summary)
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
    rows = []
    for partner in record.partners:
        details = ", ".join(x for x in (partner.pronouns, partner.email) if x)
        rows.append((partner.name, details or "\u2014"))
    rows += [
        ("Counselor", record.counselor),
        ("Status", record.status),
        ("In care since", record.since),
        ("Sessions", str(len(record.sessions))),
        ("Homework", str(len(record.homework))),
    ]
    story.append(key_value_table(rows))
    story.append(heading("Goals for therapy", 3))
    story.append(_text_or_nothing(record.goals))

    story.append(section("Homework"))
    if not record.homework:
        story.append(paragraph("No homework given yet.", "muted"))
    for item in record.homework:
        story.extend(_homework(item, 3, in_contents=True))

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
