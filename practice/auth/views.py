"""Sign-in, first-run setup, the counselor's own settings and the administrator's team page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import available_timezones

from flask import (
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from practice import timeutil
from practice.audit import services as audit
from practice.auth import bp, services
from practice.auth.forms import CounselorForm, LoginForm, PasswordChangeForm, SettingsForm
from practice.auth.models import Counselor
from practice.extensions import db, limiter
from practice.security import admin_required, public

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Never echoed back on the signed-out page.
SECRET_FIELDS = frozenset({"csrf_token", "code", "recovery_code"})


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after sign-in is a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


def _apply_errors(form, error: services.AccountError) -> None:
    getattr(form, error.field).errors.append(error.message)


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
        return None
    logout_user()
    session.clear()
    view = current_app.view_functions.get(request.endpoint)
    if request.method in SAFE_METHODS or getattr(view, "public", False):
        flash(_expiry_message(reason), "warning")
        return None  # the sign-in check that runs next sends them to the sign-in page
    return _signed_out_page(_expiry_message(reason))


def _expiry_message(reason: str) -> str:
    if reason == "absolute":
        hours = current_app.config["ABSOLUTE_SESSION_HOURS"]
        return f"You were signed out because sign-ins last at most {hours} hours."
    minutes = current_app.config["IDLE_TIMEOUT_MINUTES"]
    return f"You were signed out after {minutes} minutes without activity."


def _signed_out_page(message: str):
    """What was typed, back in read-only boxes to copy; never stored anywhere."""
    kept = [
        (name.replace("_", " ").replace("-", " ").capitalize(), value)
        for name, value in request.form.items(multi=True)
        if value.strip() and name not in SECRET_FIELDS and "password" not in name
    ]
    rule = request.url_rule
    back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
    return render_template("auth/signed_out.html", message=message, kept=kept, back=back), 401


@bp.app_context_processor
def session_timer() -> dict:
    """What idle.js needs to warn before the idle sign-out (see base.html)."""
    if not has_request_context() or not current_user.is_authenticated:
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


@bp.route("/setup", methods=["GET", "POST"])
@public
def setup():
    """First run only: create the practice administrator. Gone once anyone exists."""
    if services.any_counselor_exists():
        abort(404)
    form = CounselorForm()
    if form.validate_on_submit():
        try:
            counselor = services.create_counselor(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                is_admin=True,
            )
        except services.AccountError as error:
            _apply_errors(form, error)
        else:
            db.session.commit()
            start_session(counselor)
            flash("Welcome. Your practice is ready: add your first couple.", "success")
            return redirect(url_for("couples.new"))
    return render_template("auth/setup.html", form=form)


def _submitted_email() -> str:
    """Rate-limit key for the account being tried, whoever tries it and from where."""
    return "sign-in-email:" + services.normalize_email(request.form.get("email", ""))


# Two limits, both counted in RATELIMIT_STORAGE_URI (shared by every worker): one per
# address stops a single machine guessing many accounts, one per submitted email stops
# many machines guessing one account.
SIGN_IN_LIMIT = "5 per minute"


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], error_message="Too many sign-in attempts.")
@limiter.limit(
    SIGN_IN_LIMIT,
    methods=["POST"],
    key_func=_submitted_email,
    error_message="Too many sign-in attempts for this account.",
)
def login():
    """Sign in."""
    if not services.any_counselor_exists():
        return redirect(url_for("auth.setup"))
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        counselor = services.authenticate(form.email.data, form.password.data)
        if counselor is None:
            form.password.errors.append("That email and password do not match an active account.")
            audit.record_failed_sign_in(form.email.data)
            db.session.commit()
        else:
            audit.record("sign_in", counselor=counselor)
            db.session.commit()
            # A fresh session at sign-in: nothing from before survives (session fixation).
            # No "remember me": a sign-in ends with the browser, the idle or the absolute limit.
            start_session(counselor)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out everywhere: cookies copied from any browser stop working too."""
    services.end_all_sessions(current_user)
    audit.record("sign_out")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
def account():
    """The counselor's own settings: time zone and password."""
    settings_form = SettingsForm(prefix="settings", timezone=current_user.timezone)
    settings_form.timezone.choices = sorted(available_timezones())
    password_form = PasswordChangeForm(prefix="password")
    if request.method == "POST" and "settings-timezone" in request.form:
        if settings_form.validate_on_submit():
            current_user.timezone = settings_form.timezone.data
            db.session.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("auth.account"))
    elif request.method == "POST" and password_form.validate_on_submit():
        try:
            services.change_password(
                current_user, password_form.current_password.data, password_form.new_password.data
            )
        except services.AccountError as error:
            _apply_errors(password_form, error)
        else:
            db.session.commit()
            start_session(current_user._get_current_object())
            flash("Password changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", settings_form=settings_form, password_form=password_form
    )


@bp.route("/team", methods=["GET", "POST"])
@admin_required
def team():
    """The administrator's list of counselors, with a form to add one."""
    form = CounselorForm()
    form.name.label.text = "Name"
    if form.validate_on_submit():
        try:
            services.create_counselor(
                email=form.email.data, name=form.name.data, password=form.password.data
            )
        except services.AccountError as error:
            _apply_errors(form, error)
        else:
            db.session.commit()
            flash(f"{form.name.data} can now sign in.", "success")
            return redirect(url_for("auth.team"))
    counselors = db.session.execute(select(Counselor).order_by(Counselor.name)).scalars().all()
    return render_template("auth/team.html", form=form, counselors=counselors)


@bp.post("/team/<int:counselor_id>/active")
@admin_required
def set_active(counselor_id: int):
    """Deactivate or reactivate a counselor. Deactivation signs them out everywhere."""
    counselor = db.get_or_404(Counselor, counselor_id)
    if counselor.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("auth.team"))
    activate = request.form.get("active") == "1"
    services.set_active(counselor, activate)
    db.session.commit()
    flash(f"{counselor.name} is {'active' if activate else 'deactivated'}.", "success")
    return redirect(url_for("auth.team"))
