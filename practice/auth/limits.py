"""How sign-in attempts are counted (README, "Security": what each limit does).

Three limits on POST /login, all counted in RATELIMIT_STORAGE_URI (shared by every worker):
- per address (ADDRESS_LIMIT): one machine guessing many accounts;
- per account and address (ACCOUNT_ADDRESS_LIMIT): one machine guessing one account;
- per account from anywhere (ACCOUNT_CEILING), much higher: many machines guessing one
  account. A browser that signed in to that account before (its known-device cookie) does
  not count against the ceiling, so an attacker elsewhere cannot lock the counselor out of
  their own computer; it still has its own per-address limits.
The two-factor step is limited per address and, strictly (CODE_LIMIT), per account.

The store never holds what was typed: an account is named by an HMAC of the normalised,
length-capped email under a key of its own (a password typed into the email box stays
unreadable), and a sign-in body larger than any real one is refused before any limit is
counted, so no request can make the store grow.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, abort, current_app, request, session
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from practice import keys

ADDRESS_LIMIT = "20 per minute"
ACCOUNT_ADDRESS_LIMIT = "5 per minute"
ACCOUNT_CEILING = "30 per minute; 300 per hour"
# The two-factor step: whoever reaches it has the password, and six digits are few, so
# the account's limit there stays strict, from anywhere.
CODE_LIMIT = "5 per minute"

# Email (254) and password (256) characters at up to 12 bytes each once percent-encoded,
# plus the CSRF token: no real sign-in form is larger.
MAX_SIGN_IN_BODY = 8 * 1024
MAX_EMAIL_LENGTH = 254

SIGN_IN_ENDPOINTS = frozenset({"auth.login", "auth.sign_in_code"})
DEVICE_COOKIE = "known_device"
DEVICE_COOKIE_DAYS = 400


def account_digest(email: str) -> str:
    """The name of an account in the limit store: HMAC of the normalised, capped email."""
    normalized = email.strip().lower()[:MAX_EMAIL_LENGTH]
    mac = hmac.new(
        keys.app_key(keys.RATE_LIMIT_KEYS), normalized.encode("utf-8", "replace"), hashlib.sha256
    )
    return mac.hexdigest()[:32]


def _submitted_account() -> str:
    """The account a sign-in attempt is for: the email typed, or on the code page the
    account that passed the password step."""
    if request.endpoint == "auth.sign_in_code":
        pending = session.get("pending_sign_in") or {}
        return f"counselor:{pending.get('id', '')}" if isinstance(pending, dict) else ""
    return request.form.get("email", "")


def account_key() -> str:
    return "sign-in-account:" + account_digest(_submitted_account())


def account_and_address_key() -> str:
    return f"sign-in-account-address:{account_digest(_submitted_account())}:{get_remote_address()}"


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(keys.app_key(keys.KNOWN_DEVICE), salt="known-device")


def remember_device(response: Response, email: str) -> None:
    """After a full sign-in: this browser is now a known device for this account."""
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(account_digest(email)),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
        path="/login",
    )


def known_device() -> bool:
    """True when this browser signed in to the account being tried before (exempts it from
    the per-account ceiling, never from the per-address limits)."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie or len(cookie) > 200:
        return False
    try:
        remembered = _device_serializer().loads(cookie)
    except BadSignature:
        return False
    return isinstance(remembered, str) and hmac.compare_digest(
        remembered, account_digest(_submitted_account())
    )


def refuse_oversized_sign_in() -> None:
    """Refuse a sign-in body no person could type, before any limit reads it (a 413)."""
    if request.method != "POST" or request.endpoint not in SIGN_IN_ENDPOINTS:
        return
    # Never above the app-wide MAX_CONTENT_LENGTH: this cap only lowers it for sign-in.
    cap = min(MAX_SIGN_IN_BODY, current_app.config.get("MAX_CONTENT_LENGTH") or MAX_SIGN_IN_BODY)
    if request.content_length is not None and request.content_length > cap:
        abort(413)
    request.max_content_length = cap  # a body sent without a length
    request.form  # noqa: B018  (parse now: a 413 here, never inside a limit's key)


def init_app(app: Flask) -> None:
    # First of all before-request hooks: Flask-Limiter checks limits in its own hook, and a
    # key function that fails there would be taken for a dead store.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversized_sign_in)
