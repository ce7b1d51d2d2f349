"""Homework views: assigning, following and reviewing a couple's homework, and its links."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.audit import services as audit
from practice.couples.services import own_couple
from practice.exercises.format import readable_answers
from practice.extensions import db
from practice.formatting import day, local, today_local
from practice.homework import assigning, bp, due_dates, read
from practice.homework.forms import AssignForm, AssignmentEditForm, ReviewForm
from practice.homework.links import partner_address
from practice.params import MAX_PAGE, query_id, query_int
from practice.timeutil import utcnow


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _grace() -> int:
    return int(current_app.config["LINK_GRACE_DAYS"])


@bp.app_context_processor
def homework_helpers():
    # App-wide: the couple page (couples blueprint) shows homework cards too.
    return {"client_url": partner_address, "readable_answers": readable_answers}


# ---------------------------------------------------------------------------- counselor


@bp.route("/couples/<int:couple_id>/homework/new", methods=["GET", "POST"])
def new(couple_id: int):
    """Assign one or several exercises to a couple (preselected with ?exercise=<slug>, which
    may repeat, or ?session=<id>), with a preview of each beside the form."""
    from practice.mail.tasks import queue_delivery
    from practice.reminders import services as reminder_services

    couple = db.one_or_404(own_couple(current_user, couple_id))
    if couple.is_archived:
        flash("This couple is archived. Restore them to assign homework.", "warning")
        return redirect(url_for("couples.detail", couple_id=couple.id))
    exercises = assigning.assignable_exercises(current_user)
    sessions = assigning.couple_session_choices(couple)
    # The practice's reminder defaults preset the form (and stand in when a post lacks them).
    form = AssignForm(**reminder_services.assign_defaults())
    # Plain {value: label} dicts: WTForms 3.3 deprecates tuple choices.
    form.exercises.choices = {e.slug: e.title for e in exercises}
    form.partners.choices = {"both": "Both partners"} | {
        str(p.id): f"Only {p.display_name}" for p in couple.partners
    }
    # types-WTForms reads a dict as grouped choices; WTForms 3.3 takes it as {value: label}.
    form.session_id.choices = {None: "Not tied to a session"} | {  # type: ignore[assignment]
        s.id: day(s.starts_at) for s in sessions
    }
    form.roles.choices = assigning.role_choices(couple.partners)
    appointment = due_dates.next_appointment(couple.id, utcnow())
    appointment_at = local(appointment)  # None when no appointment is booked
    appointment_day = appointment_at.date() if appointment_at is not None else None
    if request.method == "GET":
        known = {e.slug for e in exercises}
        asked = request.args.getlist("exercise") + request.args.getlist("exercises")
        form.exercises.data = [slug for slug in asked[:20] if slug in known]
        schedules = {e.schedule for e in exercises if e.slug in form.exercises.data}
        if len(schedules) == 1 and None not in schedules:
            form.frequency.data = schedules.pop()  # the exercise's own schedule
        form.session_id.data = query_id("session")
        if form.session_id.data not in {s.id for s in sessions}:
            form.session_id.data = None
        form.due_date.data = due_dates.suggested_due_date(appointment_day, today_local())
    if request.method == "POST" and "preview" in request.form:
        pass  # "Show previews" without a script: the same form back, nothing saved
    elif form.validate_on_submit():
        chosen_exercises = [e for e in exercises if e.slug in set(form.exercises.data or [])]
        chosen = [p for p in couple.partners if form.partners.data in ("both", str(p.id))]
        plans = {
            e.slug: assigning.role_plan(e.roles, form.roles.data, couple.partners)
            for e in chosen_exercises
        }
        roles_problem = next((problem for _, problem in plans.values() if problem), None)
        if not chosen_exercises:
            form.exercises.errors.append("Choose an exercise from the list.")  # type: ignore[attr-defined]  # a list once validated
        elif not chosen:
            form.partners.errors.append("Choose who does the exercise.")  # type: ignore[attr-defined]  # a list once validated
        elif roles_problem:
            form.roles.errors.append(roles_problem)  # type: ignore[attr-defined]  # a list once validated
        else:
            assert form.due_date.data is not None  # DataRequired
            assignments, emails = [], []
            for exercise in chosen_exercises:
                assignment = assigning.create_assignment(
                    couple=couple,
                    exercise=exercise,
                    partners=chosen,
                    due_date=form.due_date.data,
                    frequency=form.frequency.data,
                    times_per_week=form.times_per_week.data,
                    note=(form.note.data or "").strip(),
                    session_id=form.session_id.data,
                    secret_key=_secret(),
                    grace_days=_grace(),
                    roles=plans[exercise.slug][0],
                )
                emails += reminder_services.after_assigning(
                    assignment.id,
                    chosen,
                    rule=form.reminder_rule.data,
                    hour=form.reminder_hour.data,
                    email_links=form.email_links.data,
                    config=current_app.config,
                    now=utcnow(),
                )
                _record("homework.assign", assignment)
                assignments.append(assignment)
            db.session.commit()
            queue_delivery(emails)
            titles = ", ".join(f"\u201c{a.title}\u201d" for a in assignments)
            done = (
                f"{titles} assigned. "
                if len(assignments) == 1
                else f"{len(assignments)} exercises assigned: {titles}. "
            )
            flash(
                done
                + (
                    "Their links are on their way by email; you can also copy or print them below."
                    if emails
                    else "Copy or print each partner's link below."
                ),
                "success",
            )
            return redirect(_couple_anchor(assignments[0]))
    return render_template(
        "homework/new.html",
        form=form,
        couple=couple,
        email_unavailable=reminder_services.email_unavailable(current_app.config),
        exercises=exercises,
        previews={e.slug: e.snapshot() for e in exercises},
        appointment_day=appointment_day,
    )


@bp.get("/homework/<int:assignment_id>")
def detail(assignment_id: int):
    """One assignment with all its entries (the couple page shows only the latest few)."""
    assignment = db.one_or_404(assigning.own_assignment(current_user, assignment_id))
    view = read.assignment_view(assignment)
    couple = assignment.couple
    # Render before the commit that marking seen needs (a commit expires the loaded rows).
    page = render_template("homework/assignment.html", a=view, couple=couple)
    assigning.mark_entries_seen(read.unseen_entry_ids([view]))
    audit.record_read(
        "homework.view", couple_id=couple.id, object_type="assignment", object_id=assignment_id
    )
    return page


@bp.get("/couples/<int:couple_id>/homework")
def history(couple_id: int):
    """All of a couple's homework, a line each, newest due date first, page by page."""
    couple = db.one_or_404(own_couple(current_user, couple_id))
    page = query_int("page", 1, maximum=MAX_PAGE)
    assignments, total = read.homework_page(couple, page)
    return render_template(
        "homework/history.html",
        couple=couple,
        assignments=assignments,
        total=total,
        page=page,
        page_size=read.HISTORY_PAGE_SIZE,
    )


@bp.route("/homework/<int:assignment_id>/edit", methods=["GET", "POST"])
def edit(assignment_id: int):
    """Change the due date or the note; also where the counselor cancels or reviews."""
    assignment = db.one_or_404(assigning.own_assignment(current_user, assignment_id))
    form = AssignmentEditForm(obj=assignment if request.method == "GET" else None)
    if form.validate_on_submit():
        assert form.due_date.data is not None  # DataRequired
        assigning.update_assignment(
            assignment, form.due_date.data, (form.note.data or "").strip(), _grace()
        )
        _record("homework.update", assignment)
        db.session.commit()
        flash("Homework updated.", "success")
        return redirect(_couple_anchor(assignment))
    review = ReviewForm(data={"remarks": assignment.review_remarks})
    return render_template("homework/edit.html", assignment=assignment, form=form, review=review)


@bp.post("/homework/<int:assignment_id>/review")
def review(assignment_id: int):
    """Mark the homework reviewed, with optional remarks."""
    assignment = db.one_or_404(assigning.own_assignment(current_user, assignment_id))
    review_form = ReviewForm()
    if review_form.validate_on_submit():
        assigning.review_assignment(assignment, (review_form.remarks.data or "").strip())
        _record("homework.review", assignment)
        db.session.commit()
        flash("Marked as reviewed.", "success")
        return redirect(_couple_anchor(assignment))
    form = AssignmentEditForm(obj=assignment)
    return render_template(
        "homework/edit.html", assignment=assignment, form=form, review=review_form
    )


@bp.post("/homework/<int:assignment_id>/cancel")
def cancel(assignment_id: int):
    assignment = db.one_or_404(assigning.own_assignment(current_user, assignment_id))
    assigning.cancel_assignment(assignment)
    _record("homework.cancel", assignment)
    db.session.commit()
    flash("Homework cancelled. Its links no longer work; entries already sent are kept.", "success")
    return redirect(_couple_anchor(assignment))


def _record(action: str, assignment) -> None:
    """An audit event about an assignment: ids only."""
    audit.record(
        action, couple_id=assignment.couple_id, object_type="assignment", object_id=assignment.id
    )


def _couple_anchor(assignment) -> str:
    """Back to the assignment on its couple's page, or to its own page when the couple page
    no longer shows it in full (older homework)."""
    if not read.shown_in_full(assignment, today_local()):
        return url_for("homework.detail", assignment_id=assignment.id)
    return url_for(
        "couples.detail", couple_id=assignment.couple_id, _anchor=f"assignment-{assignment.id}"
    )
