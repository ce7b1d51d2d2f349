"""Shared page layout, styles and flowable helpers for the practice's printouts.

Every helper that takes user text runs it through ``safe_markup``, so callers
pass raw strings and never build Paragraph markup themselves. Output is tuned
for black-and-white printing: black text, grey hairlines, at most a light grey
fill behind table headers.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    FrameBreak,
    HRFlowable,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import Indenter
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag
from reportlab.platypus.tableofcontents import TableOfContents
from reportlab.rl_config import _FUZZ

from practice.pdf.text import (
    FONT_BOLD,
    FONT_REGULAR,
    clean_text,
    is_rtl_line,
    markup_of_clean,
    plain_text,
    register_base_fonts,
    safe_markup,
)

PAGE_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}

#: Default maximum characters of user text shown in one table cell.
CELL_EXCERPT_CHARS = 600
# Newlines count too: 600 one-character lines would still overflow a page.
_CELL_EXCERPT_LINES = 12

INK = colors.black
MUTED = colors.HexColor("#4d4d4d")  # dark enough to survive a cheap laser printer
RULE = colors.HexColor("#9a9a9a")
HEADER_FILL = colors.HexColor("#ececec")

_MARGIN_X = 20 * mm
_FRAME_PAD = 6  # reportlab's default Frame padding; page furniture lines up with the text
_MARGIN_TOP = 20 * mm
_MARGIN_BOTTOM = 24 * mm  # room for the footer below the frame
_MARGIN_BOTTOM_CRISIS = 30 * mm  # and for the crisis line above it
_FOOTER_Y = 12 * mm
_LOGO_MAX = (45 * mm, 18 * mm)  # width, height of the letterhead's logo box


@dataclass(frozen=True)
class Letterhead:
    """The practice as printed at the top of each document (plain user text).

    ``crisis_line`` is printed at the foot of every page of a client-facing document;
    ``logo`` is PNG or JPEG bytes (checked before they are stored)."""

    name: str
    address: str = ""
    contact: str = ""
    crisis_line: str = ""
    logo: bytes | None = None


def _make_styles() -> dict[str, ParagraphStyle]:
    register_base_fonts()
    base = ParagraphStyle(
        "body",
        fontName=FONT_REGULAR,
        fontSize=11,
        leading=16,
        textColor=INK,
        spaceAfter=6,
        splitLongWords=1,
    )

    def derive(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "title": derive("title", fontName=FONT_BOLD, fontSize=19, leading=24, spaceAfter=2),
        "subtitle": derive("subtitle", fontSize=11.5, leading=16, textColor=MUTED, spaceAfter=0),
        "h2": derive(
            "h2",
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=14,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "h3": derive(
            "h3",
            fontName=FONT_BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "body": base,
        "item": derive("item", spaceAfter=3),
        "small": derive("small", fontSize=9, leading=12, spaceAfter=4),
        "muted": derive("muted", fontSize=9, leading=12, textColor=MUTED, spaceAfter=4),
        "cell": derive("cell", fontSize=10, leading=13.5, spaceAfter=0),
        "cell_header": derive(
            "cell_header", fontName=FONT_BOLD, fontSize=10, leading=13.5, spaceAfter=0
        ),
        "footer": derive("footer", fontSize=8, leading=10, textColor=MUTED, spaceAfter=0),
        "footer_crisis": derive(
            "footer_crisis", fontName=FONT_BOLD, fontSize=8.5, leading=11, spaceAfter=0
        ),
        "letterhead": derive(
            "letterhead", fontName=FONT_BOLD, fontSize=12, leading=15, spaceAfter=1
        ),
        "footer_center": derive(
            "footer_center",
            fontSize=8,
            leading=10,
            textColor=MUTED,
            spaceAfter=0,
            alignment=TA_CENTER,
        ),
        "footer_right": derive(
            "footer_right",
            fontSize=8,
            leading=10,
            textColor=MUTED,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
    }


@lru_cache(maxsize=1)
def _shared_styles() -> dict[str, ParagraphStyle]:
    return _make_styles()


def _style(name: str) -> ParagraphStyle:
    return _shared_styles()[name]


def styles() -> dict[str, ParagraphStyle]:
    """Fresh ParagraphStyles by name: title, subtitle, h2, h3, body, item, small, muted,
    cell, cell_header, letterhead, footer*. Safe to modify; the helpers use their own copies."""
    return _make_styles()


def _is_bold(style: ParagraphStyle) -> bool:
    return style.fontName == FONT_BOLD


# --- flowable helpers -----------------------------------------------------------


class _Paragraph(Paragraph):
    """A Paragraph that breaks its lines once per width.

    The layout asks most paragraphs for their size more than once at the same width (a
    heading kept with what follows measures both, then the frame measures each again; a
    table measures its cells, then draws them), and reportlab breaks the lines anew each
    time: a third of the time of a session summary."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        state = self.__dict__
        # split() deletes blPara when nothing fits: then measure again.
        if state.get("_wrapped_for") == availWidth and "blPara" in state:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth
        return size


def _para(markup: str, st: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """``_Paragraph(markup, st, bulletText=bullet)``; text without tags or entities skips
    reportlab's markup parser (an HTML parser run per paragraph) for the one fragment it
    would make. The parser's own whitespace clean-up still applies."""
    if "<" in markup or "&" in markup or not markup.strip():
        return _Paragraph(markup, st, bulletText=bullet)
    text = cleanBlockQuotedText(markup)
    font_name, bold, italic = ps2tt(st.fontName)
    frag = ParaFrag(
        rise=0,
        greek=0,
        link=[],
        fontName=tt2ps(font_name, bold, italic),
        bold=bold,
        italic=italic,
        fontSize=st.fontSize,
        textColor=st.textColor,
        us_lines=[],
        __tag__="para",
        text=text,
    )
    return _Paragraph(text, st, bulletText=bullet, frags=[frag])


# Lines per Paragraph when one text has many lines. reportlab re-wraps the
# whole remainder of a Paragraph at every page break, which is quadratic: 25,000
# one-character lines took minutes as one Paragraph and take seconds in chunks.
_LINES_PER_CHUNK = 40


class _Stack(Flowable):
    """Flowables that lay out as one block; a split hands them to the frame one by one."""

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__()
        self._parts = parts
        self.spaceBefore = parts[0].getSpaceBefore()
        self.spaceAfter = parts[-1].getSpaceAfter()

    def _gaps(self) -> list[float]:
        # The same spacing the frame adds when the parts are laid out separately.
        return [a.getSpaceAfter() + b.getSpaceBefore() for a, b in itertools.pairwise(self._parts)]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        canv = getattr(self, "canv", None)  # set by wrapOn; absent on a bare wrap()
        aw, ah = availWidth, availHeight
        sizes = [p.wrapOn(canv, aw, ah) if canv else p.wrap(aw, ah) for p in self._parts]
        self._heights = [h for _, h in sizes]
        self.width = availWidth
        self.height = sum(self._heights) + sum(self._gaps())
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        # The frame needs the first returned flowable to fit, so split the first part.
        first, rest = self._parts[0], self._parts[1:]
        canv = getattr(self, "canv", None)
        head = (
            first.splitOn(canv, availWidth, availHeight)
            if canv
            else first.split(availWidth, availHeight)
        )
        return [*head, *rest] if head else []

    def draw(self) -> None:
        y = self.height
        for part, h, gap in zip(self._parts, self._heights, [*self._gaps(), 0], strict=True):
            y -= h
            part.drawOn(self.canv, 0, y)
            y -= gap


def _spaced(st: ParagraphStyle, *, before: bool, after: bool) -> ParagraphStyle:
    """``st`` without its space before and/or after: for the inner pieces of one text, which
    the frame would otherwise space apart like separate paragraphs."""
    if before and after:
        return st
    return ParagraphStyle(
        f"{st.name}-piece{int(before)}{int(after)}",
        parent=st,
        spaceBefore=st.spaceBefore if before else 0,
        spaceAfter=st.spaceAfter if after else 0,
    )


class _RightToLeftLine(_Stack):
    """One right-to-left line of user text, wrapped to the frame's width in logical order and
    then drawn line by line, each reordered and right-aligned: wrapped as one Paragraph of
    reordered text, a long Hebrew note would print its last line first."""

    def __init__(self, line: str, st: ParagraphStyle, bullet: str | None) -> None:
        Flowable.__init__(self)
        self._line, self._st, self._bullet = line, st, bullet
        self.spaceBefore, self.spaceAfter = st.spaceBefore, st.spaceAfter
        self._parts: list[Flowable] = []
        self._laid_out_for: float | None = None

    def _logical_lines(self, width: float) -> list[str]:
        font, size = (FONT_BOLD if _is_bold(self._st) else FONT_REGULAR), self._st.fontSize
        lines: list[str] = []
        current = ""
        for word in self._line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and stringWidth(candidate, font, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        return [*lines, current]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._laid_out_for != availWidth:
            st = self._st
            lines = self._logical_lines(availWidth - st.leftIndent - st.rightIndent)
            right = ParagraphStyle(
                f"{st.name}-rtl", parent=st, alignment=TA_RIGHT, firstLineIndent=0
            )
            bold, last = _is_bold(st), len(lines) - 1
            self._parts = [
                _para(
                    safe_markup(line, bold=bold) or "\u00a0",
                    _spaced(right, before=n == 0, after=n == last),
                    self._bullet if n == 0 else None,
                )
                for n, line in enumerate(lines)
            ]
            self._laid_out_for = availWidth
        return super().wrap(availWidth, availHeight)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        return super().split(availWidth, availHeight)


def _text(text: object, st: ParagraphStyle, bullet: str | None = None) -> Flowable:
    cleaned = clean_text(text)
    lines = cleaned.split("\n")
    if cleaned.isascii() or not any(is_rtl_line(line) for line in lines):
        return _ltr_text(cleaned, st, bullet)
    # Each right-to-left line wraps on its own; the lines between them stay Paragraphs.
    groups: list[tuple[bool, list[str]]] = []
    for line in lines:
        rtl = is_rtl_line(line)
        if rtl or not groups or groups[-1][0]:
            groups.append((rtl, [line]))
        else:
            groups[-1][1].append(line)
    last = len(groups) - 1
    parts: list[Flowable] = []
    for n, (rtl, group) in enumerate(groups):
        piece_style = _spaced(st, before=n == 0, after=n == last)
        piece_bullet = bullet if n == 0 else None
        if rtl:
            parts.append(_RightToLeftLine(group[0], piece_style, piece_bullet))
        else:
            parts.append(_ltr_text("\n".join(group), piece_style, piece_bullet))
    return parts[0] if len(parts) == 1 else _Stack(parts)


def _ltr_text(text: str, st: ParagraphStyle, bullet: str | None = None) -> Flowable:
    """Text already through ``clean_text``, as Paragraphs."""
    markup = markup_of_clean(text, bold=_is_bold(st))
    lines = markup.split("<br/>")
    if len(lines) <= _LINES_PER_CHUNK * 2:
        return _para(markup, st, bullet)
    # A no-break space keeps blank lines one line tall at chunk edges.
    lines = [line or "\u00a0" for line in lines]
    step = _LINES_PER_CHUNK
    chunks = ["<br/>".join(lines[i : i + step]) for i in range(0, len(lines), step)]
    last = len(chunks) - 1
    return _Stack(
        [
            _para(
                chunk,
                _spaced(st, before=n == 0, after=n == last),
                bullet if n == 0 else None,
            )
            for n, chunk in enumerate(chunks)
        ]
    )


def paragraph(text: object, style: str | ParagraphStyle = "body") -> Flowable:
    """User text as a Paragraph; long text wraps and splits across pages.

    ``style`` is a name from ``styles()`` or a ParagraphStyle.
    """
    st = style if isinstance(style, ParagraphStyle) else _style(style)
    return _text(text, st)


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
    base = _style("item")
    label_width = max(stringWidth(label, FONT_REGULAR, base.fontSize) for _, label in pairs)
    st = ParagraphStyle(
        "list",
        parent=base,
        leftIndent=max(16, label_width + 6),
        bulletIndent=0 if label_width > 8 else 3,
        bulletFontName=FONT_REGULAR,
        bulletFontSize=base.fontSize,
    )
    flowables = [_text(item, st, bullet=label) for item, label in pairs]
    return flowables[0] if len(flowables) == 1 else _Stack(flowables)


def bullet_list(items: Iterable[object]) -> Flowable:
    """Bulleted list of user-text items (an empty list renders as nothing)."""
    return _list(items, itertools.repeat("\u2022"))


def numbered_list(items: Iterable[object]) -> Flowable:
    """Numbered (1., 2., ...) list of user-text items (empty renders as nothing)."""
    return _list(items, (f"{n}." for n in itertools.count(1)))


def excerpt(text: object, max_chars: int = CELL_EXCERPT_CHARS) -> str:
    """Shorten user text for a table cell: at most ``max_chars`` characters and
    a dozen lines, ending in "…" when cut."""
    s = "" if text is None else str(text)
    cut = False
    lines = s.split("\n")
    if len(lines) > _CELL_EXCERPT_LINES:
        s = "\n".join(lines[:_CELL_EXCERPT_LINES])
        cut = True
    if len(s) > max_chars:
        s = s[:max_chars]
        # Prefer ending on a word boundary when one is reasonably close.
        space = s.rfind(" ", max_chars * 4 // 5)
        if space > 0:
            s = s[:space]
        cut = True
    return s.rstrip() + "…" if cut else s


def _cell(text: object, style: ParagraphStyle, max_chars: int) -> Paragraph:
    s = excerpt(text, max_chars)
    # A blank cell reads like a printing fault; a dash says "nothing recorded".
    return _para(safe_markup(s, bold=_is_bold(style)) or "\u2014", style)


def _widths(n: int, col_widths: Sequence[float] | None) -> list[str]:
    weights = list(col_widths) if col_widths else [1.0] * n
    if len(weights) != n or any(w <= 0 for w in weights):
        raise ValueError("col_widths needs one positive weight per column")
    total = sum(weights)
    return [f"{100 * w / total:.4f}%" for w in weights]


_TABLE_BASE = [
    ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
]


def key_value_table(
    rows: Iterable[tuple[object, object]], *, max_chars: int = CELL_EXCERPT_CHARS
) -> Flowable:
    """Two-column label/value table (e.g. client, date, clinician).

    Values are cut to ``max_chars``; put long text in ``paragraph()`` instead.
    """
    label, cell = _style("cell_header"), _style("cell")
    data = [[_cell(k, label, max_chars), _cell(v, cell, max_chars)] for k, v in rows]
    if not data:
        return Spacer(0, 0)
    table = Table(data, colWidths=["32%", "68%"], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *_TABLE_BASE,
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    table.spaceAfter = 8
    return table


def data_table(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    col_widths: Sequence[float] | None = None,
    *,
    max_chars: int = CELL_EXCERPT_CHARS,
) -> Flowable:
    """Table with a repeating header row; many rows split across pages.

    ``col_widths`` are relative weights (e.g. ``[1, 3, 1]``), so the table fills
    the frame on A4 and Letter alike. A table cell cannot split across pages,
    so each cell shows at most ``max_chars`` characters ("…" when cut); full
    text belongs in ``paragraph()``.
    """
    head_style, cell_style = _style("cell_header"), _style("cell")
    n = len(header)
    if n == 0:
        raise ValueError("data_table needs at least one column")
    data = [[_cell(h, head_style, max_chars) for h in header]]
    for row in rows:
        cells = list(row)[:n]
        cells += [""] * (n - len(cells))  # short rows get empty (dash) cells
        data.append([_cell(c, cell_style, max_chars) for c in cells])
    table = LongTable(data, colWidths=_widths(n, col_widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *_TABLE_BASE,
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEABOVE", (0, 0), (-1, 0), 0.75, INK),
                ("LINEBELOW", (0, 0), (-1, 0), 0.75, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ]
        )
    )
    table.spaceAfter = 8
    return table


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


# --- document ------------------------------------------------------------------------


class _FooterCanvas(Canvas):
    """Canvas that defers page furniture until the page count is known."""

    def __init__(self, *args: Any, footer: Mapping[str, object], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, object]] = []
        self._parts: dict[str, Paragraph] = {}

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # Canvas internal, not in stubs

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_furniture(total)
            super().showPage()
        super().save()

    def _furniture(self, key: str, markup: str, style: str, width: float) -> Paragraph:
        """The same footer text on every page: parsed and wrapped once per document."""
        cached = self._parts.get(key)
        if cached is None:
            cached = self._parts[key] = _Paragraph(markup, _style(style))
        cached.wrap(width, 40)
        return cached

    def _draw_furniture(self, total: int) -> None:
        # Canvas internals below (_pagesize, _pageNumber) are not in the stubs.
        width, height = self._pagesize  # type: ignore[attr-defined]
        left = _MARGIN_X + _FRAME_PAD
        inner = width - 2 * left
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(left, _FOOTER_Y + 12, left + inner, _FOOTER_Y + 12)
        page: int = self._pageNumber  # type: ignore[attr-defined]
        cells = [
            ("left", self._footer["left"], "footer", 0.0, 0.25),
            ("center", self._footer["center"], "footer_center", 0.25, 0.5),
            ("", f"Page {page} of {total}", "footer_right", 0.75, 0.25),
        ]
        for key, markup, style, start, share in cells:
            if not markup:
                continue
            if key:
                p = self._furniture(key, str(markup), style, inner * share)
                h = p.height
            else:
                p = Paragraph(str(markup), _style(style))
                _, h = p.wrap(inner * share, 40)
            p.drawOn(self, left + inner * start, _FOOTER_Y + 9 - h)
        crisis = self._footer.get("crisis")
        if crisis:
            # On every page a client may be handed, above the footer rule.
            p = self._furniture("crisis", str(crisis), "footer_crisis", inner)
            p.drawOn(self, left, _FOOTER_Y + 16)
        header = self._footer["header"]
        if page > 1 and header:
            # Running title so a loose page can be matched to its document.
            p = self._furniture("header", str(header), "footer", inner)
            p.drawOn(self, left, height - _MARGIN_TOP + 6)
        self.restoreState()


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
            parent=_style("body"),
            leftIndent=0,
            firstLineIndent=0,
            spaceBefore=4,
            spaceAfter=0,
        ),
        ParagraphStyle(
            "toc1",
            parent=_style("small"),
            fontSize=10,
            leading=13,
            leftIndent=14,
            firstLineIndent=0,
            spaceAfter=0,
        ),
    ]
    return [heading("Contents"), toc, PageBreak()]


def _logo_flowable(data: bytes) -> Flowable | None:
    try:
        image = Image(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - a logo that will not load must not stop a printout
        return None
    scale = min(_LOGO_MAX[0] / image.imageWidth, _LOGO_MAX[1] / image.imageHeight, 1.0)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    image.hAlign = "RIGHT"
    return image


def _letterhead_block(letterhead: Letterhead) -> list[Flowable]:
    """Practice name, address and contact on the left, the logo on the right."""
    lines: list[Flowable] = [paragraph(plain_text(letterhead.name, limit=200), "letterhead")]
    if letterhead.address.strip():
        lines.append(paragraph(letterhead.address, "muted"))
    if letterhead.contact.strip():
        lines.append(paragraph(letterhead.contact, "muted"))
    logo = _logo_flowable(letterhead.logo) if letterhead.logo else None
    if logo is None:
        return lines
    table = Table([[lines, logo]], colWidths=["70%", "30%"], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),  # never an unembedded Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [table]


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

    head: list[Flowable] = _letterhead_block(letterhead) if name.strip() else []
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
        leftMargin=_MARGIN_X,
        rightMargin=_MARGIN_X,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM_CRISIS if crisis else _MARGIN_BOTTOM,
        title=plain_text(title, limit=300),
        author=plain_text(name, limit=300),
        subject=plain_text(subtitle or "", limit=300),
        creator=plain_text(name, limit=300),
        initialFontName=FONT_REGULAR,
        on_progress=on_progress,
        expected_flowables=len(head) + len(story),
    )
    canvasmaker = partial(_FooterCanvas, footer=footer)
    if contents:
        # Two passes or more: the first finds on which page each section starts.
        doc.multiBuild(head + list(story), canvasmaker=canvasmaker)
    else:
        doc.build(head + list(story), canvasmaker=canvasmaker)
    return buf.getvalue()
