"""The PDF core: hostile and multilingual text prints, every page carries its footer."""

from __future__ import annotations

import ast
import re
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

from practice.pdf import (
    CELL_EXCERPT_CHARS,
    PAGE_SIZES,
    REPLACEMENT,
    build_document,
    bullet_list,
    data_table,
    excerpt,
    heading,
    key_value_table,
    numbered_list,
    paragraph,
    qr_code,
    rule,
    safe_markup,
    spacer,
    styles,
)
from practice.pdf import text as pdf_text
from practice.pdf.text import (
    CJK_CHINESE,
    CJK_JAPANESE,
    CJK_KOREAN,
    FONT_CJK,
    FONT_DIR,
    FONT_EMOJI,
    _coverage,
    system_fonts,
)

PDF_DIR = Path(__file__).resolve().parents[2] / "practice" / "pdf"

NAMES = "Renée Muñoz & Søren Ødegaard"
HOSTILE = (
    f"{NAMES} 😀❤️ 中文 日本語 한국어 שלום مرحبا "
    "<script>alert(1)</script> &amp; nul\x00bell\x07esc\x1bdel\x7f \u202eflip\u202c zero\u200bwidth"
)
PROSE = "We talked about the soft start-up and agreed to try it twice a week. "


def render(story: list, **kwargs) -> bytes:
    kwargs.setdefault("title", "Session summary")
    kwargs.setdefault("practice_name", "Calm Harbor Couples Therapy")
    return build_document(story=story, **kwargs)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


# --- safe_markup ------------------------------------------------------------------


def test_markup_escapes_user_html_and_entities():
    assert safe_markup("<b>hi</b> & &amp; &#65;") == (
        "&lt;b&gt;hi&lt;/b&gt; &amp; &amp;amp; &amp;#65;"
    )


def test_markup_strips_control_and_format_characters():
    assert safe_markup("a\x00b\x07c\x1b\x7fd\u202ee\u200bf\ufeffg") == "abcdefg"
    assert safe_markup(None) == ""
    assert safe_markup("\x00\x01") == ""


def test_markup_newlines_become_breaks_and_blank_runs_collapse():
    assert safe_markup("one\r\ntwo\rthree\u2028four") == "one<br/>two<br/>three<br/>four"
    assert safe_markup("a\n\n\n\n\nb\tc") == "a<br/><br/>b c"


def test_markup_wraps_cjk_runs_in_the_embedded_cjk_font():
    assert system_fonts()["fonts-wqy-microhei"], "install fonts-wqy-microhei (see README)"
    assert safe_markup("王 中文") == (
        f'<font name="{FONT_CJK}">王</font> <font name="{FONT_CJK}">中文</font>'
    )
    assert f'<font name="{FONT_CJK}">日本語です</font>' in safe_markup("日本語です")
    assert f'<font name="{FONT_CJK}">한국어</font>' in safe_markup("한국어")


def test_markup_wraps_emoji_in_the_emoji_font():
    assert system_fonts()["fonts-symbola"], "install fonts-symbola (see README)"
    assert safe_markup("a🙏b") == f'a<font name="{FONT_EMOJI}">🙏</font>b'
    assert safe_markup("👍🏽") == f'<font name="{FONT_EMOJI}">👍</font>'  # the tone drops


def test_without_a_cjk_font_cjk_runs_use_a_cid_font_per_script(monkeypatch):
    pdf_text.register_fonts()
    monkeypatch.setattr(pdf_text, "_fallbacks", [])
    assert safe_markup("王 中文") == (
        f'<font name="{CJK_CHINESE}">王</font> <font name="{CJK_CHINESE}">中文</font>'
    )
    assert f'<font name="{CJK_JAPANESE}">日本語です</font>' in safe_markup("日本語です")
    assert f'<font name="{CJK_KOREAN}">한국어</font>' in safe_markup("한국어")
    # Han next to kana or Hangul follows that language's font.
    assert f'<font name="{CJK_JAPANESE}">田中</font>' in safe_markup("田中 さん")
    assert f'<font name="{CJK_KOREAN}">金</font>' in safe_markup("金 민준")


def test_markup_replaces_what_no_font_has():
    # An emoji newer than the emoji font, a private-use char and astral CJK: no glyph.
    for ch in ("\U0001fae0", "\ue000", "\U00020000", "\U0010ffff"):
        assert ord(ch) not in _coverage("DejaVuSans")
        assert safe_markup(f"a{ch}b") == f"a{REPLACEMENT}b"
    # Emoji modifiers and selectors vanish instead of adding boxes.
    assert safe_markup("❤️") == "❤"
    # A lone surrogate (from badly decoded input) does not crash.
    assert "x" in safe_markup("\ud800x")


def test_bold_markup_replaces_what_only_the_regular_face_has():
    regular, bold = _coverage("DejaVuSans"), _coverage("DejaVuSans-Bold")
    others = set().union(*(_coverage(name) for name in pdf_text._fallbacks))
    only_regular = next(cp for cp in sorted(regular - bold - others) if chr(cp).isalpha())
    text = f"x{chr(only_regular)}"
    assert safe_markup(text) == text
    assert safe_markup(text, bold=True) == f"x{REPLACEMENT}"


def test_markup_puts_right_to_left_runs_in_visual_order():
    # Reportlab draws left to right, so RTL words are stored reversed for display.
    assert safe_markup("Client: דוד כהן") == "Client: ןהכ דוד"
    # A line that starts in Hebrew is a right-to-left line: its Latin run goes to the left.
    assert safe_markup("בן-דוד כהן (נועה) room 2") == "room 2 (העונ) ןהכ דוד-ןב"
    assert safe_markup("מחיר 1,000.50 ש״ח") == "ח״ש 1,000.50 ריחמ"  # digits keep their order
    # Arabic letters are joined (contextual forms) and then reordered.
    assert safe_markup("مرحبا") == "\ufe8e\ufe92\ufea3\ufeae\ufee3"
    # Vowel points stay after their letter.
    shin, vav, lamed, mem = (unicodedata.normalize("NFC", c) for c in ("שָׁ", "וֹ", "ל", "ם"))
    assert safe_markup(shin + lamed + vav + mem) == mem + vav + lamed + shin
    assert safe_markup("abc") == "abc"


def _drawn_lines(pdf: bytes) -> list[tuple[float, float, str]]:
    """(y, x, text) of each line drawn on the first page, top line first."""
    lines: dict[float, list[tuple[float, str]]] = {}

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            y = round(tm[5] + cm[5], 1)
            lines.setdefault(y, []).append((round(tm[4] + cm[4], 1), text))

    PdfReader(BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return [
        (y, min(x for x, _ in parts), "".join(t for _, t in parts))
        for y, parts in sorted(lines.items(), reverse=True)
    ]


def test_a_long_right_to_left_paragraph_reads_from_its_first_line_down():
    """Wrapped as one reordered Paragraph, a long Hebrew note printed its last line first.
    Each word carries a two-digit number: read top to bottom, and right to left within a
    line (drawn left to right, so the numbers fall), they must come in order; the lines are
    right-aligned."""
    words = [f"מילה{n:02d}" for n in range(1, 61)]
    pdf = render(
        [paragraph("Before the note."), paragraph(" ".join(words)), paragraph("After the note.")]
    )
    drawn = _drawn_lines(pdf)
    hebrew = [
        (x, [int(n) for n in re.findall(r"\d\d", text)]) for _, x, text in drawn if "מילה" in text
    ]
    assert len(hebrew) >= 3  # it did wrap
    for _, numbers in hebrew:
        assert numbers == sorted(numbers, reverse=True), numbers
    assert [n for _, numbers in hebrew for n in reversed(numbers)] == list(range(1, 61))
    left_margin = next(x for _, x, text in drawn if text.startswith("Before the note."))
    assert hebrew[-1][0] > left_margin + 100  # the short last line sits on the right
    rows = [("מילה" in text, text.startswith(("Before", "After"))) for _, _, text in drawn]
    before, after = (i for i, (_, ours) in enumerate(rows) if ours)
    assert all(is_hebrew == (before < i < after) for i, (is_hebrew, _) in enumerate(rows))


def test_right_to_left_lines_in_a_mixed_note_and_a_list_item():
    pdf = render(
        [
            paragraph("First an English line.\nשורה בעברית עם room 7 באמצע\nAnd English again."),
            bullet_list(["פריט ראשון", "second item"]),
        ]
    )
    texts = [text for _, _, text in _drawn_lines(pdf)]
    english, hebrew, again = (
        next(i for i, t in enumerate(texts) if marker in t)
        for marker in ("First an English line.", "room 7", "And English again.")
    )
    assert english < hebrew < again  # the note's lines keep their order
    assert any("second item" in t for t in texts)
    assert any("ראשון" in t or "ןושאר" in t for t in texts)


def test_markup_breaks_only_very_long_tokens():
    url = "https://example.org/h/" + "a" * 900
    assert safe_markup(url) == url
    assert safe_markup("x" * 2000).count(" ") == 2000 // 64
    assert safe_markup("中" * 2000) == f'<font name="{FONT_CJK}">{"中" * 2000}</font>'


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_renders(text):
    """Whatever Unicode a user types, every helper prints it without raising."""
    pdf = render(
        [heading(text), paragraph(text), bullet_list([text]), data_table(["h"], [[text]])],
        title=text,
        subtitle=text,
        practice_name=text,
    )
    assert pdf.startswith(b"%PDF")


def test_excerpt_cuts_long_text_and_many_lines():
    assert excerpt("short") == "short"
    cut = excerpt("word " * 1000)
    assert cut.endswith("…") and len(cut) <= CELL_EXCERPT_CHARS + 1
    assert excerpt("line\n" * 100).count("\n") < 20
    assert excerpt(None) == ""


# --- documents ----------------------------------------------------------------------


def full_story(text: str) -> list:
    return [
        heading("Overview"),
        key_value_table([("Clients", NAMES), ("Notes", text), ("Empty", "")]),
        heading(text, 3),
        paragraph(text),
        paragraph(""),
        bullet_list([text, "Second item"]),
        bullet_list([]),
        numbered_list([text, "Step two"]),
        data_table(["Exercise", "Notes"], [["Soft start-up", text], ["", ""]], col_widths=[1, 3]),
        spacer(4 * mm),
        rule(),
        qr_code("https://example.org/h/abc"),
    ]


def test_hostile_multilingual_text_renders_and_extracts():
    pdf = render(full_story(HOSTILE), subtitle=HOSTILE, practice_name=f"<i>{NAMES}</i>")
    text = "\n".join(pages_text(pdf))
    for name in ("Renée", "Muñoz", "Søren", "Ødegaard"):
        assert name in text
    assert "<script>alert(1)</script>" in text
    assert "&amp;" in text
    assert "<i>Renée" in text  # practice name in the footer is literal too
    assert "Confidential" in text
    assert "Page 1 of" in text
    assert "\x00" not in text and "\x07" not in text
    # The embedded fonts carry Unicode maps, so CJK text is searchable.
    for word in ("中文", "日本語", "한국어"):
        assert word in text
    # DejaVu's emoji glyph keeps its Unicode value (reportlab's own ToUnicode
    # map writes astral characters wrongly; see text._to_unicode_cmap).
    assert "😀" in text
    # Readers rebuild logical order from the visual order we draw.
    assert "שלום" in text
    # Arabic is drawn in joined presentation forms, which fold back to the letters.
    assert "مرحبا" in unicodedata.normalize("NFKC", text)


def test_fonts_are_embedded_and_licensed():
    pdf = render([paragraph(NAMES)])
    fonts = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(font["/BaseFont"])
            if "DejaVu" in font["/BaseFont"]:
                assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert any(f.endswith("+DejaVuSans") for f in fonts)
    assert any(f.endswith("+DejaVuSans-Bold") for f in fonts)
    licence = (FONT_DIR / "LICENSE.txt").read_text()
    assert "Bitstream Vera" in licence and "Arev" in licence
    assert (FONT_DIR / "DejaVuSans.ttf").is_file() and (FONT_DIR / "DejaVuSans-Bold.ttf").is_file()


def test_long_paragraph_splits_and_every_page_has_footer():
    text = (PROSE * 800)[:50_000]
    assert "\n" not in text
    pages = pages_text(render([heading("Notes"), paragraph(text)]))
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert "Confidential" in page
        assert f"Page {number} of {len(pages)}" in page
        assert "Calm Harbor Couples Therapy" in page
    assert "Session summary" in pages[1]  # running header from page 2


def test_unbroken_and_many_line_text_split_across_pages():
    pages = pages_text(render([paragraph("q" * 50_000)]))
    assert len(pages) > 3
    assert flat("".join(pages)).replace(" ", "").count("q") == 50_000

    lines = [f"line{i}" for i in range(3000)]
    pages = pages_text(render([paragraph("\n".join(lines)), paragraph("after")]))
    text = "\n".join(pages)
    assert len(pages) > 10
    assert "line0" in text and "line2999" in text and "after" in text


def test_long_list_items_split_across_pages():
    pages = pages_text(render([bullet_list([PROSE * 400, "z" * 20_000, "last item"])]))
    assert len(pages) > 3
    assert "last item" in pages[-1]


def test_table_cells_are_excerpted_and_header_repeats():
    rows = [[f"row{i}", PROSE * 3] for i in range(120)]
    rows.append(["huge", "Q" * 50_000])
    pages = pages_text(render([data_table(["Exercise", "Notes"], rows)]))
    assert len(pages) > 2
    assert all("Exercise" in page for page in pages)
    text = "".join(pages)
    assert "…" in text
    assert CELL_EXCERPT_CHARS - 10 < text.count("Q") <= CELL_EXCERPT_CHARS


def test_key_value_values_are_excerpted():
    pages = pages_text(render([key_value_table([("Notes", "v" * 50_000), ("x" * 5000, "y")])]))
    assert len(pages) == 1


def test_empty_story_renders_one_page():
    pages = pages_text(render([]))
    assert len(pages) == 1
    assert "Session summary" in pages[0] and "Page 1 of 1" in pages[0]


def test_not_confidential_omits_the_marking():
    text = pages_text(render([paragraph("x")], confidential=False))[0]
    assert "Confidential" not in text
    assert "Page 1 of 1" in text


def test_page_sizes_and_metadata():
    a4 = PdfReader(BytesIO(render([], page_size="a4", title="Renée <b>&")))
    letter = PdfReader(BytesIO(render([], page_size="Letter")))
    assert [round(float(v)) for v in a4.pages[0].mediabox[2:]] == [round(v) for v in A4]
    assert [round(float(v)) for v in letter.pages[0].mediabox[2:]] == [round(v) for v in LETTER]
    assert a4.pages[0].mediabox != letter.pages[0].mediabox
    assert a4.metadata.title == "Renée <b>&"
    assert set(PAGE_SIZES) == {"a4", "letter"}
    with pytest.raises(ValueError):
        render([], page_size="legal")


def test_qr_code_renders_as_vector_modules():
    drawing = qr_code("https://example.org/h/abc", size=40 * mm)
    assert (drawing.width, drawing.height) == (40 * mm, 40 * mm)
    pdf = render([qr_code("https://example.org/h/" + "ü" * 50)])
    content = PdfReader(BytesIO(pdf)).pages[0].get_contents().get_data()
    assert len(re.findall(rb"\bre\b", content)) > 100  # one rectangle per dark module
    with pytest.raises(ValueError):
        qr_code("")


def test_styles_are_fresh_and_use_embedded_fonts():
    a, b = styles(), styles()
    assert a["body"] is not b["body"]
    assert {"title", "h2", "h3", "body", "small", "muted", "cell"} <= set(a)
    assert a["body"].fontName == "DejaVuSans" and a["body"].fontSize == 11
    assert a["h2"].fontName == "DejaVuSans-Bold"
    with pytest.raises(ValueError):
        heading("x", 4)


def test_pdf_package_does_not_import_flask():
    for path in PDF_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0].startswith("flask") for m in modules), path
