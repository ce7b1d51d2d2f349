"""The counselor's side of a partner's link, from the couple page: make a new link, turn it
off, print it as a handout."""

from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from practice.audit import services as audit
from practice.couples.services import own_couple
from practice.extensions import db
from practice.formatting import day, today_local
from practice.homework.links import partner_address
from practice.partner import access as partner_access
from practice.partner import bp
from practice.partner.home import current_homework
from practice.pdf.link_handout import render_partner_handout
from practice.settings.services import practice_logo, practice_settings
from practice.timeutil import utcnow


class ConfirmForm(FlaskForm):
    """A confirmation: nothing but the CSRF token."""


def couple_link_boxes(couple) -> list[partner_access.LinkBox]:
    """The couple page's link box per partner."""
    return partner_access.link_boxes(
        list(couple.partners), current_app.config["SECRET_KEY"], utcnow()
    )


def _own_partner(couple_id: int, partner_id: int):
    """The counselor's couple and one of its partners, or 404."""
    couple = db.one_or_404(own_couple(current_user, couple_id))
    partner = next((p for p in couple.partners if p.id == partner_id), None)
    if partner is None:
        abort(404)
    return couple, partner


def _to_link_box(couple_id: int, partner_id: int):
    return redirect(url_for("couples.detail", couple_id=couple_id, _anchor=f"link-{partner_id}"))


def _changed(couple, partner, event: str, access_id: int | None, message: str):
    """A confirmed change to the link: recorded (when there was a link), saved, said."""
    if access_id is not None:
        audit.record(event, couple_id=couple.id, object_type="partner_access", object_id=access_id)
    db.session.commit()
    flash(message, "success")
    return _to_link_box(couple.id, partner.id)


def _confirm(couple, partner, form: ConfirmForm, action: str, has_link: bool):
    """The page that asks before the link changes."""
    return render_template(
        "partner/confirm_link.html",
        couple=couple,
        partner=partner,
        form=form,
        action=action,
        has_link=has_link,
    )


@bp.route("/couples/<int:couple_id>/partners/<int:partner_id>/link/new", methods=["GET", "POST"])
def new_link(couple_id: int, partner_id: int):
    """Make a new link for a partner, after a confirmation: the old one stops working."""
    couple, partner = _own_partner(couple_id, partner_id)
    if couple.is_archived:
        flash("This couple is archived. Restore them to make a new link.", "warning")
        return _to_link_box(couple_id, partner_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        expires_at = partner_access.reissue_expiry(
            partner.id, int(current_app.config["LINK_GRACE_DAYS"]), today_local()
        )
        row, _ = partner_access.issue_access(
            partner,
            secret_key=current_app.config["SECRET_KEY"],
            now=utcnow(),
            expires_at=expires_at,
        )
        return _changed(
            couple,
            partner,
            "link.reissue",
            row.id,
            f"New link made for {partner.first_name}. The old one no longer works.",
        )
    return _confirm(couple, partner, form, "new", partner_access.access_of(partner.id) is not None)


@bp.route("/couples/<int:couple_id>/partners/<int:partner_id>/link/off", methods=["GET", "POST"])
def turn_off_link(couple_id: int, partner_id: int):
    """Turn a partner's link off, after a confirmation. A new link can be made later."""
    couple, partner = _own_partner(couple_id, partner_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        row = partner_access.access_of(partner.id)
        partner_access.turn_off(partner.id, utcnow())
        return _changed(
            couple,
            partner,
            "link.revoke",
            row.id if row is not None else None,
            f"{partner.first_name}'s link no longer works.",
        )
    return _confirm(couple, partner, form, "off", True)


@bp.get("/couples/<int:couple_id>/partners/<int:partner_id>/link/handout.pdf")
def handout(couple_id: int, partner_id: int):
    """One printable sheet for the partner: their link as text and QR code, and the homework
    on it now."""
    couple, partner = _own_partner(couple_id, partner_id)
    now = utcnow()
    found = partner_access.access_of(partner.id)
    token = partner_access.current_token(found, current_app.config["SECRET_KEY"], now)
    if token is None:
        flash("That link does not work. Make a new link first, then print it.", "warning")
        return _to_link_box(couple_id, partner_id)
    assert found is not None  # a working token comes from a live link
    holder = partner_access.Access(
        access_id=found.id,
        partner_id=partner.id,
        couple_id=couple.id,
        partner_name=partner.display_name,
        counselor_name=couple.counselor.name,
        expires_at=found.expires_at,
    )
    practice = practice_settings()
    pdf = render_partner_handout(
        practice_name=practice.name,
        counselor_name=couple.counselor.name,
        partner_first_name=partner.first_name,
        url=partner_address(token),
        expires=day(found.expires_at),
        homework=[
            (item.title, day(item.due_date)) for item in current_homework(holder, now, holder.zone)
        ],
        page_size=practice.paper_size,
        letterhead=practice.letterhead(practice_logo(practice)),
    )
    audit.record_read(
        "link.handout", couple_id=couple.id, object_type="partner_access", object_id=found.id
    )
    return send_file(
        BytesIO(pdf),
        mimetype="application/pdf",
        download_name=f"homework-link-{couple.id}-{partner.position}.pdf",
    )
