"""Access rules shared by every blueprint."""

from __future__ import annotations

from functools import wraps

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
