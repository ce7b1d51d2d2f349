"""Asking a couple for a measure: requests, their cadence, and what each partner is asked to
answer now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from practice.couples.models import Couple, Partner
from practice.extensions import db
from practice.measures.format import MeasureDefinition
from practice.measures.models import (
    CADENCES,
    Measure,
    MeasureRequest,
    MeasureResponse,
)
from practice.measures.services import latest_versions
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow

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


def open_requests(couple_id: int, with_measure: bool = False) -> list[MeasureRequest]:
    """The couple's requests still asked; `with_measure` loads each one's measure in the same
    query (the progress page lists their titles)."""
    query = (
        select(MeasureRequest)
        .where(MeasureRequest.couple_id == couple_id, MeasureRequest.stopped_at.is_(None))
        .order_by(MeasureRequest.created_at)
    )
    if with_measure:
        query = query.options(joinedload(MeasureRequest.measure))
    return list(db.session.execute(query).scalars())


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
    versions = latest_versions([r.measure_id for r in requests])
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
