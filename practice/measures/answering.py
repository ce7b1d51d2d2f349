"""The partner's side: a measure waiting on their home, answered on a page under their link
(/h/<token>/measures/<request id>). No sign-in: the token in the address is the capability.
What they answer goes to the counselor only; the other partner never sees it."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from practice.audit import services as audit
from practice.extensions import csrf, db, limiter
from practice.formatting import today_local
from practice.measures import bp
from practice.measures.scheduling import waiting_for_partner
from practice.measures.submission import AnswerError, stored_answer, submit_partner_answers
from practice.partner import access as partner_access
from practice.partner.home import WAITING_SOURCES, WaitingItem
from practice.partner.views import partner_page
from practice.security import link_limit, public
from practice.timeutil import utcnow


def waiting_items(found: partner_access.Access, now: datetime) -> list[WaitingItem]:
    """The partner's home lists each measure waiting for them, with a link to answer it."""
    token = (request.view_args or {}).get("token", "")
    items = []
    for waiting in waiting_for_partner(found.partner_id, found.couple_id, today_local(), now):
        questions = len(waiting.definition.items)
        text = f"{questions} short question{'s' if questions != 1 else ''}, about a minute."
        if waiting.answered:
            text += " You answered this already; you can change your answers."
        items.append(
            WaitingItem(
                title=waiting.definition.title,
                text=text,
                path=url_for("measures.answer", token=token, request_id=waiting.request.id),
            )
        )
    return items


WAITING_SOURCES.append(waiting_items)


def _page(template: str, status: int = 200, **context):
    return partner_page(template, status, **context)


@bp.route("/h/<token>/measures/<int:request_id>", methods=["GET", "POST"])
@public
@csrf.exempt  # the token is the capability; see homework.views.client
@limiter.limit("60 per minute")
@link_limit
def answer(token: str, request_id: int):
    """One measure under the partner's link: GET shows the questions, POST stores the answers.
    Another couple's request, or one not asked now, is the same kind page as an unknown link."""
    found = partner_access.find_access(token, utcnow())
    if found is None:
        return _page("partner/link_gone.html", 404)
    waiting = next(
        (
            w
            for w in waiting_for_partner(found.partner_id, found.couple_id, today_local(), utcnow())
            if w.request.id == request_id
        ),
        None,
    )
    submission_key = request.form.get("submission_key", "")
    if waiting is None and request.method == "POST" and submission_key:
        # A resent form after its "once" measure was answered: the answer is stored already.
        stored = stored_answer(submission_key, found.partner_id)
        if stored is not None:
            return _saved(token, found)
    if waiting is None:
        return _page("partner/link_gone.html", 404)
    context: dict[str, Any] = {
        "token": token,
        "first_name": found.first_name,
        "counselor_name": found.counselor_name,
        "definition": waiting.definition,
        "answered": waiting.answered,
        "back_url": url_for("partner.home", token=token),
    }
    if request.method == "GET":
        return _page(
            "measures/answer.html",
            chosen={},
            errors={},
            submission_key=secrets.token_urlsafe(24),
            **context,
        )
    chosen = {
        key.removeprefix("item-"): value
        for key, value in request.form.items()
        if key.startswith("item-")
    }
    try:
        submit_partner_answers(
            waiting, found.partner_id, found.couple_id, request.form.to_dict(), submission_key
        )
        audit.record(
            "measure.answer",
            couple_id=found.couple_id,
            object_type="measure_request",
            object_id=request_id,
            actor_kind="partner_link",
        )
        db.session.commit()
    except AnswerError as error:
        db.session.rollback()
        return _page(
            "measures/answer.html",
            400,
            chosen=chosen,
            errors=error.errors,
            submission_key=submission_key or secrets.token_urlsafe(24),
            **context,
        )
    except SQLAlchemyError as error:
        db.session.rollback()
        # Only the error's class: its message carries SQL parameters (the answers).
        current_app.logger.error("Saving measure answers failed: %s", type(error).__name__)
        return _page(
            "measures/answer.html",
            503,
            chosen=chosen,
            errors={
                "": "We could not save your answers just now. They are still "
                "selected below: please send them again in a moment."
            },
            submission_key=submission_key,
            **context,
        )
    return _saved(token, found)


def _saved(token: str, found: partner_access.Access):
    return _page(
        "measures/answered.html",
        first_name=found.first_name,
        counselor_name=found.counselor_name,
        back_url=url_for("partner.home", token=token),
    )
