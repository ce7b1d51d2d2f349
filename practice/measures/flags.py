"""The dashboard's progress flags: a partner below the cutoff, a reliable drop, a widening gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner, first_name
from practice.extensions import db
from practice.measures.models import MeasureSeries, MeasureVersion
from practice.measures.services import NEWEST_VERSION

# The dashboard reads each partner's latest totals (practice.measures.series) from this window.
FLAG_WINDOW_DAYS = 84  # twelve weeks: four weekly gaps and then some


# --- dashboard flags -----------------------------------------------------------------------


class FlagLine(NamedTuple):
    """One flag: whose it is and what it says. The name is what someone typed, in any script,
    so the page isolates it (<bdi>) from the sentence after it. The sentence is written when
    a page shows it: the dashboard shows the first five couples' of all it counts. A named
    tuple: a caseload's dashboard makes about 150 of them."""

    who: str  # a partner's first name; "" when the flag is the couple's
    kind: str  # "below_cutoff" | "drop" | "widening"
    scale: str  # the measure's title
    figures: tuple[float, ...]  # cutoff and total; before, after and reliable change; gap

    @property
    def text(self) -> str:
        if self.kind == "below_cutoff":
            cutoff, total = self.figures
            return f"{total:g} on {self.scale}, below the cutoff of {cutoff:g}"
        if self.kind == "drop":
            before, after, change = self.figures
            return (
                f"{self.scale} fell from {before:g} to {after:g}, more than its reliable "
                f"change of {change:g}"
            )
        (gap,) = self.figures
        return f"The gap on {self.scale} widened three times in a row, to {gap:g} points"

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
# One row per partner and measure, kept up to date as answers are stored, with the totals
# the flags compare already picked out (practice.measures.series): reading every answer of
# the window (about 2,400 for a caseload of 100 couples answering weekly) and ranking them
# here was half the dashboard's time. A series whose newest occasion is older than the
# window has nothing to flag and is not read; whether the previous total and the couple's
# widening gap are inside the window is answered by the database, so no date is parsed here.
# Both partners' names come along (a couple has exactly two, positions 1 and 2).
_FIRST, _SECOND = aliased(Partner), aliased(Partner)
_SINCE = bindparam("since", type_=MeasureSeries.newest_occasion.type)
_SERIES = (
    select(
        MeasureSeries.couple_id,
        MeasureSeries.measure_id,
        MeasureSeries.partner_id,
        MeasureSeries.newest_total,
        MeasureSeries.previous_total,
        MeasureSeries.previous_occasion >= _SINCE,
        MeasureSeries.widening_gap,
        MeasureSeries.widening_since >= _SINCE,
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
        MeasureSeries.newest_occasion >= _SINCE,
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


def dashboard_flags(counselor: Counselor, today: date) -> DashboardFlags:
    """Flags for the counselor's active couples in two queries, whatever the history."""
    since = today - timedelta(days=FLAG_WINDOW_DAYS)
    # Through the connection, not the ORM session: plain rows, without the ORM's per-row work.
    connection = db.session.connection()
    rows: Sequence[Any] = connection.execute(
        _SERIES, {"counselor_id": counselor.id, "since": since}
    ).all()
    if not rows:
        return DashboardFlags([], [])
    scales = {
        measure_id: _Scale(title, cutoff, reliable_change)
        for measure_id, title, cutoff, reliable_change in connection.execute(
            _SCALES, {"measure_ids": sorted({row[1] for row in rows})}
        )
    }
    flags: dict[int, CoupleFlags] = {}
    firsts: dict[str, str] = {}  # display name → first name, split once per name
    widened: set[tuple[int, int]] = set()  # both partners' rows carry the couple's gap
    # About 200 rows for a caseload of 100 couples, on every dashboard: unpacked in the loop
    # header, and a couple's entry made once.
    for (
        couple_id,
        measure_id,
        partner_id,
        newest,
        previous,
        previous_in_window,
        gap,
        widening_in_window,
        first_id,
        first,
        second,
    ) in rows:
        scale = scales[measure_id]
        flag = flags.get(couple_id)
        if flag is None:
            flag = flags[couple_id] = CoupleFlags(couple_id, f"{first} & {second}")
        name = first if partner_id == first_id else second
        who = firsts.get(name)
        if who is None:
            who = firsts[name] = first_name(name)
        if scale.cutoff is not None and newest < scale.cutoff:
            flag.below_cutoff.append(
                FlagLine(who, "below_cutoff", scale.title, (scale.cutoff, newest))
            )
        change = scale.reliable_change
        if change is not None and previous_in_window and previous - newest > change:
            flag.drops.append(FlagLine(who, "drop", scale.title, (previous, newest, change)))
        if widening_in_window and (couple_id, measure_id) not in widened:
            widened.add((couple_id, measure_id))
            flag.widening.append(FlagLine("", "widening", scale.title, (gap,)))
    shown = [f for f in flags.values() if f.below_cutoff or f.drops or f.widening]
    no_rci = sorted({s.title for s in scales.values() if s.reliable_change is None})
    return DashboardFlags(sorted(shown, key=lambda f: f.couple_name), no_rci)
