"""Messages about hand-written exercise data (seed files), each naming the file and field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from practice.forms import CONTROL_CHARACTERS


class Problems:
    """Collects what is wrong with one source (a seed file), each naming the field."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.messages: list[str] = []

    def error(self, where: str, what: str) -> None:
        self.messages.append(f"{self.label}: {where}: {what}" if where else f"{self.label}: {what}")

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        *,
        limit: int,
        required: bool = True,
        one_line: bool = False,
    ) -> str:
        """A stripped string field, or "" after recording what is wrong with it."""
        if key not in data:
            if required:
                self.error(where, "is missing")
            return ""
        value = data[key]
        if not isinstance(value, str):
            self.error(where, f"must be text, not {kind_of(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.error(where, "must not be empty")
        elif len(value) > limit:
            self.error(where, f"is {len(value):,} characters; keep it to {limit:,} or fewer")
        elif CONTROL_CHARACTERS.search(value):
            self.error(where, "contains control characters")
        elif one_line and "\n" in value:
            self.error(where, "must be a single line")
        return value

    def unknown_keys(self, data: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
        for key in sorted(set(data) - allowed):
            place = f"{where}.{key}" if where else key
            self.error(place, "is not a field this format knows (check the spelling)")


def kind_of(value: object) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def text_list(
    check: Problems,
    raw: Mapping[str, Any],
    key: str,
    where: str,
    bounds: tuple[int, int],
    limit: int,
) -> list[str] | None:
    """A list of short one-line texts (aliases, options, rows), or None after recording what
    is wrong with it."""
    low, high = bounds
    place = f"{where}.{key}" if where else key
    values = raw.get(key)
    if values is None:
        check.error(place, f"is missing (a list of {low} to {high} short texts)")
        return None
    if not isinstance(values, list):
        check.error(place, f"must be a list of texts, not {kind_of(values)}")
        return None
    before = len(check.messages)
    if not low <= len(values) <= high:
        check.error(place, f"has {len(values)} entries; give from {low} to {high}")
    cleaned = [
        check.text({"v": value}, "v", f"{place}[{n}]", limit=limit, one_line=True)
        for n, value in enumerate(values, start=1)
    ]
    seen: set[str] = set()
    for n, value in enumerate(cleaned, start=1):
        if value and value.casefold() in seen:
            check.error(f"{place}[{n}]", f'"{value}" is given twice')
        seen.add(value.casefold())
    return cleaned if len(check.messages) == before else None


def whole_number(
    check: Problems,
    raw: Mapping[str, Any],
    key: str,
    where: str,
    bounds: tuple[int, int],
    *,
    required: bool = True,
) -> int | None:
    low, high = bounds
    place = f"{where}.{key}" if where else key
    value = raw.get(key)
    if value is None:
        if required:
            check.error(place, f"is missing (a whole number from {low} to {high})")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        check.error(place, f"must be a whole number from {low} to {high}")
        return None
    return value
