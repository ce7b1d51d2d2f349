"""A partner's one personal link: issuing, renewing, finding and ending it.

The link is a capability: whoever holds `/h/<token>` is that partner, with no sign-in. So:
- the token is 256 bits, derived as HMAC-SHA256(key, access id + issue time) under the
  partner-links key (practice.keys: HKDF of SECRET_KEY for this purpose alone),
  and the database stores only its SHA-256. The app can derive the token again to show the
  counselor (copy, print, email); a copy of the database alone cannot. A new link sets a new
  issue time, so the token and its hash change and the old one stops working at once.
- it lives as long as the couple is in care: assigning homework pushes its expiry out to
  LINK_GRACE_DAYS after the latest due date; turning it off, archiving or deleting the
  couple, or closing the counselor's account ends it.
- links handed out before one link per partner (one per assignment, `PartnerLink` tokens)
  keep working until they expire or the partner's link is turned off, and open the same
  home: `find_access` resolves both.

Everything here takes explicit arguments and never commits: the caller does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

from sqlalchemy import Row, bindparam, func, select, update

from practice.auth.models import Counselor
from practice.couples.models import Couple, Partner, first_name
from practice.extensions import db, rowcount
from practice.homework import links as legacy_links
from practice.homework.models import Assignment, PartnerLink
from practice.keys import PARTNER_LINKS, derive_key
from practice.partner.models import END_REASONS, PartnerAccess
from practice.reminders.local_time import zone
from practice.reminders.models import ReminderPreference

# The same shape check and hash as the per-assignment links: one rule for what a token is.
hash_token = legacy_links.hash_token
well_formed = legacy_links.well_formed
expiry_for = legacy_links.expiry_for


def derive_token(secret_key: str, access_id: int, issued_at: datetime) -> str:
    """The token of one issue of one partner's link (43 URL-safe characters, 256 bits)."""
    message = f"partner-access\x00{access_id}\x00{issued_at.isoformat(timespec='microseconds')}"
    digest = hmac.new(
        derive_key(secret_key, PARTNER_LINKS), message.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# ---------------------------------------------------------------------------- counselor side


def access_of(partner_id: int) -> PartnerAccess | None:
    """The partner's link row, live or not (None: never had one)."""
    return db.session.execute(
        select(PartnerAccess).where(PartnerAccess.partner_id == partner_id)
    ).scalar_one_or_none()


def accesses_of(partner_ids: list[int]) -> dict[int, PartnerAccess]:
    """Link rows by partner id, in one query (the couple page)."""
    if not partner_ids:
        return {}
    rows = db.session.execute(
        select(PartnerAccess).where(PartnerAccess.partner_id.in_(partner_ids))
    ).scalars()
    return {row.partner_id: row for row in rows}


def is_live(access: PartnerAccess | None, now: datetime) -> TypeGuard[PartnerAccess]:
    return access is not None and access.revoked_at is None and access.expires_at > now


def current_token(access: PartnerAccess | None, secret_key: str, now: datetime) -> str | None:
    """The partner's working token, to show, print or email; None when there is none: no link
    yet, turned off, expired, or SECRET_KEY changed since it was issued (make a new link)."""
    if not is_live(access, now):
        return None
    token = derive_token(secret_key, access.id, access.issued_at)
    return token if hmac.compare_digest(hash_token(token), access.token_hash) else None


def token_for_partner(partner_id: int, secret_key: str, now: datetime) -> str | None:
    """A partner's working token, or None (for mail: send nothing when there is no link)."""
    return current_token(access_of(partner_id), secret_key, now)


def _new_token(access: PartnerAccess, secret_key: str, now: datetime) -> str:
    """Give the (flushed) row a fresh token and return it: any earlier one stops working."""
    if access.issued_at is not None and now <= access.issued_at:
        # Two issues in the same microsecond would give the same token: the old one must die.
        now = access.issued_at + timedelta(microseconds=1)
    access.issued_at = now
    token = derive_token(secret_key, access.id, now)
    access.token_hash = hash_token(token)
    return token


def issue_access(
    partner: Partner, *, secret_key: str, now: datetime, expires_at: datetime
) -> tuple[PartnerAccess, str]:
    """A new link for the partner (made, or replacing the old one): returns the row and its
    token. The old token, any per-assignment link of theirs, and a handout printed with them
    stop working."""
    access = access_of(partner.id)
    if access is None:
        # A random stand-in hash (no token hashes to it) until the id exists to derive from.
        access = PartnerAccess(
            partner_id=partner.id,
            token_hash=secrets.token_hex(32),
            issued_at=now,
            expires_at=expires_at,
        )
        db.session.add(access)
        db.session.flush()
        token = derive_token(secret_key, access.id, now)
        access.token_hash = hash_token(token)
        db.session.flush()
        return access, token
    _end_legacy_links([partner.id], now)
    access.expires_at = max(access.expires_at, expires_at)
    access.revoked_at = None
    access.revoked_reason = None
    token = _new_token(access, secret_key, now)
    db.session.flush()  # find_access reads through Core, which does not autoflush
    return access, token


def renew_for_homework(
    partner: Partner, *, due_date: date, grace_days: int, secret_key: str, now: datetime
) -> PartnerAccess:
    """New homework for the partner: their link lives until `grace_days` after its due date
    (never shorter than it was). A partner with no link, or whose link was turned off, gets
    a new one; an expired one comes back, so the handout they kept works again."""
    expires_at = expiry_for(due_date, grace_days)
    access = access_of(partner.id)
    if access is None or access.revoked_at is not None:
        access, _ = issue_access(partner, secret_key=secret_key, now=now, expires_at=expires_at)
        return access
    access.expires_at = max(access.expires_at, expires_at)
    return access


def extend_for_due_date(partner_ids: list[int], due_date: date, grace_days: int) -> None:
    """A due date moved later: the live links of these partners follow it."""
    if partner_ids:
        db.session.execute(
            update(PartnerAccess)
            .where(
                PartnerAccess.partner_id.in_(partner_ids),
                PartnerAccess.revoked_at.is_(None),
                PartnerAccess.expires_at < expiry_for(due_date, grace_days),
            )
            .values(expires_at=expiry_for(due_date, grace_days))
            .execution_options(synchronize_session="fetch")
        )


def _end_legacy_links(partner_ids: list[int], now: datetime) -> None:
    """Per-assignment links from before one link per partner die with the partner's link."""
    db.session.execute(
        update(PartnerLink)
        .where(
            PartnerLink.partner_id.in_(partner_ids),
            PartnerLink.token_hash.is_not(None),
            PartnerLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )


def _end(partner_ids_query, reason: str, now: datetime) -> int:
    partner_ids = list(db.session.execute(partner_ids_query).scalars())
    if not partner_ids:
        return 0
    _end_legacy_links(partner_ids, now)
    result = db.session.execute(
        update(PartnerAccess)
        .where(PartnerAccess.partner_id.in_(partner_ids), PartnerAccess.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return rowcount(result)


def turn_off(partner_id: int, now: datetime) -> int:
    """The counselor turned the partner's link off: it (and any older link) stops working."""
    return _end(select(Partner.id).where(Partner.id == partner_id), "turned_off", now)


def end_for_couple(couple_id: int, now: datetime, reason: str = "archived") -> int:
    """Both partners' links stop working (the couple is archived or leaves care). Returns how
    many were live."""
    return _end(select(Partner.id).where(Partner.couple_id == couple_id), reason, now)


def end_for_counselor(counselor_id: int, now: datetime) -> int:
    """Every link of the counselor's couples stops working: one call for closing an account
    (hand couples over first: what is handed over is no longer theirs). Returns how many."""
    return _end(
        select(Partner.id).join(Couple).where(Couple.counselor_id == counselor_id),
        "counselor_deactivated",
        now,
    )


# ---------------------------------------------------------------------------- partner side


@dataclass(frozen=True)
class Access:
    """Who a token lets in, as plain values (nothing to lazy-load in a template)."""

    access_id: int
    partner_id: int
    couple_id: int
    partner_name: str
    counselor_name: str
    expires_at: datetime
    # Set when an old per-assignment link was used: the homework it was made for.
    legacy_assignment_id: int | None = None
    # The partner's own time zone and their counselor's (the reminders' fallback).
    timezone: str | None = None
    counselor_timezone: str | None = None

    @property
    def first_name(self) -> str:
        return first_name(self.partner_name)

    @property
    def zone(self) -> ZoneInfo:
        """The zone the partner's days are counted in, as their reminders count them."""
        return zone(self.timezone, self.counselor_timezone)


_WHO = (
    PartnerAccess.id.label("access_id"),
    PartnerAccess.partner_id,
    Partner.couple_id,
    Partner.display_name,
    Counselor.name.label("counselor_name"),
    PartnerAccess.revoked_at,
    Couple.status.label("couple_status"),
    Counselor.active.label("counselor_active"),
    ReminderPreference.timezone,
    Counselor.timezone.label("counselor_timezone"),
)

# Built once: building a statement costs more than running it.
_BY_TOKEN = (
    select(*_WHO, PartnerAccess.expires_at)
    .join(Partner, Partner.id == PartnerAccess.partner_id)
    .join(Couple, Couple.id == Partner.couple_id)
    .join(Counselor, Counselor.id == Couple.counselor_id)
    .outerjoin(ReminderPreference, ReminderPreference.partner_id == Partner.id)
    .where(PartnerAccess.token_hash == bindparam("token_hash"))
)
_BY_LEGACY_TOKEN = (
    select(
        *_WHO,
        PartnerLink.expires_at,
        PartnerLink.assignment_id,
        PartnerLink.revoked_at.label("link_revoked_at"),
        Assignment.status.label("homework_status"),
    )
    .join(PartnerAccess, PartnerAccess.partner_id == PartnerLink.partner_id)
    .join(Assignment, Assignment.id == PartnerLink.assignment_id)
    .join(Partner, Partner.id == PartnerLink.partner_id)
    .join(Couple, Couple.id == Partner.couple_id)
    .join(Counselor, Counselor.id == Couple.counselor_id)
    .outerjoin(ReminderPreference, ReminderPreference.partner_id == Partner.id)
    .where(PartnerLink.token_hash == bindparam("token_hash"))
)


def find_access(token: str, now: datetime) -> Access | None:
    """The partner a token lets in, or None if it is unknown, expired, turned off, or its
    couple or counselor left care. Reads only; one query for a current link (two for a link
    from before one link per partner)."""
    if not well_formed(token):
        return None
    # Core rows on the session's connection: no ORM objects to build on the partner's path.
    params = {"token_hash": hash_token(token)}
    connection = db.session.connection()
    # Either query's row: the legacy one has a few more columns.
    row: Row[*tuple[Any, ...]] | None = connection.execute(_BY_TOKEN, params).one_or_none()
    legacy_assignment_id = None
    if row is None:
        row = connection.execute(_BY_LEGACY_TOKEN, params).one_or_none()
        if row is None or row.link_revoked_at is not None or row.homework_status != "active":
            return None
        legacy_assignment_id = row.assignment_id
    if (
        row.revoked_at is not None
        or row.expires_at <= now
        or row.couple_status != "active"
        or not row.counselor_active
    ):
        return None
    return Access(
        access_id=row.access_id,
        partner_id=row.partner_id,
        couple_id=row.couple_id,
        partner_name=row.display_name,
        counselor_name=row.counselor_name,
        expires_at=row.expires_at,
        legacy_assignment_id=legacy_assignment_id,
        timezone=row.timezone,
        counselor_timezone=row.counselor_timezone,
    )


# ---------------------------------------------------------------------------- couple page


@dataclass(frozen=True)
class LinkBox:
    """One partner's link as the couple page shows it: the token when it works, else why not."""

    partner_id: int
    partner_name: str
    first_name: str
    email: str | None
    token: str | None
    expires_at: datetime | None
    state: str  # 'live' | 'none' (never had one) | 'off' | 'expired' | 'unshowable'
    reason: str = ""


def link_boxes(partners: list[Partner], secret_key: str, now: datetime) -> list[LinkBox]:
    """Each partner's link box, in partner order (one query)."""
    rows = accesses_of([p.id for p in partners])
    boxes = []
    for partner in partners:
        row = rows.get(partner.id)
        token = current_token(row, secret_key, now)
        if row is None:
            state, reason = "none", "No link yet: it is made when you assign homework."
        elif row.revoked_at is not None:
            state = "off"
            reason = END_REASONS.get(row.revoked_reason or "", END_REASONS["turned_off"])
        elif row.expires_at <= now:
            state, reason = "expired", "The link expired: no homework is due any more."
        elif token is None:
            state, reason = (
                "unshowable",
                "The link cannot be shown any more (the app's key changed).",
            )
        else:
            state, reason = "live", ""
        boxes.append(
            LinkBox(
                partner_id=partner.id,
                partner_name=partner.display_name,
                first_name=partner.first_name,
                email=partner.email,
                token=token,
                expires_at=row.expires_at if row is not None else None,
                state=state,
                reason=reason,
            )
        )
    return boxes


def reissue_expiry(partner_id: int, grace_days: int, today: date) -> datetime:
    """How long a new link made by hand works: as long as the partner's latest open homework
    needs it, and at least `grace_days` from today."""
    latest = db.session.execute(
        select(func.max(Assignment.due_date))
        .join(PartnerLink, PartnerLink.assignment_id == Assignment.id)
        .where(PartnerLink.partner_id == partner_id, Assignment.status == "active")
    ).scalar_one()
    return expiry_for(max(latest or today, today), grace_days)
