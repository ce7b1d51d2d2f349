"""Start a full-record export, watch it, download it: no request waits on the PDF."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from practice import jobs
from practice.audit import services as audit
from practice.couples.services import own_couple
from practice.exports import bp, services
from practice.exports.models import RecordExport
from practice.extensions import db
from practice.timeutil import utcnow

COPY_LABELS = {
    "counselor": "Counselor copy (everything, private notes marked)",
    "couple": "Couple's copy (only what they shared)",
}


@bp.get("/couples/<int:couple_id>/record")
def index(couple_id: int):
    """The couple's full record: make one, see how far it is, download it when ready."""
    couple = db.one_or_404(own_couple(current_user, couple_id))
    exports = services.exports_of(couple)
    busy = any(e.status in ("queued", "running") for e in exports)
    return render_template(
        "exports/index.html",
        couple=couple,
        exports=exports,
        busy=busy,
        now=utcnow(),
        copy_labels=COPY_LABELS,
    )


@bp.post("/couples/<int:couple_id>/record")
def start(couple_id: int):
    """Queue a full record; the page then shows its progress."""
    from practice.exports.tasks import build_record_export

    couple = db.one_or_404(own_couple(current_user, couple_id))
    copy = request.form.get("copy", "counselor")
    if copy not in COPY_LABELS:
        copy = "counselor"
    export = services.request_export(couple, current_user, copy, utcnow())
    db.session.commit()
    if not jobs.enqueue(build_record_export, export.id):
        flash("The record is queued; it starts as soon as the job queue answers.", "warning")
    return redirect(url_for("exports.index", couple_id=couple_id))


@bp.get("/record-exports/<int:export_id>.pdf")
def download(export_id: int):
    """The built PDF, while it is kept. Every download is in the audit log."""
    export = db.session.get(RecordExport, export_id)
    if export is None:
        abort(404)
    couple = db.one_or_404(own_couple(current_user, export.couple_id))
    now = utcnow()
    if not services.downloadable(export, now):
        flash("That record is no longer kept (or not ready yet): make a new one.", "error")
        return redirect(url_for("exports.index", couple_id=couple.id))
    data = export.pdf
    assert data is not None  # a downloadable (ready) export keeps its PDF
    export.downloaded_at = now
    audit.record(
        "couple.export",
        couple_id=couple.id,
        object_type="record_export",
        object_id=export.id,
        detail=f"pdf full record, {export.copy} copy",
    )
    db.session.commit()
    return send_file(
        BytesIO(data),
        mimetype="application/pdf",
        download_name=f"couple-{couple.id}-record-{export.copy}-copy.pdf",
    )
