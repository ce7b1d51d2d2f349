"""Writing and reading the audit log.

Views call `record(...)` before their commit, so the event is stored with the change or
not at all. GET views that only read call `record_read(...)` after rendering.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from practice.audit.labels import ACTION_LABELS
from practice.audit.models import AuditEvent
from practice.auth.models import Counselor
from practice.extensions import db, writer_transaction

PAGE_SIZE = 50
USER_AGENT_LENGTH = 200
DETAIL_LENGTH = 200

# Known actions, for the filter menu (labels in practice.audit.labels). Others may be
# recorded; the menu is a convenience.
ACTIONS = tuple(ACTION_LABELS)


def record(
    action: str,
    *,
    couple_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    detail: str = "",
    counselor: Counselor | None = None,
    actor_kind: str | None = None,
) -> AuditEvent:
    """Add an event to the session (not committed). Never pass tokens, notes or names.

    Inside a request the actor, address and browser come from the request: the signed-in
    counselor, or `actor_kind="partner_link"` for a client's link. `counselor` names the
    actor when nobody is signed in yet (a sign-in, a failed sign-in).
    """
    ip_address, user_agent, signed_in = _request_context()
    actor = counselor or signed_in
    event = AuditEvent(
        action=action[:40],
        actor_counselor_id=actor.id if actor is not None else None,
        actor_kind=actor_kind or ("counselor" if actor is not None else "system"),
        couple_id=couple_id,
        object_type=object_type,
        object_id=object_id,
        ip_address=ip_address,
        user_agent=user_agent,
        detail=(detail or "")[:DETAIL_LENGTH],
    )
    db.session.add(event)
    return event


def record_read(action: str, **fields) -> AuditEvent:
    """Record a page view from a GET view, after rendering, and commit.

    The reads are committed first so the INSERT opens a fresh transaction, begun as a writer:
    it reads the counselor again (the commit expired them) before it writes, and on SQLite a
    transaction that reads and then writes fails at once when another writer (a job worker
    thread, say) committed in between.
    """
    db.session.commit()
    with writer_transaction():
        event = record(action, **fields)
        db.session.commit()
    return event


def _request_context() -> tuple[str | None, str | None, Counselor | None]:
    from flask import has_request_context, request
    from flask_login import current_user

    if not has_request_context():
        return None, None, None
    agent = request.headers.get("User-Agent") or None
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return request.remote_addr, agent[:USER_AGENT_LENGTH] if agent else None, user


@dataclass
class Filters:
    counselor_id: int | None = None
    action: str = ""
    couple_id: int | None = None
    couple_name: str = ""  # part of either partner's name
    since: date | None = None
    until: date | None = None


def events_query(filters: Filters) -> Select:
    """Events matching the filters, newest first. Dates are whole UTC days, both inclusive."""
    query = select(AuditEvent)
    if filters.counselor_id is not None:
        query = query.where(AuditEvent.actor_counselor_id == filters.counselor_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.couple_id is not None:
        query = query.where(AuditEvent.couple_id == filters.couple_id)
    if filters.couple_name.strip():
        # Imported here: the audit log is imported by every feature, couples among them.
        from practice.couples.models import Couple
        from practice.couples.services import partner_name_contains

        # Couples still on record; a deleted couple's events are found by its number.
        named = select(Couple.id).where(partner_name_contains(filters.couple_name))
        query = query.where(AuditEvent.couple_id.in_(named))
    if filters.since is not None:
        query = query.where(AuditEvent.at >= datetime.combine(filters.since, time.min))
    if filters.until is not None and filters.until < date.max:  # the last day has no next
        end = datetime.combine(filters.until + timedelta(days=1), time.min)
        query = query.where(AuditEvent.at < end)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def list_events(filters: Filters, page: int = 1) -> tuple[list[AuditEvent], int]:
    """One page of events and the total count."""
    query = events_query(filters)
    total = db.session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    events = db.session.execute(
        query.limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    ).scalars()
    return list(events), total


def couple_names(couple_ids: Iterable[int | None]) -> dict[int, str]:
    """'Ana Silva & Ben Okafor' for each couple id still on record, in one query."""
    from practice.couples.models import Partner

    ids = sorted({couple_id for couple_id in couple_ids if couple_id})
    names: dict[int, list[str]] = {couple_id: [] for couple_id in ids}
    if ids:
        for couple_id, name in db.session.execute(
            select(Partner.couple_id, Partner.display_name)
            .where(Partner.couple_id.in_(ids))
            .order_by(Partner.couple_id, Partner.position)
        ):
            names[couple_id].append(name)
    return {couple_id: " & ".join(parts) for couple_id, parts in names.items() if parts}


def counselor_names() -> dict[int, str]:
    """Every counselor's name by id (a small table), to label actors."""
    rows = db.session.execute(select(Counselor.id, Counselor.name).order_by(Counselor.name))
    return {counselor_id: name for counselor_id, name in rows}


CSV_COLUMNS = (
    "id",
    "at",
    "actor_kind",
    "actor_counselor_id",
    "actor_name",
    "action",
    "couple_id",
    "object_type",
    "object_id",
    "ip_address",
    "user_agent",
    "detail",
)


def _cell(value) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    # A cell starting with = + - @ is a formula in spreadsheets (user agents are attacker text).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(filters: Filters) -> str:
    """Every event matching the filters as CSV text, newest first."""
    events = db.session.execute(events_query(filters)).scalars()
    return "".join(csv_rows(events, counselor_names()))


def csv_rows(events: Iterable[AuditEvent], names: dict[int, str]) -> Iterator[str]:
    """The events as CSV text, one chunk per row, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for event in events:
        writer.writerow(
            _cell(value)
            for value in (
                event.id,
                event.at,
                event.actor_kind,
                event.actor_counselor_id,
                names.get(event.actor_counselor_id or 0, ""),
                event.action,
                event.couple_id,
                event.object_type,
                event.object_id,
                event.ip_address,
                event.user_agent,
                event.detail,
            )
        )
        yield flush()


def record_failed_sign_in(email: str) -> AuditEvent:
    """A failed sign-in, against the account it named if there is one (not committed).

    The typed email is not stored: people paste passwords into the wrong field.
    """
    from practice.auth.services import find_by_email

    target = find_by_email(email or "")
    return record(
        "sign_in_failed",
        object_type="counselor" if target else None,
        object_id=target.id if target else None,
        actor_kind="system",
    )
