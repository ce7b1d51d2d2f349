"""Access rules shared by every blueprint."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user


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
