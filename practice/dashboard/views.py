"""The counselor's home page, and the whole of each of its lists on a page of its own."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from practice.dashboard import bp, services
from practice.extensions import db
from practice.formatting import today_local
from practice.measures.flags import dashboard_flags
from practice.timeutil import utcnow


@bp.get("/")
def index():
    """What needs the counselor's attention today: counts, and the first lines of each list."""
    board = services.build_dashboard(current_user, today_local())
    progress_flags = dashboard_flags(current_user, today_local())
    return render_template(
        "dashboard/index.html",
        board=board,
        progress_flags=progress_flags,
        shown=services.SHOWN,
        feed_days=services.FEED_WINDOW_DAYS,
    )


# The two homework lists in full: which list, its heading, and what it says when empty.
HOMEWORK_LISTS = {
    "overdue": ("Overdue", "Nothing overdue."),
    "due": ("Due this week", "No homework due in the next 7 days."),
}


def _homework_list(which: str):
    heading, nothing = HOMEWORK_LISTS[which]
    items = services.homework_list(current_user, today_local(), which)
    return render_template(
        "dashboard/homework_list.html", items=items, heading=heading, nothing=nothing
    )


@bp.get("/dashboard/overdue")
def overdue():
    """Every overdue homework a partner has not finished."""
    return _homework_list("overdue")


@bp.get("/dashboard/due")
def due():
    """Every homework due in the next seven days that a partner has not finished."""
    return _homework_list("due")


@bp.get("/dashboard/progress")
def progress_flags():
    """Every active couple whose measures the counselor should look at."""
    flags = dashboard_flags(current_user, today_local())
    return render_template("dashboard/progress_flags.html", flags=flags)


@bp.get("/dashboard/new")
def new_entries():
    """Every couple with entries the counselor has not seen yet."""
    items = services.all_new_by_couple(current_user)
    return render_template("dashboard/new_entries.html", items=items)


@bp.get("/dashboard/recent")
def recent_entries():
    """The feed beyond the dashboard's first lines: what partners sent lately, with answers."""
    entries = services.recent_entries(current_user)
    return render_template(
        "dashboard/recent_entries.html",
        entries=entries,
        feed_size=services.FEED_SIZE,
        feed_days=services.FEED_WINDOW_DAYS,
    )


@bp.post("/seen")
def mark_seen():
    """ "Mark all as seen": new entries stop being listed as new on the dashboard.

    An explicit button rather than on every view: a glance at the dashboard between two
    sessions must not make new entries disappear before the counselor has read them. Entries
    opened on a couple page are marked seen there, one by one."""
    current_user.dashboard_seen_at = utcnow()
    db.session.commit()
    flash("All caught up.", "success")
    return redirect(url_for("dashboard.index"))
