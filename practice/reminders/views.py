"""Send a partner their link; one-click unsubscribe (RFC 8058) and undoing it; the
practice's reminder defaults."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.audit import services as audit
from practice.couples.services import own_couple
from practice.extensions import csrf, db, limiter
from practice.mail.tasks import queue_delivery
from practice.partner import access as partner_access
from practice.partner.views import partner_page
from practice.reminders import preferences, services
from practice.reminders.blueprint import bp
from practice.reminders.forms import ReminderSettingsForm
from practice.security import admin_required, link_limit, public
from practice.timeutil import utcnow


@bp.post("/couples/<int:couple_id>/partners/<int:partner_id>/send-link")
def send_link(couple_id: int, partner_id: int):
    """Email a partner their link. The email goes out from a job: this answers at once."""
    couple = db.one_or_404(own_couple(current_user, couple_id))
    partner = next((p for p in couple.partners if p.id == partner_id), None)
    back = redirect(url_for("couples.detail", couple_id=couple.id) + f"#partner-{partner_id}")
    if partner is None:
        abort(404)  # a partner of another couple
    reason = services.email_unavailable(current_app.config)
    if reason:
        flash(reason, "warning")
        return back
    if couple.is_archived:
        flash("This couple is archived: restore them to send links.", "warning")
        return back
    if not partner.email:
        flash(
            f"{partner.display_name} has no email address: add one under Edit details.", "warning"
        )
        return back
    now = utcnow()
    if partner_access.token_for_partner(partner.id, current_app.config["SECRET_KEY"], now) is None:
        flash(
            f"{partner.display_name} has no working link to send: make a new link first.", "warning"
        )
        return back
    email_id = services.request_link_email(partner, now)
    if email_id is not None:
        audit.record(
            "email.link_requested",
            couple_id=couple.id,
            object_type="partner",
            object_id=partner.id,
        )
    db.session.commit()
    if email_id is not None:
        queue_delivery([email_id])
    flash(f"{partner.display_name}'s link is on its way to {partner.email}.", "success")
    return back


def _choose(partner_id: int, couple_id: int, *, opted_out: bool) -> None:
    """The partner turns reminders off or on: at once, audited if it changed, committed."""
    if preferences.set_opted_out(partner_id, opted_out, utcnow()):
        audit.record(
            "reminders.opt_out" if opted_out else "reminders.resume",
            couple_id=couple_id,
            object_type="partner",
            object_id=partner_id,
            actor_kind="partner_link",
        )
    db.session.commit()


def _unsubscribe_page(template: str, status: int = 200, **context):
    return partner_page(f"reminders/{template}.html", status, **context)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session
@limiter.limit("30 per minute")
@link_limit
def unsubscribe(token: str):
    """GET asks (link scanners open links; they must not unsubscribe anyone); POST, from the
    page or a mail client's one-click button, turns reminders off at once."""
    partner = preferences.partner_for_unsubscribe(token, current_app.config["SECRET_KEY"])
    if partner is None:
        return _unsubscribe_page("unsubscribe_gone", 404)
    if request.method == "POST":
        _choose(partner.id, partner.couple_id, opted_out=request.form.get("resume") != "1")
    return _unsubscribe_page(
        "unsubscribe",
        token=token,
        opted_out=bool(preferences.opted_out_since([partner.id])),
        first_name=partner.first_name,
        done=request.method == "POST",
    )


@bp.app_context_processor
def reminder_helpers():
    def partner_reminders_off(partner_id: int) -> bool:
        return bool(preferences.opted_out_since([partner_id]))

    return {"partner_reminders_off": partner_reminders_off}


@bp.post("/h/<token>/reminders")
@public
@csrf.exempt  # the token is the capability; see homework.views.client
@limiter.limit("30 per minute")
@link_limit
def home_reminders(token: str):
    """From the partner's home: turn reminder emails back on (or off)."""
    found = partner_access.find_access(token, utcnow())
    if found is None:
        return partner_page("partner/link_gone.html", 404)
    _choose(found.partner_id, found.couple_id, opted_out=request.form.get("reminders") != "on")
    return redirect(url_for("partner.home", token=token) + "#reminders")


@bp.route("/settings/reminders", methods=["GET", "POST"])
@admin_required
def settings():
    """The practice's default reminder rule and the subject line of its emails."""
    current = services.reminder_settings()
    form = ReminderSettingsForm(obj=current)
    if form.validate_on_submit():
        services.save_reminder_settings(
            default_rule=form.default_rule.data,
            default_hour=form.default_hour.data,
            subject=form.subject.data.strip(),
            digest_enabled=form.digest_enabled.data,
        )
        audit.record("reminders.settings")
        db.session.commit()
        flash("Reminder settings saved.", "success")
        return redirect(url_for("reminders.settings"))
    return render_template(
        "reminders/settings.html",
        form=form,
        email_unavailable=services.email_unavailable(current_app.config),
    )
