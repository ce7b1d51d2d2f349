"""The administrator's page for the practice's details."""

from __future__ import annotations

import base64

from flask import flash, redirect, render_template, url_for

from practice.audit import services as audit
from practice.extensions import db
from practice.security import admin_required
from practice.settings import bp
from practice.settings.forms import PracticeSettingsForm
from practice.settings.services import practice_logo, practice_settings, save_practice


@bp.route("/settings/practice", methods=["GET", "POST"])
@admin_required
def edit():
    """Name, address, contact, logo, crisis line, paper size and time zone of the practice."""
    current = practice_settings()
    form = PracticeSettingsForm(
        data={
            "practice_name": current.name,
            "address": current.address,
            "phone": current.phone,
            "website": current.website,
            "crisis_line": current.crisis_line,
            "paper_size": current.paper_size,
            "timezone": current.timezone,
        }
    )
    if form.validate_on_submit():
        save_practice(
            name=form.practice_name.data,
            timezone=form.timezone.data,
            address=form.address.data,
            phone=form.phone.data,
            website=form.website.data,
            crisis_line=form.crisis_line.data,
            paper_size=form.paper_size.data,
            logo=form.logo_bytes,
            remove_logo=form.remove_logo.data,
        )
        audit.record("practice.update")
        db.session.commit()
        flash("The practice's details are saved.", "success")
        return redirect(url_for("settings.edit"))
    # The preview is inlined (the page's CSP allows data: images): no extra route to guard.
    logo = practice_logo(current)
    logo_src = None
    if logo:
        logo_src = f"data:{current.logo_type};base64,{base64.b64encode(logo).decode()}"
    return render_template("settings/edit.html", form=form, logo_src=logo_src)
