"""The page around a printout: the practice's letterhead at the top of the first page, and on
every page a footer ("Confidential", the practice, "Page X of Y"), the crisis line of a
client-facing sheet and a running title."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from practice.pdf.base import paragraph
from practice.pdf.flow import TextParagraph
from practice.pdf.styles import RULE, shared_style
from practice.pdf.text import FONT_REGULAR, plain_text

PAGE_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}

MARGIN_X = 20 * mm
_FRAME_PAD = 6  # reportlab's default Frame padding; page furniture lines up with the text
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 24 * mm  # room for the footer below the frame
MARGIN_BOTTOM_CRISIS = 30 * mm  # and for the crisis line above it
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


class FooterCanvas(Canvas):
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
            cached = self._parts[key] = TextParagraph(markup, shared_style(style))
        cached.wrap(width, 40)
        return cached

    def _draw_furniture(self, total: int) -> None:
        # Canvas internals below (_pagesize, _pageNumber) are not in the stubs.
        width, height = self._pagesize  # type: ignore[attr-defined]
        left = MARGIN_X + _FRAME_PAD
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
                p = Paragraph(str(markup), shared_style(style))
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
            p.drawOn(self, left, height - MARGIN_TOP + 6)
        self.restoreState()


def _logo_flowable(data: bytes) -> Flowable | None:
    try:
        image = Image(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - a logo that will not load must not stop a printout
        return None
    scale = min(_LOGO_MAX[0] / image.imageWidth, _LOGO_MAX[1] / image.imageHeight, 1.0)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    image.hAlign = "RIGHT"
    return image


def letterhead_block(letterhead: Letterhead) -> list[Flowable]:
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
