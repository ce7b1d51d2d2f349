"""The counselor's home page."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from practice.couples.models import Couple
from practice.dashboard import bp
from practice.extensions import db


@bp.get("/")
def index():
    """What needs the counselor's attention today."""
    active_couples = db.session.execute(
        select(func.count())
        .select_from(Couple)
        .where(Couple.counselor_id == current_user.id, Couple.status == "active")
    ).scalar_one()
    return render_template("dashboard/index.html", active_couples=active_couples)
