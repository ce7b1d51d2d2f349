"""The counselor's side of measures: the progress page, asking a couple, own scales."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

# New in WTForms 3.3; types-WTForms does not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from practice.audit import services as audit
from practice.couples.services import own_couple
from practice.extensions import db
from practice.formatting import today_local
from practice.measures import bp, services
from practice.measures.chart_svg import render_svg
from practice.measures.exports import CSV_HEADER, csv_rows
from practice.measures.forms import CustomScaleForm, RequestMeasureForm
from practice.measures.models import CADENCES, Measure, MeasureRequest
from practice.measures.progress import CoupleProgress, MeasureProgress, chart_data, couple_progress
from practice.measures.scheduling import request_measure, stop_request
from practice.measures.submission import mark_seen
from practice.timeutil import utcnow


def _charts(data: CoupleProgress) -> list[tuple[MeasureProgress, Markup]]:
    """Each measure with its chart as inline SVG. render_svg writes every element itself and
    escapes every piece of text (names, titles) into it: the markup is ours, not the data's."""
    charts = []
    for measure in data.measures:
        svg = Markup(render_svg(chart_data(measure)))  # nosec B704
        charts.append((measure, svg))
    return charts


def _request_form() -> RequestMeasureForm:
    form = RequestMeasureForm()
    form.measure_id.choices = [
        SelectChoice(m.id, m.title) for m in services.usable_measures(current_user)
    ]
    return form


@bp.get("/couples/<int:couple_id>/progress")
def progress(couple_id: int):
    """Both partners' totals over time, the cutoff and the gap; ratings and homework by week."""
    couple = db.one_or_404(own_couple(current_user, couple_id))
    data = couple_progress(couple, today_local())
    charts = _charts(data)
    page = render_template(
        "measures/progress.html",
        couple=couple,
        data=data,
        charts=charts,
        form=_request_form(),
        cadences=CADENCES,
    )
    # What was shown is now seen: an answer given after this for the same occasion is new.
    if data.unseen:
        mark_seen(couple.id, utcnow())
    audit.record_read("couple.progress", couple_id=couple_id)
    return page


@bp.post("/couples/<int:couple_id>/measures")
def ask(couple_id: int):
    """Ask the couple for a measure: once, weekly, or before each session."""
    couple = db.one_or_404(own_couple(current_user, couple_id))
    form = _request_form()
    if not form.validate_on_submit():
        data = couple_progress(couple, today_local())
        charts = _charts(data)
        return render_template(
            "measures/progress.html",
            couple=couple,
            data=data,
            charts=charts,
            form=form,
            cadences=CADENCES,
        ), 400
    measure = services.own_measure(current_user, form.measure_id.data)
    if measure is None:
        abort(404)
    request_measure(couple, measure, form.cadence.data, today_local())
    audit.record(
        "measure.request", couple_id=couple.id, detail=f"{measure.slug} {form.cadence.data}"
    )
    db.session.commit()
    flash(
        f"{measure.title}: asked {CADENCES[form.cadence.data].lower()}. Each partner answers "
        "from their own link.",
        "success",
    )
    return redirect(url_for("measures.progress", couple_id=couple.id))


@bp.post("/couples/<int:couple_id>/measures/<int:request_id>/stop")
def stop(couple_id: int, request_id: int):
    couple = db.one_or_404(own_couple(current_user, couple_id))
    measure_request = db.session.get(MeasureRequest, request_id)
    if measure_request is None or measure_request.couple_id != couple.id:
        abort(404)
    stop_request(measure_request)
    audit.record("measure.stop", couple_id=couple.id, detail=measure_request.measure.slug)
    db.session.commit()
    flash(f"{measure_request.measure.title} is no longer asked. Answers given are kept.", "success")
    return redirect(url_for("measures.progress", couple_id=couple.id))


@bp.get("/couples/<int:couple_id>/progress.csv")
def progress_csv(couple_id: int):
    """Every score of the couple, one line per answer."""
    couple = db.one_or_404(own_couple(current_user, couple_id))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(couple.id))
    audit.record_read("couple.export", couple_id=couple_id, detail="progress csv")
    db.session.commit()
    name = f"couple-{couple_id}-scores-{utcnow():%Y-%m-%d}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/measures/")
def index():
    """The measures a counselor can ask for: built-in (with their source) and their own."""
    measures = services.usable_measures(current_user)
    return render_template("measures/index.html", measures=measures, latest=services.latest_version)


def _own_scale_or_404(measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.counselor_id != current_user.id:
        abort(404)
    return measure


@bp.route("/measures/new", methods=["GET", "POST"])
def new():
    """A counselor's own short scale: up to 10 questions, each a number range with labelled ends."""
    form = CustomScaleForm()
    if form.validate_on_submit():
        definition, problems = services.custom_definition(
            services.new_custom_slug(), form.title.data, form.item_data()
        )
        if definition is not None:
            measure = services.create_custom_measure(current_user, definition)
            audit.record("measure.create", detail=measure.slug)
            db.session.commit()
            flash(f"{measure.title} saved. Only you can see and use it.", "success")
            return redirect(url_for("measures.index"))
        form.show_problems(problems)
    return render_template("measures/form.html", form=form, measure=None), (
        400 if form.errors or form.is_submitted() else 200
    )


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
def edit(measure_id: int):
    """Editing adds a version: answers already given keep the wording they answered."""
    measure = _own_scale_or_404(measure_id)
    form = CustomScaleForm()
    if not form.is_submitted():
        current = services.latest_version(measure).typed
        form.title.data = current.title
        for entry, item in zip(form.items, current.items, strict=False):
            entry.form.text.data, entry.form.low.data, entry.form.high.data = (
                item.text,
                item.low,
                item.high,
            )
            entry.form.min.data, entry.form.max.data = item.min, item.max
    elif form.validate():
        definition, problems = services.custom_definition(
            measure.slug, form.title.data or "", form.item_data()
        )
        if definition is not None:
            changed = services.update_custom_measure(measure, definition)
            if changed:
                audit.record("measure.update", detail=measure.slug)
            db.session.commit()
            flash(
                "Saved. Answers already given keep the wording they answered."
                if changed
                else "Nothing changed.",
                "success",
            )
            return redirect(url_for("measures.index"))
        form.show_problems(problems)
    status = 400 if form.is_submitted() else 200
    return render_template("measures/form.html", form=form, measure=measure), status
