"""Counselor accounts: creating, authenticating, ending sessions."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from practice.auth.models import Counselor
from practice.extensions import db
from practice.timeutil import utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

# argon2id with the library's RFC 9106 low-memory profile (64 MiB, 3 passes): memory-hard
# and above the OWASP minimum.
password_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = password_hasher.hash("not-a-real-password-but-the-same-cost")


class AccountError(ValueError):
    """A problem a person can fix, with the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


EMAIL_TAKEN = "A counselor with this email already exists."


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (see the notice atop the file)."""
    text = resources.files("practice.auth").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def is_common_password(password: str) -> bool:
    """On the list, ignoring case and spaces ("Correct Horse Battery Staple" is still taken)."""
    lowered = password.strip().lower()
    listed = common_passwords()
    return lowered in listed or "".join(lowered.split()) in listed


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None.

    Length and a block list only: composition rules push people to predictable patterns
    (NIST SP 800-63B, OWASP ASVS V6.2).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if is_common_password(password):
        return "This password is on a list of common passwords. Choose something less guessable."
    return None


def any_counselor_exists() -> bool:
    return db.session.execute(select(Counselor.id).limit(1)).first() is not None


def find_by_email(email: str) -> Counselor | None:
    return db.session.execute(
        select(Counselor).where(func.lower(Counselor.email) == normalize_email(email))
    ).scalar_one_or_none()


def create_counselor(
    *, email: str, name: str, password: str, is_admin: bool = False, timezone: str = "UTC"
) -> Counselor:
    """Add a counselor (not committed). Raises AccountError for a taken email or weak password."""
    problem = password_problem(password)
    if problem:
        raise AccountError("password", problem)
    if find_by_email(email) is not None:
        raise AccountError("email", EMAIL_TAKEN)
    counselor = Counselor(
        email=normalize_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        is_admin=is_admin,
        timezone=timezone,
    )
    db.session.add(counselor)
    return counselor


def authenticate(email: str, password: str) -> Counselor | None:
    """The active counselor with these credentials, or None.

    Unknown email, wrong password and deactivated account cost the same hash and give
    the same answer, so the sign-in page does not reveal who has an account.
    """
    counselor = find_by_email(email)
    stored = counselor.password_hash if counselor else _DUMMY_HASH
    try:
        password_hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if counselor is None or not counselor.active:
        return None
    if password_hasher.check_needs_rehash(counselor.password_hash):
        counselor.password_hash = hash_password(password)
    counselor.last_sign_in_at = utcnow()
    return counselor


def load_counselor(user_id: str) -> Counselor | None:
    """Flask-Login's user loader. The cookie carries `id:session_version`; a cookie from
    before a sign-out, password change or deactivation no longer matches."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        counselor_id, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    counselor = db.session.get(Counselor, counselor_id)
    if counselor is None or not counselor.active or counselor.session_version != version:
        return None
    return counselor


def end_all_sessions(counselor: Counselor) -> None:
    """Invalidate every signed-in browser of this counselor (not committed)."""
    counselor.session_version += 1


def set_active(counselor: Counselor, active: bool) -> None:
    counselor.active = active
    if not active:
        end_all_sessions(counselor)


def password_matches(counselor: Counselor, password: str) -> bool:
    try:
        return password_hasher.verify(counselor.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(counselor: Counselor, current: str, new: str) -> None:
    try:
        password_hasher.verify(counselor.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError("current_password", "That is not your current password.") from None
    problem = password_problem(new)
    if problem:
        raise AccountError("new_password", problem)
    counselor.password_hash = hash_password(new)
    end_all_sessions(counselor)


def session_expiry(
    signed_in_at: datetime,
    seen_at: datetime,
    now: datetime,
    *,
    idle_minutes: int,
    absolute_hours: int,
) -> str | None:
    """Why a signed-in session has ended ("idle" or "absolute"), or None while it is live."""
    if now - signed_in_at >= timedelta(hours=absolute_hours):
        return "absolute"
    if now - seen_at >= timedelta(minutes=idle_minutes):
        return "idle"
    return None


def time_left(
    signed_in_at: datetime,
    seen_at: datetime,
    now: datetime,
    *,
    idle_minutes: int,
    absolute_hours: int,
) -> tuple[int, str]:
    """Seconds until the session ends if nothing happens, and which limit ends it."""
    idle_end = seen_at + timedelta(minutes=idle_minutes)
    absolute_end = signed_in_at + timedelta(hours=absolute_hours)
    end, limit = (absolute_end, "absolute") if absolute_end < idle_end else (idle_end, "idle")
    return max(0, int((end - now).total_seconds())), limit
