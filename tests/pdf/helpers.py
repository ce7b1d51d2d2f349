"""Reading our PDFs back: text, the glyph each character was drawn with, PNG renderings."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from practice.pdf.text import FONT_BOLD, FONT_CJK, FONT_EMOJI, FONT_REGULAR, register_fonts

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT_DIR = ROOT / "test-artifacts" / "pdf"


def pdf_text(data: bytes) -> str:
    """All text of the PDF, whitespace collapsed, folded to NFKC (joined Arabic letters read
    back as the letters)."""
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return unicodedata.normalize("NFKC", " ".join(text.split()))


def body_text(data: bytes, furniture: tuple[str, ...]) -> str:
    """Like pdf_text, with each page's footer and running title taken out, so text that
    flows over a page break reads on as one."""
    pages = []
    for page in PdfReader(BytesIO(data)).pages:
        text = " ".join((page.extract_text() or "").split())
        text = re.sub(r"Page \d+ of \d+", " ", text)
        for piece in furniture:
            text = text.replace(piece, " ")
        pages.append(text)
    return unicodedata.normalize("NFKC", " ".join(" ".join(pages).split()))


def page_count(data: bytes) -> int:
    return len(PdfReader(BytesIO(data)).pages)


def _coverage_by_face() -> dict[str, frozenset[int]]:
    register_fonts()
    faces = {}
    for name in (FONT_REGULAR, FONT_BOLD, FONT_CJK, FONT_EMOJI):
        try:
            font = pdfmetrics.getFont(name)
        except KeyError:
            continue
        faces[font.face.name.decode() if isinstance(font.face.name, bytes) else font.face.name] = (
            frozenset(font.face.charToGlyph)
        )
    return faces


def missing_glyphs(data: bytes) -> list[tuple[str, str]]:
    """(character, font) for every character drawn with a font that has no glyph for it,
    and for every character drawn with a font that is not embedded (the reader's own
    font would stand in). Read from the PDF: each text run, its font, its Unicode."""
    faces = _coverage_by_face()
    problems: list[tuple[str, str]] = []

    def visit(text, _cm, _tm, font, _size):
        if not text.strip() or font is None:
            return
        base = str(font.get("/BaseFont", ""))
        name = re.sub(r"-\d+$", "", base.split("+", 1)[-1].lstrip("/"))
        covered = faces.get(name)
        for ch in text:
            if ch.isspace():
                continue
            if ch == "\u25a1" or covered is None or ord(ch) not in covered:
                problems.append((ch, base))

    for page in PdfReader(BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return problems


def fonts_not_embedded(data: bytes) -> list[str]:
    """Font names pdffonts reports as not embedded."""
    result = subprocess.run(
        ["pdffonts", "-"], input=data, capture_output=True, check=True, timeout=60
    )
    lines = result.stdout.decode().splitlines()[2:]
    return [line.split()[0] for line in lines if line.split()[-5] != "yes"]


def save_renderings(data: bytes, name: str, pages: int = 2) -> list[Path]:
    """PNGs of the first pages at phone width (390 px) and at print resolution (150 dpi),
    in test-artifacts/pdf/, for a person to look at."""
    if shutil.which("pdftoppm") is None:
        return []
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACT_DIR / f"{name}.pdf"
    pdf_path.write_bytes(data)
    saved = []
    for label, args in (
        ("phone", ["-scale-to-x", "390", "-scale-to-y", "-1"]),
        ("print", ["-r", "150"]),
    ):
        prefix = ARTIFACT_DIR / f"{name}-{label}"
        subprocess.run(
            ["pdftoppm", "-png", "-f", "1", "-l", str(pages), *args, str(pdf_path), str(prefix)],
            check=True,
            timeout=120,
        )
        saved.extend(sorted(ARTIFACT_DIR.glob(f"{name}-{label}*.png")))
    return saved
