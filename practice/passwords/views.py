"""Password reset pages: the administrator makes a link; the counselor opens it once."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.audit import services as audit
from practice.auth.models import Counselor
from practice.auth.services import AccountError, find_by_email, normalize_email
from practice.extensions import db, limiter
from practice.passwords import bp, services
from practice.passwords.forms import ForgotPasswordForm, NewPasswordForm
from practice.security import admin_required, link_limit, public


@bp.app_context_processor
def password_helpers() -> dict:
    return {"reset_by_email": lambda: services.email_ready(current_app.config)}


def _queue(email_ids: list[int]) -> None:
    """Hand the rows to the job queue (after the commit); the outbox sweep queues any the
    queue could not take."""
    from practice.mail.tasks import queue_delivery

    queue_delivery(email_ids)


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
        flash(
            "Change your own password from your account page; reactivate a counselor first.",
            "error",
        )
        return redirect(url_for("auth.team"))
    if services.email_ready(current_app.config):
        # Emailed, not shown: the link reaches only the counselor's own inbox.
        email_ids = services.plan_reset_email(counselor)
        audit.record(
            "password.reset_link", object_type="counselor", object_id=counselor.id, detail="emailed"
        )
        db.session.commit()
        _queue(email_ids)
        flash(
            f"A reset link is on its way to {counselor.email}. It works once, for an hour.",
            "success",
        )
        return redirect(url_for("auth.team"))
    token = services.make_link(counselor, made_by=current_user)
    audit.record("password.reset_link", object_type="counselor", object_id=counselor.id)
    db.session.commit()
    return _private(
        render_template(
            "passwords/link_made.html",
            counselor=counselor,
            url=_reset_url(token),
            hours=int(services.LIFETIME.total_seconds() // 3600),
        )
    )


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
            counselor = services.use_link(found, form.new_password.data or "")
        except AccountError as error:
            form.new_password.errors = [*form.new_password.errors, error.message]
        else:
            audit.record(
                "password.reset",
                object_type="counselor",
                object_id=counselor.id,
                counselor=counselor,
            )
            db.session.commit()
            flash("Your new password is set. Sign in with it.", "success")
            return redirect(url_for("auth.login"))
    return _private(render_template("passwords/reset.html", form=form, counselor=found.counselor))


def _forgot_email_key() -> str:
    return "password-reset-email:" + normalize_email(request.form.get("email", ""))


# Per address and per account, like sign-in: one machine asking for many accounts, or many
# machines flooding one inbox. The answer is the same whether the account exists.
FORGOT_LIMIT = "5 per hour"


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(FORGOT_LIMIT, methods=["POST"], error_message="Too many reset requests.")
@limiter.limit(
    FORGOT_LIMIT,
    methods=["POST"],
    key_func=_forgot_email_key,
    error_message="Too many reset requests for this address.",
)
def forgot():
    """A counselor asks for a reset link by email (only when email is set up)."""
    if not services.email_ready(current_app.config):
        abort(404)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        counselor = find_by_email(form.email.data)
        email_ids: list[int] = []
        if counselor is not None and counselor.active:
            email_ids = services.plan_reset_email(counselor)
            audit.record(
                "password.reset_requested",
                object_type="counselor",
                object_id=counselor.id,
                actor_kind="system",
            )
            db.session.commit()
            _queue(email_ids)
        return render_template("passwords/forgot_sent.html", email=form.email.data)
    return render_template("passwords/forgot.html", form=form)
