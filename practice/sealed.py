"""Small secrets kept encrypted in the database (two-factor secrets), with a key that is not
in the database: a copied database or backup alone does not give them away.

AES-256-GCM with a key derived from SECRET_KEY (practice.keys: HKDF-SHA256, one key per
purpose, the purpose being one of that module's labels). Each
value is bound to the row it belongs to (the associated data), so a sealed value copied onto
another counselor's row does not open. Stored as "v1:" + base64url(nonce + ciphertext + tag).

Changing SECRET_KEY makes sealed values unreadable (as it makes partner links invalid): the
README says what that means for two-factor sign-in.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from practice.keys import derive_key

PREFIX = "v1:"
_NONCE_BYTES = 12


class Unreadable(Exception):
    """A sealed value that does not open: another SECRET_KEY, another row, or damaged."""


def seal(value: str, *, secret_key: str, purpose: str, bound_to: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(derive_key(secret_key, purpose)).encrypt(
        nonce, value.encode("utf-8"), bound_to.encode("utf-8")
    )
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def open_sealed(stored: str, *, secret_key: str, purpose: str, bound_to: str) -> str:
    if not is_sealed(stored):
        raise Unreadable("not a sealed value")
    try:
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
        plain = AESGCM(derive_key(secret_key, purpose)).decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], bound_to.encode("utf-8")
        )
    except (InvalidTag, ValueError) as error:
        raise Unreadable(type(error).__name__) from None
    return plain.decode("utf-8")
