"""Long notes: the start is shown and the whole text is one tap away, on the couple page, the
assignment page and the partner's own page. Nothing is cut, and markup stays text."""

from __future__ import annotations

import html
import re

import pytest

from practice.extensions import db
from practice.homework.models import Entry
from tests.factories import make_assignment, make_couple, make_exercise

# ~9,000 characters with line breaks, emoji, a right-to-left line and markup that must stay text.
PARAGRAPH = "We walked by the river 🌊 and talked about the week, slowly. <b>not bold</b>\n"
LONG_NOTE = PARAGRAPH * 110 + "שלום, זה הסוף.\nThe very last words."
SHORT_NOTE = "Short and sweet ✨ <i>as typed</i>"


@pytest.fixture
def shared_entries(app, counselor):
    """Ana wrote a long note and Ben a short one, both shared with each other."""
    with app.app_context():
        couple = make_couple(counselor)
        assignment, tokens = make_assignment(couple, make_exercise())
        ana, ben = couple.partners
        for n, (partner, note) in enumerate(((ana, LONG_NOTE), (ben, SHORT_NOTE))):
            db.session.add(
                Entry(
                    assignment_id=assignment.id,
                    partner_id=partner.id,
                    answers={},
                    completion_note=note,
                    private_note=LONG_NOTE if partner is ana else "",
                    visibility="partner",
                    submission_key=f"long-text-key-{n:04d}",
                )
            )
        db.session.commit()
        return {
            "couple": couple.id,
            "assignment": assignment.id,
            "ana_link": f"/h/{tokens[ana.id]}",
            "ben_link": f"/h/{tokens[ben.id]}",
        }


def _text(page: str) -> str:
    """The page's text as a reader gets it: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def assert_long_note_folded(page: str, lead: str) -> None:
    start = re.search(r'<p class="prewrap long-text-start">(.*?)</p>', page, re.S)
    assert start, "the long note should show its start"
    shown = _text(start.group(1))
    assert shown.startswith(f"{lead} We walked by the river 🌊") and shown.endswith("…")
    assert len(shown) < 700
    words = len(LONG_NOTE.split())
    assert f"Read all of it ({words:,} words)" in page
    # The whole text is on the page, as text: every word, and the markup escaped.
    assert html.escape(LONG_NOTE, quote=False) in page
    assert "<b>not bold</b>" not in page and "&lt;b&gt;not bold&lt;/b&gt;" in page


def test_couple_page_folds_long_notes_and_keeps_short_ones_whole(signed_in, shared_entries):
    page = signed_in.get(f"/couples/{shared_entries['couple']}").get_data(as_text=True)
    assert_long_note_folded(page, "How it went:")
    assert html.escape(SHORT_NOTE, quote=False) in page
    # Two long texts (the note and the private note) fold; the short note does not.
    assert page.count("<details>") == 2


def test_assignment_page_folds_long_notes(signed_in, shared_entries):
    page = signed_in.get(f"/homework/{shared_entries['assignment']}").get_data(as_text=True)
    assert_long_note_folded(page, "How it went:")


def test_partner_page_folds_the_other_partners_long_note(client, shared_entries):
    page = client.get(shared_entries["ben_link"]).get_data(as_text=True)
    assert_long_note_folded(page, "Note:")
    # A private note never reaches a partner, folded or not.
    assert page.count(html.escape(LONG_NOTE, quote=False)) == 1


def test_a_long_answer_folds_too(app, client, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        assignment, tokens = make_assignment(couple, make_exercise())
        ana = couple.partners[0]
        db.session.add(
            Entry(
                assignment_id=assignment.id,
                partner_id=ana.id,
                answers={"touched_me": LONG_NOTE},
                submission_key="long-answer-key-0001",
            )
        )
        db.session.commit()
        path = f"/h/{tokens[ana.id]}"
    page = client.get(path).get_data(as_text=True)
    assert "Read all of it" in page and html.escape(LONG_NOTE, quote=False) in page
