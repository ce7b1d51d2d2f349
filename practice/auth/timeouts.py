"""Session limits: idle and absolute sign-out, the warning before it, and two-factor enrolment."""

from __future__ import annotations

from datetime import datetime

from flask import (
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from practice import timeutil
from practice.auth import bp, services, two_factor
from practice.auth.models import Counselor
from practice.forms import typed_fields

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def start_session(counselor: Counselor) -> None:
    """Sign in on a fresh session (no fixation) and start the idle and absolute clocks."""
    session.clear()
    login_user(counselor)
    now = timeutil.utcnow().isoformat()
    session["signed_in_at"] = now
    session["seen_at"] = now


def _session_time(key: str) -> datetime | None:
    try:
        return datetime.fromisoformat(session[key])
    except (KeyError, TypeError, ValueError):
        return None


def _timeouts() -> dict[str, int]:
    return {
        "idle_minutes": current_app.config["IDLE_TIMEOUT_MINUTES"],
        "absolute_hours": current_app.config["ABSOLUTE_SESSION_HOURS"],
    }


@bp.before_app_request
def enforce_session_limits():
    """Sign out after IDLE_TIMEOUT_MINUTES without a request or ABSOLUTE_SESSION_HOURS in all.

    Both times live in the signed session cookie, so a copied cookie expires too. A form
    sent after the end gets a page holding what was typed, so nothing is lost.
    """
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = timeutil.utcnow()
    signed_in_at, seen_at = _session_time("signed_in_at"), _session_time("seen_at")
    if signed_in_at is None or seen_at is None:
        # A session from before these limits existed: start counting now.
        session["signed_in_at"] = session["seen_at"] = now.isoformat()
        return None
    reason = services.session_expiry(signed_in_at, seen_at, now, **_timeouts())
    if reason is None:
        if request.endpoint != "auth.session_status":  # the idle.js poll is not activity
            session["seen_at"] = now.isoformat()
        return _require_enrolment()
    logout_user()
    session.clear()
    view = current_app.view_functions.get(request.endpoint)
    if request.method in SAFE_METHODS or getattr(view, "public", False):
        flash(_expiry_message(reason), "warning")
        return None  # the sign-in check that runs next sends them to the sign-in page
    return _signed_out_page(_expiry_message(reason))


# What a counselor who must enrol in two-factor sign-in can still reach.
ENROLMENT_ENDPOINTS = frozenset(
    {
        "auth.two_factor_setup",
        "auth.two_factor_start",
        "auth.logout",
        "auth.session_status",
        "auth.keepalive",
    }
)


def _require_enrolment():
    """When the practice requires two-factor sign-in, nothing else opens until it is set up."""
    if (
        request.endpoint is None
        or current_user.two_factor_enabled
        or request.endpoint in ENROLMENT_ENDPOINTS
    ):
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "public", False) or not two_factor.is_required():
        return None
    flash("Your practice requires two-factor sign-in. Set it up to continue.", "warning")
    return redirect(url_for("auth.two_factor_setup"))


def _expiry_message(reason: str) -> str:
    if reason == "absolute":
        hours = current_app.config["ABSOLUTE_SESSION_HOURS"]
        return f"You were signed out because sign-ins last at most {hours} hours."
    minutes = current_app.config["IDLE_TIMEOUT_MINUTES"]
    return f"You were signed out after {minutes} minutes without activity."


def _signed_out_page(message: str):
    """What was typed, back in read-only boxes to copy; never stored anywhere."""
    kept = typed_fields(request.form)
    rule = request.url_rule
    back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
    return render_template("auth/signed_out.html", message=message, kept=kept, back=back), 401


@bp.app_context_processor
def session_timer() -> dict:
    """What idle.js needs to warn before the idle sign-out (see base.html)."""
    if (
        not has_request_context()
        or g.get("database_unavailable")  # the page renders signed out (errors.database_gone)
        or not current_user.is_authenticated
    ):
        return {"session_timer": None}
    return {"session_timer": _timer_state()}


def _timer_state() -> dict:
    now = timeutil.utcnow()
    signed_in_at = _session_time("signed_in_at") or now
    seen_at = _session_time("seen_at") or now
    timeouts = _timeouts()
    left, limit = services.time_left(signed_in_at, seen_at, now, **timeouts)
    return {
        "seconds_left": left,
        "limit": limit,
        # A few minutes' warning: five, or a third of a short idle limit.
        "warn_seconds": min(300, timeouts["idle_minutes"] * 60 // 3),
        "status_url": url_for("auth.session_status"),
        "keepalive_url": url_for("auth.keepalive"),
    }


@bp.get("/session/status")
def session_status():
    """Seconds until sign-out, for idle.js; reading it does not count as activity."""
    return _timer_state()


@bp.post("/session/keepalive")
def keepalive():
    """The "Stay signed in" button: any request resets the idle clock, this one says so."""
    return _timer_state()
