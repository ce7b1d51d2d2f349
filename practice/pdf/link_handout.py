"""The printable sheet a counselor hands a partner: their one link as text and QR code."""

from __future__ import annotations

from reportlab.lib.units import mm

from practice.pdf.base import heading, numbered_list, paragraph, qr_code, spacer
from practice.pdf.document import build_document
from practice.pdf.page import Letterhead

# A sheet is one page: a long list of homework is cut to this many, with a count of the rest
# (they are all on the partner's page anyway).
HANDOUT_HOMEWORK_SHOWN = 8


def render_partner_handout(
    *,
    practice_name: str,
    counselor_name: str,
    partner_first_name: str,
    url: str,
    expires: str,
    homework: list[tuple[str, str]],
    page_size: str = "a4",
    letterhead: Letterhead | None = None,
) -> bytes:
    """One sheet for one partner: their one link as text and QR code, from whom, and the
    homework waiting on it now ((title, due) pairs). Handed over in person, so titles are
    fine here (emails carry none)."""
    shown = homework[:HANDOUT_HOMEWORK_SHOWN]
    story = [
        paragraph(f"For {partner_first_name}, from {counselor_name}", "subtitle"),
        heading("Scan with your phone's camera"),
        qr_code(url, size=50 * mm),
        spacer(6),
        heading("Or type this address", level=3),
        paragraph(url, "body"),
        heading("Your homework now"),
    ]
    if shown:
        story.append(numbered_list([f"{title} (due {due})" for title, due in shown]))
        if len(homework) > len(shown):
            story.append(paragraph(f"And {len(homework) - len(shown)} more on your page.", "muted"))
    else:
        story.append(paragraph("Nothing yet: new homework appears on your page.", "muted"))
    story += [
        heading("How it works"),
        numbered_list(
            [
                "Open the link on your phone or computer. You do not need an account.",
                "Your page lists all your homework. Open one, do it, answer, and press Send.",
                "You choose who sees each answer: only your counselor, or your partner too.",
                "The same link works for all your homework, new homework included, until "
                f"{expires} (it is kept going while you have homework).",
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
        title="Your homework page",
        practice_name=practice_name,
        letterhead=letterhead,
        story=story,
        page_size=page_size,
        subtitle="Your private link",
    )
