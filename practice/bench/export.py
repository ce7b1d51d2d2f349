"""The full record as a background job: how long until it is ready, and whether the web
app kept answering meanwhile.

Measured as `python app.py` runs it (the embedded default): the job runs on a thread of the
web process, as the in-process Huey consumer does, while the test client keeps asking for
the record's progress page and /healthz, timing each answer.
"""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from practice.extensions import db


def measure_record_export(app: Flask, client: FlaskClient, couple_id: int) -> dict[str, Any]:
    from practice.exports import services
    from practice.exports.models import RecordExport
    from practice.timeutil import utcnow

    started = time.perf_counter()
    response = client.post(f"/couples/{couple_id}/record", data={"copy": "counselor"})
    start_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        return {"status": f"HTTP {response.status_code} on start"}
    export_id = db.session.execute(
        select(RecordExport.id)
        .where(RecordExport.couple_id == couple_id)
        .order_by(RecordExport.id.desc())
        .limit(1)
    ).scalar_one()
    db.session.commit()

    outcome: dict[str, Any] = {}

    def work() -> None:
        with app.app_context():
            t0 = time.perf_counter()
            try:
                outcome["status"] = services.build_export(
                    export_id, now=utcnow(), keep=timedelta(minutes=30)
                )
            except Exception as error:  # reported, not raised: the bench goes on
                outcome["status"] = f"failed: {error.__class__.__name__}"
            outcome["seconds"] = time.perf_counter() - t0
            db.session.remove()

    worker = threading.Thread(target=work, name="record-export-job")
    t0 = time.perf_counter()
    worker.start()
    latencies: list[float] = []
    progress_seen: set[int] = set()
    statuses: set[int] = set()
    while worker.is_alive():
        for url in (f"/couples/{couple_id}/record", "/healthz"):
            r0 = time.perf_counter()
            answer = client.get(url)
            latencies.append((time.perf_counter() - r0) * 1000)
            statuses.add(answer.status_code)
        row = db.session.execute(
            select(RecordExport.progress).where(RecordExport.id == export_id)
        ).scalar_one()
        db.session.commit()
        progress_seen.add(row)
        time.sleep(0.05)
    worker.join()
    ready = time.perf_counter() - t0
    export = db.session.get(RecordExport, export_id)
    assert export is not None  # the request above created it
    result = {
        "status": outcome.get("status"),
        "start_request_ms": round(start_ms, 1),
        "seconds_to_ready": round(ready, 2),
        "pages": export.pages,
        "pdf_kb": round(len(export.pdf or b"") / 1024),
        "requests_meanwhile": len(latencies),
        "statuses_meanwhile": sorted(statuses),
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_max_ms": round(max(latencies), 1) if latencies else None,
        "progress_steps_seen": sorted(progress_seen),
    }
    db.session.commit()
    return result
