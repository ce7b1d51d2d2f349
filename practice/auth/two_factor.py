"""Two-factor sign-in with an authenticator app (RFC 6238 TOTP via pyotp) and recovery codes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from datetime import UTC, datetime

import pyotp
from flask import current_app
from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from sqlalchemy import delete, or_, select, update

from practice import keys, sealed
from practice.auth.models import Counselor, PracticeSetting, RecoveryCode
from practice.auth.services import AccountError
from practice.extensions import db, rowcount

RECOVERY_CODE_COUNT = 10
# 32 letters and digits without the look-alikes 0/o and 1/l: 10 of them carry 50 bits.
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
REQUIRE_SETTING = "require_two_factor"


def _sealing(counselor: Counselor) -> dict[str, str]:
    return {
        "secret_key": current_app.config["SECRET_KEY"],
        "purpose": keys.TWO_FACTOR,
        "bound_to": f"counselor:{counselor.id}",
    }


def secret_of(counselor: Counselor) -> str | None:
    """The counselor's TOTP secret in the clear, or None if there is none or it cannot be
    opened (SECRET_KEY changed since enrolment: their recovery codes still sign them in)."""
    if not counselor.totp_secret_sealed:
        return None
    try:
        return sealed.open_sealed(counselor.totp_secret_sealed, **_sealing(counselor))
    except sealed.Unreadable:
        current_app.logger.warning(
            "The two-factor secret of counselor %s cannot be opened (SECRET_KEY changed?)",
            counselor.id,
        )
        return None


def begin_enrolment(counselor: Counselor) -> None:
    """A new secret, not in force until a code from the app confirms it (not committed).
    Stored sealed (practice.sealed): a copy of the database alone cannot make codes."""
    counselor.totp_secret_sealed = sealed.seal(pyotp.random_base32(), **_sealing(counselor))
    counselor.totp_confirmed_at = None
    counselor.totp_last_step = None


def provisioning_uri(counselor: Counselor, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    secret = secret_of(counselor)
    assert secret is not None  # asked for right after begin_enrolment sealed a fresh secret
    return pyotp.TOTP(secret).provisioning_uri(name=counselor.email, issuer_name=issuer)


def qr_code_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI (allowed by the CSP's img-src), drawn by reportlab."""
    widget = QrCodeWidget(text, barBorder=2)
    left, bottom, right, top = widget.getBounds()
    size = 240
    scale = [size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    drawing = Drawing(size, size, transform=scale)
    drawing.add(widget)
    svg = renderSVG.drawToString(drawing).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def ascii_digits(code: str) -> str | None:
    """The code as ASCII digits, spaces dropped; None if anything else is in it.

    A phone set to Arabic, Persian or Hindi types the code in its own digits (٣, ۳, ३), and
    some keyboards type fullwidth ones (３): all are decimal digits and mean the same code.
    """
    digits = []
    for character in code:
        if character.isspace():
            continue
        if not character.isdecimal():
            return None
        digits.append(str(unicodedata.decimal(character)))
    return "".join(digits)


def verify_code(counselor: Counselor, code: str, now: datetime) -> bool:
    """True for the code of the current 30-second step or either neighbour (clock drift),
    never for a step already used: a code seen over a shoulder cannot be replayed, and the
    same code sent twice at once signs in once (see `_claim_step`)."""
    secret = secret_of(counselor)
    digits = ascii_digits(code)
    if not secret or digits is None or len(digits) != 6:
        return False
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now.replace(tzinfo=UTC))
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return _claim_step(counselor, step)
    return False


def _claim_step(counselor: Counselor, step: int) -> bool:
    """Record `step` as used unless it, or a later one, already was.

    One conditional UPDATE, so the database decides between two requests carrying the same
    code: the second waits for the first's row lock, finds the step taken, and changes no
    row. (Reading the last step and then writing it let both through.)
    """
    result = db.session.execute(
        update(Counselor)
        .where(
            Counselor.id == counselor.id,
            or_(Counselor.totp_last_step.is_(None), Counselor.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    return rowcount(result) == 1


def confirm_enrolment(counselor: Counselor, code: str, now: datetime) -> list[str]:
    """Turn two-factor on once the app shows the right code; returns new recovery codes."""
    if not verify_code(counselor, code, now):
        raise AccountError(
            "code", "That code did not match. Check the app's clock and type the newest code."
        )
    counselor.totp_confirmed_at = now
    return new_recovery_codes(counselor)


def _code_hash(code: str) -> str:
    normalized = "".join(code.lower().replace("-", "").split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def new_recovery_codes(counselor: Counselor) -> list[str]:
    """Replace the counselor's recovery codes; the plain codes are returned once, never stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.counselor_id == counselor.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(counselor_id=counselor.id, code_hash=_code_hash(raw)))
    return codes


def use_recovery_code(counselor: Counselor, code: str, now: datetime) -> bool:
    """Spend an unused recovery code. The UPDATE's WHERE makes a double submit spend it once."""
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.counselor_id == counselor.id,
            RecoveryCode.code_hash == _code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return rowcount(result) == 1


def unused_recovery_codes(counselor: Counselor) -> int:
    return len(
        db.session.execute(
            select(RecoveryCode.id).where(
                RecoveryCode.counselor_id == counselor.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def disable(counselor: Counselor) -> None:
    counselor.totp_secret_sealed = None
    counselor.totp_confirmed_at = None
    counselor.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.counselor_id == counselor.id))


# Asked on every page of a counselor without two-factor sign-in: the value alone, in a
# statement built once (loading the row as an object cost four times as much).
_REQUIRED = select(PracticeSetting.value).where(PracticeSetting.key == REQUIRE_SETTING)


def is_required() -> bool:
    """Whether the administrator requires two-factor sign-in for every counselor."""
    return db.session.scalar(_REQUIRED) == "1"


def set_required(required: bool) -> None:
    setting = db.session.get(PracticeSetting, REQUIRE_SETTING)
    if setting is None:
        setting = PracticeSetting(key=REQUIRE_SETTING, value="0")
        db.session.add(setting)
    setting.value = "1" if required else "0"
