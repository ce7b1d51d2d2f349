"""Every exercise is written in our own words: no run of ten words in a row is shared with
the articles it draws on. The articles are not part of the app; the check runs where they
are (SOURCE_DIR, e.g. SOURCE_DIR=/work/shared/seeds) and says why it skips where they are not.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from practice.config import BASE_SETTINGS
from practice.exercises.library import exercise_files

SEED_DIR = Path(BASE_SETTINGS["SEED_DIR"])
RUN = 10
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def _source_dir() -> Path | None:
    configured = os.environ.get("SOURCE_DIR") or BASE_SETTINGS.get("SOURCE_DIR")
    path = Path(configured) if configured else None
    return path if path is not None and path.is_dir() and any(path.glob("*.txt")) else None


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("\u2019", "'"))


def runs(text: str, length: int = RUN) -> set[tuple[str, ...]]:
    found = words(text)
    return {tuple(found[i : i + length]) for i in range(len(found) - length + 1)}


def _texts(value: object, where: str = "") -> Iterator[tuple[str, str]]:
    """Every piece of text an exercise shows, with where it is; citations are not prose."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for n, item in enumerate(value, start=1):
            yield from _texts(item, f"{where}[{n}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "sources":
                yield from _texts(item, f"{where}.{key}" if where else key)


def test_the_check_finds_a_copied_sentence():
    article = "one two three four five six seven eight nine ten eleven"
    assert runs("Zero one two three four five six seven eight nine ten.") & runs(article)
    assert not runs("one two three four five six seven eight nine") & runs(article)


def test_no_exercise_shares_ten_words_in_a_row_with_the_articles():
    source_dir = _source_dir()
    if source_dir is None:
        pytest.skip(
            "the source articles are not on this machine (set SOURCE_DIR to the folder of "
            "*.txt articles, e.g. SOURCE_DIR=/work/shared/seeds); they are not shipped "
            "with the app, so the originality check runs only where they are present"
        )
    article_runs: dict[tuple[str, ...], str] = {}
    for article in sorted(source_dir.glob("*.txt")):
        for run in runs(article.read_text(encoding="utf-8")):
            article_runs.setdefault(run, article.name)
    shared = []
    for path in exercise_files(SEED_DIR):  # sources.toml holds the articles' own titles
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for where, text in _texts(data):
            for run in runs(text) & article_runs.keys():
                shared.append(f'{path.name}: {where}: "{" ".join(run)}" (from {article_runs[run]})')
    assert not shared, "text copied from the articles:\n" + "\n".join(shared)
