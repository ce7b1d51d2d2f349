"""The dashboard's progress flags: a partner below the cutoff, a reliable drop, a widening gap."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Text, bindparam, cast, select
from sqlalchemy.orm import aliased

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.measures.models import MeasureSeries, MeasureVersion
from practice.measures.services import NEWEST_VERSION

# The dashboard reads each partner's latest totals (practice.measures.series) from this window.
FLAG_WINDOW_DAYS = 84  # twelve weeks: four weekly gaps and then some


# --- dashboard flags -----------------------------------------------------------------------


@dataclass(frozen=True)
class FlagLine:
    """One flag: whose it is and what it says. The name is what someone typed, in any script,
    so the page isolates it (<bdi>) from the sentence after it."""

    who: str  # a partner's first name; "" when the flag is the couple's
    text: str

    def __str__(self) -> str:
        return f"{self.who}: {self.text}" if self.who else self.text


@dataclass
class CoupleFlags:
    couple_id: int
    couple_name: str
    below_cutoff: list[FlagLine] = field(default_factory=list)  # Ana: 11 on CSI-4, below …
    drops: list[FlagLine] = field(default_factory=list)
    widening: list[FlagLine] = field(default_factory=list)


@dataclass
class DashboardFlags:
    couples: list[CoupleFlags]
    # Measures in use that publish no reliable-change figure: drops are not flagged for them.
    no_reliable_change: list[str]


@dataclass(frozen=True)
class _Scale:
    """What the flags read of a measure's latest version."""

    title: str
    cutoff: float | None
    reliable_change: float | None


# Built once, with bound parameters: building these statements cost about as much as running
# them on every dashboard.
#
# One row per partner and measure, kept up to date as answers are stored: reading every
# answer of the window (about 2,400 for a caseload of 100 couples answering weekly) and
# ranking them here was half the dashboard's time. A series whose newest occasion is older
# than the window has nothing to flag and is not read. Both partners' names come along (a
# couple has exactly two, positions 1 and 2), and the series as its JSON text, decoded here:
# SQLAlchemy's JSON type took three times as long for the same rows.
_FIRST, _SECOND = aliased(Partner), aliased(Partner)
_SERIES = (
    select(
        MeasureSeries.couple_id,
        MeasureSeries.measure_id,
        MeasureSeries.partner_id,
        cast(MeasureSeries.latest, Text),  # as text on PostgreSQL too, not decoded there
        _FIRST.id,
        _FIRST.display_name,
        _SECOND.display_name,
    )
    .join(Couple, MeasureSeries.couple_id == Couple.id)
    .join(_FIRST, (_FIRST.couple_id == Couple.id) & (_FIRST.position == 1))
    .join(_SECOND, (_SECOND.couple_id == Couple.id) & (_SECOND.position == 2))
    .where(
        Couple.counselor_id == bindparam("counselor_id", type_=Couple.counselor_id.type),
        Couple.status == "active",
        MeasureSeries.newest_occasion
        >= bindparam("since", type_=MeasureSeries.newest_occasion.type),
    )
    # Partners in the order of their ids: the order their flags are listed in.
    .order_by(MeasureSeries.couple_id, MeasureSeries.measure_id, MeasureSeries.partner_id)
)
# The three figures the flags need from each definition, read in the database: not the whole
# definition (every item's wording) parsed into a MeasureDefinition on every dashboard.
_SCALES = select(
    MeasureVersion.measure_id,
    MeasureVersion.definition["title"].as_string(),
    MeasureVersion.definition["cutoff"].as_float(),
    MeasureVersion.definition["reliable_change"].as_float(),
).join(
    NEWEST_VERSION,
    (MeasureVersion.measure_id == NEWEST_VERSION.c.measure_id)
    & (MeasureVersion.number == NEWEST_VERSION.c.number),
)


@dataclass
class _Couple:
    """A couple with answers in the window: its partners' names and each partner's series."""

    name: str
    first_names: dict[int, str]
    # measure -> partner -> {occasion: total}, oldest first; partners in the order of their ids
    series: dict[int, dict[int, dict[str, float]]] = field(default_factory=dict)


def _latest_totals(counselor: Counselor, today: date) -> dict[int, _Couple]:
    """The counselor's active couples with answers in the window, with each partner's latest
    totals (one per occasion) within it."""
    since = today - timedelta(days=FLAG_WINDOW_DAYS)
    # Through the connection, not the ORM session: plain rows, without the ORM's per-row work.
    rows = (
        db.session.connection()
        .execute(_SERIES, {"counselor_id": counselor.id, "since": since})
        .all()
    )
    first_day = since.isoformat()  # occasions are ISO dates: text order is date order
    couples: dict[int, _Couple] = {}
    loads = json.loads
    for couple_id, measure_id, partner_id, latest, first_id, first, second in rows:
        couple = couples.get(couple_id)
        if couple is None:
            couple = couples[couple_id] = _Couple(f"{first} & {second}", {})
        couple.first_names[partner_id] = first if partner_id == first_id else second
        # Never empty: the statement keeps series whose newest occasion is in the window.
        couple.series.setdefault(measure_id, {})[partner_id] = {
            on: total for on, total in loads(latest) if on >= first_day
        }
    return couples


def dashboard_flags(counselor: Counselor, today: date) -> DashboardFlags:
    """Flags for the counselor's active couples in two queries, whatever the history."""
    couples = _latest_totals(counselor, today)
    if not couples:
        return DashboardFlags([], [])
    in_use = sorted({measure_id for couple in couples.values() for measure_id in couple.series})
    definitions = {
        measure_id: _Scale(title, cutoff, reliable_change)
        for measure_id, title, cutoff, reliable_change in db.session.connection().execute(
            _SCALES, {"measure_ids": in_use}
        )
    }
    shown = []
    for couple_id, couple in couples.items():
        flag = CoupleFlags(couple_id, couple.name)
        for measure_id, by_partner in couple.series.items():
            _flag_measure(flag, definitions[measure_id], by_partner, couple.first_names)
        if flag.below_cutoff or flag.drops or flag.widening:
            shown.append(flag)
    no_rci = sorted({d.title for d in definitions.values() if d.reliable_change is None})
    return DashboardFlags(sorted(shown, key=lambda f: f.couple_name), no_rci)


def _flag_measure(
    flag: CoupleFlags,
    definition: _Scale,
    by_partner: dict[int, dict[str, float]],
    first_names: dict[int, str],
) -> None:
    """Add to `flag` what one measure's series say: a partner below the cutoff, a drop larger
    than the reliable change, a gap between the partners that widened three times in a row."""
    short = definition.title
    for partner_id, totals in by_partner.items():
        ordered = list(totals.values())
        who = _first(first_names[partner_id])
        if definition.cutoff is not None and ordered[-1] < definition.cutoff:
            flag.below_cutoff.append(
                FlagLine(
                    who, f"{ordered[-1]:g} on {short}, below the cutoff of {definition.cutoff:g}"
                )
            )
        if (
            definition.reliable_change is not None
            and len(ordered) >= 2
            and ordered[-2] - ordered[-1] > definition.reliable_change
        ):
            flag.drops.append(
                FlagLine(
                    who,
                    f"{short} fell from {ordered[-2]:g} to {ordered[-1]:g}, more than its "
                    f"reliable change of {definition.reliable_change:g}",
                )
            )
    if len(by_partner) == 2:
        first, second = by_partner.values()
        both = sorted(set(first) & set(second))
        gaps = [abs(first[d] - second[d]) for d in both]
        if len(gaps) >= 4 and gaps[-4] < gaps[-3] < gaps[-2] < gaps[-1]:
            flag.widening.append(
                FlagLine(
                    "", f"The gap on {short} widened three times in a row, to {gaps[-1]:g} points"
                )
            )


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name
