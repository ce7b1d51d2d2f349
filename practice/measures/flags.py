"""The dashboard's progress flags: a partner below the cutoff, a reliable drop, a widening gap."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import bindparam, select

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
# than the window has nothing to flag and is not read.
_SERIES = (
    select(
        MeasureSeries.couple_id,
        MeasureSeries.measure_id,
        MeasureSeries.partner_id,
        MeasureSeries.latest,
    )
    .join(Couple, MeasureSeries.couple_id == Couple.id)
    .where(
        Couple.counselor_id == bindparam("counselor_id", type_=Couple.counselor_id.type),
        Couple.status == "active",
        MeasureSeries.newest_occasion
        >= bindparam("since", type_=MeasureSeries.newest_occasion.type),
    )
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
_PARTNER_NAMES = (
    select(Partner.couple_id, Partner.id, Partner.display_name)
    .where(Partner.couple_id.in_(bindparam("couple_ids", expanding=True)))
    .order_by(Partner.couple_id, Partner.position)
)


def _latest_totals(
    counselor: Counselor, today: date
) -> dict[tuple[int, int], dict[int, dict[str, float]]]:
    """(couple, measure) -> partner -> {occasion: total}, oldest first: each partner's
    latest totals (one per occasion) within the window, partners in the order of their ids."""
    since = today - timedelta(days=FLAG_WINDOW_DAYS)
    # Through the connection, not the ORM session: plain rows, without the ORM's per-row work.
    rows = (
        db.session.connection()
        .execute(_SERIES, {"counselor_id": counselor.id, "since": since})
        .all()
    )
    first_day = since.isoformat()  # occasions are ISO dates: text order is date order
    series: dict[tuple[int, int], dict[int, dict[str, float]]] = defaultdict(dict)
    for couple_id, measure_id, partner_id, latest in sorted(rows, key=lambda row: row[:3]):
        in_window = {on: total for on, total in latest if on >= first_day}
        if in_window:
            series[(couple_id, measure_id)][partner_id] = in_window
    return series


def dashboard_flags(counselor: Counselor, today: date) -> DashboardFlags:
    """Flags for the counselor's active couples in three queries, whatever the history."""
    series = _latest_totals(counselor, today)
    if not series:
        return DashboardFlags([], [])
    definitions = {
        measure_id: _Scale(title, cutoff, reliable_change)
        for measure_id, title, cutoff, reliable_change in db.session.connection().execute(
            _SCALES, {"measure_ids": sorted({measure_id for _couple_id, measure_id in series})}
        )
    }
    names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for couple_id, partner_id, display_name in db.session.connection().execute(
        _PARTNER_NAMES, {"couple_ids": sorted({couple_id for couple_id, _mid in series})}
    ):
        names[couple_id].append((partner_id, display_name))
    flags: dict[int, CoupleFlags] = {}
    first_names: dict[int, str] = {}
    for (couple_id, measure_id), by_partner in series.items():
        definition = definitions[measure_id]
        short = definition.title
        flag = flags.get(couple_id)
        if flag is None:  # the couple's first measure: its name and first names, once
            flag = flags[couple_id] = CoupleFlags(
                couple_id, " & ".join(name for _pid, name in names[couple_id])
            )
            first_names.update((pid, _first(name)) for pid, name in names[couple_id])
        for partner_id, totals in by_partner.items():
            ordered = list(totals.values())
            who = first_names.get(partner_id, "A partner")
            if definition.cutoff is not None and ordered[-1] < definition.cutoff:
                flag.below_cutoff.append(
                    FlagLine(
                        who,
                        f"{ordered[-1]:g} on {short}, below the cutoff of {definition.cutoff:g}",
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
                        "",
                        f"The gap on {short} widened three times in a row, to {gaps[-1]:g} points",
                    )
                )
    no_rci = sorted({d.title for d in definitions.values() if d.reliable_change is None})
    shown = [f for f in flags.values() if f.below_cutoff or f.drops or f.widening]
    return DashboardFlags(sorted(shown, key=lambda f: f.couple_name), no_rci)


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name
