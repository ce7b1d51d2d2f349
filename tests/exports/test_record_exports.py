"""Full-record exports: asked for in a request, built by a real worker process on Redis,
progress on the page, downloaded (and audited) while kept, deleted after."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from practice.audit.models import AuditEvent
from practice.exports import services
from practice.exports.models import RecordExport
from practice.extensions import db
from practice.pdf.summary import couple_record_pdf
from practice.sessions import printouts
from practice.timeutil import utcnow
from tests.factories import make_counselor, make_couple
from tests.pdf.helpers import pdf_text
from tests.realparts import app_env, jobs_redis_url, start_worker, wait_until  # noqa: F401
from tests.sessions.test_sessions import add_assignment, add_entry, add_session


@pytest.fixture
def app_config(app_config, jobs_redis_url):  # noqa: F811
    return {**app_config, "JOBS_REDIS_URL": jobs_redis_url, "EXPORT_KEEP_MINUTES": 30}


def make_record(counselor, sessions: int = 3) -> int:
    couple = make_couple(counselor, goals="Qgoals fewer fights")
    for n in range(sessions):
        session = add_session(
            couple,
            datetime(2025, 1, 6, 10) + timedelta(weeks=n),
            focus=f"Qfocus{n:03d}",
            private_notes=f"Qprivate{n:03d}",
        )
        homework = add_assignment(couple, f"Homework {n}", reviewed_session_id=session.id)
        add_entry(homework, couple.partners[0], answers={"moment": f"Qanswer{n:03d}"})
    db.session.commit()
    return couple.id


def test_building_an_export_reports_progress_and_keeps_the_pdf_for_a_while(app, ctx, counselor):
    couple_id = make_record(db.session.merge(counselor))
    from practice.couples.models import Couple

    couple = db.session.get(Couple, couple_id)
    export = services.request_export(couple, db.session.merge(counselor), "counselor", utcnow())
    db.session.commit()
    seen: list[float] = []
    record = printouts.couple_record(couple, "counselor", now=utcnow())
    couple_record_pdf(record, practice_name="P", on_progress=seen.append)
    assert seen and seen == sorted(seen) and 0.5 < seen[-1] < 1  # two passes, rising

    now = utcnow()
    assert services.build_export(export.id, now=now, keep=timedelta(minutes=30)) == "ready"
    db.session.expire_all()
    row = db.session.get(RecordExport, export.id)
    assert (row.status, row.progress) == ("ready", 100) and row.pages >= 2
    text = pdf_text(row.pdf)
    assert "Qfocus002" in text and "Qprivate000" in text and "Qanswer001" in text
    # Built once, even if the job runs again.
    assert services.build_export(export.id, now=now, keep=timedelta(minutes=30)) == "ready"
    # After its time the PDF is deleted and the row says so.
    assert services.purge(now + timedelta(minutes=29)) == 0
    assert services.purge(now + timedelta(minutes=31)) == 1
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(RecordExport, export.id)
    assert (row.status, row.pdf) == ("expired", None)


def test_a_worker_builds_it_while_the_page_shows_progress_then_the_download_is_audited(
    app, app_config, signed_in, counselor, tmp_path
):
    with app.app_context():
        couple_id = make_record(db.session.merge(counselor), sessions=30)
    response = signed_in.post(f"/couples/{couple_id}/record", data={"copy": "counselor"})
    assert response.status_code == 302
    page = signed_in.get(f"/couples/{couple_id}/record").get_data(as_text=True)
    assert "waiting to start" in page and 'http-equiv="refresh"' in page

    worker = start_worker(
        app_env(app_config, {"JOBS_REDIS_URL": app_config["JOBS_REDIS_URL"]}),
        tmp_path / "worker.log",
    )
    try:

        def status() -> str:
            with app.app_context():
                try:
                    return db.session.execute(select(RecordExport.status)).scalar_one()
                finally:
                    db.session.rollback()

        started = time.monotonic()
        wait_until(lambda: status() == "ready", 90, what="the export")
        # The web app answered all along: the request above returned at once.
        assert time.monotonic() - started < 90
    finally:
        worker.stop()
    page = signed_in.get(f"/couples/{couple_id}/record").get_data(as_text=True)
    assert "Download (" in page and "refresh" not in page
    with app.app_context():
        export_id = db.session.execute(select(RecordExport.id)).scalar_one()
    pdf = signed_in.get(f"/record-exports/{export_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf", worker.output()
    assert "Qfocus029" in pdf_text(pdf.data)
    with app.app_context():
        events = (
            db.session.execute(select(AuditEvent).where(AuditEvent.action == "couple.export"))
            .scalars()
            .all()
        )
        assert [(e.object_type, e.object_id) for e in events] == [("record_export", export_id)]


def test_an_expired_or_another_counselors_export_is_not_served(app, client, auth, counselor):
    with app.app_context():
        couple_id = make_record(db.session.merge(counselor), sessions=1)
        from practice.couples.models import Couple

        couple = db.session.get(Couple, couple_id)
        export = services.request_export(couple, db.session.merge(counselor), "couple", utcnow())
        db.session.commit()
        services.build_export(export.id, now=utcnow(), keep=timedelta(minutes=30))
        export_id = export.id
        make_counselor(email="other@example.org")
        db.session.commit()
    auth.login("other@example.org")
    assert client.get(f"/record-exports/{export_id}.pdf").status_code == 404
    assert client.get(f"/couples/{couple_id}/record").status_code == 404
    assert client.post(f"/couples/{couple_id}/record").status_code == 404
    auth.logout()
    auth.login(counselor.email)
    assert client.get(f"/record-exports/{export_id}.pdf").status_code == 200
    with app.app_context():
        services.purge(utcnow() + timedelta(minutes=31))
        db.session.commit()
    gone = client.get(f"/record-exports/{export_id}.pdf")
    assert gone.status_code == 302
    page = client.get(gone.headers["Location"]).get_data(as_text=True)
    assert "no longer kept" in page and "deleted after 30 minutes" in page


def test_the_old_record_address_leads_to_the_export_page(signed_in, app, counselor):
    with app.app_context():
        couple_id = make_record(db.session.merge(counselor), sessions=1)
    response = signed_in.get(f"/couples/{couple_id}/record.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/couples/{couple_id}/record")
