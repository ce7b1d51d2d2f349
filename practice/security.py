"""Access rules shared by every blueprint."""

from __future__ import annotations

import unicodedata
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import Response, abort
from flask_limiter.util import get_remote_address
from flask_login import current_user

from practice.extensions import limiter


def public(view):
    """Mark a view as reachable without signing in; the app denies everything else by default."""
    view.public = True
    return view


def admin_required(view):
    """Only the practice administrator. Others get 404: the page does not exist for them."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _link_lookup_failed(response: Response) -> bool:
    # Only unknown, expired or revoked tokens count, so a partner using a real link many
    # times is never blocked while someone trying tokens soon is.
    return response.status_code in (404, 410)


# Partner links are capabilities: cap how many bad tokens one address may try. Shared by
# every view that looks a token up, counted in RATELIMIT_STORAGE_URI like sign-in attempts.
link_limit = limiter.shared_limit(
    "30 per minute",
    scope="partner-link",
    key_func=get_remote_address,
    deduct_when=_link_lookup_failed,
    error_message="Too many unknown links from this address.",
)


# Longer than any address of ours; past it a "next" is junk, not a page to return to.
MAX_NEXT_URL = 2000


def safe_next_url(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site to return to after signing in, else `fallback`.

    An open redirect after sign-in is a phishing tool, and browsers are lenient: they drop
    tabs and newlines inside an address (so "/<tab>/evil.example" becomes "//evil.example",
    another host), read "\\" as "/", and a newline in a Location header is refused by the
    server (a 500). So the rule is: once percent-decoding no longer changes it, the target
    has no control or invisible formatting character and no backslash, parses without a
    scheme or a host, and is a single-slash absolute path. The target as given is returned.
    """
    if not target or len(target) > MAX_NEXT_URL:
        return fallback
    forms = [target]
    while len(forms) < 4 and (decoded := unquote(forms[-1])) != forms[-1]:
        forms.append(decoded)  # "%252F" is "%2F" is "/": check every layer
    if not all(_is_local_path(form) for form in forms):
        return fallback
    return target


def _is_local_path(url: str) -> bool:
    if "\\" in url or any(_invisible(character) for character in url):
        return False
    parts = urlsplit(url)
    return (
        not parts.scheme and not parts.netloc and url.startswith("/") and not url.startswith("//")
    )


def _invisible(character: str) -> bool:
    # Cc: controls (tab, newlines, NUL, DEL, C1); Cf: formatting (bidi overrides, zero
    # widths); Zl/Zp: line and paragraph separators; Cs/Co/Cn: not characters at all.
    return unicodedata.category(character) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
