"""Measures: asking a couple, answering, scoring, and reading progress. Plain functions of
explicit arguments (no request, no abort); the views commit."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner
from practice.extensions import db, rowcount
from practice.homework.models import Assignment, Entry
from practice.measures.charts import ChartData, ChartLine
from practice.measures.format import MeasureDefinition, parse_measure
from practice.measures.library import add_version
from practice.measures.models import (
    CADENCES,
    Measure,
    MeasureRequest,
    MeasureResponse,
    MeasureVersion,
)
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow

# The progress page and its chart show the last year; the CSV and JSON export have it all.
PROGRESS_WEEKS = 52
# The dashboard reads each partner's latest few totals, within this window.
FLAG_WINDOW_DAYS = 84  # twelve weeks: four weekly gaps and then some
FLAG_LATEST = 6  # enough for three widenings in a row (four shared occasions)


class AnswerError(Exception):
    """Answers that cannot be stored; `errors` maps an item key ("" for the form) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# --- measures a counselor can use ----------------------------------------------------------


def usable_measures(counselor: Counselor) -> list[Measure]:
    """Built-in measures in service and the counselor's own (never another counselor's)."""
    return list(
        db.session.execute(
            select(Measure)
            .where(
                Measure.retired_at.is_(None),
                or_(Measure.counselor_id.is_(None), Measure.counselor_id == counselor.id),
            )
            .order_by(Measure.counselor_id.is_not(None), Measure.title)
        ).scalars()
    )


def own_measure(counselor: Counselor, measure_id: int) -> Measure | None:
    """A measure this counselor may use or edit, or None (missing or someone else's)."""
    return db.session.execute(
        select(Measure).where(
            Measure.id == measure_id,
            or_(Measure.counselor_id.is_(None), Measure.counselor_id == counselor.id),
        )
    ).scalar_one_or_none()


def latest_version(measure: Measure) -> MeasureVersion:
    return measure.versions[-1]


def custom_definition(
    slug: str, title: str, items: list[dict[str, Any]]
) -> tuple[MeasureDefinition | None, list[str]]:
    """A counselor's short scale, checked by the same rules as the built-in files."""
    return parse_measure(
        {"slug": slug, "title": title, "items": items, "missing": "none"}, label="Your scale"
    )


def create_custom_measure(counselor: Counselor, definition: MeasureDefinition) -> Measure:
    measure = Measure(slug=definition.slug, counselor_id=counselor.id, title=definition.title)
    db.session.add(measure)
    add_version(measure, definition)
    db.session.flush()
    return measure


def update_custom_measure(measure: Measure, definition: MeasureDefinition) -> bool:
    """Add a version when the wording changed; answers keep the version they were given
    against. Returns whether anything changed."""
    if latest_version(measure).definition == definition.to_dict():
        return False
    add_version(measure, definition)
    db.session.flush()
    return True


def new_custom_slug() -> str:
    return f"own-{secrets.token_hex(5)}"


# --- asking a couple -----------------------------------------------------------------------


def request_measure(couple: Couple, measure: Measure, cadence: str, today: date) -> MeasureRequest:
    """Ask the couple for `measure`; an open request for the same measure is replaced."""
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}")
    for old in open_requests(couple.id):
        if old.measure_id == measure.id:
            old.stopped_at = utcnow()
    request = MeasureRequest(
        couple_id=couple.id, measure_id=measure.id, cadence=cadence, starts_on=today
    )
    db.session.add(request)
    db.session.flush()
    return request


def stop_request(request: MeasureRequest) -> None:
    if request.stopped_at is None:
        request.stopped_at = utcnow()


def open_requests(couple_id: int) -> list[MeasureRequest]:
    return list(
        db.session.execute(
            select(MeasureRequest)
            .where(MeasureRequest.couple_id == couple_id, MeasureRequest.stopped_at.is_(None))
            .order_by(MeasureRequest.created_at)
        ).scalars()
    )


def next_appointment(couple_id: int, now: datetime) -> datetime | None:
    """The next booked appointment: the latest session's `next_appointment_at`, if ahead."""
    booked = db.session.execute(
        select(CounselingSession.next_appointment_at)
        .where(CounselingSession.couple_id == couple_id)
        .order_by(CounselingSession.starts_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return booked if booked is not None and booked > now else None


def occasion_for(request: MeasureRequest, today: date, appointment: datetime | None) -> date | None:
    """The occasion an answer given today counts for, or None when nothing is asked now.

    Once: the day it was asked. Weekly: the start of the current week of the request.
    Before each session: the day before the next booked appointment (none booked: none)."""
    if request.stopped_at is not None or today < request.starts_on:
        return None
    if request.cadence == "once":
        return request.starts_on
    if request.cadence == "weekly":
        weeks = (today - request.starts_on).days // 7
        return request.starts_on + timedelta(days=7 * weeks)
    if appointment is None:
        return None
    return appointment.date() - timedelta(days=1)


@dataclass
class Waiting:
    """A measure a partner is asked to answer now."""

    request: MeasureRequest
    occasion: date
    definition: MeasureDefinition
    answered: bool  # already answered for this occasion (a new answer replaces it until seen)


def waiting_for(partner: Partner, today: date, now: datetime) -> list[Waiting]:
    return waiting_for_partner(partner.id, partner.couple_id, today, now)


def waiting_for_partner(
    partner_id: int, couple_id: int, today: date, now: datetime
) -> list[Waiting]:
    """What this partner is asked to answer now, for their home: a fixed number of queries."""
    requests = open_requests(couple_id)
    if not requests:
        return []
    appointment = (
        next_appointment(couple_id, now)
        if any(r.cadence == "before_session" for r in requests)
        else None
    )
    occasions = {r.id: occasion_for(r, today, appointment) for r in requests}
    answered = {
        (row.request_id, row.occasion)
        for row in db.session.execute(
            select(MeasureResponse.request_id, MeasureResponse.occasion).where(
                MeasureResponse.partner_id == partner_id,
                MeasureResponse.request_id.in_([r.id for r in requests]),
            )
        )
    }
    versions = _latest_versions([r.measure_id for r in requests])
    waiting = []
    for request in requests:
        occasion = occasions[request.id]
        if occasion is None:
            continue
        done = (request.id, occasion) in answered
        if request.cadence == "once" and done:
            continue
        waiting.append(Waiting(request, occasion, versions[request.measure_id].typed, done))
    return waiting


def _latest_versions(measure_ids: list[int]) -> dict[int, MeasureVersion]:
    newest = (
        select(MeasureVersion.measure_id, func.max(MeasureVersion.number).label("number"))
        .where(MeasureVersion.measure_id.in_(set(measure_ids)))
        .group_by(MeasureVersion.measure_id)
        .subquery()
    )
    rows = db.session.execute(
        select(MeasureVersion).join(
            newest,
            (MeasureVersion.measure_id == newest.c.measure_id)
            & (MeasureVersion.number == newest.c.number),
        )
    ).scalars()
    return {row.measure_id: row for row in rows}


# --- answering -----------------------------------------------------------------------------


def clean_answers(definition: MeasureDefinition, form: dict[str, str]) -> dict[str, int | None]:
    """The answers posted as `item-<key>` fields, checked against the scale.

    A missing or empty field is a skipped item; anything else must be a whole number in the
    item's range. A field for an item the scale does not have (a tampered form) is refused."""
    errors: dict[str, str] = {}
    items = {item.key: item for item in definition.items}
    for name in form:
        if name.startswith("item-") and name[5:] not in items:
            errors[""] = "This form does not match the questionnaire any more. Please reload it."
    answers: dict[str, int | None] = {}
    for key, item in items.items():
        raw = (form.get(f"item-{key}") or "").strip()
        if not raw:
            answers[key] = None
            continue
        try:
            value = int(raw)
        except ValueError:
            errors[key] = "Choose one of the answers."
            continue
        if value not in item.values:
            errors[key] = f"Choose an answer from {item.min} to {item.max}."
            continue
        answers[key] = value
    if errors:
        raise AnswerError(errors)
    return answers


def submit_answers(
    waiting: Waiting, partner: Partner, form: dict[str, str], submission_key: str
) -> tuple[MeasureResponse, bool]:
    return submit_partner_answers(waiting, partner.id, partner.couple_id, form, submission_key)


def submit_partner_answers(
    waiting: Waiting, partner_id: int, couple_id: int, form: dict[str, str], submission_key: str
) -> tuple[MeasureResponse, bool]:
    """Store a partner's answers for the occasion; returns the row and whether it replaced an
    earlier answer. A second answer for the same occasion replaces the first until the
    counselor has seen it; after that it is a new answer. The same form sent twice (a double
    tap, a resent POST) stores once."""
    if not submission_key or len(submission_key) > 64:
        raise AnswerError({"": "This form has expired. Please reload the page."})
    existing = db.session.execute(
        select(MeasureResponse).where(MeasureResponse.submission_key == submission_key)
    ).scalar_one_or_none()
    if existing is not None:
        if existing.partner_id != partner_id:
            raise AnswerError({"": "This form has expired. Please reload the page."})
        return existing, False
    version = _latest_versions([waiting.request.measure_id])[waiting.request.measure_id]
    definition = version.typed
    answers = clean_answers(definition, form)
    score = definition.score(answers)
    now = utcnow()
    unseen = db.session.execute(
        select(MeasureResponse)
        .where(
            MeasureResponse.request_id == waiting.request.id,
            MeasureResponse.partner_id == partner_id,
            MeasureResponse.occasion == waiting.occasion,
            MeasureResponse.seen_at.is_(None),
        )
        .order_by(MeasureResponse.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if unseen is not None:
        unseen.answers, unseen.total, unseen.score_note = answers, score.total, score.note
        unseen.version_id, unseen.submission_key, unseen.updated_at = (
            version.id,
            submission_key,
            now,
        )
        db.session.flush()
        return unseen, True
    response = MeasureResponse(
        request_id=waiting.request.id,
        couple_id=couple_id,
        partner_id=partner_id,
        measure_id=waiting.request.measure_id,
        version_id=version.id,
        occasion=waiting.occasion,
        answers=answers,
        total=score.total,
        score_note=score.note,
        submission_key=submission_key,
        created_at=now,
        updated_at=now,
    )
    db.session.add(response)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # The same form won a race against itself: the other request stored it.
        stored = db.session.execute(
            select(MeasureResponse).where(MeasureResponse.submission_key == submission_key)
        ).scalar_one()
        return stored, False
    return response, False


def stored_answer(submission_key: str, partner_id: int) -> MeasureResponse | None:
    """The answer this very form stored before (a resent POST), if it was this partner's."""
    return db.session.execute(
        select(MeasureResponse).where(
            MeasureResponse.submission_key == submission_key,
            MeasureResponse.partner_id == partner_id,
        )
    ).scalar_one_or_none()


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

    @property
    def session_weeks(self) -> set[date]:
        return {week_start(day) for day in self.sessions}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def couple_progress(couple: Couple, today: date) -> CoupleProgress:
    """Everything on the progress page, in a fixed number of queries whatever the history."""
    since = week_start(today) - timedelta(weeks=PROGRESS_WEEKS - 1)
    partners = [(p.id, p.display_name) for p in couple.partners]
    sessions = [
        starts.date()
        for starts in db.session.execute(
            select(CounselingSession.starts_at)
            .where(
                CounselingSession.couple_id == couple.id,
                CounselingSession.starts_at >= datetime.combine(since, datetime.min.time()),
            )
            .order_by(CounselingSession.starts_at)
        ).scalars()
    ]
    responses = db.session.execute(
        select(
            MeasureResponse.measure_id,
            MeasureResponse.partner_id,
            MeasureResponse.occasion,
            MeasureResponse.total,
            MeasureResponse.score_note,
            MeasureResponse.created_at,
            MeasureResponse.seen_at,
        )
        .where(MeasureResponse.couple_id == couple.id, MeasureResponse.occasion >= since)
        .order_by(MeasureResponse.occasion, MeasureResponse.created_at)
    ).all()
    measure_ids = sorted({row.measure_id for row in responses})
    versions = _latest_versions(measure_ids) if measure_ids else {}
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
    # By day in SQL (at most two rows a day, whatever was written), by week here: weeks
    # start on Monday in every database this way.
    entry_day = func.date(Entry.created_at)
    by_day = db.session.execute(
        select(
            Entry.partner_id,
            entry_day.label("day"),
            func.count().label("entries"),
            func.sum(Entry.connection_rating).label("rating_sum"),
            func.count(Entry.connection_rating).label("ratings"),
        )
        .join(Assignment, Entry.assignment_id == Assignment.id)
        .where(
            Assignment.couple_id == couple.id,
            Entry.created_at >= datetime.combine(since, datetime.min.time()),
        )
        .group_by(Entry.partner_id, entry_day)
    ).all()
    rating_sums: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0, 0])
    completed: dict[tuple[date, int], int] = defaultdict(int)
    for row in by_day:
        day = row.day if isinstance(row.day, date) else date.fromisoformat(row.day)
        week = week_start(day)
        completed[(week, row.partner_id)] += row.entries
        if row.ratings:
            total = rating_sums[(week, row.partner_id)]
            total[0] += int(row.rating_sum)
            total[1] += row.ratings
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
        requests=open_requests(couple.id),
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
    """The progress charts of a couple (totals only), for the printed documents."""
    return [chart_data(m) for m in couple_progress(couple, today).measures]


def mark_seen(couple_id: int, now: datetime) -> int:
    """The counselor saw the couple's answers: later answers for the same occasions are new.

    The reads are committed first so the UPDATE opens a fresh transaction: on SQLite a
    deferred transaction that read and then writes can fail at once under concurrency."""
    from sqlalchemy import update

    db.session.commit()
    result = db.session.execute(
        update(MeasureResponse)
        .where(MeasureResponse.couple_id == couple_id, MeasureResponse.seen_at.is_(None))
        .values(seen_at=now)
    )
    return rowcount(result) or 0


def all_responses(couple_id: int) -> list[MeasureResponse]:
    """Every answer of the couple, oldest first, with its version (for the exports)."""
    from sqlalchemy.orm import selectinload

    return list(
        db.session.execute(
            select(MeasureResponse)
            .where(MeasureResponse.couple_id == couple_id)
            .options(selectinload(MeasureResponse.version), selectinload(MeasureResponse.partner))
            .order_by(MeasureResponse.occasion, MeasureResponse.created_at)
        ).scalars()
    )


def export_responses(couple_id: int) -> list[dict[str, Any]]:
    """Every answer and score, for the couple's JSON export."""
    rows = []
    for response in all_responses(couple_id):
        definition = response.version.typed
        rows.append(
            {
                "measure": definition.slug,
                "measure_title": definition.title,
                "version": response.version.number,
                "partner_id": response.partner_id,
                "partner": response.partner.display_name,
                "occasion": response.occasion.isoformat(),
                "answers": response.answers,
                "total": response.total,
                "score_note": response.score_note,
                "created_at": response.created_at.isoformat(),
                "updated_at": response.updated_at.isoformat(),
                "seen_at": response.seen_at.isoformat() if response.seen_at else None,
            }
        )
    return rows


CSV_HEADER = ["measure", "version", "partner", "occasion", "total", "note", "answered_at"]


def csv_rows(couple_id: int) -> list[list[str]]:
    """The scores for the progress page's CSV download (formula-safe cells)."""
    rows = []
    for response in all_responses(couple_id):
        rows.append(
            [
                response.version.typed.title,
                str(response.version.number),
                response.partner.display_name,
                response.occasion.isoformat(),
                "" if response.total is None else f"{response.total:g}",
                response.score_note,
                response.created_at.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return [[_csv_safe(cell) for cell in row] for row in rows]


def _csv_safe(cell: str) -> str:
    # A name starting with = + - @ would run as a formula in a spreadsheet.
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


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


def dashboard_flags(counselor: Counselor, today: date) -> DashboardFlags:
    """Flags for the counselor's active couples in three queries, whatever the history."""
    ranked = (
        select(
            MeasureResponse.couple_id,
            MeasureResponse.measure_id,
            MeasureResponse.partner_id,
            MeasureResponse.occasion,
            MeasureResponse.total,
            func.row_number()
            .over(
                partition_by=(
                    MeasureResponse.couple_id,
                    MeasureResponse.measure_id,
                    MeasureResponse.partner_id,
                ),
                order_by=(MeasureResponse.occasion.desc(), MeasureResponse.created_at.desc()),
            )
            .label("rank"),
        )
        .join(Couple, MeasureResponse.couple_id == Couple.id)
        .where(
            Couple.counselor_id == counselor.id,
            Couple.status == "active",
            MeasureResponse.total.is_not(None),
            MeasureResponse.occasion >= today - timedelta(days=FLAG_WINDOW_DAYS),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked)
        .where(ranked.c.rank <= FLAG_LATEST)
        .order_by(ranked.c.couple_id, ranked.c.measure_id, ranked.c.partner_id, ranked.c.occasion)
    ).all()
    if not rows:
        return DashboardFlags([], [])
    versions = _latest_versions(sorted({row.measure_id for row in rows}))
    definitions = {mid: version.typed for mid, version in versions.items()}
    names: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in db.session.execute(
        select(Partner.couple_id, Partner.id, Partner.display_name)
        .where(Partner.couple_id.in_(sorted({row.couple_id for row in rows})))
        .order_by(Partner.couple_id, Partner.position)
    ):
        names[row.couple_id].append((row.id, row.display_name))
    # (couple, measure) -> partner -> [(occasion, total)], oldest first, one per occasion.
    series: dict[tuple[int, int], dict[int, dict[date, float]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for row in rows:
        series[(row.couple_id, row.measure_id)][row.partner_id].setdefault(row.occasion, row.total)
    flags: dict[int, CoupleFlags] = {}
    for (couple_id, measure_id), by_partner in series.items():
        definition = definitions[measure_id]
        short = definition.title
        first_names = {pid: _first(name) for pid, name in names[couple_id]}
        flag = flags.setdefault(
            couple_id, CoupleFlags(couple_id, " & ".join(name for _pid, name in names[couple_id]))
        )
        for partner_id, totals in by_partner.items():
            ordered = [totals[d] for d in sorted(totals)]
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
