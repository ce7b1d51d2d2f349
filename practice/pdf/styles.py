"""The paragraph styles and inks of every printout: black text, grey hairlines, at most a
light grey fill behind table headers (they are printed in black and white)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from practice.pdf.text import FONT_BOLD, FONT_REGULAR, register_base_fonts

INK = colors.black
MUTED = colors.HexColor("#4d4d4d")  # dark enough to survive a cheap laser printer
RULE = colors.HexColor("#9a9a9a")
HEADER_FILL = colors.HexColor("#ececec")


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
def shared_styles() -> dict[str, ParagraphStyle]:
    return _make_styles()


def shared_style(name: str) -> ParagraphStyle:
    """The style of that name the helpers share (never modify it; ``styles()`` gives copies)."""
    return shared_styles()[name]


def styles() -> dict[str, ParagraphStyle]:
    """Fresh ParagraphStyles by name: title, subtitle, h2, h3, body, item, small, muted,
    cell, cell_header, letterhead, footer*. Safe to modify; the helpers use their own copies."""
    return _make_styles()


def is_bold(style: ParagraphStyle) -> bool:
    return style.fontName == FONT_BOLD


def spaced(st: ParagraphStyle, *, before: bool, after: bool) -> ParagraphStyle:
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
