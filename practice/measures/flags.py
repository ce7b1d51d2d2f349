"""The dashboard's progress flags: a partner below the cutoff, a reliable drop, a widening gap."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import String, bindparam, select, type_coerce

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.measures.models import MeasureResponse, MeasureVersion
from practice.measures.services import NEWEST_VERSION

# The dashboard reads each partner's latest few totals, within this window.
FLAG_WINDOW_DAYS = 84  # twelve weeks: four weekly gaps and then some
FLAG_LATEST = 6  # enough for three widenings in a row (four shared occasions)


# --- dashboard flags -----------------------------------------------------------------------


@dataclass
class CoupleFlags:
    couple_id: int
    couple_name: str
    below_cutoff: list[str] = field(default_factory=list)  # "Ana: 11 on CSI-4 (cutoff 13.5)"
    drops: list[str] = field(default_factory=list)
    widening: list[str] = field(default_factory=list)


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
# The occasion and the time of each answer are only compared and sorted here, never shown,
# so they are read as the database gives them: turning about 2,000 SQLite strings into dates
# and datetimes on every dashboard cost a third of reading the rows. Both are ISO text in
# SQLite (one fixed format, so text order is time order) and dates on PostgreSQL.
_LATEST_TOTALS = (
    select(
        MeasureResponse.couple_id,
        MeasureResponse.measure_id,
        MeasureResponse.partner_id,
        type_coerce(MeasureResponse.occasion, String),
        type_coerce(MeasureResponse.created_at, String),
        MeasureResponse.total,
    )
    .join(Couple, MeasureResponse.couple_id == Couple.id)
    .where(
        Couple.counselor_id == bindparam("counselor_id", type_=Couple.counselor_id.type),
        Couple.status == "active",
        MeasureResponse.total.is_not(None),
        MeasureResponse.occasion >= bindparam("since", type_=MeasureResponse.occasion.type),
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
) -> dict[tuple[int, int], dict[int, dict[date | str, float]]]:
    """(couple, measure) -> partner -> {occasion: total}, oldest first: each partner's latest
    FLAG_LATEST answers with a total in the window, one per occasion (its newest answer).

    The rows come straight from the covering index, unsorted, and are ranked here: ranking
    them in SQL (a window function over every answer in the window) cost a sort of the
    whole caseload's answers on every dashboard."""
    # Through the connection, not the ORM session: plain rows, without the ORM's per-row work.
    rows = (
        db.session.connection()
        .execute(
            _LATEST_TOTALS,
            {"counselor_id": counselor.id, "since": today - timedelta(days=FLAG_WINDOW_DAYS)},
        )
        .all()
    )
    given: dict[tuple[int, int, int], list[tuple[date | str, datetime | str, float | None]]] = (
        defaultdict(list)
    )
    for couple_id, measure_id, partner_id, occasion, created_at, total in rows:
        given[(couple_id, measure_id, partner_id)].append((occasion, created_at, total))
    series: dict[tuple[int, int], dict[int, dict[date | str, float]]] = defaultdict(dict)
    for (couple_id, measure_id, partner_id), answers in sorted(given.items()):
        answers.sort(reverse=True)  # newest occasion first; on one occasion, newest answer
        latest: dict[date | str, float] = {}
        for on, _at, total in answers[:FLAG_LATEST]:
            latest.setdefault(on, total or 0.0)  # never None: the query keeps totals
        series[(couple_id, measure_id)][partner_id] = dict(reversed(latest.items()))
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
                    f"{who}: {ordered[-1]:g} on {short}, below the cutoff of {definition.cutoff:g}"
                )
            if (
                definition.reliable_change is not None
                and len(ordered) >= 2
                and ordered[-2] - ordered[-1] > definition.reliable_change
            ):
                flag.drops.append(
                    f"{who}: {short} fell from {ordered[-2]:g} to {ordered[-1]:g}, more than "
                    f"its reliable change of {definition.reliable_change:g}"
                )
        if len(by_partner) == 2:
            first, second = by_partner.values()
            both = sorted(set(first) & set(second))
            gaps = [abs(first[d] - second[d]) for d in both]
            if len(gaps) >= 4 and gaps[-4] < gaps[-3] < gaps[-2] < gaps[-1]:
                flag.widening.append(
                    f"The gap on {short} widened three times in a row, to {gaps[-1]:g} points"
                )
    no_rci = sorted({d.title for d in definitions.values() if d.reliable_change is None})
    shown = [f for f in flags.values() if f.below_cutoff or f.drops or f.widening]
    return DashboardFlags(sorted(shown, key=lambda f: f.couple_name), no_rci)


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name
