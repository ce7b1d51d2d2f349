"""Tables of short user text: label/value facts and data with a repeating header. A cell
cannot split across pages, so each shows an excerpt; full text belongs in a paragraph."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, LongTable, Paragraph, Spacer, Table, TableStyle

from practice.pdf.flow import para
from practice.pdf.styles import HEADER_FILL, INK, RULE, is_bold, shared_style
from practice.pdf.text import FONT_REGULAR, safe_markup

#: Default maximum characters of user text shown in one table cell.
CELL_EXCERPT_CHARS = 600
# Newlines count too: 600 one-character lines would still overflow a page.
_CELL_EXCERPT_LINES = 12


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
    return para(safe_markup(s, bold=is_bold(style)) or "\u2014", style)


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
    label, cell = shared_style("cell_header"), shared_style("cell")
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
    head_style, cell_style = shared_style("cell_header"), shared_style("cell")
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
