"""Homework views: assigning (counselor) and the private client pages (/h/<token>)."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import OrderedDict
from io import BytesIO

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from practice.audit import services as audit
from practice.couples.services import own_couple_or_404
from practice.extensions import csrf, db, limiter
from practice.formatting import day, today_local
from practice.homework import bp, links, services
from practice.homework.forms import (
    I_PARTS,
    AssignForm,
    AssignmentEditForm,
    EntryForm,
    ReviewForm,
    new_submission_key,
)
from practice.homework.models import VISIBILITIES
from practice.pdf.link_handout import render_link_handout
from practice.security import link_limit, public
from practice.timeutil import utcnow


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _grace() -> int:
    return int(current_app.config["LINK_GRACE_DAYS"])


def client_url(token: str) -> str:
    """The full address a partner opens: BASE_URL when set (printed links must not depend on
    how the counselor reached the app), else the address of this request."""
    path = url_for("homework.client", token=token)
    base = current_app.config.get("BASE_URL")
    return f"{base}{path}" if base else url_for("homework.client", token=token, _external=True)


@bp.app_context_processor
def homework_helpers():
    return {"client_url": client_url, "readable_answers": services.readable_answers}


# ---------------------------------------------------------------------------- counselor


@bp.route("/couples/<int:couple_id>/homework/new", methods=["GET", "POST"])
def new(couple_id: int):
    """Assign an exercise to a couple (preselected with ?exercise=<slug> or ?session=<id>)."""
    couple = own_couple_or_404(current_user, couple_id)
    if couple.is_archived:
        flash("This couple is archived. Restore them to assign homework.", "warning")
        return redirect(url_for("couples.detail", couple_id=couple.id))
    exercises = services.assignable_exercises(current_user)
    sessions = services.couple_session_choices(couple)
    form = AssignForm()
    # Plain {value: label} dicts: WTForms 3.3 deprecates tuple choices.
    form.exercise.choices = {"": "Choose an exercise…"} | {e.slug: e.title for e in exercises}
    form.partners.choices = {"both": "Both partners"} | {
        str(p.id): f"Only {p.display_name}" for p in couple.partners
    }
    form.session_id.choices = {None: "Not tied to a session"} | {
        s.id: day(s.starts_at) for s in sessions
    }
    if request.method == "GET":
        form.exercise.data = request.args.get("exercise", "")
        form.session_id.data = request.args.get("session", type=int)
        if form.session_id.data not in {s.id for s in sessions}:
            form.session_id.data = None
    if form.validate_on_submit():
        exercise = next((e for e in exercises if e.slug == form.exercise.data), None)
        chosen = [
            p for p in couple.partners if form.partners.data in ("both", str(p.id))
        ]
        if exercise is None:
            form.exercise.errors.append("Choose an exercise from the list.")
        elif not chosen:
            form.partners.errors.append("Choose who does the exercise.")
        else:
            assignment = services.create_assignment(
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
            )
            _record("homework.assign", assignment)
            db.session.commit()
            flash(
                f"\u201c{assignment.title}\u201d assigned. "
                "Copy or print each partner's link below.",
                "success",
            )
            return redirect(_couple_anchor(assignment))
    return render_template("homework/new.html", form=form, couple=couple)


@bp.get("/homework/<int:assignment_id>")
def detail(assignment_id: int):
    """One assignment with all its entries (the couple page shows only the latest few)."""
    assignment = services.own_assignment_or_404(current_user, assignment_id)
    view = services.assignment_view(assignment, _secret())
    couple = assignment.couple
    # Render before the commit that marking seen needs (a commit expires the loaded rows).
    page = render_template("homework/assignment.html", a=view, couple=couple)
    services.mark_entries_seen(services.unseen_entry_ids([view]))
    audit.record_read(
        "homework.view", couple_id=couple.id, object_type="assignment", object_id=assignment_id
    )
    return page


@bp.get("/couples/<int:couple_id>/homework")
def history(couple_id: int):
    """All of a couple's homework, a line each, newest due date first, page by page."""
    couple = own_couple_or_404(current_user, couple_id)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    assignments, total = services.homework_page(couple, page, _secret())
    return render_template(
        "homework/history.html", couple=couple, assignments=assignments, total=total,
        page=page, page_size=services.HISTORY_PAGE_SIZE,
    )


@bp.route("/homework/<int:assignment_id>/edit", methods=["GET", "POST"])
def edit(assignment_id: int):
    """Change the due date or the note; also where the counselor cancels or reviews."""
    assignment = services.own_assignment_or_404(current_user, assignment_id)
    form = AssignmentEditForm(obj=assignment if request.method == "GET" else None)
    if form.validate_on_submit():
        services.update_assignment(
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
    assignment = services.own_assignment_or_404(current_user, assignment_id)
    review_form = ReviewForm()
    if review_form.validate_on_submit():
        services.review_assignment(assignment, (review_form.remarks.data or "").strip())
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
    assignment = services.own_assignment_or_404(current_user, assignment_id)
    services.cancel_assignment(assignment)
    _record("homework.cancel", assignment)
    db.session.commit()
    flash("Homework cancelled. Its links no longer work; entries already sent are kept.", "success")
    return redirect(_couple_anchor(assignment))


@bp.post("/homework/<int:assignment_id>/links/<int:partner_id>/revoke")
def revoke(assignment_id: int, partner_id: int):
    assignment = services.own_assignment_or_404(current_user, assignment_id)
    link = services.assignment_link_or_404(assignment, partner_id)
    services.revoke_link(link)
    _record("link.revoke", assignment, link)
    db.session.commit()
    flash(f"{link.partner.first_name}'s link no longer works.", "success")
    return redirect(_couple_anchor(assignment))


@bp.post("/homework/<int:assignment_id>/links/<int:partner_id>/reissue")
def reissue(assignment_id: int, partner_id: int):
    assignment = services.own_assignment_or_404(current_user, assignment_id)
    link = services.assignment_link_or_404(assignment, partner_id)
    services.reissue_link(link, _secret(), _grace())
    _record("link.reissue", assignment, link)
    db.session.commit()
    flash(f"New link made for {link.partner.first_name}. The old one no longer works.", "success")
    return redirect(_couple_anchor(assignment))


@bp.get("/homework/<int:assignment_id>/links/<int:partner_id>/handout.pdf")
def handout(assignment_id: int, partner_id: int):
    """A printable page with the partner's link as text and as a QR code."""
    assignment = services.own_assignment_or_404(current_user, assignment_id)
    link = services.assignment_link_or_404(assignment, partner_id)
    token = links.shown_token(link, _secret())
    if token is None or link.expires_at <= utcnow() or assignment.status != "active":
        flash("That link no longer works. Make a new link first, then print it.", "warning")
        return redirect(_couple_anchor(assignment))
    pdf = render_link_handout(
        practice_name=current_app.config["PRACTICE_NAME"],
        partner_first_name=link.partner.first_name,
        exercise_title=assignment.title,
        due=day(assignment.due_date),
        url=client_url(token),
        expires=day(link.expires_at),
        page_size=current_app.config["PAPER_SIZE"],
    )
    name = f"homework-link-{assignment.id}-{partner_id}.pdf"
    audit.record_read(
        "link.handout", couple_id=assignment.couple_id, object_type="partner_link",
        object_id=link.id,
    )
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=name)


def _record(action: str, assignment, link=None) -> None:
    """An audit event about an assignment or one of its links: ids only, never the token."""
    if link is None:
        audit.record(action, couple_id=assignment.couple_id, object_type="assignment",
                     object_id=assignment.id)
    else:
        audit.record(action, couple_id=assignment.couple_id, object_type="partner_link",
                     object_id=link.id)


def _couple_anchor(assignment) -> str:
    """Back to the assignment on its couple's page, or to its own page when the couple page
    no longer shows it in full (older homework)."""
    if not services.shown_in_full(assignment, today_local()):
        return url_for("homework.detail", assignment_id=assignment.id)
    return url_for(
        "couples.detail", couple_id=assignment.couple_id, _anchor=f"assignment-{assignment.id}"
    )


# ---------------------------------------------------------------------------- client


def _client_page(template: str, status: int = 200, **context):
    response = current_app.make_response((render_template(template, **context), status))
    # The token is in the address: never send it to another site as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/h/<path:token>", methods=["GET", "POST"])  # any /h/… gets the kind page
@public
@csrf.exempt  # The unguessable token in the address is the capability; a partner has no
# session to forge requests with, and a stale CSRF token must never throw away what they typed.
@limiter.limit("60 per minute")
@link_limit
def client(token: str):
    """A partner's homework page: GET shows it (and changes nothing), POST saves an entry."""
    link = services.find_live_link(token, utcnow(), with_waiting=request.method == "GET")
    if link is None:
        return _client_page("homework/link_gone.html", 404)
    prompts = link.snapshot.get("prompts", [])
    # Plain values, not ORM objects: after a failed save the session is rolled back, and the
    # page must still render from memory even if the database is gone.
    context = {
        "partner_id": link.partner_id,
        "first_name": link.first_name,
        "counselor_name": link.counselor_name,
        "title": link.title,
        "snapshot": link.snapshot,
        "note": link.note,
        "due_date": link.due_date,
        "frequency": link.frequency,
        "i_parts": I_PARTS,
        "visibilities": VISIBILITIES,
        "today": today_local(),
    }
    if request.method == "GET":
        form = EntryForm.blank(prompts)
        return _client_page(
            "homework/client.html", form=form,
            blank_form=_blank_form_parts(link.assignment_id, context),
            history=services.partner_history(
                link.assignment_id, link.partner_id, _history_limit()
            ),
            waiting=link.waiting, **context,
        )

    form = EntryForm.from_post(prompts, request.form)
    if request.form.get("add") or request.form.get("remove"):
        # The no-JavaScript "Add another item" / "Remove": show the page again, keeping everything.
        return _client_page("homework/client.html", form=form, history=[], waiting=0, **context)
    submission = form.validate()
    if submission is None:
        return _client_page("homework/client.html", form=form, history=[], waiting=0, **context)
    try:
        # "Taken?" before "ours?": a row seen once stays visible, so a double tap committed
        # in between is found as ours, never mistaken for a tampered key and saved twice.
        repeat = False
        if services.submission_key_taken(submission.submission_key):
            repeat = services.existing_entry(link, submission.submission_key) is not None
            if not repeat:
                submission.submission_key = new_submission_key()  # tampered key: still save
        if not repeat:
            services.record_entry(link, submission)
            _record_link_use(link)
            db.session.commit()
    except IntegrityError:
        # Two clicks raced: the other request stored this very form. Anything else is an error.
        db.session.rollback()
        if services.existing_entry(link, submission.submission_key) is None:
            return _save_failed(form, context)
    except SQLAlchemyError as error:
        db.session.rollback()
        # Only the error's class: its message carries SQL parameters, i.e. what the client wrote.
        current_app.logger.error("Saving a homework entry failed: %s", type(error).__name__)
        return _save_failed(form, context)
    return _client_page(
        "homework/saved.html", history=services.partner_history(
            link.assignment_id, link.partner_id, None
        ),
        waiting=services.waiting_for_both(link.assignment_id, link.partner_id), **context,
    )


# The blank exercise form is the bulk of a client page and depends only on the assignment's
# snapshot, so it is rendered once and reused: an LRU per app, keyed by the assignment and a
# hash of its snapshot (an edited snapshot gets a fresh render). Only blank forms are cached;
# a re-render after a POST shows what was typed and errors, so it always renders in full.
# The per-request submission key goes into a slot no escaped text can contain.
_FORM_CACHE_SIZE = 512
_KEY_SLOT = f"submission-key-slot-{secrets.token_hex(16)}"
_form_cache_lock = threading.Lock()


def _blank_form_parts(assignment_id: int, context: dict) -> tuple[str, str]:
    """The blank entry form for this assignment, from the cache when rendered before, split
    around the submission key's slot: the page puts the key between the two halves, where
    Jinja escapes it like any other value."""
    snapshot = context["snapshot"]
    digest = hashlib.sha256(
        json.dumps(snapshot, sort_keys=True, default=str).encode()
    ).hexdigest()
    key = (assignment_id, digest)
    cache: OrderedDict = current_app.extensions.setdefault("client_form_cache", OrderedDict())
    with _form_cache_lock:
        html = cache.get(key)
        if html is not None:
            cache.move_to_end(key)
    if html is None:
        form = EntryForm.blank(snapshot.get("prompts", []))
        form.submission_key = _KEY_SLOT
        before, _, after = render_template(
            "homework/_client_form.html", form=form, snapshot=snapshot,
            i_parts=context["i_parts"], visibilities=context["visibilities"],
        ).partition(_KEY_SLOT)
        html = (before, after)
        with _form_cache_lock:
            cache[key] = html
            while len(cache) > _FORM_CACHE_SIZE:
                cache.popitem(last=False)
    return html


def _history_limit() -> int | None:
    """The latest few earlier entries, or all of them with ?all=1."""
    return None if request.args.get("all") == "1" else services.HISTORY_SHOWN


def _record_link_use(link) -> None:
    """Who used a link is the link itself: its id is recorded, never its token."""
    audit.record(
        "link.use", couple_id=link.couple_id, object_type="partner_link",
        object_id=link.id, actor_kind="partner_link",
    )


def _save_failed(form: EntryForm, context: dict):
    """The database refused: say so plainly and give everything back to send again."""
    return _client_page(
        "homework/client.html", 503, form=form, history=[], waiting=0, save_failed=True, **context
    )

