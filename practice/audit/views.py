"""The administrator's audit log: browse with filters, export as CSV."""

from __future__ import annotations

from flask import Response, render_template, request

# New in WTForms 3.3; types-WTForms does not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from practice.audit import bp, services
from practice.audit.forms import AuditFilterForm
from practice.audit.labels import ACTOR_LABELS, action_label, device
from practice.params import MAX_PAGE, query_int
from practice.security import admin_required
from practice.timeutil import utcnow


def _filter_form(names: dict[int, str]) -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args if request.args else None)
    form.counselor.choices = [SelectChoice("", "Anyone")] + [
        SelectChoice(str(i), name) for i, name in names.items()
    ]
    if request.args:
        form.validate()
    return form


@bp.get("/")
@admin_required
def index():
    """Every recorded event, newest first, filtered by counselor, action, couple and dates."""
    names = services.counselor_names()
    form = _filter_form(names)
    page = query_int("page", 1, maximum=MAX_PAGE)
    events, total = services.list_events(form.filters(), page=page)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "audit/index.html",
        form=form,
        events=events,
        total=total,
        page=page,
        page_size=services.PAGE_SIZE,
        names=names,
        couples=services.couple_names(event.couple_id for event in events),
        action_label=action_label,
        actor_labels=ACTOR_LABELS,
        device=device,
        query=query,
    )


@bp.get("/export.csv")
@admin_required
def export():
    """The filtered events as a CSV file."""
    form = _filter_form(services.counselor_names())
    filename = f"audit-log-{utcnow():%Y-%m-%d}.csv"
    return Response(
        services.export_csv(form.filters()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
