"""Fonts and user text → safe reportlab Paragraph markup.

Glyph policy, per character (after NFC normalisation):

* control and invisible format characters are dropped;
* CJK characters (Han, kana, Hangul, CJK punctuation, full-width forms) use the CJK
  TrueType font from Debian's ``fonts-wqy-microhei`` when it is installed (embedded
  like every other font); without it, one of reportlab's built-in CID fonts, chosen per
  run (``_cjk_font``), which the viewer must supply;
* anything else the bundled DejaVu font has a glyph for uses DejaVu (Latin, Greek,
  Cyrillic, Hebrew, Arabic and many symbols);
* what DejaVu lacks (most emoji) uses Symbola from Debian's ``fonts-symbola``, a
  monochrome font with the emoji of Unicode 9;
* everything else becomes ``REPLACEMENT`` so that no character can make rendering fail.

Right-to-left lines are put in visual order by ``rtl.visual_line``; the fonts are
registered here, embedded through ``ttfont.UnicodeTTFont``.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import cast

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from practice.pdf.rtl import visual_line
from practice.pdf.ttfont import UnicodeTTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_REGULAR = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

# Built-in Adobe CID fonts (sans where reportlab has one).
CJK_CHINESE = "STSong-Light"  # Adobe-GB1: widest Han coverage (all of GBK)
CJK_JAPANESE = "HeiseiKakuGo-W5"  # Adobe-Japan1: kana + JIS kanji
CJK_KOREAN = "HYGothic-Medium"  # Adobe-Korea1: Hangul (+ KS hanja, kana)

REPLACEMENT = "\u25a1"  # WHITE SQUARE; present in DejaVu Sans and Bold

# Fonts from Debian packages, used for what DejaVu lacks: (name, package, candidate paths,
# index in a collection). Looked up on this machine, never downloaded; the README and
# .ci/run install them. A missing one only means its characters print as REPLACEMENT
# (CJK falls back to the CID fonts).
FONT_CJK = "WenQuanYiMicroHei"
FONT_EMOJI = "Symbola"
_SYSTEM_FONTS = (
    (FONT_CJK, "fonts-wqy-microhei", ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",), 0),
    (
        FONT_EMOJI,
        "fonts-symbola",
        (
            "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
            "/usr/share/fonts/truetype/symbola/Symbola.ttf",
        ),
        0,
    ),
)
_fallbacks: list[str] = []  # the system fonts found, in order of preference
_fallback_paths: dict[str, tuple[str, int]] = {}  # name -> (file, index in a collection)

_register_lock = threading.Lock()
_registered = False


def _after_fork_in_child() -> None:
    # A process forked while preload_fonts' thread held the lock (gunicorn --preload) would
    # otherwise wait for it forever: that thread does not exist in the child.
    global _register_lock
    _register_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def register_fonts() -> None:
    """Register every font the PDFs may use with reportlab (idempotent).

    Rendering itself only needs ``register_base_fonts``: the system fallback fonts are
    parsed when a character first needs one (the CJK collection alone takes ~0.5 s to
    read, which the first PDF of a process would otherwise wait for)."""
    register_base_fonts()
    for name in _fallbacks:
        _load_fallback(name)


def preload_fonts() -> threading.Thread:
    """Read every font on a background thread, so that the first PDF a web process serves
    does not wait the half second the CJK collection takes (a PDF that needs a font before
    then waits for it on the lock)."""
    thread = threading.Thread(target=register_fonts, name="pdf-fonts", daemon=True)
    thread.start()
    return thread


def register_base_fonts() -> None:
    """Register DejaVu, the CID fonts, and find (without reading) the system fonts."""
    global _registered
    if _registered:
        return
    with _register_lock:
        if _registered:
            return
        pdfmetrics.registerFont(UnicodeTTFont(FONT_REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(UnicodeTTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        # No italic face is shipped: <i> falls back to the upright face rather
        # than to a Type 1 font with no Unicode coverage.
        addMapping(FONT_REGULAR, 0, 0, FONT_REGULAR)
        addMapping(FONT_REGULAR, 1, 0, FONT_BOLD)
        addMapping(FONT_REGULAR, 0, 1, FONT_REGULAR)
        addMapping(FONT_REGULAR, 1, 1, FONT_BOLD)
        for name in (CJK_CHINESE, CJK_JAPANESE, CJK_KOREAN):
            pdfmetrics.registerFont(UnicodeCIDFont(name))
        _find_system_fonts()
        _registered = True


def _find_system_fonts() -> None:
    for name, _package, paths, index in _SYSTEM_FONTS:
        path = next((p for p in paths if Path(p).is_file()), None)
        if path is not None and name not in _fallback_paths:  # once, even after a fork
            _fallback_paths[name] = (path, index)
            _fallbacks.append(name)


def _load_fallback(name: str) -> None:
    """Parse and register one system font found by `register_base_fonts` (once)."""
    if name in pdfmetrics.getRegisteredFontNames():
        return
    with _register_lock:
        if name not in pdfmetrics.getRegisteredFontNames():
            path, index = _fallback_paths[name]
            pdfmetrics.registerFont(UnicodeTTFont(name, path, subfontIndex=index))


def system_fonts() -> dict[str, bool]:
    """Each Debian font package the PDFs use, and whether it is installed here."""
    register_base_fonts()
    return {package: name in _fallbacks for name, package, _paths, _index in _SYSTEM_FONTS}


@lru_cache(maxsize=8)
def _coverage(font_name: str) -> frozenset[int]:
    register_base_fonts()
    if font_name in _fallback_paths:
        _load_fallback(font_name)
    # Every font we register is a TTFont (register_fonts); getFont is typed as the base Font.
    font = cast(TTFont, pdfmetrics.getFont(font_name))
    return frozenset(font.face.charToGlyph)


# --- character classes -------------------------------------------------------


def _char_class(ranges: list[tuple[int, int]]) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges) + "]+")


_HANGUL_RANGES = [(0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF), (0xFFA0, 0xFFDC)]
_KANA_RANGES = [(0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF61, 0xFF9F)]
_CJK_RANGES = sorted(
    [
        *_HANGUL_RANGES,
        *_KANA_RANGES,
        (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3100, 0x312F),  # Bopomofo
        (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility
        (0x3400, 0x4DBF),  # Han extension A
        (0x4E00, 0x9FFF),  # CJK unified ideographs
        (0xF900, 0xFAFF),  # compatibility ideographs
        (0xFF00, 0xFF60),  # full-width forms
        (0xFFE0, 0xFFEF),  # full-width signs
    ]
)
# Astral CJK (extension B and later) is left out on purpose: the UCS-2 CID
# encodings cannot address it, so it falls through to REPLACEMENT.
_CJK_RUN = _char_class(_CJK_RANGES)
_HANGUL = _char_class(_HANGUL_RANGES)
_KANA = _char_class(_KANA_RANGES)


def _cjk_font(run: str, text_has_kana: bool, text_has_hangul: bool) -> str:
    """Pick a CID font for one CJK run; script-specific letters decide first."""
    if _HANGUL.search(run):
        return CJK_KOREAN
    if _KANA.search(run):
        return CJK_JAPANESE
    # Han or punctuation alone: follow the rest of the text, so "日本語" next
    # to kana prints in the Japanese face and next to Hangul in the Korean one.
    if text_has_kana:
        return CJK_JAPANESE
    if text_has_hangul:
        return CJK_KOREAN
    return CJK_CHINESE


# --- cleaning -----------------------------------------------------------------

_NEWLINES = re.compile(r"\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_BLANK_LINES = re.compile(r"\n{3,}")
_NOT_PLAIN = re.compile(r"[^\n\x20-\x7e]+")
_KEEP_FORMAT = {"\u00ad"}  # soft hyphen: reportlab uses it as a break hint
# Emoji modifiers and selectors only change how the previous glyph looks; with
# no colour-emoji font they would otherwise each print as an extra box.
_DROP_RANGES = (
    (0xFE00, 0xFE0F),  # variation selectors
    (0x1F3FB, 0x1F3FF),  # skin-tone modifiers
    (0xE0100, 0xE01EF),  # variation selectors supplement
)


def _drop(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat == "Cc" or (cat == "Cf" and ch not in _KEEP_FORMAT):
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _DROP_RANGES)


def clean_text(text: object) -> str:
    """Normalise user text to NFC with ``\\n`` newlines and no control characters."""
    if text is None:
        return ""
    s = str(text)
    # Lone surrogates (from badly decoded input) cannot be encoded at all.
    s = s.encode("utf-8", "replace").decode("utf-8")
    s = unicodedata.normalize("NFC", s)
    s = _NEWLINES.sub("\n", s).replace("\t", " ")
    # Only characters outside printable ASCII need a category lookup.
    s = _NOT_PLAIN.sub(lambda m: "".join(ch for ch in m.group() if not _drop(ch)), s)
    return _BLANK_LINES.sub("\n\n", s)


# --- markup ------------------------------------------------------------------------


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# reportlab splits an over-long word one character width at a time and redoes
# it at every page break: 50,000 characters without a space took ~5 s. A space
# every 64 characters keeps that linear; at body width each 64-character piece
# fills most of a line, so the inserted spaces fall at line ends. (U+200B would
# be invisible but reportlab only breaks on it in some code paths.) Tokens under
# 1,000 characters (URLs, table-cell excerpts) are cheap to split and left alone.
_LONG_TOKEN = re.compile(r"\S{1000,}")


def _break_long_token(match: re.Match[str]) -> str:
    token = match.group()
    if _CJK_RUN.search(token):
        return token  # CJK text has no spaces; a break space would show mid-line
    return " ".join(token[i : i + 64] for i in range(0, len(token), 64))


@lru_cache(maxsize=16384)
def _font_for(cp: int, chain: tuple[str, ...]) -> str:
    """The first font of ``chain`` with a glyph for ``cp`` ("" when none has one).

    Remembered per character, so a font's coverage is only looked up (and a fallback font
    only read from disk) the first time a character needs it."""
    return next((name for name in chain if cp in _coverage(name)), "")


def _font_runs(text: str, own: str, chain: tuple[str, ...]) -> str:
    """Markup for text whose characters each take the first font of ``chain`` that has
    them; runs in ``own`` (the paragraph's font) need no tag."""
    runs: list[tuple[str | None, list[str]]] = []
    for ch in text:
        font: str | None = _font_for(ord(ch), chain)
        if font == "":
            font, ch = None, REPLACEMENT
        elif font == own:
            font = None
        if runs and runs[-1][0] == font:
            runs[-1][1].append(ch)
        else:
            runs.append((font, [ch]))
    return "".join(
        _escape("".join(chars))
        if font is None
        else f'<font name="{font}">{_escape("".join(chars))}</font>'
        for font, chars in runs
    )


def _plain_markup(segment: str, own: str, chain: tuple[str, ...]) -> str:
    """Markup for text outside CJK runs: ASCII as is, the rest font by font."""
    out, pos = [], 0
    for m in _NOT_PLAIN.finditer(segment):
        out.append(_escape(segment[pos : m.start()]))
        out.append(_font_runs(m.group(), own, chain))
        pos = m.end()
    out.append(_escape(segment[pos:]))
    return "".join(out)


def safe_markup(text: object, *, bold: bool = False) -> str:
    """Turn untrusted user text into Paragraph markup that is always printable.

    Escapes ``& < >`` (user HTML shows literally), strips control characters,
    wraps CJK runs, emoji and other characters DejaVu lacks in ``<font name=...>``,
    replaces characters no font has with ``REPLACEMENT``, reorders RTL text for
    display (``visual_line``) and turns newlines into ``<br/>``. Pass ``bold=True``
    when the text goes into a bold style, since the bold face covers slightly fewer
    characters.
    """
    return markup_of_clean(clean_text(text), bold=bold)


def markup_of_clean(s: str, *, bold: bool = False) -> str:
    """``safe_markup`` of text that has already been through ``clean_text``."""
    if not s:
        return ""
    s = _LONG_TOKEN.sub(_break_long_token, s)
    if s.isascii():  # the common case: DejaVu covers all printable ASCII
        return _escape(s).replace("\n", "<br/>")
    register_base_fonts()
    own = FONT_BOLD if bold else FONT_REGULAR
    cjk = FONT_CJK in _fallbacks
    others = tuple(name for name in _fallbacks if name != FONT_CJK)
    # Outside CJK runs: our font, then the others, the CJK font last; inside: the CJK font
    # first (its Han and kana look right together), then ours and the others.
    chain = (own, *others, *((FONT_CJK,) if cjk else ()))
    cjk_chain = (FONT_CJK, own, *others) if cjk else None
    has_kana, has_hangul = bool(_KANA.search(s)), bool(_HANGUL.search(s))

    parts: list[str] = []
    for line in s.split("\n"):
        line = visual_line(line)
        markup, pos = [], 0
        for m in _CJK_RUN.finditer(line):
            markup.append(_plain_markup(line[pos : m.start()], own, chain))
            if cjk_chain:
                markup.append(_font_runs(m.group(), own, cjk_chain))
            else:  # no CJK TrueType font here: a CID font the viewer supplies
                font = _cjk_font(m.group(), has_kana, has_hangul)
                markup.append(f'<font name="{font}">{_escape(m.group())}</font>')
            pos = m.end()
        markup.append(_plain_markup(line[pos:], own, chain))
        parts.append("".join(markup))
    return "<br/>".join(parts)


def plain_text(text: object, *, limit: int | None = None) -> str:
    """Cleaned single-line text for PDF metadata (no markup, no newlines)."""
    s = " ".join(clean_text(text).split())
    if limit is not None and len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return s
