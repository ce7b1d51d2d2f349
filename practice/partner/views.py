"""The partner's pages, opened with their private link and no account: the home (/h/<token>)
and each homework under it (/h/<token>/homework/<id>). The token in the address is the
capability."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from practice.audit import services as audit
from practice.errors import database_gone
from practice.exercises import placement
from practice.exercises.format import ExerciseContent, readable_answers
from practice.exercises.limits import FEELING_WORDS, I_PARTS, ROLES
from practice.extensions import csrf, db, limiter
from practice.formatting import today_local
from practice.forms import typed_fields
from practice.homework.links import partner_address
from practice.homework.models import VISIBILITIES
from practice.partner import access as partner_access
from practice.partner import bp, services
from practice.partner.forms import EntryForm
from practice.partner.home import open_homework, partner_home
from practice.partner.services import LiveLink
from practice.security import link_limit, public
from practice.timeutil import utcnow


@bp.app_context_processor
def partner_helpers():
    return {"home_url": partner_address}


@bp.context_processor
def partner_page_helpers():
    return {"readable_answers": readable_answers}


def partner_page(template: str, status: int = 200, **context):
    """A page opened with a partner's link (the token is in its address)."""
    response = current_app.make_response((render_template(template, **context), status))
    # The token is in the address: never send it to another site as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _gone():
    """Unknown, expired, turned off, or not this partner's: one kind page for all of them.
    An entry sent to a link that ended while the page was open (revoked, cancelled, past
    its last day) gets what was written back on that page, to copy: it cannot be saved."""
    kept = typed_fields(request.form) if request.method == "POST" else None
    return partner_page("partner/link_gone.html", 404, kept=kept)


# Sent with an entry but not typed: kept as they were when the form is sent again.
_UNTYPED = ("submission_key", "visibility")


@bp.errorhandler(OperationalError)
def database_unavailable(error: OperationalError):
    """The database cannot be reached while a partner opens or sends a page. An entry comes
    back in a form that sends the same fields, with the same submission key, to the same
    address (the page's script also retries by itself): nothing to copy, nothing lost, and
    stored once even if the first try did get through."""
    database_gone()
    current_app.logger.error("Database unavailable: %s", type(error).__name__)
    kept, typed = [], []
    if request.method == "POST":
        for name, value in request.form.items(multi=True):
            if name in _UNTYPED or name.startswith("n-"):
                kept.append((name, value))
            elif value.strip() and name not in ("add", "remove"):
                label = name.removeprefix("a-").replace("_", " ").replace("-", " ")
                typed.append((name, label.capitalize(), value))
    response = partner_page(
        "partner/send_again.html", 503, action=request.path, kept=kept, typed=typed
    )
    response.headers["Retry-After"] = "30"
    return response


# The token is the capability: a partner has no session to forge requests with, and a stale
# CSRF token must never throw away what they typed. Hence csrf.exempt on every partner page.


# Mail and messaging apps stick the sentence's "." or ")" (or a space) onto a pasted link.
# Tokens are URL-safe base64, so anything else at the end is not part of them.
_PASTED_TAIL = re.compile(r"[^A-Za-z0-9_-]+$")
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,}")


@bp.before_request
def strip_pasted_tail():
    """Open a link pasted with a trailing ".", ")" or space: a GET goes on to the clean
    address (so the partner's bookmark is right); a POST just uses the clean token."""
    token = (request.view_args or {}).get("token")
    if not token:
        return None
    clean = _PASTED_TAIL.sub("", token)
    if clean == token or not _TOKEN_SHAPE.fullmatch(clean):
        return None  # nothing pasted on, or not a token at all: the view answers as usual
    if request.method == "GET":
        values = {**(request.view_args or {}), "token": clean}
        return redirect(url_for(request.endpoint, **values, **request.args.to_dict()))
    request.view_args["token"] = clean
    return None


@bp.route("/h/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
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
        return _homework_of_legacy_link(token)
    if request.method == "POST":
        if found.legacy_assignment_id is None:
            return _gone()
        return _homework(token, found, found.legacy_assignment_id)
    page = partner_home(found, utcnow(), found.zone, show_all=request.args.get("all") == "1")
    return partner_page(
        "partner/home.html",
        home=page,
        token=token,
        first_name=found.first_name,
        counselor_name=found.counselor_name,
        partner_id=found.partner_id,
        visibilities=VISIBILITIES,
    )


@bp.route("/h/<token>/homework/<int:assignment_id>", methods=["GET", "POST"])
@public
@csrf.exempt
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


@bp.route("/h/<path:token>", methods=["GET", "POST"])
@public
@csrf.exempt
@limiter.limit("60 per minute")
@link_limit
def unknown(token: str):
    """Any other address under /h/ gets the same kind page as an unknown link."""
    return _gone()


def _homework(token: str, found: partner_access.Access, assignment_id: int):
    link = open_homework(found, assignment_id, utcnow())
    if link is None:
        return _gone()
    # Only a page that shows it asks: saving must read no more than it needs (and must still
    # answer with the typed text when the entries cannot be read).
    waiting = (
        services.waiting_for_both(link.assignment_id, link.partner_id)
        if request.method == "GET"
        else 0
    )
    return _entry_page(link, waiting, back_url=url_for("partner.home", token=token))


def _placed(link: LiveLink) -> tuple[ExerciseContent, dict]:
    """The exercise as this partner's next entry asks it: only their role's prompts, the
    start questions once, the review questions at the end (exercises.placement); and what
    the page says about it (their role, whether the review can be asked for now)."""
    exercise = ExerciseContent.from_json(link.snapshot)
    asked = request.values.get("review") == "1"
    try:
        facts = services.entry_plan_facts(link.assignment_id, link.partner_id)
    except SQLAlchemyError:
        # The database is gone mid-visit: ask everything, so whatever was typed is shown back.
        db.session.rollback()
        facts, asked = services.PlanFacts(None, 0), True
    earlier, plan = facts.earlier, placement.RolePlan.from_json(facts.roles)
    role = placement.role_for(exercise.roles, plan, link.partner_id, earlier)
    names = {link.partner_id: link.first_name}
    if facts.other_id is not None:
        names[facts.other_id] = facts.other_name
    review = placement.review_due(link.frequency, today_local(), link.due_date, asked)
    shown = placement.prompts_for_entry(
        exercise.prompts, role=role, first_entry=earlier == 0, review=review
    )
    return replace(exercise, prompts=tuple(shown)), {
        "role": role,
        "role_setup": placement.role_setup(exercise.roles, plan, names),
        "role_labels": ROLES,
        "role_hints": placement.ROLE_HINTS,
        "feeling_words_list": FEELING_WORDS,
        "review_asked": asked and review,
        "review_offered": not review and placement.has_phase(exercise.prompts, "review"),
    }


def _homework_of_legacy_link(token: str):
    """The page a per-homework link of before opens, for a partner without their one link."""
    link = services.find_live_link(token, utcnow(), with_waiting=request.method == "GET")
    if link is None:
        return _gone()
    return _entry_page(link, link.waiting)


def _entry_page(link: LiveLink, waiting: int, **extra):
    """One homework's page: GET shows it (and changes nothing), POST saves an entry."""
    exercise, placed = _placed(link)
    prompts = exercise.prompts
    # Plain values, not ORM objects: after a failed save the session is rolled back, and the
    # page must still render from memory even if the database is gone.
    context = {
        "partner_id": link.partner_id,
        "first_name": link.first_name,
        "counselor_name": link.counselor_name,
        "title": link.title,
        "snapshot": exercise,
        "note": link.note,
        "due_date": link.due_date,
        "frequency": link.frequency,
        "i_parts": I_PARTS,
        "visibilities": VISIBILITIES,
        "today": today_local(),
        **placed,
        **extra,
    }
    if request.method == "GET":
        return partner_page(
            "partner/client.html",
            form=EntryForm.blank(prompts),
            history=services.partner_history(link.assignment_id, link.partner_id, _history_limit()),
            waiting=waiting,
            **context,
        )
    form = EntryForm.from_post(prompts, request.form)
    if request.form.get("add") or request.form.get("remove"):
        # The no-JavaScript "Add another item" / "Remove": show the page again, keeping everything.
        return partner_page("partner/client.html", form=form, history=[], waiting=0, **context)
    submission = form.validate()
    if submission is None:
        return partner_page("partner/client.html", form=form, history=[], waiting=0, **context)
    try:
        if services.save_entry(link, submission):
            _record_link_use(link)
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        # Only the error's class: its message carries SQL parameters, i.e. what the client wrote.
        current_app.logger.error("Saving a homework entry failed: %s", type(error).__name__)
        return _save_failed(form, context)
    return partner_page(
        "partner/saved.html",
        history=services.partner_history(link.assignment_id, link.partner_id, None),
        waiting=services.waiting_for_both(link.assignment_id, link.partner_id),
        **context,
    )


def _history_limit() -> int | None:
    """The latest few earlier entries, or all of them with ?all=1."""
    return None if request.args.get("all") == "1" else services.HISTORY_SHOWN


def _record_link_use(link: LiveLink) -> None:
    """Who used a link is the link itself: its id is recorded, never its token."""
    audit.record(
        "link.use",
        couple_id=link.couple_id,
        object_type="partner_link",
        object_id=link.id,
        actor_kind="partner_link",
    )


def _save_failed(form: EntryForm, context: dict):
    """The database refused: say so plainly and give everything back to send again."""
    return partner_page(
        "partner/client.html", 503, form=form, history=[], waiting=0, save_failed=True, **context
    )
