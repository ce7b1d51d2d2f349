"""One key per purpose, derived from SECRET_KEY.

SECRET_KEY is the practice's one root secret (set by the operator, or generated once into
instance/). Nothing uses it directly: each use gets its own 256-bit key from HKDF-SHA256
(RFC 5869) with a label naming that use, so no two uses share key material. A signature
made for one purpose (a session cookie, a partner-link token, an unsubscribe link) is then
never valid for another, and a flaw in one use does not hand out the key of the others.

Every label lives in this module, so two features cannot pick the same one by accident:
a new use adds its constant here and calls `derive_key(secret_key, THAT_PURPOSE)`.
"""

from __future__ import annotations

import functools

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

# The labels. Changing one changes the key: everything made with the old key stops working.
SESSIONS = "sessions"  # Flask's signed session cookie
CSRF = "csrf"  # Flask-WTF's form tokens
PARTNER_LINKS = "partner-links"  # HMAC that derives a partner's link token
# Sealing (AES-GCM) of the two-factor secrets. "totp" is the label practice.sealed has used
# since migration 0007 derived a key per purpose, so the secrets sealed since open unchanged.
TWO_FACTOR = "totp"
UNSUBSCRIBE = "unsubscribe"  # signed one-click opt-out links in emails
PASSWORD_RESET = "password-reset"  # signed password-reset links in emails
EMAIL_LINKS = "email-links"  # any other signed link an email carries
RATE_LIMIT_KEYS = "rate-limit-keys"  # HMAC naming an account in the rate-limit store
KNOWN_DEVICE = "known-device"  # the cookie of a browser that signed in before

PURPOSES = frozenset(
    {
        SESSIONS,
        CSRF,
        PARTNER_LINKS,
        TWO_FACTOR,
        UNSUBSCRIBE,
        PASSWORD_RESET,
        EMAIL_LINKS,
        RATE_LIMIT_KEYS,
        KNOWN_DEVICE,
    }
)

KEY_BYTES = 32


class UnknownPurpose(ValueError):
    """A label not listed in this module: add it here rather than inventing one in place."""


@functools.lru_cache(maxsize=64)
def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=None,
        info=f"practice:{purpose}".encode("ascii"),
    ).derive(secret)


def derive_key(secret_key: str | bytes, purpose: str) -> bytes:
    """The 32-byte key for `purpose` (one of this module's labels) under `secret_key`."""
    if purpose not in PURPOSES:
        raise UnknownPurpose(purpose)
    if not secret_key:
        raise ValueError("SECRET_KEY is empty")
    secret = secret_key.encode("utf-8") if isinstance(secret_key, str) else bytes(secret_key)
    return _derive(secret, purpose)


def app_key(purpose: str) -> bytes:
    """`derive_key` under the running app's SECRET_KEY."""
    return derive_key(current_app.config["SECRET_KEY"], purpose)


class PurposeKeySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, signed with the sessions key instead of SECRET_KEY.

    SECRET_KEY_FALLBACKS (Flask's rotation setting) still works: cookies signed under an old
    root secret's sessions key are accepted, new ones are signed under the current one.
    """

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        roots = [*(app.config.get("SECRET_KEY_FALLBACKS") or []), app.secret_key]
        return URLSafeTimedSerializer(
            [derive_key(root, SESSIONS) for root in roots],  # the current key last
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )


def init_app(app: Flask) -> None:
    """Sessions and CSRF tokens signed with their own keys (after the config is loaded)."""
    app.session_interface = PurposeKeySessionInterface()
    if app.config.get("SECRET_KEY") and not app.config.get("WTF_CSRF_SECRET_KEY"):
        app.config["WTF_CSRF_SECRET_KEY"] = derive_key(app.config["SECRET_KEY"], CSRF)
