"""Password reset pages: the administrator makes a link; the counselor opens it once."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from practice.audit import services as audit
from practice.auth.models import Counselor
from practice.auth.services import AccountError
from practice.extensions import db
from practice.passwords import bp, services
from practice.passwords.forms import NewPasswordForm
from practice.security import admin_required, link_limit, public


def _reset_url(token: str) -> str:
    base = current_app.config.get("BASE_URL")
    path = url_for("passwords.reset", token=token)
    return f"{base}{path}" if base else url_for("passwords.reset", token=token, _external=True)


def _private(page: str, status: int = 200):
    """A page whose address holds a token: never sent on as a referrer."""
    response = current_app.make_response((page, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/team/<int:counselor_id>/password-reset")
@admin_required
def make_link(counselor_id: int):
    """The administrator makes a one-time reset link for a counselor, shown once."""
    counselor = db.get_or_404(Counselor, counselor_id)
    if counselor.id == current_user.id or not counselor.active:
        flash("Change your own password from your account page; reactivate a counselor first.",
              "error")
        return redirect(url_for("auth.team"))
    token = services.make_link(counselor, made_by=current_user)
    audit.record("password.reset_link", object_type="counselor", object_id=counselor.id)
    db.session.commit()
    return _private(render_template(
        "passwords/link_made.html", counselor=counselor, url=_reset_url(token),
        hours=int(services.LIFETIME.total_seconds() // 3600),
    ))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@link_limit
def reset(token: str):
    """Choose a new password through a reset link (works once, for an hour)."""
    found = services.open_link(token)
    if found is None:
        return _private(render_template("passwords/link_gone.html"), 404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            counselor = services.use_link(found, form.new_password.data)
        except AccountError as error:
            form.new_password.errors = [*form.new_password.errors, error.message]
        else:
            audit.record("password.reset", object_type="counselor", object_id=counselor.id,
                         counselor=counselor)
            db.session.commit()
            flash("Your new password is set. Sign in with it.", "success")
            return redirect(url_for("auth.login"))
    return _private(render_template("passwords/reset.html", form=form, counselor=found.counselor))
