"""The time zone picker: current zone names, one per place people live, grouped by region.

The list comes from the system's time zone database (`zone.tab`: one line per country and
zone, with today's names such as Europe/Kyiv and Asia/Kolkata) rather than every name
Python knows (about 600, with old aliases like US/Eastern and Asia/Calcutta). Browsers
still report some old names, so the aliases (from `tzdata.zi`) let the page match them.
"""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from practice.timeutil import utcnow

REGIONS = {
    "Africa": "Africa",
    "America": "Americas",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
    "Asia": "Asia",
    "Atlantic": "Atlantic",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific",
}
OTHER = "Other"


def _database_file(name: str) -> Path | None:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


@functools.cache
def _countries() -> dict[str, str]:
    path = _database_file("iso3166.tab")
    if path is None:
        return {}
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines())
    return {row[0]: row[1].strip() for row in rows if len(row) >= 2 and not row[0].startswith("#")}


@functools.cache
def _zone_countries() -> dict[str, str]:
    """Each current zone name and the country it is listed under."""
    path = _database_file("zone.tab")
    known = available_timezones()
    if path is None:  # no zone.tab (e.g. only the tzdata wheel): every name in a region
        return {name: "" for name in known if name.split("/")[0] in REGIONS}
    countries = _countries()
    zones: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 3 or fields[2] not in known:
            continue
        zones.setdefault(fields[2], countries.get(fields[0], fields[0]))
    return zones


@functools.cache
def aliases() -> dict[str, str]:
    """Old name → current name for the zones in the picker (Europe/Kiev → Europe/Kyiv)."""
    path = _database_file("tzdata.zi")
    if path is None:
        return {}
    current = _zone_countries()
    links = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L" and parts[1] in current and parts[2] not in current:
            links[parts[2]] = parts[1]
    return links


def _offset(name: str, now: datetime) -> str:
    delta = ZoneInfo(name).utcoffset(now)
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def label(name: str, now: datetime | None = None) -> str:
    """'Kyiv, Ukraine (UTC+02:00)'; 'Buenos Aires, Argentina (UTC−03:00)'."""
    now = now or utcnow()
    place = name.rsplit("/", 1)[-1].replace("_", " ")
    country = _zone_countries().get(name, "")
    shown = f"{place}, {country}" if country and country != place else place
    return f"{shown} ({_offset(name, now)})"


def choices(current: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Choices for a WTForms SelectField, grouped by region (option groups), places in
    alphabetical order. A saved name that is no longer listed (an old alias) stays choosable."""
    now = utcnow()
    universal = [("UTC", "UTC (Coordinated Universal Time)")]
    groups: dict[str, list[tuple[str, str]]] = {"Universal": universal}
    by_region: dict[str, list[tuple[str, str]]] = {}
    for name in _zone_countries():
        region = REGIONS.get(name.split("/")[0], OTHER)
        by_region.setdefault(region, []).append((name, label(name, now)))
    for region in sorted(by_region):
        groups[region] = sorted(by_region[region], key=lambda choice: choice[1])
    listed = {value for options in groups.values() for value, _label in options}
    if current and current not in listed and current in available_timezones():
        groups["Universal"].append((current, f"{current} (your saved zone)"))
    return groups
