"""The shortcuts that make PDFs fast print exactly what the slow way printed."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata

import pytest
from reportlab.platypus import Paragraph

from practice.pdf import styles
from practice.pdf import text as pdf_text
from practice.pdf.flow import TextParagraph, para
from practice.pdf.text import safe_markup

TEXTS = [
    "We talked about the soft start-up.",
    "  spaces   inside\tand around  ",
    "Zoë and Søren, naïve café",
    "no\u00a0break\u00a0spaces and a soft\u00adhyphen",
    "x" * 3000,
    "a",
]


def _frags(p: Paragraph) -> list[dict]:
    return [dict(vars(f)) for f in p.frags]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("style", ["body", "h2", "cell_header", "small"])
def test_plain_text_skips_the_parser_but_makes_the_same_fragments(text, style):
    st = styles()[style]
    markup = safe_markup(text, bold=st.fontName.endswith("Bold"))
    fast, parsed = para(markup, st, "\u2022"), Paragraph(markup, st, bulletText="\u2022")
    assert _frags(fast) == _frags(parsed)
    assert fast.wrap(300, 800) == parsed.wrap(300, 800)


def test_markup_still_goes_through_the_parser():
    st = styles()["body"]
    p = para(safe_markup("a < b & 李娜 🙂"), st)
    assert [f.fontName for f in p.frags] != [st.fontName] * len(p.frags)  # fallback fonts kept
    assert "".join(f.text for f in p.frags) == "a < b & 李娜 🙂"


def test_a_paragraph_measured_again_at_another_width_is_broken_again():
    p = TextParagraph("word " * 200, styles()["body"])
    narrow = p.wrap(200, 10_000)
    assert p.wrap(200, 10_000) == narrow
    wide = p.wrap(400, 10_000)
    assert wide[1] < narrow[1]
    # Nothing fits: split gives up and forgets its lines; the next measure breaks them anew.
    assert p.split(400, 1) == []
    assert p.wrap(400, 10_000) == wide


def _fonts_read_after(code: str) -> str:
    script = (
        "from practice.pdf.text import safe_markup\n"
        f"{code}\n"
        "from reportlab.pdfbase import pdfmetrics\n"
        "print(sorted(n for n in ('WenQuanYiMicroHei', 'Symbola')"
        " if n in pdfmetrics.getRegisteredFontNames()))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return run.stdout.strip()


def test_a_fallback_font_is_read_only_when_a_character_needs_it():
    assert _fonts_read_after("safe_markup('Zoë Ødegaard — “quoted”')") == "[]"
    assert _fonts_read_after("safe_markup('Zoë 🙂')") == "['Symbola']"
    assert _fonts_read_after("safe_markup('李娜')") == "['WenQuanYiMicroHei']"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_process_forked_while_fonts_are_being_read_can_still_read_them():
    # gunicorn --preload forks its workers from a process whose font thread may be reading.
    with pdf_text._register_lock:
        pid = os.fork()
        if pid == 0:  # the child: the thread holding the lock does not exist here
            os._exit(0 if pdf_text._register_lock.acquire(timeout=5) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_every_right_to_left_letter_is_in_the_blocks_searched_first():
    """visual_line skips lines without a character in these blocks: a Hebrew, Arabic, Syriac,
    Thaana, N'Ko... letter outside them would print in the wrong order."""
    from practice.pdf.rtl import _RTL_BLOCKS, _STRONG_RTL

    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.bidirectional(chr(code)) in _STRONG_RTL and not _RTL_BLOCKS.search(chr(code))
    ]
    assert missed == []
