"""The prompt types a partner answers by choosing: a 1–5 scale, yes or no, a checklist, a
rating grid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from practice.exercises.checks import Problems, text_list
from practice.exercises.limits import CHOICES, GRID_ROWS, LIMITS, SCALE_POINTS
from practice.exercises.prompts import Answer, Checked, Prompt


@dataclass(frozen=True)
class ScalePrompt(Prompt):
    type: ClassVar[str] = "scale"
    type_label: ClassVar[str] = "A 1\u20135 scale"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"low", "high"})

    low: str = ""
    high: str = ""

    def describe(self) -> str:
        return f"A 1\u20135 scale, from \u201c{self.low}\u201d (1) to \u201c{self.high}\u201d (5)"

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"low": self.low, "high": self.high}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        return {
            end: check.text(raw, end, f"{where}.{end}", limit=LIMITS["scale_label"], one_line=True)
            for end in ("low", "high")
        }

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {"low": str(raw.get("low", "")), "high": str(raw.get("high", ""))}

    def check(self, value: str) -> Checked:
        if not value:
            return Checked()
        if value not in SCALE_POINTS:
            return Checked(errors={"": "Choose a number from 1 to 5."})
        return Checked(int(value))

    def readable(self, value: Any) -> Answer:
        ends = f" (1 = {self.low}, 5 = {self.high})" if self.low or self.high else ""
        return Answer(self.label, self.type, text=f"{value} of 5{ends}")


@dataclass(frozen=True)
class YesNoPrompt(Prompt):
    type: ClassVar[str] = "yes_no"
    type_label: ClassVar[str] = "Yes or no"

    def check(self, value: str) -> Checked:
        if not value:
            return Checked()
        if value not in ("yes", "no"):
            return Checked(errors={"": "Choose yes or no."})
        return Checked(value)

    def readable(self, value: Any) -> Answer:
        return Answer(self.label, self.type, text="Yes" if value == "yes" else "No")


@dataclass(frozen=True)
class ChecklistPrompt(Prompt):
    """Tick any that apply. Stored: the ticked options' texts, in the prompt's order."""

    type: ClassVar[str] = "checklist"
    type_label: ClassVar[str] = "A checklist (tick any that apply)"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"options"})

    options: tuple[str, ...] = ()

    def describe(self) -> str:
        return "Tick any of: " + "; ".join(self.options)

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"options": list(self.options)}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        options = text_list(check, raw, "options", where, CHOICES, LIMITS["option"])
        return {} if options is None else {"options": tuple(options)}

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {"options": tuple(str(o) for o in raw.get("options") or [])}

    def blank(self) -> list[str]:
        return []

    def read_post(self, data: Any, name: str, add: str, remove: str) -> list[str]:
        # The ticked boxes' values are the options' positions ("0", "2"), as posted.
        getlist = getattr(data, "getlist", None)
        values = getlist(f"a-{name}") if getlist else [data.get(f"a-{name}", "")]
        return [str(v)[:4] for v in values if v][: len(self.options) + 1]

    def check(self, value: list[str]) -> Checked:
        if any(not v.isdigit() or int(v) >= len(self.options) for v in value):
            return Checked(errors={"": "Choose from the list."})
        ticked = {int(v) for v in value}
        return Checked([o for i, o in enumerate(self.options) if i in ticked] or None)

    def readable(self, value: Any) -> Answer:
        if not isinstance(value, list):
            return super().readable(value)
        return Answer(self.label, self.type, items=tuple(str(v) for v in value))


@dataclass(frozen=True)
class RatingGridPrompt(Prompt):
    """Each row rated 1 to 5. Stored: {row text: rating} for the rows rated."""

    type: ClassVar[str] = "rating_grid"
    type_label: ClassVar[str] = "A rating grid (each row from 1 to 5)"
    extra_keys: ClassVar[frozenset[str]] = frozenset({"rows", "low", "high"})

    rows: tuple[str, ...] = ()
    low: str = ""
    high: str = ""

    def describe(self) -> str:
        return (
            f"Rate each from \u201c{self.low}\u201d (1) to \u201c{self.high}\u201d (5): "
            + "; ".join(self.rows)
        )

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"rows": list(self.rows), "low": self.low, "high": self.high}

    @classmethod
    def _read_extra(cls, raw: Mapping[str, Any], check: Problems, where: str) -> dict[str, Any]:
        ends = ScalePrompt._read_extra(raw, check, where)
        rows = text_list(check, raw, "rows", where, GRID_ROWS, LIMITS["option"])
        if rows is None or not all(ends.values()):
            return {}
        return {"rows": tuple(rows), **ends}

    @classmethod
    def _extra_from_json(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "rows": tuple(str(r) for r in raw.get("rows") or []),
            **ScalePrompt._extra_from_json(raw),
        }

    def blank(self) -> dict[str, str]:
        return {}

    def read_post(self, data: Any, name: str, add: str, remove: str) -> dict[str, str]:
        return {str(i): str(data.get(f"a-{name}-{i}") or "")[:2] for i in range(len(self.rows))}

    def check(self, value: dict[str, str]) -> Checked:
        errors = {
            f"-{i}": "Choose a number from 1 to 5."
            for i, rating in value.items()
            if rating and rating not in SCALE_POINTS
        }
        if errors:
            return Checked(errors=errors)
        rated = {
            self.rows[int(i)]: int(rating)
            for i, rating in value.items()
            if rating and i.isdigit() and int(i) < len(self.rows)
        }
        return Checked(rated or None)

    def readable(self, value: Any) -> Answer:
        if not isinstance(value, dict):
            return super().readable(value)
        rows = [row for row in self.rows if row in value]
        rows += [row for row in value if row not in rows]  # a row since renamed: still shown
        ends = f" (1 = {self.low}, 5 = {self.high})" if self.low or self.high else ""
        return Answer(
            self.label + ends, self.type, items=tuple(f"{row}: {value[row]} of 5" for row in rows)
        )
