"""The printable one-page handout of an exercise, with room to write the answers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle

from practice.exercises.sources import source_title
from practice.pdf import build_document, heading, paragraph, rule, spacer, styles

# Writing lines per prompt type: enough for a short answer while keeping the page to one sheet.
_TEXT_LINES = 2
_CITATION_CHARS = 140


@cache
def _compact() -> dict[str, ParagraphStyle]:
    """Smaller text than the summaries use: the whole exercise has to fit on one sheet."""
    base = styles()
    body = ParagraphStyle("handout", parent=base["body"], fontSize=9.5, leading=12.5,
                          spaceAfter=3)
    return {
        "body": body,
        "step": ParagraphStyle("handout_step", parent=body, leftIndent=14, firstLineIndent=-14,
                               spaceAfter=2),
        "label": ParagraphStyle("handout_label", parent=base["cell_header"], fontSize=9.5,
                                leading=12.5, spaceBefore=4, spaceAfter=1),
        "small": ParagraphStyle("handout_small", parent=base["muted"], fontSize=8.5,
                                leading=11, spaceAfter=0),
    }


def _lines(count: int) -> list[Any]:
    story: list[Any] = []
    for _ in range(count):
        story += [spacer(8), rule()]
    return story


def _answer_space(prompt: dict[str, Any]) -> list[Any]:
    kind = prompt.get("type")
    if kind == "list":
        story: list[Any] = []
        for number in range(1, int(prompt.get("items") or 1) + 1):
            story += [paragraph(f"{number}.", _compact()["small"]), rule()]
        return story
    if kind == "i_statement":
        story = []
        for part in ("I feel", "when", "because", "I need"):
            story += [paragraph(f"{part} \u2026", _compact()["small"]), rule()]
        return story
    if kind == "scale":
        circles = "\u2003".join(f"\u25cb {n}" for n in range(1, 6))
        low, high = prompt.get("low", ""), prompt.get("high", "")
        return [paragraph(f"{low}\u2003{circles}\u2003{high}", _compact()["body"])]
    if kind == "yes_no":
        return [paragraph("\u25cb Yes\u2003\u2003\u25cb No", _compact()["body"])]
    return _lines(_TEXT_LINES)


def _citation(source: dict[str, str], titles: Mapping[str, str]) -> str:
    title = source_title(source, titles)
    if len(title) > _CITATION_CHARS:
        title = title[:_CITATION_CHARS].rsplit(" ", 1)[0] + "\u2026"
    return title


def build_handout(
    snapshot: dict[str, Any],
    *,
    practice_name: str,
    source_titles: Mapping[str, str],
    page_size: str = "a4",
) -> bytes:
    """PDF bytes for an exercise given as `Exercise.snapshot()`."""
    style = _compact()
    story: list[Any] = []
    timing = " \u00b7 ".join(
        f"{label}: {snapshot[key]}"
        for label, key in (("How often", "frequency"), ("How long", "duration"))
        if snapshot.get(key)
    )
    if timing:
        story.append(paragraph(timing, style["label"]))
    if snapshot.get("why"):
        story += [heading("Why it helps", 3), paragraph(snapshot["why"], style["body"])]
    story.append(heading("Steps", 3))
    for number, step in enumerate(snapshot.get("steps") or [], start=1):
        story.append(paragraph(f"{number}.\u00a0{step}", style["step"]))
    if snapshot.get("prompts"):
        story.append(heading("Your answers", 3))
    for prompt in snapshot.get("prompts") or []:
        story.append(paragraph(prompt.get("label", ""), style["label"]))
        if prompt.get("help"):
            story.append(paragraph(prompt["help"], style["small"]))
        story += _answer_space(prompt)
    sources = [_citation(s, source_titles) for s in snapshot.get("sources") or []]
    if sources:
        story += [spacer(8), paragraph("Based on: " + "; ".join(sources), style["small"])]
    return build_document(
        title=snapshot.get("title", ""),
        subtitle=snapshot.get("goal") or None,
        practice_name=practice_name,
        story=story,
        page_size=page_size,
        confidential=False,
    )
