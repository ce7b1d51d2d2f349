"""The counselor's home page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.dashboard import bp, services
from practice.extensions import db
from practice.formatting import today_local
from practice.measures import services as measure_services
from practice.timeutil import utcnow


@bp.get("/")
def index():
    """What needs the counselor's attention today (each list cut short unless ?all=1)."""
    board = services.build_dashboard(current_user, today_local())
    progress_flags = measure_services.dashboard_flags(current_user, today_local())
    return render_template(
        "dashboard/index.html", board=board, active_couples=board.active_couples,
        progress_flags=progress_flags,
        is_new=services.is_new, show_all=request.args.get("all") == "1",
        shown=services.SHOWN, feed_days=services.FEED_WINDOW_DAYS,
    )


@bp.post("/seen")
def mark_seen():
    """"Mark all as seen": new entries stop being listed as new on the dashboard.

    An explicit button rather than on every view: a glance at the dashboard between two
    sessions must not make new entries disappear before the counselor has read them. Entries
    opened on a couple page are marked seen there, one by one."""
    current_user.dashboard_seen_at = utcnow()
    db.session.commit()
    flash("All caught up.", "success")
    return redirect(url_for("dashboard.index"))
