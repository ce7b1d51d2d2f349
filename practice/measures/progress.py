"""The progress page's read model: each partner's totals per measure, weekly connection
ratings and homework, and the sessions, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Date, bindparam, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from practice.couples.models import Couple
from practice.extensions import db
from practice.homework.models import Assignment, Entry
from practice.measures.charts import ChartData, ChartLine
from practice.measures.format import MeasureDefinition
from practice.measures.models import (
    MeasureRequest,
    MeasureResponse,
)
from practice.measures.scheduling import open_requests
from practice.measures.services import latest_versions
from practice.sessions.models import CounselingSession

# The progress page and its chart show the last year; the CSV and JSON export have it all.
PROGRESS_WEEKS = 52


# --- progress ------------------------------------------------------------------------------


@dataclass
class Point:
    occasion: date
    total: float


@dataclass
class PartnerSeries:
    partner_id: int
    name: str
    points: list[Point] = field(default_factory=list)
    unscored: list[tuple[date, str]] = field(default_factory=list)  # answered, no total: why


@dataclass
class MeasureProgress:
    measure_id: int
    definition: MeasureDefinition
    series: list[PartnerSeries]
    sessions: list[date]
    start: date
    end: date

    @property
    def rows(self) -> list[tuple[date, list[float | None], float | None]]:
        """The data table: each occasion, each partner's total, and the gap between them."""
        by_partner = [{p.occasion: p.total for p in s.points} for s in self.series]
        occasions = sorted({d for totals in by_partner for d in totals})
        rows = []
        for occasion in occasions:
            totals = [totals.get(occasion) for totals in by_partner]
            gap: float | None = None
            if len(totals) == 2:
                first, second = totals
                if first is not None and second is not None:
                    gap = abs(first - second)
            rows.append((occasion, totals, gap))
        return rows

    @property
    def silent_partners(self) -> list[str]:
        """Partners with no total at all: the chart shows one line and says so."""
        return [s.name for s in self.series if not s.points]


@dataclass
class WeekRow:
    week: date
    connection: list[float | None]  # each partner's mean "connected" rating that week
    completed: list[int]  # each partner's homework entries that week


@dataclass
class CoupleProgress:
    partners: list[tuple[int, str]]
    measures: list[MeasureProgress]
    weeks: list[WeekRow]
    sessions: list[date]
    requests: list[MeasureRequest]
    unseen: bool = False  # answers the counselor has not been shown yet

    @cached_property
    def session_weeks(self) -> set[date]:
        # Once per page, not once per row of the week table that asks.
        return {week_start(day) for day in self.sessions}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class week_of(FunctionElement):
    """The Monday that starts a timestamp's week (its date's week), in SQL."""

    type = Date()
    inherit_cache = True


@compiles(week_of, "sqlite")
def _week_of_sqlite(element, compiler, **kw):
    # Forward to the week's Sunday (or stay on it), then back six days.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@compiles(week_of, "postgresql")
def _week_of_postgresql(element, compiler, **kw):
    # ISO weeks start on Monday.
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


# The page's statements, built once with bound parameters (building them cost about as much
# as running them).
_COUPLE = bindparam("couple_id", type_=MeasureResponse.couple_id.type)
_SINCE_TIME = bindparam("since_time", type_=Entry.created_at.type)
_SESSIONS = (
    select(CounselingSession.starts_at)
    .where(CounselingSession.couple_id == _COUPLE, CounselingSession.starts_at >= _SINCE_TIME)
    .order_by(CounselingSession.starts_at)
)
_RESPONSES = (
    select(
        MeasureResponse.measure_id,
        MeasureResponse.partner_id,
        MeasureResponse.occasion,
        MeasureResponse.total,
        MeasureResponse.score_note,
        MeasureResponse.created_at,
        MeasureResponse.seen_at,
    )
    .where(
        MeasureResponse.couple_id == _COUPLE,
        MeasureResponse.occasion >= bindparam("since", type_=MeasureResponse.occasion.type),
    )
    .order_by(MeasureResponse.occasion, MeasureResponse.created_at)
)
# By week in SQL: at most one row per partner and week, whatever was written (by day it was
# hundreds of rows a year to add up here).
_ENTRY_WEEK = week_of(Entry.created_at)
_BY_WEEK = (
    select(
        Entry.partner_id,
        _ENTRY_WEEK.label("week"),
        func.count().label("entries"),
        func.sum(Entry.connection_rating).label("rating_sum"),
        func.count(Entry.connection_rating).label("ratings"),
    )
    .join(Assignment, Entry.assignment_id == Assignment.id)
    .where(Assignment.couple_id == _COUPLE, Entry.created_at >= _SINCE_TIME)
    .group_by(Entry.partner_id, _ENTRY_WEEK)
)


def _params(couple: Couple, today: date) -> dict[str, Any]:
    since = week_start(today) - timedelta(weeks=PROGRESS_WEEKS - 1)
    return {
        "couple_id": couple.id,
        "since": since,
        "since_time": datetime.combine(since, datetime.min.time()),
    }


def _measures(
    params: dict[str, Any], partners: list[tuple[int, str]]
) -> tuple[list[date], Sequence[Any], list[MeasureProgress]]:
    """The sessions, the answers and each measure's totals per partner (three statements)."""
    sessions = [starts.date() for starts in db.session.execute(_SESSIONS, params).scalars()]
    responses = db.session.execute(_RESPONSES, params).all()
    measure_ids = sorted({row.measure_id for row in responses})
    versions = latest_versions(measure_ids) if measure_ids else {}
    measures = []
    for measure_id in measure_ids:
        # The latest answer per partner and occasion (a re-answer after the counselor saw
        # the first is a new answer, and the newest one is what the chart shows). Rows come
        # ordered by occasion, then time: later rows win.
        latest: dict[tuple[int, date], Any] = {}
        for row in responses:
            if row.measure_id == measure_id:
                latest[(row.partner_id, row.occasion)] = row
        lines = {partner_id: PartnerSeries(partner_id, name) for partner_id, name in partners}
        for (partner_id, occasion), row in latest.items():
            line = lines.get(partner_id)
            if line is None:
                continue
            if row.total is None:
                line.unscored.append((occasion, row.score_note))
            else:
                line.points.append(Point(occasion, row.total))
        series = list(lines.values())
        dates = [occasion for (_pid, occasion) in latest] + sessions
        measures.append(
            MeasureProgress(
                measure_id=measure_id,
                definition=versions[measure_id].typed,
                series=series,
                sessions=sessions,
                start=min(dates),
                end=max(max(dates), min(dates) + timedelta(1)),
            )
        )
    return sessions, responses, measures


def couple_progress(couple: Couple, today: date) -> CoupleProgress:
    """Everything on the progress page, in a fixed number of queries whatever the history."""
    params = _params(couple, today)
    partners = [(p.id, p.display_name) for p in couple.partners]
    sessions, responses, measures = _measures(params, partners)
    by_week = db.session.execute(_BY_WEEK, params).all()
    rating_sums: dict[tuple[date, int], tuple[int, int]] = {}
    completed: dict[tuple[date, int], int] = {}
    for partner_id, week, entries, rating_sum, ratings in by_week:
        if not isinstance(week, date):
            week = date.fromisoformat(week)
        completed[(week, partner_id)] = entries
        if ratings:
            rating_sums[(week, partner_id)] = (int(rating_sum), ratings)
    weeks = []
    for week in sorted({week for week, _pid in completed}):
        weeks.append(
            WeekRow(
                week=week,
                connection=[
                    round(r[0] / r[1], 1) if (r := rating_sums.get((week, pid))) else None
                    for pid, _name in partners
                ],
                completed=[completed.get((week, pid), 0) for pid, _name in partners],
            )
        )
    return CoupleProgress(
        partners=partners,
        measures=measures,
        weeks=weeks,
        sessions=sessions,
        requests=open_requests(couple.id, with_measure=True),
        unseen=any(row.seen_at is None for row in responses),
    )


def chart_data(progress: MeasureProgress) -> ChartData:
    """The chart of one measure: both partners' totals on the scale's full range."""
    definition = progress.definition
    return ChartData(
        title=f"{definition.title}: each partner's total over time",
        y_min=definition.score_min,
        y_max=definition.score_max,
        start=progress.start,
        end=progress.end,
        lines=[
            ChartLine(s.name, [(p.occasion, p.total) for p in s.points]) for s in progress.series
        ],
        cutoff=definition.cutoff,
        cutoff_label=f"Cutoff {definition.cutoff:g}" if definition.cutoff is not None else "",
        sessions=progress.sessions,
    )


def couple_charts(couple: Couple, today: date) -> list[ChartData]:
    """The progress charts of a couple (totals only), for the printed documents: the
    measures alone, without the page's weekly table and open requests."""
    partners = [(p.id, p.display_name) for p in couple.partners]
    _sessions, _responses, measures = _measures(_params(couple, today), partners)
    return [chart_data(m) for m in measures]
