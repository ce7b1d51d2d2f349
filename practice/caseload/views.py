"""The administrator's pages for moving couples and closing a counselor's account."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

# New in WTForms 3.3; types-WTForms does not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from practice.auth.models import Counselor
from practice.caseload import bp, services
from practice.caseload.forms import (
    END_LINKS,
    CloseAccountForm,
    MoveCouplesForm,
    counselor_choices,
)
from practice.extensions import db
from practice.security import admin_required
from practice.timeutil import utcnow


def _counselor_or_404(counselor_id: int) -> Counselor:
    return db.get_or_404(Counselor, counselor_id)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@bp.route("/<int:counselor_id>/couples", methods=["GET", "POST"])
@admin_required
def move(counselor_id: int):
    """Move one, some or all of a counselor's couples to another counselor."""
    source = _counselor_or_404(counselor_id)
    caseload = services.caseload_of(source)
    form = MoveCouplesForm()
    form.couples.choices = [SelectChoice(couple.id, couple.name) for couple in caseload]
    form.target.choices = counselor_choices(services.recipients(excluding=source))
    if form.validate_on_submit():
        target = db.get_or_404(Counselor, form.target.data)
        try:
            moved = services.move_couples(form.couples.data or [], source=source, target=target)
        except services.MoveRefused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            db.session.commit()
            flash(f"{_plural(len(moved), 'couple')} moved to {target.name}.", "success")
            return redirect(url_for("caseload.move", counselor_id=source.id))
    return render_template("caseload/move.html", source=source, caseload=caseload, form=form)


@bp.route("/<int:counselor_id>/close", methods=["GET", "POST"])
@admin_required
def close(counselor_id: int):
    """Close a counselor's account: hand their couples over, or end their partners' links."""
    counselor = _counselor_or_404(counselor_id)
    if counselor.id == current_user.id:
        flash("You cannot close your own account.", "error")
        return redirect(url_for("auth.team"))
    if not counselor.active:
        return redirect(url_for("auth.team"))
    caseload = services.caseload_of(counselor)
    form = CloseAccountForm()
    form.target.choices = counselor_choices(services.recipients(excluding=counselor))
    if form.validate_on_submit():
        target = (
            None if form.outcome.data == END_LINKS else db.session.get(Counselor, form.target.data)
        )
        try:
            closed = services.close_account(counselor, hand_to=target, now=utcnow())
        except services.MoveRefused as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            db.session.commit()
            if target is not None:
                what = f"{_plural(closed.moved, 'couple')} moved to {target.name}"
            else:
                what = f"{_plural(closed.links_ended, 'partner link')} ended"
            flash(f"{counselor.name}'s account is closed; {what}.", "success")
            return redirect(url_for("auth.team"))
    return render_template("caseload/close.html", counselor=counselor, caseload=caseload, form=form)
