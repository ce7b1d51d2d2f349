"""User text as flowables that wrap, split across pages and print in any script.

Every helper here takes text already through ``text.clean_text`` or raw user text, never
markup from a caller: escaping and font fallback happen inside (``text.safe_markup``).
"""

from __future__ import annotations

import itertools

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag

from practice.pdf.rtl import is_rtl_line
from practice.pdf.styles import is_bold, spaced
from practice.pdf.text import FONT_BOLD, FONT_REGULAR, clean_text, markup_of_clean, safe_markup


class TextParagraph(Paragraph):
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


def para(markup: str, st: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """``TextParagraph(markup, st, bulletText=bullet)``; text without tags or entities skips
    reportlab's markup parser (an HTML parser run per paragraph) for the one fragment it
    would make. The parser's own whitespace clean-up still applies."""
    if "<" in markup or "&" in markup or not markup.strip():
        return TextParagraph(markup, st, bulletText=bullet)
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
    return TextParagraph(text, st, bulletText=bullet, frags=[frag])


# Lines per Paragraph when one text has many lines. reportlab re-wraps the
# whole remainder of a Paragraph at every page break, which is quadratic: 25,000
# one-character lines took minutes as one Paragraph and take seconds in chunks.
_LINES_PER_CHUNK = 40


class Stack(Flowable):
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


class _RightToLeftLine(Stack):
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
        font, size = (FONT_BOLD if is_bold(self._st) else FONT_REGULAR), self._st.fontSize
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
            bold, last = is_bold(st), len(lines) - 1
            self._parts = [
                para(
                    safe_markup(line, bold=bold) or "\u00a0",
                    spaced(right, before=n == 0, after=n == last),
                    self._bullet if n == 0 else None,
                )
                for n, line in enumerate(lines)
            ]
            self._laid_out_for = availWidth
        return super().wrap(availWidth, availHeight)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        return super().split(availWidth, availHeight)


def text_flowable(text: object, st: ParagraphStyle, bullet: str | None = None) -> Flowable:
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
        piece_style = spaced(st, before=n == 0, after=n == last)
        piece_bullet = bullet if n == 0 else None
        if rtl:
            parts.append(_RightToLeftLine(group[0], piece_style, piece_bullet))
        else:
            parts.append(_ltr_text("\n".join(group), piece_style, piece_bullet))
    return parts[0] if len(parts) == 1 else Stack(parts)


def _ltr_text(text: str, st: ParagraphStyle, bullet: str | None = None) -> Flowable:
    """Text already through ``clean_text``, as Paragraphs."""
    markup = markup_of_clean(text, bold=is_bold(st))
    lines = markup.split("<br/>")
    if len(lines) <= _LINES_PER_CHUNK * 2:
        return para(markup, st, bullet)
    # A no-break space keeps blank lines one line tall at chunk edges.
    lines = [line or "\u00a0" for line in lines]
    step = _LINES_PER_CHUNK
    chunks = ["<br/>".join(lines[i : i + step]) for i in range(0, len(lines), step)]
    last = len(chunks) - 1
    return Stack(
        [
            para(
                chunk,
                spaced(st, before=n == 0, after=n == last),
                bullet if n == 0 else None,
            )
            for n, chunk in enumerate(chunks)
        ]
    )
