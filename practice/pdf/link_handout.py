"""The printable page a counselor hands a partner: their private homework link as text and QR."""

from __future__ import annotations

from reportlab.lib.units import mm

from practice.pdf.base import (
    Letterhead,
    build_document,
    heading,
    numbered_list,
    paragraph,
    qr_code,
    spacer,
)


def render_link_handout(
    *,
    practice_name: str,
    partner_first_name: str,
    exercise_title: str,
    due: str,
    url: str,
    expires: str,
    page_size: str = "a4",
    letterhead: Letterhead | None = None,
) -> bytes:
    """One page: who it is for, the exercise, the QR code, the address to type, how to use it."""
    story = [
        paragraph(f"For {partner_first_name}", "subtitle"),
        paragraph(f"Due {due}."),
        heading("Scan with your phone's camera"),
        qr_code(url, size=50 * mm),
        spacer(6),
        heading("Or type this address", level=3),
        paragraph(url, "body"),
        heading("How it works"),
        numbered_list(
            [
                "Open the link on your phone or computer. You do not need an account.",
                "Read the steps, do the exercise, then answer the questions and press Send.",
                "You choose who sees each answer: only your counselor, or your partner too.",
                "You can come back to the same link to add more entries until it expires "
                f"on {expires}.",
            ]
        ),
        paragraph(
            "This link is yours alone. Keep this paper private: anyone with the link can read "
            "your entries and add new ones in your name. If it gets lost, ask your counselor "
            "for a new link and the old one will stop working.",
            "muted",
        ),
    ]
    return build_document(
        title=exercise_title,
        practice_name=practice_name,
        letterhead=letterhead,
        story=story,
        page_size=page_size,
        subtitle="Your private homework link",
    )
