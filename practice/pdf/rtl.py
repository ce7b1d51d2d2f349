"""Right-to-left lines (Hebrew, Arabic) in the order reportlab must draw them.

Arabic letters are joined into their contextual forms by arabic-reshaper, then python-bidi
(the Unicode bidi algorithm) reorders the line. A line whose first strong letter is
right-to-left is a right-to-left line; ``flow`` wraps such a line in logical order before
reordering each printed line, so a long Hebrew note reads from its first line down.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_STRONG_RTL = {"R", "AL"}
_ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
# Every right-to-left letter (bidi class R or AL) lies in these blocks (a test checks it):
# one regex search clears a line of accented Latin, CJK or emoji far faster than asking
# unicodedata about each of its characters.
_RTL_BLOCKS = re.compile(
    "[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def is_rtl_line(line: str) -> bool:
    """True when the line's first strong letter is right-to-left (its base direction)."""
    for ch in line:
        bidi = unicodedata.bidirectional(ch)
        if bidi == "L":
            return False
        if bidi in _STRONG_RTL:
            return True
    return False


@lru_cache(maxsize=1)
def _arabic_reshaper():
    import arabic_reshaper

    # Keep harakat (vowel marks): DejaVu has them as combining marks.
    return arabic_reshaper.ArabicReshaper({"delete_harakat": False})


def visual_line(line: str) -> str:
    """One line of text (no newline) in the order reportlab must draw it.

    Arabic letters are first replaced by their joined (contextual) presentation forms,
    then the Unicode bidi algorithm (python-bidi) reorders the line for a base direction
    taken from its first strong letter: numbers keep their digit order, brackets mirror.
    """
    if line.isascii() or not _RTL_BLOCKS.search(line):
        return line
    if not any(unicodedata.bidirectional(ch) in _STRONG_RTL for ch in line):
        return line
    # python-bidi's pure-Python algorithm: unlike its Rust one it also mirrors brackets
    # inside right-to-left runs (rule L4), so "(note)" does not print as ")note(".
    from bidi import get_display as rust_get_display
    from bidi.algorithm import get_display

    if _ARABIC_LETTERS.search(line):
        line = _arabic_reshaper().reshape(line)
    base = "R" if is_rtl_line(line) else "L"
    try:
        visual = get_display(line, base_dir=base)
    except AssertionError:
        # It refuses a few rare right-to-left scripts (Old Hungarian...); the Rust one
        # reorders them, without mirroring.
        visual = rust_get_display(line, base_dir=base)
    return _marks_after_letters(visual)


def _marks_after_letters(visual: str) -> str:
    """Put each run of combining marks back after its letter.

    Reversing a right-to-left run puts a letter's vowel points before it; reportlab draws
    a mark over the glyph before it, so they must follow their letter again."""
    out: list[str] = []
    marks: list[str] = []
    for ch in visual:
        if unicodedata.category(ch) == "Mn" and unicodedata.bidirectional(ch) == "NSM":
            marks.append(ch)
            continue
        out.append(ch)
        if marks:
            if unicodedata.bidirectional(ch) in _STRONG_RTL:
                out.extend(reversed(marks))  # and in their first order
            else:  # marks of a left-to-right letter were not moved: keep their place
                out[-1:-1] = marks
            marks = []
    out.extend(marks)
    return "".join(out)
