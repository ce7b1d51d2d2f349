"""Partner link tokens: how they are made, stored and checked.

Design. A counselor must be able to copy a partner's link again from the couple page days
after assigning it, yet the database must never hold a usable token (a leaked backup or a
read-only SQL injection must not hand out clients' links). So the token is not stored and
not random per se: it is derived as HMAC-SHA256(SECRET_KEY, link id + issue time), 256 bits,
and the database keeps only its SHA-256. The app can re-derive the token to show it; the
database alone cannot. Re-issuing sets a new issue time, so the token, and its hash, change
and the old link stops working at once. SECRET_KEY is 256 random bits when the app
generates it (config.load_secret_key); anyone who has it can forge sign-ins anyway, so
tying links to it adds no new single point of failure. If SECRET_KEY is ever rotated,
links already handed out keep working (they are looked up by hash).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date, datetime, time, timedelta

from flask import current_app, url_for

from practice.homework.models import PartnerLink

# token_urlsafe alphabet; derived tokens are 43 characters. Anything else is not ours.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def hash_token(token: str) -> str:
    """What the database stores: the SHA-256 of the token, in hex."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def derive_token(secret_key: str, link_id: int, issued_at: datetime) -> str:
    """The token for one issue of one link (see the module docstring for why it is derived)."""
    message = f"partner-link\x00{link_id}\x00{issued_at.isoformat(timespec='microseconds')}"
    digest = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def well_formed(token: str) -> bool:
    """Cheap shape check so junk never reaches the database."""
    return bool(_TOKEN_SHAPE.match(token or ""))


def expiry_for(due_date: date, grace_days: int) -> datetime:
    """Links work until the end of the day `grace_days` after the due date (UTC)."""
    return datetime.combine(due_date + timedelta(days=grace_days + 1), time.min)


def issue(link: PartnerLink, secret_key: str, now: datetime) -> str:
    """Give the (flushed) link a fresh token; returns it. Any earlier token stops working."""
    if link.issued_at is not None and now <= link.issued_at:
        # Two issues in the same microsecond would give the same token: the old one must die.
        now = link.issued_at + timedelta(microseconds=1)
    link.issued_at = now
    token = derive_token(secret_key, link.id, now)
    link.token_hash = hash_token(token)
    return token


def partner_address(token: str) -> str:
    """The full address a partner opens with a token (their home, or a link of before):
    BASE_URL when set (printed and emailed links must not depend on how the counselor reached
    the app), else the address of this request."""
    path = url_for("partner.home", token=token)
    base = current_app.config.get("BASE_URL")
    return f"{base}{path}" if base else url_for("partner.home", token=token, _external=True)
