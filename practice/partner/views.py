"""The partner's pages under their one link: the home (/h/<token>) and each homework
(/h/<token>/homework/<id>). No sign-in: the token in the address is the capability."""

from __future__ import annotations

import inspect

from flask import current_app, request, url_for
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from practice.extensions import csrf, db, limiter
from practice.formatting import today_local
from practice.homework import views as homework_views
from practice.homework.forms import I_PARTS, EntryForm, new_submission_key
from practice.homework.models import VISIBILITIES
from practice.homework.services import (
    existing_entry,
    partner_history,
    record_entry,
    submission_key_taken,
    waiting_for_both,
)
from practice.partner import access as partner_access
from practice.partner import bp
from practice.partner.home import open_homework, partner_home
from practice.security import link_limit, public
from practice.timeutil import utcnow


def home_url(token: str) -> str:
    """The full address of a partner's home: BASE_URL when set (printed and emailed links must
    not depend on how the counselor reached the app), else this request's address."""
    path = url_for("partner.home", token=token)
    base = current_app.config.get("BASE_URL")
    return f"{base}{path}" if base else url_for("partner.home", token=token, _external=True)


@bp.app_context_processor
def partner_helpers():
    return {"home_url": home_url}


def _gone():
    """Unknown, expired, turned off, or not this partner's: one kind page for all of them."""
    return homework_views._client_page("homework/link_gone.html", 404)


def _partner_page(*args, **kwargs):
    return homework_views._client_page(*args, **kwargs)


@bp.route("/h/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # the token is the capability; see homework.views.client
@limiter.limit("60 per minute")
@link_limit
def home(token: str):
    """The partner's home: their homework, what waits for them, and what they and their
    partner shared. A POST here is an entry form from a page opened through a link of before
    (one per homework): it is saved to that homework, as it would have been."""
    found = partner_access.find_access(token, utcnow())
    if found is None:
        # Until assigning gives every partner their one link, a per-homework link of a
        # partner who has none yet still opens that homework's page as before.
        return inspect.unwrap(homework_views.client)(token)
    if request.method == "POST":
        if found.legacy_assignment_id is None:
            return _gone()
        return _homework(token, found, found.legacy_assignment_id)
    page = partner_home(
        found, utcnow(), today_local(), show_all=request.args.get("all") == "1"
    )
    return _partner_page(
        "partner/home.html", home=page, token=token, first_name=found.first_name,
        counselor_name=found.counselor_name, partner_id=found.partner_id,
        visibilities=VISIBILITIES,
    )


@bp.route("/h/<token>/homework/<int:assignment_id>", methods=["GET", "POST"])
@public
@csrf.exempt  # the token is the capability; see homework.views.client
@limiter.limit("60 per minute")
@link_limit
def homework(token: str, assignment_id: int):
    """One homework under the partner's link: GET shows it (and changes nothing), POST saves
    an entry. Another couple's homework, or one not given to this partner, is the same kind
    page as an unknown link."""
    found = partner_access.find_access(token, utcnow())
    if found is None:
        return _gone()
    return _homework(token, found, assignment_id)


def _homework(token: str, found: partner_access.Access, assignment_id: int):
    link = open_homework(found, assignment_id, utcnow())
    if link is None:
        return _gone()
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
        "back_url": url_for("partner.home", token=token),
    }
    if request.method == "GET":
        return _partner_page(
            "homework/client.html", form=EntryForm.blank(prompts),
            blank_form=homework_views._blank_form_parts(link.assignment_id, context),
            history=partner_history(
                link.assignment_id, link.partner_id, homework_views._history_limit()
            ),
            waiting=waiting_for_both(link.assignment_id, link.partner_id), **context,
        )
    form = EntryForm.from_post(prompts, request.form)
    if request.form.get("add") or request.form.get("remove"):
        # The no-JavaScript "Add another item" / "Remove": show the page again, keeping all.
        return _partner_page("homework/client.html", form=form, history=[], waiting=0, **context)
    submission = form.validate()
    if submission is None:
        return _partner_page("homework/client.html", form=form, history=[], waiting=0, **context)
    try:
        # "Taken?" before "ours?": a row seen once stays visible, so a double tap committed
        # in between is found as ours, never mistaken for a tampered key and saved twice.
        repeat = False
        if submission_key_taken(submission.submission_key):
            repeat = existing_entry(link, submission.submission_key) is not None
            if not repeat:
                submission.submission_key = new_submission_key()  # tampered key: still save
        if not repeat:
            record_entry(link, submission)
            homework_views._record_link_use(link)
            db.session.commit()
    except IntegrityError:
        # Two clicks raced: the other request stored this very form. Anything else is an error.
        db.session.rollback()
        if existing_entry(link, submission.submission_key) is None:
            return homework_views._save_failed(form, context)
    except SQLAlchemyError as error:
        db.session.rollback()
        # Only the error's class: its message carries SQL parameters, i.e. what the client wrote.
        current_app.logger.error("Saving a homework entry failed: %s", type(error).__name__)
        return homework_views._save_failed(form, context)
    return _partner_page(
        "homework/saved.html",
        history=partner_history(link.assignment_id, link.partner_id, None),
        waiting=waiting_for_both(link.assignment_id, link.partner_id), **context,
    )
