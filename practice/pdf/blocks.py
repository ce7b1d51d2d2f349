"""The blocks summaries and the full record are made of: answers as a worksheet reads them,
entries, homework, private pieces marked as such, "Until next time" and the link sheet."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from practice.pdf.base import bullet_list, heading, paragraph, qr_code
from practice.pdf.document import section
from practice.pdf.records import Answer, HomeworkRecord, PrintedEntry, SessionSummary
from practice.pdf.styles import styles

NOTHING = "Nothing recorded."
PRIVATE_MARK = "PRIVATE \u00b7 counselor only"


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


def text_or_nothing(text: str) -> Flowable:
    return paragraph(text) if text.strip() else paragraph(NOTHING, "muted")


def private(flowables: list[Flowable]) -> list[Flowable]:
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
    out = [*private([head, *body])] if entry.counselor_only else [head, *body]
    if entry.private_note.strip() and not entry.counselor_only:
        out.extend(private(_answer(Answer("Note to the counselor", entry.private_note))))
    elif entry.private_note.strip():
        out.extend(
            _flow(_answer(Answer("Note to the counselor", entry.private_note)), private=True)
        )
    return out


def homework_block(
    item: HomeworkRecord, level: int, *, in_contents: bool = False
) -> list[Flowable]:
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


def until_next_time(summary: SessionSummary, level: int) -> list[Flowable]:
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
    if summary.copy == "couple" and has_links(summary):
        out.append(
            paragraph(
                "Each of you has a personal link that opens all your homework: it is on the last "
                "page, one half each. Cut it in two and keep your half to yourself.",
            )
        )
    elif summary.copy == "couple":
        out.append(paragraph("Ask your counselor for your personal link to your homework."))
    elif has_links(summary):
        out.append(
            paragraph(
                "The partners\u2019 personal links are printed on the couple copy only.", "muted"
            )
        )
    return out


def has_links(summary: SessionSummary) -> bool:
    return bool(summary.open_homework) and any(link.url for link in summary.links)


def link_sheet(summary: SessionSummary) -> list[Flowable]:
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
