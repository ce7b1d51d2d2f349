"""Messages about hand-written exercise data (seed files), each naming the file and field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from practice.forms import _CONTROL as CONTROL_CHARACTERS


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
