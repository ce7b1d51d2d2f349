"""Couples: list and search, create and edit, archive and restore, and the couple page."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.audit import services as audit
from practice.couples import bp, parts, services
from practice.couples.forms import CoupleForm, DeleteCoupleForm
from practice.extensions import db
from practice.local_address import url_is_loopback
from practice.params import MAX_PAGE, query_int, query_text
from practice.timeutil import utcnow


@bp.get("/")
def index():
    """The counselor's couples, searchable by either partner's name."""
    search = query_text("q", 100)
    status = request.args.get("status", "active")
    if status not in ("active", "archived", "all"):
        status = "active"
    page = query_int("page", 1, maximum=MAX_PAGE)
    couples, total = services.list_couples(current_user, search=search, status=status, page=page)
    return render_template(
        "couples/index.html",
        couples=couples,
        total=total,
        search=search,
        status=status,
        page=page,
        page_size=services.PAGE_SIZE,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add a couple: both partners in one form."""
    form = CoupleForm()
    if form.validate_on_submit():
        couple = services.create_couple(current_user, form.partner_details(), form.goals.data or "")
        _save_partner_zones(couple, form)
        audit.record("couple.create", couple_id=couple.id)
        db.session.commit()
        flash(f"{couple.name} added.", "success")
        return redirect(url_for("couples.detail", couple_id=couple.id))
    return render_template("couples/form.html", form=form, couple=None)


@bp.get("/<int:couple_id>")
def detail(couple_id: int):
    """The hub for one couple: partners, goals, homework and sessions."""
    from practice.partner.link_views import couple_link_boxes

    couple = db.one_or_404(services.own_couple(current_user, couple_id))
    sections = [part.section(couple, request.args) for part in parts.registered(current_app)]
    context = {key: value for section in sections for key, value in section.context.items()}
    # Render before any commit: a commit expires the loaded rows and the template would
    # reload each one (an N+1). Writes come after (e.g. what was shown is now seen).
    page = render_template(
        "couples/detail.html",
        couple=couple,
        **context,
        links_stay_on_this_computer=_links_stay_on_this_computer(),
        **partner_email_context(couple, current_app.config),
        link_boxes=couple_link_boxes(couple),
    )
    for section in sections:
        if section.after_render is not None:
            section.after_render()
    audit.record_read("couple.view", couple_id=couple_id)
    return page


def partner_email_context(couple, config) -> dict:
    """What the partner cards show about email: sent, failing, opted out; one query."""
    from practice.reminders.preferences import opted_out_since
    from practice.reminders.services import email_unavailable, sent_by_partner

    partner_ids = [p.id for p in couple.partners]
    return {
        "sent_emails": sent_by_partner(partner_ids),
        "opted_out": opted_out_since(partner_ids),
        "email_unavailable": email_unavailable(config),
    }


def _save_partner_zones(couple, form: CoupleForm) -> None:
    """Each partner's time zone for reminders (kept by practice.reminders)."""
    from practice.reminders.preferences import set_timezone

    db.session.flush()  # a new couple's partners get their ids
    for partner, subform in zip(couple.partners, (form.partner1, form.partner2), strict=True):
        set_timezone(partner.id, subform.form.timezone.data or None)


def _links_stay_on_this_computer() -> bool:
    """Whether the partner links on this page start with a loopback address (BASE_URL unset
    and the app opened at 127.0.0.1): no partner's phone can open those."""
    return url_is_loopback(current_app.config.get("BASE_URL") or request.host_url)


@bp.route("/<int:couple_id>/edit", methods=["GET", "POST"])
def edit(couple_id: int):
    couple = db.one_or_404(services.own_couple(current_user, couple_id))
    form = CoupleForm(obj=None)
    if request.method == "GET":
        from practice.reminders.preferences import partner_zones as zones_of

        partner_zones = zones_of([p.id for p in couple.partners])
        form.goals.data = couple.goals
        for partner, subform in zip(couple.partners, (form.partner1, form.partner2), strict=True):
            subform.form.display_name.data = partner.display_name
            subform.form.email.data = partner.email
            subform.form.pronouns.data = partner.pronouns
            subform.form.timezone.data = partner_zones.get(partner.id) or ""
    if form.validate_on_submit():
        changed = services.update_couple(couple, form.partner_details(), form.goals.data or "")
        _save_partner_zones(couple, form)
        audit.record("couple.update", couple_id=couple.id, detail=", ".join(changed))
        db.session.commit()
        flash("Changes saved.", "success")
        return redirect(url_for("couples.detail", couple_id=couple.id))
    return render_template("couples/form.html", form=form, couple=couple)


@bp.post("/<int:couple_id>/archive")
def archive(couple_id: int):
    """Archive: hidden from the active list, nothing deleted."""
    couple = db.one_or_404(services.own_couple(current_user, couple_id))
    services.archive(couple)
    audit.record("couple.archive", couple_id=couple.id)
    db.session.commit()
    flash(f"{couple.name} archived. You can restore them from the archived list.", "success")
    return redirect(url_for("couples.index"))


@bp.post("/<int:couple_id>/restore")
def restore(couple_id: int):
    couple = db.one_or_404(services.own_couple(current_user, couple_id))
    services.restore(couple)
    audit.record("couple.restore", couple_id=couple.id)
    db.session.commit()
    flash(f"{couple.name} restored to your active couples.", "success")
    return redirect(url_for("couples.detail", couple_id=couple.id))


@bp.get("/<int:couple_id>/export.json")
def export(couple_id: int):
    """The couple's complete record as a JSON file, for the counselor's own records."""
    couple = db.one_or_404(services.own_couple(current_user, couple_id))
    now = utcnow()
    record = services.export_record(couple, exported_at=now, parts=parts.registered(current_app))
    body = json.dumps(record, ensure_ascii=False, indent=2)
    audit.record_read("couple.export", couple_id=couple_id, detail="json")
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="couple-{couple_id}-record-{now:%Y-%m-%d}.json"'
            )
        },
    )


@bp.route("/<int:couple_id>/delete", methods=["GET", "POST"])
def delete(couple_id: int):
    """Delete a couple and everything of theirs for good, after the name is typed."""
    couple = db.one_or_404(services.own_couple(current_user, couple_id))
    form = DeleteCoupleForm(couple.name)
    if form.validate_on_submit():
        name = couple.name
        counts = services.delete_couple(couple, parts.registered(current_app))
        # Counts only: the log outlives the couple and must hold nothing personal.
        detail = ", ".join(f"{number} {kind}" for kind, number in counts.items())
        audit.record("couple.delete", couple_id=couple_id, detail=detail)
        db.session.commit()
        flash(f"{name} and everything of theirs has been deleted.", "success")
        return redirect(url_for("couples.index"))
    return render_template("couples/delete.html", form=form, couple=couple)
