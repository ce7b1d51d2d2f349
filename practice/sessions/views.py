"""Counseling session views: record, edit, delete, and print (PDF and HTML)."""

from __future__ import annotations

from io import BytesIO

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from practice.audit import services as audit
from practice.couples.services import own_couple
from practice.extensions import db
from practice.homework.links import partner_address
from practice.pdf.summary import session_summary_pdf
from practice.sessions import bp, copies, printouts, services
from practice.sessions.forms import initial_data, session_form
from practice.sessions.models import SESSION_FORMATS
from practice.settings.services import practice_logo, practice_settings
from practice.timeutil import utcnow


def _copy(default: str = "couple") -> str:
    copy = request.args.get("copy", default)
    return copy if copy in copies.COPIES else default


def _summary(counseling_session, copy: str):
    return printouts.session_summary(
        counseling_session,
        copy,
        secret_key=current_app.config["SECRET_KEY"],
        now=utcnow(),
        url_for_token=partner_address,
    )


def _session_form(couple, counseling_session=None):
    """Record (no session yet) or edit a session, with the homework it reviews."""
    tz = current_user.timezone
    assignments = services.homework_to_review(couple, counseling_session)
    data = None
    if request.method == "GET":
        data = initial_data(counseling_session, assignments, tz, utcnow())
    form = session_form(couple, assignments, data)
    if form.validate_on_submit():
        details, reviews = form.details(tz), form.reviews(assignments)
        clash = services.session_at(couple, details.starts_at, other_than=counseling_session)
        if clash is None:
            if counseling_session is None:
                counseling_session = services.record_session(couple, details, assignments, reviews)
                message, action = "Session recorded.", "session.create"
            else:
                services.update_session(counseling_session, details, assignments, reviews)
                message, action = "Changes saved.", "session.update"
            _record(action, counseling_session.couple_id, counseling_session.id)
            db.session.commit()
            flash(message, "success")
            for title in unprinted_remarks(assignments, reviews):
                flash(
                    f"Your remark on “{title}” is saved but not printed: tick "
                    "“Reviewed” to print it on both copies.",
                    "warning",
                )
            return redirect(url_for("sessions.detail", session_id=counseling_session.id))
        if counseling_session is None and services.same_details(clash, details):
            # The same form sent twice (double click, resend): one session, no error.
            flash("This session is already recorded.", "info")
            return redirect(url_for("sessions.detail", session_id=clash.id))
        form.starts_at.errors.append(
            "Another session with this couple is already recorded at this time. "
            "Change the time, or edit that session instead."
        )
    return render_template(
        "sessions/form.html",
        couple=couple,
        counseling_session=counseling_session,
        items=services.review_items(couple, assignments),
        visibility_labels=services.VISIBILITY_LABELS,
        form=form,
    )


@bp.route("/couples/<int:couple_id>/sessions/new", methods=["GET", "POST"])
def new(couple_id: int):
    """Record a session, reviewing the homework since the previous one."""
    return _session_form(db.one_or_404(own_couple(current_user, couple_id)))


@bp.get("/sessions/<int:session_id>")
def detail(session_id: int):
    """One session as recorded, with its homework and the ways to print it."""
    counseling_session = db.one_or_404(services.own_session(current_user, session_id))
    summary = _summary(counseling_session, "counselor")
    page = render_template(
        "sessions/detail.html", counseling_session=counseling_session, summary=summary
    )
    _record_read("session.view", counseling_session.couple_id, session_id)
    return page


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit(session_id: int):
    counseling_session = db.one_or_404(services.own_session(current_user, session_id))
    return _session_form(counseling_session.couple, counseling_session)


@bp.route("/sessions/<int:session_id>/delete", methods=["GET", "POST"])
def delete(session_id: int):
    """GET asks for confirmation; POST deletes. Homework tied to the session stays."""
    counseling_session = db.one_or_404(services.own_session(current_user, session_id))
    couple_id = counseling_session.couple_id
    if request.method == "POST":
        services.delete_session(counseling_session)
        _record("session.delete", couple_id, session_id)
        db.session.commit()
        flash("Session deleted. Its homework is still on the couple's page.", "success")
        return redirect(url_for("couples.detail", couple_id=couple_id))
    return render_template("sessions/delete.html", counseling_session=counseling_session)


@bp.get("/sessions/<int:session_id>/summary.pdf")
def summary_pdf(session_id: int):
    """The printed summary: ?copy=couple (default, to hand over) or ?copy=counselor (the file)."""
    counseling_session = db.one_or_404(services.own_session(current_user, session_id))
    copy = _copy("couple")
    summary = _summary(counseling_session, copy)
    practice = practice_settings()
    letterhead = practice.letterhead(practice_logo(practice))
    pdf = session_summary_pdf(summary, letterhead=letterhead, page_size=practice.paper_size)
    day = counseling_session.starts_at.date().isoformat()
    _record_read("session.export", counseling_session.couple_id, session_id, f"pdf, {copy} copy")
    return send_file(
        BytesIO(pdf),
        mimetype="application/pdf",
        download_name=f"session-{day}-{copy}-copy.pdf",
    )


@bp.get("/sessions/<int:session_id>/print")
def print_view(session_id: int):
    """The summary as a page for printing from the browser."""
    counseling_session = db.one_or_404(services.own_session(current_user, session_id))
    copy = _copy("couple")
    summary = _summary(counseling_session, copy)
    page = render_template(
        "sessions/print.html", counseling_session=counseling_session, summary=summary, copy=copy
    )
    _record_read("session.print", counseling_session.couple_id, session_id, f"{copy} copy")
    return page


@bp.get("/couples/<int:couple_id>/record.pdf")
def record_pdf(couple_id: int):
    """The full record is made in the background now (it can take a while): old links and
    bookmarks lead to the page that makes it."""
    db.one_or_404(own_couple(current_user, couple_id))
    return redirect(url_for("exports.index", couple_id=couple_id))


def _record(action: str, couple_id: int, session_id: int, detail: str = "") -> None:
    """Ids only: session notes never go into the audit log."""
    audit.record(
        action,
        couple_id=couple_id,
        object_type="counseling_session",
        object_id=session_id,
        detail=detail,
    )


def _record_read(action: str, couple_id: int, session_id: int, detail: str = "") -> None:
    audit.record_read(
        action,
        couple_id=couple_id,
        object_type="counseling_session",
        object_id=session_id,
        detail=detail,
    )


def unprinted_remarks(assignments, reviews) -> list[str]:
    """Titles of homework with a remark typed but "Reviewed" not ticked: the remark is kept,
    and only reviewed homework is printed, so the counselor is told rather than surprised."""
    return [
        a.title
        for a in assignments
        if a.id in reviews and reviews[a.id].remarks.strip() and not reviews[a.id].reviewed
    ]


@bp.app_template_filter("session_format")
def session_format(code: str) -> str:
    """'video' → 'Video', for the couple page's list of sessions."""
    return SESSION_FORMATS.get(code, code)
