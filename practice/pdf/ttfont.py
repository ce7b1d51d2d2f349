"""The TrueType font class our PDFs embed: reportlab's, with a ToUnicode map that is right
beyond U+FFFF, so text copied or read aloud from a PDF is the text that was printed."""

from __future__ import annotations

from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFont


class UnicodeTTFont(TTFont):
    """A TrueType font whose ToUnicode map is right beyond U+FFFF (see `_to_unicode_cmap`).

    The fix applies to our fonts only, after reportlab has built each subset's objects;
    reportlab's own function stays as it is for everything else in the process."""

    def addObjects(self, doc) -> None:
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            name = b"".join((ttfonts.SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            base_font = name.decode("pdfdoc")
            # The stream reportlab registered for this subset (addObjects names it so).
            stream = doc.idToObject["toUnicodeCMap:" + base_font]
            stream.content = _to_unicode_cmap(base_font, subset)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with astral characters written as UTF-16.

    reportlab 5.1 writes U+1F600 as ``<1F600>``, an odd-length hex string that
    viewers misread (poppler extracts "ὠ"), so DejaVu's emoji glyphs would
    print but copy/search/screen readers would get the wrong text.
    """
    entries = []
    for code, cp in enumerate(subset):
        utf16 = chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()
        entries.append(f"<{code:02X}> <{utf16}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )
