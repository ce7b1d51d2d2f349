"""The counselor's own account: settings, password and two-factor."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from practice import timeutil
from practice.audit import services as audit
from practice.auth import bp, services, two_factor
from practice.auth.forms import (
    ConfirmPasswordForm,
    ConfirmTwoFactorForm,
    PasswordChangeForm,
    SettingsForm,
    apply_account_errors,
)
from practice.auth.timeouts import start_session
from practice.extensions import db


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
            apply_account_errors(password_form, error)
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
    if form.validate_on_submit() and services.password_matches(
        current_user, form.password.data or ""
    ):
        return True
    if not form.password.errors:
        form.password.errors = [refusal]
    return False


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
            apply_account_errors(form, error)
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
