"""A partner's answers: checked against the scale, scored, stored once per form; and the
counselor having seen them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from practice.couples.models import Partner
from practice.extensions import db, rowcount
from practice.measures.format import MeasureDefinition
from practice.measures.models import (
    MeasureResponse,
)
from practice.measures.scheduling import Waiting
from practice.measures.series import refresh_series
from practice.measures.services import latest_versions
from practice.timeutil import utcnow


class AnswerError(Exception):
    """Answers that cannot be stored; `errors` maps an item key ("" for the form) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


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
    version = latest_versions([waiting.request.measure_id])[waiting.request.measure_id]
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
        refresh_series(couple_id, partner_id, unseen.measure_id)
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
    refresh_series(couple_id, partner_id, response.measure_id)
    return response, False


def stored_answer(submission_key: str, partner_id: int) -> MeasureResponse | None:
    """The answer this very form stored before (a resent POST), if it was this partner's."""
    return db.session.execute(
        select(MeasureResponse).where(
            MeasureResponse.submission_key == submission_key,
            MeasureResponse.partner_id == partner_id,
        )
    ).scalar_one_or_none()


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
