"""The printable one-page handout of an exercise, with room to write the answers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle

from practice.exercises.choice_prompts import (
    ChecklistPrompt,
    RatingGridPrompt,
    ScalePrompt,
    YesNoPrompt,
)
from practice.exercises.format import ExerciseContent, Source
from practice.exercises.limits import I_PARTS, SCALE_POINTS
from practice.exercises.prompts import IStatementPrompt, ListPrompt, Prompt
from practice.exercises.sources import source_title
from practice.exercises.time_prompts import DateTimePrompt, TimerPrompt
from practice.pdf import Letterhead, build_document, heading, paragraph, rule, spacer, styles

# Writing lines per prompt type: enough for a short answer while keeping the page to one sheet.
_TEXT_LINES = 2
_CITATION_CHARS = 140


@cache
def _compact() -> dict[str, ParagraphStyle]:
    """Smaller text than the summaries use: the whole exercise has to fit on one sheet."""
    base = styles()
    body = ParagraphStyle("handout", parent=base["body"], fontSize=9.5, leading=12.5, spaceAfter=3)
    return {
        "body": body,
        "step": ParagraphStyle(
            "handout_step", parent=body, leftIndent=14, firstLineIndent=-14, spaceAfter=2
        ),
        "label": ParagraphStyle(
            "handout_label",
            parent=base["cell_header"],
            fontSize=9.5,
            leading=12.5,
            spaceBefore=4,
            spaceAfter=1,
        ),
        "small": ParagraphStyle(
            "handout_small", parent=base["muted"], fontSize=8.5, leading=11, spaceAfter=0
        ),
    }


def _lines(count: int) -> list[Any]:
    story: list[Any] = []
    for _ in range(count):
        story += [spacer(8), rule()]
    return story


def _answer_space(prompt: Prompt) -> list[Any]:
    if isinstance(prompt, ListPrompt):
        story: list[Any] = []
        for number in range(1, prompt.items + 1):
            story += [paragraph(f"{number}.", _compact()["small"]), rule()]
        return story
    if isinstance(prompt, IStatementPrompt):
        story = []
        for _, part in I_PARTS:
            story += [paragraph(f"{part} \u2026", _compact()["small"]), rule()]
        return story
    if isinstance(prompt, ScalePrompt):
        circles = "\u2003".join(f"\u25cb {n}" for n in SCALE_POINTS)
        return [paragraph(f"{prompt.low}\u2003{circles}\u2003{prompt.high}", _compact()["body"])]
    if isinstance(prompt, YesNoPrompt):
        return [paragraph("\u25cb Yes\u2003\u2003\u25cb No", _compact()["body"])]
    if isinstance(prompt, ChecklistPrompt):
        return [paragraph(f"\u25a1 {option}", _compact()["body"]) for option in prompt.options]
    if isinstance(prompt, RatingGridPrompt):
        circles = "\u2003".join(f"\u25cb {n}" for n in SCALE_POINTS)
        story = [paragraph(f"1 = {prompt.low}, 5 = {prompt.high}", _compact()["small"])]
        return story + [
            paragraph(f"{row}\u2003{circles}", _compact()["body"]) for row in prompt.rows
        ]
    if isinstance(prompt, TimerPrompt):
        return [paragraph(f"{prompt.plain_text()}\u2003\u25a1 Done", _compact()["body"])]
    if isinstance(prompt, DateTimePrompt):
        return [paragraph("Date: ____________\u2003Time: ________", _compact()["body"])]
    return _lines(_TEXT_LINES)


def _citation(source: Source, titles: Mapping[str, str]) -> str:
    title = source_title({"file": source.file, "title": source.title}, titles)
    if len(title) > _CITATION_CHARS:
        title = title[:_CITATION_CHARS].rsplit(" ", 1)[0] + "\u2026"
    return title


def build_handout(
    exercise: ExerciseContent,
    *,
    practice_name: str,
    source_titles: Mapping[str, str],
    page_size: str = "a4",
    letterhead: Letterhead | None = None,
) -> bytes:
    """PDF bytes for an exercise."""
    style = _compact()
    story: list[Any] = []
    timing = " \u00b7 ".join(
        f"{label}: {value}"
        for label, value in (("How often", exercise.frequency), ("How long", exercise.duration))
        if value
    )
    if timing:
        story.append(paragraph(timing, style["label"]))
    if exercise.why:
        story += [heading("Why it helps", 3), paragraph(exercise.why, style["body"])]
    story.append(heading("Steps", 3))
    for number, step in enumerate(exercise.steps, start=1):
        story.append(paragraph(f"{number}.\u00a0{step}", style["step"]))
    if exercise.prompts:
        story.append(heading("Your answers", 3))
    for prompt in exercise.prompts:
        label = f"{prompt.label} ({prompt.placement()})" if prompt.placement() else prompt.label
        story.append(paragraph(label, style["label"]))
        if prompt.help:
            story.append(paragraph(prompt.help, style["small"]))
        story += _answer_space(prompt)
    sources = [_citation(s, source_titles) for s in exercise.sources]
    if sources:
        story += [spacer(8), paragraph("Based on: " + "; ".join(sources), style["small"])]
    return build_document(
        title=exercise.title,
        subtitle=exercise.goal or None,
        practice_name=practice_name,
        letterhead=letterhead,
        story=story,
        page_size=page_size,
        confidential=False,
    )
