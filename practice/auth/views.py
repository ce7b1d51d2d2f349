"""Sign-in, first-run setup, the counselor's own settings and the administrator's team page."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from practice.audit import services as audit
from practice.auth import bp, services
from practice.auth.forms import CounselorForm, LoginForm, PasswordChangeForm, SettingsForm
from practice.auth.models import Counselor
from practice.extensions import db, limiter
from practice.security import admin_required, public


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after sign-in is a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


def _apply_errors(form, error: services.AccountError) -> None:
    getattr(form, error.field).errors.append(error.message)


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
            session.clear()
            login_user(counselor)
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
            session.clear()
            login_user(counselor, remember=form.remember.data)
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
            session.clear()
            login_user(current_user)
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
