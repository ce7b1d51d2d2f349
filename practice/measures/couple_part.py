"""Measures' part of a couple: the answers in the couple's exported record.

The couple page links to the progress page from its own template; nothing is loaded for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from practice.couples.models import Couple
from practice.couples.parts import CouplePart, CoupleSection
from practice.measures.exports import export_responses


def section(couple: Couple, args: Mapping[str, str]) -> CoupleSection:
    return CoupleSection({})


def export(couple: Couple) -> dict[str, Any]:
    return {"measure_answers": export_responses(couple.id)}


def count(couple: Couple) -> dict[str, int]:
    return {}


PART = CouplePart("measures", section=section, export=export, count=count)
