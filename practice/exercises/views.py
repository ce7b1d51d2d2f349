"""Exercise library: browse and search, the exercise page and handout, and own exercises."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from practice.audit import services as audit
from practice.couples.models import Couple
from practice.couples.services import couples_query, own_couple
from practice.exercises import bp, services
from practice.exercises.format import PROMPT_TYPES, ExerciseContent, parse_prompts
from practice.exercises.forms import ExerciseForm, apply_editor_action, form_data
from practice.exercises.handout import build_handout
from practice.exercises.models import CATEGORIES, Exercise
from practice.exercises.search import LENGTHS
from practice.exercises.sources import display_titles, source_title
from practice.extensions import db
from practice.params import query_id, query_text
from practice.settings.services import practice_logo, practice_settings


@bp.get("/")
def index():
    """The library: built-in exercises and the counselor's own, by category or by search."""
    search = query_text("q", 200)
    category = request.args.get("category", "")
    if category not in CATEGORIES:
        category = ""
    length = request.args.get("length", "")
    if length not in LENGTHS:
        length = ""
    exercises = services.list_library(current_user, search=search, category=category, length=length)
    return render_template(
        "exercises/index.html",
        exercises=exercises,
        search=search,
        category=category,
        length=length,
        lengths=LENGTHS,
        categories=CATEGORIES,
        counts=services.category_counts(current_user),
    )


@bp.get("/<slug>")
def detail(slug: str):
    """Everything a counselor needs to decide: goal, why, steps, prompts, sources."""
    exercise = db.one_or_404(services.visible_exercise(current_user, slug))
    couples = []
    if exercise.retired_at is None:
        couples = list(
            db.session.execute(
                couples_query(current_user, status="active")
                .options(selectinload(Couple.partners))
                .order_by(Couple.created_at.desc())
            ).scalars()
        )
    return render_template(
        "exercises/detail.html",
        exercise=exercise,
        original=services.based_on(current_user, exercise),
        couples=couples,
        prompts=parse_prompts(exercise.prompts),
    )


@bp.get("/<slug>/assign")
def assign(slug: str):
    """Send the "Assign to a couple" choice on to that couple's homework form."""
    exercise = db.one_or_404(services.visible_exercise(current_user, slug))
    couple = db.one_or_404(own_couple(current_user, query_id("couple_id") or 0))
    target = url_for("couples.detail", couple_id=couple.id) + "/homework/new"
    return redirect(target + "?" + urlencode({"exercise": exercise.slug}))


@bp.get("/<slug>/handout.pdf")
def handout(slug: str):
    """A printable one-page handout with room to write."""
    exercise = db.one_or_404(services.visible_exercise(current_user, slug))
    practice = practice_settings()
    pdf = build_handout(
        ExerciseContent.from_json(exercise.snapshot()),
        source_titles=_source_titles(),
        practice_name=practice.name,
        letterhead=practice.letterhead(practice_logo(practice)),
        page_size=practice.paper_size,
    )
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"{exercise.slug}.pdf")


def _source_titles() -> dict[str, str]:
    return display_titles(Path(current_app.config["SEED_DIR"]))


@bp.app_template_global("source_title")
def source_title_for_page(source: Mapping[str, str]) -> str:
    """A cited source as pages show it: the article's short title from seed/sources.toml."""
    return source_title(source, _source_titles())


def _editor_page(
    save: Callable[[ExerciseForm], Response],
    *,
    heading: str,
    cancel_url: str,
    initial: services.ExerciseFields | None = None,
    exercise: Exercise | None = None,
    original: Exercise | None = None,
):
    """The exercise form: GET shows it (prefilled from `initial`); a prompt-editor button
    re-renders it with everything typed kept; "Save" validates and calls `save`."""
    if request.method == "GET":
        form = ExerciseForm(data=form_data(initial)) if initial else ExerciseForm()
        if not initial:
            apply_editor_action(form, "add:text")
    else:
        form = ExerciseForm()
        action = request.form.get("action", "save")
        if action != "save":
            message = apply_editor_action(form, action)
            if message:
                flash(message, "warning")
        elif form.validate_on_submit():
            return save(form)
    return render_template(
        "exercises/form.html",
        form=form,
        heading=heading,
        cancel_url=cancel_url,
        exercise=exercise,
        original=original,
        prompt_types=PROMPT_TYPES,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write an exercise of one's own."""

    def save(form: ExerciseForm) -> Response:
        exercise = services.create_own(current_user, form.fields())
        _record("exercise.create", exercise)
        db.session.commit()
        flash(f"\u201c{exercise.title}\u201d is in your library.", "success")
        return redirect(url_for("exercises.detail", slug=exercise.slug))

    return _editor_page(
        save, heading="Write your own exercise", cancel_url=url_for("exercises.index")
    )


@bp.route("/<slug>/copy", methods=["GET", "POST"])
def copy(slug: str):
    """Copy an exercise into one's own, prefilled, to adapt it."""
    original = db.one_or_404(services.visible_exercise(current_user, slug))

    def save(form: ExerciseForm) -> Response:
        exercise = services.create_own(current_user, form.fields(), original=original)
        _record("exercise.create", exercise, detail=f"copy of {original.id}")
        db.session.commit()
        flash(f"Your version of \u201c{original.title}\u201d is saved.", "success")
        return redirect(url_for("exercises.detail", slug=exercise.slug))

    return _editor_page(
        save,
        heading=f"Adapt \u201c{original.title}\u201d",
        cancel_url=url_for("exercises.detail", slug=original.slug),
        initial=services.ExerciseFields.of(original),
        original=original,
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    """Edit one's own exercise. Built-in ones are never edited in place (404)."""
    exercise = db.one_or_404(services.own_exercise(current_user, slug))

    def save(form: ExerciseForm) -> Response:
        services.update_own(exercise, form.fields())
        _record("exercise.update", exercise)
        db.session.commit()
        flash("Changes saved. Homework already assigned keeps the version it was given.", "success")
        return redirect(url_for("exercises.detail", slug=exercise.slug))

    return _editor_page(
        save,
        heading=f"Edit \u201c{exercise.title}\u201d",
        cancel_url=url_for("exercises.detail", slug=exercise.slug),
        initial=services.ExerciseFields.of(exercise),
        exercise=exercise,
    )


@bp.post("/<slug>/delete")
def delete(slug: str):
    """Remove one's own exercise: deleted, or retired if homework was assigned from it."""
    exercise = db.one_or_404(services.own_exercise(current_user, slug))
    title = exercise.title
    exercise_id = exercise.id
    outcome = services.remove_own(exercise)
    audit.record("exercise.delete", object_type="exercise", object_id=exercise_id, detail=outcome)
    db.session.commit()
    if outcome == "deleted":
        flash(f"\u201c{title}\u201d deleted.", "success")
    else:
        flash(
            f"\u201c{title}\u201d removed from your library. Homework already assigned "
            "from it is unchanged.",
            "success",
        )
    return redirect(url_for("exercises.index"))


@bp.post("/<slug>/restore")
def restore(slug: str):
    """Put a removed own exercise back in the library."""
    exercise = db.one_or_404(services.own_exercise(current_user, slug))
    services.restore_own(exercise)
    _record("exercise.restore", exercise)
    db.session.commit()
    flash(f"\u201c{exercise.title}\u201d is back in your library.", "success")
    return redirect(url_for("exercises.detail", slug=exercise.slug))


def _record(action: str, exercise: Exercise, detail: str = "") -> None:
    """Ids only: an exercise's text may describe a couple."""
    audit.record(action, object_type="exercise", object_id=exercise.id, detail=detail)
