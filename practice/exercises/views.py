"""Exercise library views."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import or_, select

from practice.exercises import bp
from practice.exercises.models import Exercise
from practice.extensions import db


@bp.get("/")
def index():
    """The library: built-in exercises and the counselor's own."""
    exercises = db.session.execute(
        select(Exercise)
        .where(
            Exercise.retired_at.is_(None),
            or_(Exercise.counselor_id.is_(None), Exercise.counselor_id == current_user.id),
        )
        .order_by(Exercise.category, Exercise.title)
    ).scalars()
    return render_template("exercises/index.html", exercises=list(exercises))
