"""PDF rendering core: plain data in, PDF bytes out (no Flask here).

Build a story from the helpers and pass it to ``build_document``::

    from practice.pdf import build_document, heading, paragraph
    pdf = build_document(title="Session summary", practice_name="Calm Harbor",
                         story=[heading("Notes"), paragraph(notes)], page_size="letter")

All helpers take raw user text; escaping and font fallback happen inside.
"""

from practice.pdf.base import (
    bullet_list,
    heading,
    numbered_list,
    paragraph,
    qr_code,
    rule,
    spacer,
)
from practice.pdf.document import build_document, page_count, section
from practice.pdf.page import PAGE_SIZES, Letterhead
from practice.pdf.styles import styles
from practice.pdf.tables import CELL_EXCERPT_CHARS, data_table, excerpt, key_value_table
from practice.pdf.text import REPLACEMENT, safe_markup

__all__ = [
    "CELL_EXCERPT_CHARS",
    "PAGE_SIZES",
    "Letterhead",
    "REPLACEMENT",
    "build_document",
    "bullet_list",
    "data_table",
    "excerpt",
    "heading",
    "key_value_table",
    "numbered_list",
    "page_count",
    "paragraph",
    "qr_code",
    "rule",
    "safe_markup",
    "section",
    "spacer",
    "styles",
]
