"""Time helpers. The database stores naive UTC; pages convert to the counselor's zone."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC now: SQLite has no time zones, so we store UTC everywhere and say so."""
    return datetime.now(UTC).replace(tzinfo=None)
