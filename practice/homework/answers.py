"""Answers as people read them: each prompt's label and a value shaped by its type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One answer as people read it: the prompt's label and a type-specific value."""

    label: str
    type: str
    text: str = ""
    items: tuple[str, ...] = ()


def i_statement_sentence(parts: dict[str, str]) -> str:
    """'I feel hurt when … because … I need …' from whatever parts were filled in."""
    pieces = []
    if parts.get("feel"):
        pieces.append(f"I feel {parts['feel']}")
    if parts.get("when"):
        pieces.append(f"when {parts['when']}")
    if parts.get("because"):
        pieces.append(f"because {parts['because']}")
    sentence = " ".join(pieces)
    if sentence:
        sentence += "."
    if parts.get("need"):
        sentence = f"{sentence} I need {parts['need']}.".strip()
    return sentence


def readable_answers(prompts: list[dict[str, Any]], answers: dict[str, Any]) -> list[Answer]:
    """Answers in prompt order, rendered for reading; skipped prompts are left out."""
    shown: list[Answer] = []
    for prompt in prompts:
        value = answers.get(prompt.get("key"))
        if value in (None, "", [], {}):
            continue
        kind, label = prompt.get("type"), prompt.get("label", "")
        if kind == "list" and isinstance(value, list):
            shown.append(Answer(label, kind, items=tuple(str(v) for v in value)))
        elif kind == "i_statement" and isinstance(value, dict):
            shown.append(Answer(label, kind, text=i_statement_sentence(value)))
        elif kind == "scale":
            low, high = prompt.get("low", ""), prompt.get("high", "")
            ends = f" (1 = {low}, 5 = {high})" if low or high else ""
            shown.append(Answer(label, kind, text=f"{value} of 5{ends}"))
        elif kind == "yes_no":
            shown.append(Answer(label, kind, text="Yes" if value == "yes" else "No"))
        else:
            shown.append(Answer(label, kind, text=str(value)))
    return shown
