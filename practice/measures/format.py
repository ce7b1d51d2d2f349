"""The typed measure format: one shape for a scale, validated in one place.

A measure is a short questionnaire with a numeric total: the built-in ones are data files in
seed/measures/*.toml, a counselor's own short scales are typed into a form; both become a
`MeasureDefinition` through `parse_measure`, and answers are scored by it. What is stored in
the database (a version's `definition` column) is `MeasureDefinition.to_dict()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from practice.exercises.checks import Problems

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ITEM_KEY = re.compile(r"^[a-z0-9_]+$")
MAX_ITEMS = 10
# Numeric answers stay small: a phone shows every choice as a button.
VALUE_RANGE = (-10, 10)
MAX_CHOICES = 11
MISSING_RULES = ("none", "prorate")
LIMITS = {
    "slug": 60,
    "title": 120,
    "instructions": 500,
    "note": 300,
    "source": 600,
    "licence": 300,
    "item_text": 300,
    "anchor": 60,
    "key": 40,
}
TOP_LEVEL_KEYS = frozenset(
    {
        "slug",
        "title",
        "instructions",
        "cutoff",
        "cutoff_note",
        "reliable_change",
        "reliable_change_note",
        "missing",
        "max_missing",
        "source",
        "licence",
        "items",
    }
)
ITEM_KEYS = frozenset({"key", "text", "anchors", "min", "max", "low", "high"})


@dataclass(frozen=True)
class MeasureItem:
    """One question: answered with a whole number from `min` to `max`."""

    key: str
    text: str
    min: int
    max: int
    # A label for every value (min..max), as published scales have; else only the two ends.
    anchors: tuple[str, ...] = ()
    low: str = ""
    high: str = ""

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)

    def label(self, value: int) -> str:
        """What the answer means in words ('Mostly True'), or the number itself."""
        if self.anchors:
            return self.anchors[value - self.min]
        if value == self.min and self.low:
            return f"{value} ({self.low})"
        if value == self.max and self.high:
            return f"{value} ({self.high})"
        return str(value)


@dataclass(frozen=True)
class Score:
    """A total, or None with the reason it was not computed."""

    total: float | None
    answered: int
    skipped: int
    note: str = ""


@dataclass(frozen=True)
class MeasureDefinition:
    slug: str
    title: str
    items: tuple[MeasureItem, ...]
    instructions: str = ""
    cutoff: float | None = None
    cutoff_note: str = ""
    reliable_change: float | None = None
    reliable_change_note: str = ""
    # "none": a skipped item means no total; "prorate": up to `max_missing` skipped items are
    # replaced by the mean of the answered ones (the total stays on the full scale's range).
    missing: str = "none"
    max_missing: int = 0
    source: str = ""
    licence: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def score_min(self) -> int:
        return sum(item.min for item in self.items)

    @property
    def score_max(self) -> int:
        return sum(item.max for item in self.items)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def score(self, answers: dict[str, int | None]) -> Score:
        """Total of the answers, following this scale's rule for skipped items."""
        given = [answers.get(item.key) for item in self.items]
        values = [v for v in given if v is not None]
        skipped = len(given) - len(values)
        if skipped == 0:
            return Score(float(sum(values)), len(values), 0)
        if not values:
            return Score(None, 0, skipped, "No items answered.")
        if self.missing == "prorate" and skipped <= self.max_missing:
            total = round(sum(values) * len(given) / len(values), 1)
            return Score(
                total,
                len(values),
                skipped,
                f"{skipped} skipped; total prorated from the answered items.",
            )
        rule = (
            f"this scale allows at most {self.max_missing} skipped"
            if self.missing == "prorate"
            else "this scale has no rule for skipped items"
        )
        return Score(
            None,
            len(values),
            skipped,
            f"No total: {skipped} of {len(given)} items skipped and {rule}.",
        )

    def to_dict(self) -> dict[str, Any]:
        """The stored form (JSON): plain lists and numbers."""
        return {
            "slug": self.slug,
            "title": self.title,
            "instructions": self.instructions,
            "cutoff": self.cutoff,
            "cutoff_note": self.cutoff_note,
            "reliable_change": self.reliable_change,
            "reliable_change_note": self.reliable_change_note,
            "missing": self.missing,
            "max_missing": self.max_missing,
            "source": self.source,
            "licence": self.licence,
            "items": [
                {
                    "key": i.key,
                    "text": i.text,
                    "min": i.min,
                    "max": i.max,
                    "anchors": list(i.anchors),
                    "low": i.low,
                    "high": i.high,
                }
                for i in self.items
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MeasureDefinition:
        """Read a stored definition back (trusted: it was validated when it was written)."""
        return cls(
            slug=data["slug"],
            title=data["title"],
            instructions=data.get("instructions", ""),
            cutoff=data.get("cutoff"),
            cutoff_note=data.get("cutoff_note", ""),
            reliable_change=data.get("reliable_change"),
            reliable_change_note=data.get("reliable_change_note", ""),
            missing=data.get("missing", "none"),
            max_missing=data.get("max_missing", 0),
            source=data.get("source", ""),
            licence=data.get("licence", ""),
            items=tuple(
                MeasureItem(
                    key=i["key"],
                    text=i["text"],
                    min=i["min"],
                    max=i["max"],
                    anchors=tuple(i.get("anchors") or ()),
                    low=i.get("low", ""),
                    high=i.get("high", ""),
                )
                for i in data["items"]
            ),
        )


def _number(check: Problems, data: dict[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        check.error(where, "must be a number")
        return None
    return float(value)


def _whole(check: Problems, data: dict[str, Any], key: str, where: str) -> int | None:
    value = data.get(key)
    if value is None:
        check.error(where, "is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        check.error(where, "must be a whole number")
        return None
    low, high = VALUE_RANGE
    if not low <= value <= high:
        check.error(where, f"must be from {low} to {high}")
        return None
    return value


def _item(check: Problems, raw: Any, n: int, seen: set[str]) -> MeasureItem | None:
    where = f"items[{n}]"
    if not isinstance(raw, dict):
        check.error(where, "must be an [[items]] table")
        return None
    check.unknown_keys(raw, ITEM_KEYS, where)
    key = check.text(raw, "key", f"{where}.key", limit=LIMITS["key"], one_line=True)
    if key and not ITEM_KEY.match(key):
        check.error(f"{where}.key", "use lowercase letters, digits and _ only")
    elif key in seen:
        check.error(f"{where}.key", f'"{key}" is used by an earlier item; use unique keys')
    seen.add(key)
    text = check.text(raw, "text", f"{where}.text", limit=LIMITS["item_text"], one_line=True)
    anchors = raw.get("anchors")
    if anchors is not None:
        if not isinstance(anchors, list) or not all(isinstance(a, str) for a in anchors):
            check.error(f"{where}.anchors", "must be a list of labels, one per answer")
            return None
        if not 2 <= len(anchors) <= MAX_CHOICES:
            check.error(f"{where}.anchors", f"give from 2 to {MAX_CHOICES} labels")
            return None
        labels = tuple(
            check.text(
                {"a": a}, "a", f"{where}.anchors[{k}]", limit=LIMITS["anchor"], one_line=True
            )
            for k, a in enumerate(anchors, start=1)
        )
        low = raw.get("min", 0)
        if isinstance(low, bool) or not isinstance(low, int):
            check.error(f"{where}.min", "must be a whole number")
            return None
        return MeasureItem(key=key, text=text, min=low, max=low + len(labels) - 1, anchors=labels)
    low_value = _whole(check, raw, "min", f"{where}.min")
    high_value = _whole(check, raw, "max", f"{where}.max")
    low_label = check.text(raw, "low", f"{where}.low", limit=LIMITS["anchor"], one_line=True)
    high_label = check.text(raw, "high", f"{where}.high", limit=LIMITS["anchor"], one_line=True)
    if low_value is None or high_value is None:
        return None
    if high_value <= low_value:
        check.error(f"{where}.max", "must be greater than min")
        return None
    if high_value - low_value + 1 > MAX_CHOICES:
        check.error(f"{where}.max", f"a range offers at most {MAX_CHOICES} answers")
        return None
    return MeasureItem(
        key=key, text=text, min=low_value, max=high_value, low=low_label, high=high_label
    )


def parse_measure(
    data: dict[str, Any], *, label: str, expected_slug: str | None = None
) -> tuple[MeasureDefinition | None, list[str]]:
    """Check one measure (a parsed file or a form's fields); the definition, or the problems."""
    check = Problems(label)
    check.unknown_keys(data, TOP_LEVEL_KEYS, "")
    slug = check.text(data, "slug", "slug", limit=LIMITS["slug"], one_line=True)
    if slug and not SLUG.match(slug):
        check.error("slug", "use lowercase letters, digits and single hyphens only")
    elif slug and expected_slug is not None and slug != expected_slug:
        check.error("slug", f'must equal the file name "{expected_slug}"')
    title = check.text(data, "title", "title", limit=LIMITS["title"], one_line=True)
    texts: dict[str, Any] = {
        key: check.text(data, key, key, limit=LIMITS[limit], required=False)
        for key, limit in (
            ("instructions", "instructions"),
            ("cutoff_note", "note"),
            ("reliable_change_note", "note"),
            ("source", "source"),
            ("licence", "licence"),
        )
    }
    cutoff = _number(check, data, "cutoff", "cutoff")
    reliable_change = _number(check, data, "reliable_change", "reliable_change")
    if reliable_change is not None and reliable_change <= 0:
        check.error("reliable_change", "must be a positive number of points")
    missing = data.get("missing", "none")
    if missing not in MISSING_RULES:
        check.error("missing", f"must be one of: {', '.join(MISSING_RULES)}")
    max_missing = data.get("max_missing", 0)
    if isinstance(max_missing, bool) or not isinstance(max_missing, int) or max_missing < 0:
        check.error("max_missing", "must be a whole number, 0 or more")
        max_missing = 0
    raw_items = data.get("items")
    items: list[MeasureItem] = []
    if raw_items is None:
        check.error("items", "is missing (add at least one [[items]] table)")
    elif not isinstance(raw_items, list):
        check.error("items", "must be [[items]] tables")
    elif not 1 <= len(raw_items) <= MAX_ITEMS:
        check.error("items", f"has {len(raw_items)} items; a measure has from 1 to {MAX_ITEMS}")
    else:
        seen: set[str] = set()
        for n, raw in enumerate(raw_items, start=1):
            item = _item(check, raw, n, seen)
            if item is not None:
                items.append(item)
    if missing == "prorate" and items and max_missing >= len(items):
        check.error("max_missing", "must leave at least one item answered")
    definition = MeasureDefinition(
        slug=slug,
        title=title,
        items=tuple(items),
        cutoff=cutoff,
        reliable_change=reliable_change,
        missing=missing if missing in MISSING_RULES else "none",
        max_missing=max_missing,
        **texts,
    )
    if cutoff is not None and items and not definition.score_min <= cutoff <= definition.score_max:
        check.error(
            "cutoff",
            f"must lie within the total's range ({definition.score_min} to {definition.score_max})",
        )
    if check.messages:
        return None, check.messages
    return definition, []
