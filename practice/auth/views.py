"""Signing in and out, and the first-run setup of the practice."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from sqlalchemy.exc import IntegrityError

from practice import timeutil
from practice.audit import services as audit
from practice.auth import bp, limits, services, two_factor
from practice.auth.forms import (
    CounselorForm,
    LoginForm,
    TwoFactorForm,
    apply_account_errors,
)
from practice.auth.models import Counselor
from practice.auth.timeouts import start_session
from practice.errors import render_error
from practice.extensions import db, limiter
from practice.security import public, safe_next_url


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
        data=None
        if request.method == "POST"
        else {"practice_name": current.name, "timezone": current.timezone},
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
            apply_account_errors(form, error)
        else:
            try:
                save_practice(
                    name=practice_form.practice_name.data, timezone=practice_form.timezone.data
                )
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
    if not isinstance(pending, dict):
        return None
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
