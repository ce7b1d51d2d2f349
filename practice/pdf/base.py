"""The flowable helpers a printout is written with: paragraphs, headings, lists, a QR code.

Every helper that takes user text runs it through ``safe_markup``, so callers pass raw
strings and never build Paragraph markup themselves. Tables are in ``tables``, the page and
the document in ``page`` and ``document``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, HRFlowable, Spacer

from practice.pdf.flow import Stack, text_flowable
from practice.pdf.styles import RULE, shared_style
from practice.pdf.text import FONT_REGULAR


def paragraph(text: object, style: str | ParagraphStyle = "body") -> Flowable:
    """User text as a Paragraph; long text wraps and splits across pages.

    ``style`` is a name from ``styles()`` or a ParagraphStyle.
    """
    st = style if isinstance(style, ParagraphStyle) else shared_style(style)
    return text_flowable(text, st)


def heading(text: object, level: int = 2) -> Flowable:
    """Section heading; level 1 = document title size, 2 = section, 3 = subsection."""
    name = {1: "title", 2: "h2", 3: "h3"}.get(level)
    if name is None:
        raise ValueError(f"heading level must be 1, 2 or 3, not {level!r}")
    return paragraph(text, name)


def spacer(height: float = 6) -> Spacer:
    """Vertical space in points (use ``reportlab.lib.units.mm`` for millimetres)."""
    return Spacer(0, height)


def _list(items: Iterable[object], labels: Iterable[str]) -> Flowable:
    # Paragraph bullets rather than ListFlowable: ListFlowable cannot split an
    # item taller than a page (LayoutError), a Paragraph with a bullet can.
    pairs = list(zip(items, labels, strict=False))  # labels is endless
    if not pairs:
        return Spacer(0, 0)
    base = shared_style("item")
    label_width = max(stringWidth(label, FONT_REGULAR, base.fontSize) for _, label in pairs)
    st = ParagraphStyle(
        "list",
        parent=base,
        leftIndent=max(16, label_width + 6),
        bulletIndent=0 if label_width > 8 else 3,
        bulletFontName=FONT_REGULAR,
        bulletFontSize=base.fontSize,
    )
    flowables = [text_flowable(item, st, bullet=label) for item, label in pairs]
    return flowables[0] if len(flowables) == 1 else Stack(flowables)


def bullet_list(items: Iterable[object]) -> Flowable:
    """Bulleted list of user-text items (an empty list renders as nothing)."""
    return _list(items, itertools.repeat("\u2022"))


def numbered_list(items: Iterable[object]) -> Flowable:
    """Numbered (1., 2., ...) list of user-text items (empty renders as nothing)."""
    return _list(items, (f"{n}." for n in itertools.count(1)))


def qr_code(url: str, size: float = 35 * mm) -> Drawing:
    """Square QR code for ``url`` (``size`` in points, quiet zone included)."""
    if not url:
        raise ValueError("qr_code needs a non-empty URL")
    # Level M survives smudges and low-resolution printing better than the default L.
    widget = QrCodeWidget(url, barLevel="M", barWidth=size, barHeight=size)
    drawing = Drawing(size, size)
    # The renderer sets the drawing's font even with no text in it: ours, not an
    # unembedded Helvetica.
    drawing.initialFontName = FONT_REGULAR  # type: ignore[attr-defined]  # read by renderPDF, not in stubs
    drawing.add(widget)
    drawing.hAlign = "LEFT"
    return drawing


def rule() -> Flowable:
    """Thin grey horizontal rule across the frame."""
    return HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=4, spaceAfter=8)
