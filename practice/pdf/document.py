"""A printout as a whole: the story laid out under the letterhead, headings kept with the
start of what follows, an optional contents page, progress reported as it is laid out."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    FrameBreak,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    TableStyle,
)
from reportlab.platypus.doctemplate import Indenter
from reportlab.platypus.tableofcontents import TableOfContents
from reportlab.rl_config import _FUZZ

from practice.pdf.base import heading, paragraph, rule
from practice.pdf.page import (
    MARGIN_BOTTOM,
    MARGIN_BOTTOM_CRISIS,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_SIZES,
    FooterCanvas,
    Letterhead,
    letterhead_block,
)
from practice.pdf.styles import shared_style
from practice.pdf.text import FONT_BOLD, FONT_REGULAR, plain_text, register_base_fonts, safe_markup

# How much of what follows a heading must fit under it on the same page (about 3 lines).
_FOLLOW_HEIGHT = 48


def _stacked_size(
    flowables: list[Flowable], width: float, canv: Canvas, dims: list[tuple[float, float]]
) -> tuple[float, float]:
    """Width and height of flowables laid out one under another, each size added to ``dims``.

    reportlab's ``_listWrapOn`` without its deep copy of the frame (kept for flowables that
    add content as they are measured, which ours never do): that copy was a tenth of the
    layout time of a summary."""
    total_w = total_h = space_after = 0.0
    at_top = True
    for f in flowables:
        if hasattr(f, "frameAction"):
            if isinstance(f, Indenter):
                width -= f.left + f.right
            continue
        w, h = f.wrapOn(canv, width, 0xFFFFFFF)
        dims.append((w, h))
        if h <= _FUZZ:
            continue
        total_w = max(total_w, min(w, width))
        total_h += h
        if not at_top:
            before = space_after if getattr(f, "_SPACETRANSFER", False) else f.getSpaceBefore()
            total_h += max(before - space_after, 0)
        at_top = False
        after = f.getSpaceAfter()
        space_after = space_after if getattr(f, "_SPACETRANSFER", False) else after
        total_h += space_after
    return total_w, total_h - space_after


class _KeepHeadingWithStart(KeepTogether):
    """keepWithNext that keeps a heading with the first lines of what follows, not all of it.

    reportlab's own moves the heading and the whole of the next flowable to a new page when
    they do not fit together, so a heading over a long answer left most of a page empty."""

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803
        dims: list[tuple[float, float]] = []
        # KeepTogether keeps its flowables in _content, which the stubs leave out.
        content: list[Flowable] = self._content  # type: ignore[attr-defined]
        width, height = _stacked_size(content, aW, self.canv, dims)
        self._H, self._dims, self._wrapInfo = height, dims, (aW, aH)
        return width, 0xFFFFFF  # always split: split decides

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content: list[Flowable] = self._content[:]  # type: ignore[attr-defined]  # see wrap
        if aH >= self._H or not self._dims:
            return content
        *lead, last = self._dims
        need = sum(h for _, h in lead) + min(last[1], _FOLLOW_HEIGHT)
        frame = getattr(self, "_frame", None)
        if need <= aH or (frame is not None and getattr(frame, "_atTop", False)):
            return content
        return [FrameBreak(), *content]


class _Document(SimpleDocTemplate):
    """A document whose section headings (``section``) fill its contents page and outline."""

    def __init__(
        self,
        *args: Any,
        on_progress: Callable[[float], None] | None = None,
        expected_flowables: int = 1,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("keepTogetherClass", _KeepHeadingWithStart)
        super().__init__(*args, **kwargs)
        self._on_progress = on_progress
        self._expected = max(expected_flowables, 1)
        self._passes = 0
        self._drawn = 0

    def build(self, *args: Any, **kwargs: Any) -> None:
        self._passes += 1
        self._drawn = 0
        super().build(*args, **kwargs)

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab API
        if self._on_progress is not None:
            # A contents page takes two passes (the first finds the page numbers).
            self._drawn += 1
            done = min(self._drawn / self._expected, 1.0)
            self._on_progress(min((self._passes - 1 + done) / 2, 0.99))
        entry = getattr(flowable, "toc_entry", None)
        if entry is None:
            return
        level, text = entry
        key = f"section-{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(plain_text(text, limit=120), key, level=level, closed=True)
        self.notify("TOCEntry", (level, safe_markup(plain_text(text, limit=160)), self.page, key))


def section(text: object, level: int = 0) -> Flowable:
    """A heading listed on the contents page (``build_document(contents=True)``) and in the
    PDF's outline: level 0 is a section (h2 size), 1 a subsection (h3 size)."""
    flowable = heading(text, 2 if level == 0 else 3)
    # Read back by _Document.afterFlowable; an attribute of our own on reportlab's Flowable.
    flowable.toc_entry = (level, str(text))  # type: ignore[attr-defined]
    return flowable


def _contents() -> list[Flowable]:
    toc = TableOfContents(dotsMinLevel=0)
    toc.tableStyle = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    toc.levelStyles = [
        ParagraphStyle(
            "toc0",
            parent=shared_style("body"),
            leftIndent=0,
            firstLineIndent=0,
            spaceBefore=4,
            spaceAfter=0,
        ),
        ParagraphStyle(
            "toc1",
            parent=shared_style("small"),
            fontSize=10,
            leading=13,
            leftIndent=14,
            firstLineIndent=0,
            spaceAfter=0,
        ),
    ]
    return [heading("Contents"), toc, PageBreak()]


def page_count(pdf: bytes) -> int:
    """Pages in a PDF we made (reportlab writes one ``/Type /Page`` object per page)."""
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def build_document(
    *,
    title: str,
    story: list[Flowable],
    practice_name: str | None = None,
    letterhead: Letterhead | None = None,
    page_size: str = "a4",
    confidential: bool = True,
    subtitle: str | None = None,
    contents: bool = False,
    on_progress: Callable[[float], None] | None = None,
) -> bytes:
    """Render ``story`` under the practice's letterhead and a title block; return PDF bytes.

    Every page gets a footer with "Confidential" (if ``confidential``), the practice name
    and "Page X of Y", and the letterhead's crisis line when it has one. Pass a
    ``letterhead`` or just a ``practice_name``. ``page_size`` is "a4" or "letter".
    ``contents=True`` adds a contents page listing the story's ``section`` headings.
    ``on_progress(fraction)`` is called as the layout goes (for background builds).
    ``title``/``subtitle`` and the letterhead are plain user text.
    """
    try:
        pagesize = PAGE_SIZES[page_size.lower()]
    except (KeyError, AttributeError):
        allowed = ", ".join(sorted(PAGE_SIZES))
        raise ValueError(f"page_size must be one of {allowed}, not {page_size!r}") from None
    register_base_fonts()
    if letterhead is None:
        letterhead = Letterhead(name=practice_name or "")
    name = letterhead.name

    head: list[Flowable] = letterhead_block(letterhead) if name.strip() else []
    head.append(paragraph(title, "title"))
    if subtitle:
        head.append(paragraph(subtitle, "subtitle"))
    head.append(rule())
    if contents:
        head.extend(_contents())

    crisis = letterhead.crisis_line.strip()
    footer = {
        "left": f'<font name="{FONT_BOLD}">Confidential</font>' if confidential else "",
        "center": safe_markup(plain_text(name, limit=80)),
        "header": safe_markup(plain_text(title, limit=110)),
        "crisis": safe_markup(plain_text(crisis, limit=300), bold=True) if crisis else "",
    }
    buf = io.BytesIO()
    doc = _Document(
        buf,
        pagesize=pagesize,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM_CRISIS if crisis else MARGIN_BOTTOM,
        title=plain_text(title, limit=300),
        author=plain_text(name, limit=300),
        subject=plain_text(subtitle or "", limit=300),
        creator=plain_text(name, limit=300),
        initialFontName=FONT_REGULAR,
        on_progress=on_progress,
        expected_flowables=len(head) + len(story),
    )
    canvasmaker = partial(FooterCanvas, footer=footer)
    if contents:
        # Two passes or more: the first finds on which page each section starts.
        doc.multiBuild(head + list(story), canvasmaker=canvasmaker)
    else:
        doc.build(head + list(story), canvasmaker=canvasmaker)
    return buf.getvalue()
