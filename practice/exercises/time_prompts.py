"""The prompt types about time: a timer for a timed turn or break, a date and time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from practice.exercises.checks import Problems, whole_number
from practice.exercises.limits import EARLIEST_DATE, LATEST_DATE, TIME_OF_DAY, TIMER_MINUTES
from practice.exercises.prompts import Answer, Checked, Prompt, int_or


@dataclass(frozen=True)
class TimerPrompt(Prompt):
    """A timed turn, break or device-free block. Stored: "done" when the partner ticks it."""

    type: ClassVar[str] = "timer"
    type_label: ClassVar[str] = "A timer for a timed turn or break"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"minutes"})

    minutes: int = 5

    def describe(self) -> str:
        return f"A {self.minutes}-minute timer"

    def plain_text(self) -> str:
        """The timer in words: the whole of it without JavaScript, and on paper."""
        return f"Set a timer for {self.minutes} minute{'s' if self.minutes != 1 else ''}."

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"minutes": self.minutes}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        minutes = whole_number(check, raw, "minutes", where, TIMER_MINUTES)
        return {} if minutes is None else {"minutes": minutes}

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {"minutes": min(max(int_or(raw.get("minutes"), 5), 1), TIMER_MINUTES[1])}

    def read_post(self, data: Any, name: str, add: str, remove: str) -> str:
        return str(data.get(f"a-{name}") or "")[:10]

    def check(self, value: str) -> Checked:
        if value and value != "done":
            return Checked(errors={"": "Tick the box, or leave it empty."})
        return Checked("done" if value else None)

    def readable(self, value: Any) -> Answer:
        return Answer(self.label, self.type, text="Done")


@dataclass(frozen=True)
class DateTimePrompt(Prompt):
    """A date and an optional time. Stored: {"date": "YYYY-MM-DD", "time"?: "HH:MM"}."""

    type: ClassVar[str] = "date_time"
    type_label: ClassVar[str] = "A date and time"

    def blank(self) -> dict[str, str]:
        return {"date": "", "time": ""}

    def read_post(self, data: Any, name: str, add: str, remove: str) -> dict[str, str]:
        return {
            part: str(data.get(f"a-{name}-{part}") or "").strip()[:10] for part in ("date", "time")
        }

    def check(self, value: dict[str, str]) -> Checked:
        day, time = value.get("date", ""), value.get("time", "")
        errors = {}
        parsed = _date(day)
        if day and parsed is None:
            errors["-date"] = "Enter a date like 2026-12-31."
        elif parsed and not EARLIEST_DATE <= parsed <= LATEST_DATE:
            errors["-date"] = "Enter a date between 2000 and 2100."
        if time and not TIME_OF_DAY.match(time):
            errors["-time"] = "Enter a time like 19:30."
        elif time and not day:
            errors["-date"] = "Add the date for this time."
        if errors:
            return Checked(errors=errors)
        if not day:
            return Checked()
        return Checked({"date": day, "time": time} if time else {"date": day})

    def readable(self, value: Any) -> Answer:
        if not isinstance(value, dict):
            return super().readable(value)
        return Answer(self.label, self.type, text=when_text(value))


def when_text(value: Mapping[str, str]) -> str:
    """ "Thursday 3 December 2026 at 19:30" (the date as given when it cannot be read)."""
    parsed = _date(value.get("date", ""))
    text = f"{parsed:%A} {parsed.day} {parsed:%B %Y}" if parsed else str(value.get("date", ""))
    return f"{text} at {value['time']}" if value.get("time") else text


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
