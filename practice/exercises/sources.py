"""The articles the exercise library cites, and the short title each is shown by.

The titles live in the repository (`seed/sources.toml`), so the app never needs the articles
themselves at run time; only the library's citation checks read those (`SOURCE_DIR`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

SOURCES_FILE = "sources.toml"


class SourcesFileError(Exception):
    """seed/sources.toml is missing or malformed; the message says where."""


def read_source_titles(seed_dir: Path) -> dict[str, str]:
    """Article file name → its short display title, from `<seed_dir>/sources.toml`."""
    path = seed_dir / SOURCES_FILE
    label = f"{seed_dir.name}/{SOURCES_FILE}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesFileError(f"{label}: is missing (it names the cited articles)") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SourcesFileError(f"{label}: is not valid TOML: {error}") from None
    titles: dict[str, str] = {}
    for name, entry in data.items():
        title = entry.get("title") if isinstance(entry, dict) else None
        if not isinstance(title, str) or not title.strip():
            raise SourcesFileError(f'{label}: ["{name}"] needs a title')
        titles[name] = title.strip()
    return titles


@lru_cache(maxsize=8)
def display_titles(seed_dir: Path) -> dict[str, str]:
    """`read_source_titles` read once per process, for pages and PDFs (the file is not edited
    while the app runs: it is part of the release)."""
    return read_source_titles(seed_dir)


def source_title(source: Mapping[str, str], titles: Mapping[str, str]) -> str:
    """How a cited source is shown: its short title, else what the citation itself carries."""
    name = source.get("file") or ""
    return titles.get(name) or source.get("title") or name


def first_lines(source_dir: Path | None) -> dict[str, str] | None:
    """Article file name → its first non-empty line, or None when the articles are not here."""
    if source_dir is None or not source_dir.is_dir():
        return None
    lines: dict[str, str] = {}
    for path in sorted(source_dir.iterdir()):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            lines[path.name] = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return lines
