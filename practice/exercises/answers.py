"""The answers of the second edition's prompt types: checklist, rating grid, timer, date and
time. One place reads them from the partner's form, checks them and writes them out for
people, so the partner page, the couple page, the PDFs and the export agree.

Stored shapes (in Entry.answers, keyed by the prompt's key):
  checklist   a list of the ticked options, in the prompt's order
  rating_grid {row text: 1..5} for the rows rated
  timer       "done" when the partner ticked that the timed part happened
  date_time   {"date": "YYYY-MM-DD", "time": "HH:MM" (optional)}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

TYPES = frozenset({"checklist", "rating_grid", "timer", "date_time"})
RATINGS = ("1", "2", "3", "4", "5")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Dates a partner may give: anything a plan could sensibly name.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def blank(prompt: Mapping[str, Any]) -> Any:
    kind = prompt.get("type")
    if kind == "checklist":
        return []
    if kind == "rating_grid":
        return {}
    if kind == "date_time":
        return {"date": "", "time": ""}
    return ""


def from_form(prompt: Mapping[str, Any], data: Any) -> Any:
    """What the partner sent for this prompt, as typed (to show back on a re-render).
    `data` is a MultiDict-like mapping of the posted fields."""
    name, kind = prompt["key"], prompt.get("type")
    if kind == "checklist":
        return [value[:4] for value in data.getlist(f"a-{name}")][: len(_options(prompt)) + 1]
    if kind == "rating_grid":
        return {
            str(index): (data.get(f"a-{name}-{index}") or "")[:2]
            for index in range(len(_rows(prompt)))
        }
    if kind == "date_time":
        return {
            part: (data.get(f"a-{name}-{part}") or "").strip()[:10] for part in ("date", "time")
        }
    return (data.get(f"a-{name}") or "")[:10]


def clean(prompt: Mapping[str, Any], value: Any) -> tuple[Any, dict[str, str]]:
    """(the answer to store, or None when skipped; errors by field name)."""
    name, kind = prompt["key"], prompt.get("type")
    if kind == "checklist":
        options = _options(prompt)
        chosen = set(value or [])
        if any(not item.isdigit() or int(item) >= len(options) for item in chosen):
            return None, {name: "Choose from the list."}
        ticked = [option for index, option in enumerate(options) if str(index) in chosen]
        return ticked or None, {}
    if kind == "rating_grid":
        rows = _rows(prompt)
        errors = {
            f"{name}-{index}": "Choose a number from 1 to 5."
            for index, rating in (value or {}).items()
            if rating and rating not in RATINGS
        }
        if errors:
            return None, errors
        rated = {
            rows[int(index)]: int(rating)
            for index, rating in (value or {}).items()
            if rating and index.isdigit() and int(index) < len(rows)
        }
        return rated or None, {}
    if kind == "timer":
        if value and value != "done":
            return None, {name: "Tick the box, or leave it empty."}
        return ("done" if value else None), {}
    if kind == "date_time":
        day, time = (value or {}).get("date", ""), (value or {}).get("time", "")
        errors = {}
        parsed = _date(day) if day else None
        if day and parsed is None:
            errors[f"{name}-date"] = "Enter a date like 2026-12-31."
        elif parsed and not EARLIEST <= parsed <= LATEST:
            errors[f"{name}-date"] = "Enter a date between 2000 and 2100."
        if time and not _TIME.match(time):
            errors[f"{name}-time"] = "Enter a time like 19:30."
        elif time and not day:
            errors[f"{name}-date"] = "Add the date for this time."
        if errors:
            return None, errors
        if not day:
            return None, {}
        return ({"date": day, "time": time} if time else {"date": day}), {}
    return None, {}


def readable(prompt: Mapping[str, Any], value: Any) -> tuple[str, tuple[str, ...]]:
    """(text, items) for people: the couple page, the PDFs. For a rating grid the text is
    what 1 and 5 mean, and each rated row is an item."""
    kind = prompt.get("type")
    if kind == "checklist" and isinstance(value, list):
        return "", tuple(str(item) for item in value)
    if kind == "rating_grid" and isinstance(value, dict):
        low, high = prompt.get("low", ""), prompt.get("high", "")
        rows = [row for row in _rows(prompt) if row in value]
        rows += [row for row in value if row not in rows]  # not in the prompt: still shown
        ends = f"1 = {low}, 5 = {high}" if low or high else ""
        return ends, tuple(f"{row}: {value[row]} of 5" for row in rows)
    if kind == "timer":
        return "Done", ()
    if kind == "date_time" and isinstance(value, dict):
        return when_text(value), ()
    return str(value), ()


def when_text(value: Mapping[str, str]) -> str:
    """ "Thursday 3 December 2026 at 19:30" (the date as given when it cannot be read)."""
    parsed = _date(value.get("date", ""))
    text = f"{parsed:%A} {parsed.day} {parsed:%B %Y}" if parsed else value.get("date", "")
    return f"{text} at {value['time']}" if value.get("time") else text


def timer_text(prompt: Mapping[str, Any]) -> str:
    """The timer as plain words, for the page without JavaScript and for print."""
    minutes = int(prompt.get("minutes") or 0)
    return f"Set a timer for {minutes} minute{'s' if minutes != 1 else ''}."


def _options(prompt: Mapping[str, Any]) -> list[str]:
    return list(prompt.get("options") or [])


def _rows(prompt: Mapping[str, Any]) -> list[str]:
    return list(prompt.get("rows") or [])


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
