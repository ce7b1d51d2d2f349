"""Read and change the practice's details. Everyone reads them through ``practice_settings``."""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from practice.extensions import db
from practice.pdf.page import Letterhead
from practice.settings.models import THE_PRACTICE, PracticeSettings

PAPER_SIZES = {"a4": "A4 (210 × 297 mm)", "letter": "US Letter (8.5 × 11 in)"}
LOGO_MAX_BYTES = 256 * 1024  # a printed logo needs far less; keeps uploads in memory
LOGO_MAX_SIDE = 4000  # pixels; a larger image is a mistake or a decompression bomb
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


@dataclass(frozen=True)
class Practice:
    """The practice's details as pages and printouts use them (plain values, no session)."""

    name: str
    address: str = ""
    phone: str = ""
    website: str = ""
    crisis_line: str = ""
    paper_size: str = "a4"
    timezone: str = "UTC"
    #: The logo's MIME type when there is one; its bytes are read only by what prints or shows
    #: it (``practice_logo``), not with the details every page reads.
    logo_type: str | None = None
    #: False while the administrator has not saved the practice's details yet.
    saved: bool = False

    @property
    def contact_line(self) -> str:
        """Phone and website on one line, for a letterhead."""
        return " · ".join(part for part in (self.phone, self.website) if part)

    def letterhead(self, logo: bytes | None) -> Letterhead:
        """The practice as every printout heads it (and its crisis line at every foot);
        ``logo`` is ``practice_logo()``'s answer, read by the caller that prints."""
        return Letterhead(
            name=self.name,
            address=self.address,
            contact=self.contact_line,
            crisis_line=self.crisis_line,
            logo=logo,
        )


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA zone name, sorted (for pickers and for checking a submitted one)."""
    return tuple(sorted(available_timezones()))


class LogoError(ValueError):
    """The uploaded file is not a logo we can print; the message says why."""


def from_config(config: Mapping) -> Practice:
    """The practice as the environment describes it (before the administrator saves it)."""
    paper = str(config.get("PAPER_SIZE", "a4")).lower()
    return Practice(
        name=config.get("PRACTICE_NAME") or "Couples Counseling Practice",
        paper_size=paper if paper in PAPER_SIZES else "a4",
        timezone=config.get("DEFAULT_TIMEZONE") or "UTC",
    )


# Every page reads these details: the columns in a statement built once, as a plain row (an
# object loaded by id cost three times as much), and without the logo (up to 256 KB), which
# only what prints or shows it reads.
_DETAILS = select(
    PracticeSettings.name,
    PracticeSettings.address,
    PracticeSettings.phone,
    PracticeSettings.website,
    PracticeSettings.crisis_line,
    PracticeSettings.paper_size,
    PracticeSettings.timezone,
    PracticeSettings.logo_type,
).where(PracticeSettings.id == THE_PRACTICE)


def load_practice(config: Mapping) -> Practice:
    """The saved details, or the environment's values while nothing is saved."""
    row = db.session.execute(_DETAILS).first()
    if row is None:
        return from_config(config)
    return Practice(
        name=row.name,
        address=row.address or "",
        phone=row.phone or "",
        website=row.website or "",
        crisis_line=row.crisis_line or "",
        paper_size=row.paper_size if row.paper_size in PAPER_SIZES else "a4",
        timezone=row.timezone or "UTC",
        logo_type=row.logo_type,
        saved=True,
    )


def practice_settings() -> Practice:
    """The practice's details for the current app: one query per request at most."""
    from flask import current_app, g, has_request_context

    if not has_request_context():
        return load_practice(current_app.config)
    cached = g.get("_practice")
    if cached is None:
        try:
            cached = load_practice(current_app.config)
        except OperationalError:
            # The database is unreachable: the calm 503 page that says so (and gives back
            # what was typed) still needs the practice's name. Not cached: the next
            # template in this request tries again.
            db.session.rollback()
            return from_config(current_app.config)
        g._practice = cached
    return cached


def practice_logo(practice: Practice) -> bytes | None:
    """The logo's bytes, for what prints or shows it; no statement when there is none."""
    if practice.logo_type is None:
        return None
    return db.session.scalar(
        select(PracticeSettings.logo).where(PracticeSettings.id == THE_PRACTICE)
    )


def check_logo(data: bytes) -> tuple[bytes, str]:
    """(the bytes, their MIME type) when ``data`` is a PNG or JPEG of sensible size."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise LogoError("The file is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoError(f"Choose a logo under {LOGO_MAX_BYTES // 1024} KB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise LogoError("This file is not a PNG or JPEG image.") from None
    if kind not in LOGO_TYPES:
        raise LogoError("Choose a PNG or JPEG image.")
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise LogoError(f"Choose an image at most {LOGO_MAX_SIDE} pixels on each side.")
    return data, LOGO_TYPES[kind]


def save_practice(
    *,
    name: str,
    timezone: str,
    address: str | None = None,
    phone: str | None = None,
    website: str | None = None,
    crisis_line: str | None = None,
    paper_size: str | None = None,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> PracticeSettings:
    """Create or update the practice's row; fields left as None keep their value.

    The caller commits. ``logo`` must have passed ``check_logo``."""
    if not name.strip():
        raise ValueError("the practice needs a name")
    if timezone not in time_zones():
        raise ValueError(f"unknown time zone {timezone!r}")
    if paper_size is not None and paper_size not in PAPER_SIZES:
        raise ValueError(f"paper size must be one of {', '.join(PAPER_SIZES)}")
    row = db.session.get(PracticeSettings, THE_PRACTICE)
    if row is None:
        row = PracticeSettings(id=THE_PRACTICE, name=name, timezone=timezone)
        db.session.add(row)
    row.name, row.timezone = name.strip(), timezone
    for attr, value in (
        ("address", address),
        ("phone", phone),
        ("website", website),
        ("crisis_line", crisis_line),
        ("paper_size", paper_size),
    ):
        if value is not None:
            setattr(row, attr, value.strip())
        elif getattr(row, attr) is None:
            setattr(row, attr, "a4" if attr == "paper_size" else "")
    if logo is not None:
        row.logo, row.logo_type = check_logo(logo)
    elif remove_logo:
        row.logo, row.logo_type = None, None
    _forget_cached()
    return row


def _forget_cached() -> None:
    from flask import g, has_request_context

    if has_request_context():
        g.pop("_practice", None)
