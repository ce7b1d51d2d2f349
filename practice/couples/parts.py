"""What other features add to a couple: a section of the couple page, and their share of
the couple's exported record and of deleting it.

Homework and sessions build on couples, never the other way round: each registers its
part when the app is made (`register`), in the order the couple page shows the sections,
and couples asks the registered parts without importing them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask

from practice.couples.models import Couple


@dataclass(frozen=True)
class CoupleSection:
    """What a part puts on the couple page: template context, and what to do once it is
    rendered (e.g. mark what was shown as seen; a commit before rendering would expire the
    loaded rows)."""

    context: dict[str, Any]
    after_render: Callable[[], None] | None = None


@dataclass(frozen=True)
class CouplePart:
    name: str
    # The couple page's section, given the page's query arguments.
    section: Callable[[Couple, Mapping[str, str]], CoupleSection]
    # This part's keys of the exported record (the counselor's full record).
    export: Callable[[Couple], dict[str, Any]]
    # How many rows of each kind go when the couple is deleted (for the audit log).
    count: Callable[[Couple], dict[str, int]]


def register(app: Flask, part: CouplePart) -> None:
    app.extensions.setdefault("couple_parts", []).append(part)


def registered(app: Flask) -> list[CouplePart]:
    return list(app.extensions.get("couple_parts", []))
