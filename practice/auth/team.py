"""The administrator's team page: adding counselors, deactivating them, requiring two-factor."""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from practice.audit import services as audit
from practice.auth import bp, services, two_factor
from practice.auth.forms import (
    CounselorForm,
    apply_account_errors,
)
from practice.auth.models import Counselor
from practice.extensions import db
from practice.security import admin_required


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
            db.session.commit()
        except services.AccountError as error:
            apply_account_errors(form, error)
        except IntegrityError:
            # The same email added at the same moment (a double click, two tabs): the
            # database's unique email decides, and the form says so like the check above.
            db.session.rollback()
            form.email.errors = [*form.email.errors, services.EMAIL_TAKEN]
        else:
            flash(f"{form.name.data} can now sign in.", "success")
            return redirect(url_for("auth.team"))
    counselors = db.session.execute(select(Counselor).order_by(Counselor.name)).scalars().all()
    return render_template(
        "auth/team.html",
        form=form,
        counselors=counselors,
        two_factor_required=two_factor.is_required(),
    )


@bp.post("/team/<int:counselor_id>/active")
@admin_required
def set_active(counselor_id: int):
    """Deactivate or reactivate a counselor. Deactivation signs them out everywhere."""
    counselor = db.get_or_404(Counselor, counselor_id)
    if counselor.id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("auth.team"))
    activate = request.form.get("active") == "1"
    if not activate:
        # Closing an account decides what happens to the couples: its own page.
        return redirect(url_for("caseload.close", counselor_id=counselor.id))
    services.set_active(counselor, activate)
    db.session.commit()
    flash(f"{counselor.name} is {'active' if activate else 'deactivated'}.", "success")
    return redirect(url_for("auth.team"))


@bp.post("/team/two-factor")
@admin_required
def require_two_factor():
    """The administrator requires (or stops requiring) two-factor sign-in for everyone."""
    required = request.form.get("required") == "1"
    two_factor.set_required(required)
    audit.record("two_factor.required" if required else "two_factor.optional")
    db.session.commit()
    flash(
        "Every counselor now needs two-factor sign-in."
        if required
        else "Two-factor sign-in is now optional.",
        "success",
    )
    return redirect(url_for("auth.team"))
