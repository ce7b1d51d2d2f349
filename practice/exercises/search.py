"""Library search: the names clinicians use, matched before the text, ignoring case and
punctuation ("I-statements", "I statements" and "i statements" are the same search).

Both the stored keys and the query go through `normalize`, so matching is a plain LIKE on
two columns: `search_names` (title and aliases) and `search_text` (goal, why, steps).
Every word of a query must match the start of a word in one of them; a whole-phrase match on
a name ranks first, then all words in the names, then the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, case, or_

from practice.exercises.models import Exercise

MAX_SEARCH_WORDS = 8
# Between two names in `search_names`: not a word character, so a phrase never spans names.
NAME_SEPARATOR = " / "
_NOT_WORD = re.compile(r"[\W_]+")
# Lengths for the library's filter, in minutes of one sitting: (label, lowest, highest).
LENGTHS = {
    "short": ("Up to 15 minutes", 0, 15),
    "medium": ("16 to 45 minutes", 16, 45),
    "long": ("Longer than 45 minutes", 46, None),
}


def normalize(text: str) -> str:
    """Lower case, accents kept, every run of punctuation, hyphens or spaces made one space."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "")
    return _NOT_WORD.sub(" ", folded.replace("'", "")).strip()


def search_keys(
    title: str, aliases: Iterable[str], goal: str, why: str, steps: Iterable[str]
) -> tuple[str, str]:
    """(search_names, search_text) for an exercise, padded with spaces so a LIKE on
    " word" finds the start of any word, the first included."""
    names = NAME_SEPARATOR.join(normalize(name) for name in [title, *aliases] if name.strip())
    text = " ".join(normalize(part) for part in [goal, why, *steps] if part.strip())
    return f" {names} ", f" {text} "


def query_words(query: str) -> list[str]:
    return normalize(query).split()[:MAX_SEARCH_WORDS]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _has(column, word: str) -> ColumnElement[bool]:
    # One-letter words ("I statements") must be whole words; longer ones match a word's start,
    # so "listen" finds "listening" and "statement" finds "statements".
    pattern = f"% {_escape_like(word)} %" if len(word) == 1 else f"% {_escape_like(word)}%"
    return column.like(pattern, escape="\\")


def search_filter(words: list[str]) -> ColumnElement[bool]:
    """Every word in the names or in the text."""
    return and_(
        *(or_(_has(Exercise.search_names, w), _has(Exercise.search_text, w)) for w in words)
    )


def search_rank(words: list[str]) -> ColumnElement[int]:
    """0: the whole query is (the start of) a name; 1: every word is in the names; 2: else."""
    phrase = _escape_like(" ".join(words))
    return case(
        (Exercise.search_names.like(f"% {phrase}%", escape="\\"), 0),
        (and_(*(_has(Exercise.search_names, w) for w in words)), 1),
        else_=2,
    )


def length_filter(length: str) -> ColumnElement[bool] | None:
    if length not in LENGTHS:
        return None
    _, low, high = LENGTHS[length]
    condition = Exercise.minutes >= low
    return condition if high is None else and_(condition, Exercise.minutes <= high)


_DURATION = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:to\s*\d+(?:\.\d+)?\s*)?(minutes?|mins?|hours?|hrs?|h)\b"
)


def minutes_from_duration(duration: str) -> int | None:
    """A counselor's own "How long" in minutes, for the length filter: "15 minutes" → 15,
    "1 to 2 hours" → 60; None when it names no time ("An afternoon")."""
    match = _DURATION.search(duration.casefold())
    if not match:
        return None
    amount = float(match.group(1))
    return round(amount * 60) if match.group(2).startswith("h") else round(amount)
