"""Sign-in, first-run setup, the counselor's own settings and the administrator's team page."""

from __future__ import annotations

from datetime import datetime, timedelta

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
from sqlalchemy.exc import IntegrityError

from practice import timeutil
from practice.audit import services as audit
from practice.auth import bp, limits, services, two_factor
from practice.auth.forms import (
    ConfirmPasswordForm,
    ConfirmTwoFactorForm,
    CounselorForm,
    LoginForm,
    PasswordChangeForm,
    SettingsForm,
    TwoFactorForm,
)
from practice.auth.models import Counselor
from practice.errors import render_error
from practice.extensions import db, limiter
from practice.forms import typed_fields
from practice.security import admin_required, public, safe_next_url

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
    from practice.settings.forms import PracticeNameAndZoneForm
    from practice.settings.services import practice_settings, save_practice

    if services.any_counselor_exists():
        abort(404)
    form = CounselorForm()
    # The practice's name and time zone are asked first, not taken silently from the
    # environment (which only suggests them).
    current = practice_settings()
    practice_form = PracticeNameAndZoneForm(
        prefix="practice",
        data=None if request.method == "POST" else
        {"practice_name": current.name, "timezone": current.timezone},
    )
    practice_ok = practice_form.validate_on_submit()
    if form.validate_on_submit() and practice_ok:
        try:
            counselor = services.create_counselor(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                is_admin=True,
                timezone=practice_form.timezone.data,
            )
        except services.AccountError as error:
            _apply_errors(form, error)
        else:
            try:
                save_practice(name=practice_form.practice_name.data,
                              timezone=practice_form.timezone.data)
                db.session.commit()
            except IntegrityError:
                # Two first-run setups at once: both saw an empty practice and the unique
                # email refused the second. Say so, with what was typed.
                db.session.rollback()
                current_app.logger.warning("First-run setup raced another one")
                return render_error(409)
            start_session(counselor)
            flash("Welcome. Your practice is ready: add your first couple.", "success")
            return redirect(url_for("couples.new"))
    return render_template("auth/setup.html", form=form, practice_form=practice_form)


# What each limit stops, and why the per-account one is a high ceiling a known browser
# skips: practice.auth.limits.
@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(limits.ADDRESS_LIMIT, methods=["POST"], error_message="Too many sign-in attempts.")
@limiter.limit(
    limits.ACCOUNT_ADDRESS_LIMIT,
    methods=["POST"],
    key_func=limits.account_and_address_key,
    error_message="Too many sign-in attempts for this account.",
)
@limiter.limit(
    limits.ACCOUNT_CEILING,
    methods=["POST"],
    key_func=limits.account_key,
    exempt_when=limits.known_device,
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
        elif counselor.two_factor_enabled:
            db.session.commit()  # a rehashed password
            # Half signed in: only the code page knows who this is; nothing else opens.
            session.clear()
            session[PENDING_KEY] = {
                "id": counselor.id,
                "version": counselor.session_version,
                "at": timeutil.utcnow().isoformat(),
            }
            return redirect(url_for("auth.sign_in_code", next=request.args.get("next")))
        else:
            return _finish_sign_in(counselor)
    return render_template("auth/login.html", form=form)


def _finish_sign_in(counselor: Counselor):
    audit.record("sign_in", counselor=counselor)
    db.session.commit()
    # A fresh session at sign-in: nothing from before survives (session fixation).
    # No "remember me": a sign-in ends with the browser, the idle or the absolute limit.
    start_session(counselor)
    if not counselor.two_factor_enabled and two_factor.is_required():
        flash("Your practice requires two-factor sign-in. Set it up to continue.", "warning")
        response = redirect(url_for("auth.two_factor_setup"))
    else:
        # The same rule after the password and after the two-factor step (an open redirect
        # after sign-in is a phishing tool): practice.security.safe_next_url.
        response = redirect(safe_next_url(request.args.get("next"), url_for("dashboard.index")))
    limits.remember_device(response, counselor.email)
    return response


PENDING_KEY = "pending_sign_in"
PENDING_MINUTES = 5


def _pending_counselor() -> Counselor | None:
    """Who passed the password step in the last few minutes, if still active and unchanged."""
    pending = session.get(PENDING_KEY)
    try:
        started = datetime.fromisoformat(pending["at"])
        counselor = db.session.get(Counselor, int(pending["id"]))
    except (TypeError, KeyError, ValueError):
        return None
    if (
        counselor is None
        or not counselor.active
        or not counselor.two_factor_enabled
        or counselor.session_version != pending.get("version")
        or timeutil.utcnow() - started > timedelta(minutes=PENDING_MINUTES)
    ):
        return None
    return counselor


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(limits.ADDRESS_LIMIT, methods=["POST"], error_message="Too many codes tried.")
@limiter.limit(
    limits.CODE_LIMIT,
    methods=["POST"],
    key_func=limits.account_key,
    error_message="Too many codes tried.",
)
def sign_in_code():
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    counselor = _pending_counselor()
    if counselor is None:
        session.pop(PENDING_KEY, None)
        flash("Please sign in again.", "warning")
        return redirect(url_for("auth.login", next=request.args.get("next")))
    form = TwoFactorForm()
    if form.validate_on_submit():
        now = timeutil.utcnow()
        if form.code.data:
            accepted = two_factor.verify_code(counselor, form.code.data, now)
        else:
            accepted = two_factor.use_recovery_code(counselor, form.recovery_code.data, now)
        if accepted:
            return _finish_sign_in(counselor)
        db.session.rollback()
        field = form.code if form.code.data else form.recovery_code
        field.errors.append("That code did not work. Try the newest code from your app.")
        audit.record_failed_sign_in(counselor.email)
        db.session.commit()
    return render_template("auth/two_factor.html", form=form)


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
    return _account_page(settings_form=settings_form, password_form=password_form)


def _account_page(status: int = 200, **forms):
    """The account page with these forms as submitted (errors beside their fields) and the
    others blank."""
    blank = {
        "settings_form": lambda: SettingsForm(prefix="settings", timezone=current_user.timezone),
        "password_form": lambda: PasswordChangeForm(prefix="password", formdata=None),
        "disable_form": lambda: ConfirmPasswordForm(formdata=None),
        "renew_form": lambda: ConfirmPasswordForm(prefix="renew", formdata=None),
    }
    for name, make in blank.items():
        if name not in forms:
            forms[name] = make()
    page = render_template(
        "auth/account.html",
        recovery_codes_left=(
            two_factor.unused_recovery_codes(current_user)
            if current_user.two_factor_enabled
            else None
        ),
        **forms,
    )
    return page, status


def _password_confirmed(form: ConfirmPasswordForm, refusal: str) -> bool:
    """The form was sent with the counselor's own password; otherwise the field says why."""
    if form.validate_on_submit() and services.password_matches(current_user, form.password.data):
        return True
    if not form.password.errors:
        form.password.errors = [refusal]
    return False


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
            db.session.commit()
        except services.AccountError as error:
            _apply_errors(form, error)
        except IntegrityError:
            # The same email added at the same moment (a double click, two tabs): the
            # database's unique email decides, and the form says so like the check above.
            db.session.rollback()
            form.email.errors = [*form.email.errors, services.EMAIL_TAKEN]
        else:
            flash(f"{form.name.data} can now sign in.", "success")
            return redirect(url_for("auth.team"))
    counselors = db.session.execute(select(Counselor).order_by(Counselor.name)).scalars().all()
    return render_template(
        "auth/team.html",
        form=form,
        counselors=counselors,
        two_factor_required=two_factor.is_required(),
    )


@bp.post("/team/<int:counselor_id>/active")
@admin_required
def set_active(counselor_id: int):
    """Deactivate or reactivate a counselor. Deactivation signs them out everywhere."""
    counselor = db.get_or_404(Counselor, counselor_id)
    if counselor.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("auth.team"))
    activate = request.form.get("active") == "1"
    if not activate:
        # Closing an account decides what happens to the couples: its own page.
        return redirect(url_for("caseload.close", counselor_id=counselor.id))
    services.set_active(counselor, activate)
    db.session.commit()
    flash(f"{counselor.name} is {'active' if activate else 'deactivated'}.", "success")
    return redirect(url_for("auth.team"))


@bp.post("/account/two-factor/start")
def two_factor_start():
    """Begin enrolment: a fresh secret, shown as a QR code on the next page."""
    if current_user.two_factor_enabled:
        return redirect(url_for("auth.account"))
    two_factor.begin_enrolment(current_user)
    db.session.commit()
    return redirect(url_for("auth.two_factor_setup"))


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor_setup():
    """Scan the QR code, confirm with a code, then see the recovery codes once."""
    if current_user.two_factor_enabled:
        return redirect(url_for("auth.account"))
    form = ConfirmTwoFactorForm()
    if two_factor.secret_of(current_user) is None:
        return render_template("auth/two_factor_setup.html", form=form, uri=None)
    if form.validate_on_submit():
        counselor = current_user._get_current_object()
        try:
            codes = two_factor.confirm_enrolment(counselor, form.code.data, timeutil.utcnow())
        except services.AccountError as error:
            _apply_errors(form, error)
        else:
            # Devices signed in with the password alone are signed out; this one stays.
            services.end_all_sessions(counselor)
            audit.record("two_factor.on")
            db.session.commit()
            start_session(counselor)
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = two_factor.provisioning_uri(current_user, current_app.config["PRACTICE_NAME"])
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        uri=uri,
        secret=two_factor.secret_of(current_user),
        qr_code=two_factor.qr_code_data_uri(uri),
    )


@bp.post("/account/two-factor/disable")
def two_factor_disable():
    """Turn two-factor off, with the password; not while the practice requires it."""
    form = ConfirmPasswordForm()
    if two_factor.is_required():
        flash("Your practice requires two-factor sign-in, so it stays on.", "error")
    elif not _password_confirmed(
        form, "That is not your password. Two-factor sign-in is still on."
    ):
        return _account_page(400, disable_form=form)
    else:
        two_factor.disable(current_user)
        audit.record("two_factor.off")
        db.session.commit()
        flash("Two-factor sign-in is off.", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/two-factor/recovery-codes")
def recovery_codes_renew():
    """Ten new recovery codes, with the password: for a counselor who used or lost theirs.
    The old codes stop working at once."""
    if not current_user.two_factor_enabled:
        return redirect(url_for("auth.account"))
    form = ConfirmPasswordForm(prefix="renew")
    if not _password_confirmed(form, "That is not your password. Your codes have not changed."):
        return _account_page(400, renew_form=form)
    codes = two_factor.new_recovery_codes(current_user)
    audit.record("two_factor.recovery_codes")
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, renewed=True)


@bp.post("/team/two-factor")
@admin_required
def require_two_factor():
    """The administrator requires (or stops requiring) two-factor sign-in for everyone."""
    required = request.form.get("required") == "1"
    two_factor.set_required(required)
    audit.record("two_factor.required" if required else "two_factor.optional")
    db.session.commit()
    flash(
        "Every counselor now needs two-factor sign-in."
        if required
        else "Two-factor sign-in is now optional.",
        "success",
    )
    return redirect(url_for("auth.team"))
