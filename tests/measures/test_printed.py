"""The progress chart in printed documents: always on the counselor's copies, on the couple's
only when the counselor ticked "include progress" for the session, and totals only. The
couple's JSON export carries every answer and score."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from pypdf import PdfReader

from practice.extensions import db
from practice.sessions.models import CounselingSession
from practice.timeutil import utcnow
from tests.measures.conftest import weekly_story
from tests.measures.test_progress import ANA, BEN, START

CHART_TITLE = "Couples Satisfaction Index (CSI-4): each partner's total over time"


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _record_text(couple, copy: str) -> str:
    """The full record as its background job builds it (the exports service, run here)."""
    from practice.exports import services
    from practice.exports.models import RecordExport

    export = services.request_export(couple, couple.counselor, copy, utcnow())
    db.session.commit()
    services.build_export(export.id, now=utcnow(), keep=timedelta(minutes=5))
    db.session.expire_all()
    reader = PdfReader(io.BytesIO(db.session.get(RecordExport, export.id).pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _session(couple, include_progress=False) -> CounselingSession:
    session = CounselingSession(
        couple_id=couple.id,
        starts_at=utcnow() - timedelta(days=1),
        focus="Repair",
        couple_summary="Shared",
        private_notes="Private words",
        include_progress=include_progress,
    )
    db.session.add(session)
    db.session.commit()
    return session


def test_the_counselor_copy_has_the_chart_and_the_couple_copy_only_when_ticked(
    signed_in, csi, couple
):
    weekly_story(couple, csi, ANA, BEN, start=START)
    session = _session(couple)
    counselor = _text(signed_in.get(f"/sessions/{session.id}/summary.pdf?copy=counselor"))
    assert CHART_TITLE in counselor
    assert "The cutoff is drawn at 13.5" in counselor
    couple_copy = _text(signed_in.get(f"/sessions/{session.id}/summary.pdf?copy=couple"))
    assert CHART_TITLE not in couple_copy and "CSI-4" not in couple_copy

    # The counselor ticks "include progress" in the session form.
    form = signed_in.get(f"/sessions/{session.id}/edit").get_data(as_text=True)
    assert "Include progress in the couple&#39;s copy" in form or "Include progress" in form
    session.include_progress = True
    db.session.commit()
    couple_copy = _text(signed_in.get(f"/sessions/{session.id}/summary.pdf?copy=couple"))
    assert CHART_TITLE in couple_copy
    # Totals only: never an item's wording or an answer's label.
    assert "warm and comfortable" not in couple_copy and "Mostly True" not in couple_copy


def test_the_full_record_has_the_chart(signed_in, csi, couple):
    weekly_story(couple, csi, ANA, BEN, start=START)
    _session(couple)
    record = _record_text(couple, "counselor")
    assert CHART_TITLE in record
    couple_record = _record_text(couple, "couple")
    assert CHART_TITLE not in couple_record


def test_the_json_export_has_every_answer_and_score(signed_in, csi, couple):
    weekly_story(couple, csi, [15, None], [None, 12], start=START)
    record = json.loads(signed_in.get(f"/couples/{couple.id}/export.json").data)
    answers = record["measure_answers"]
    assert [(a["partner"], a["total"]) for a in answers] == [
        ("Ana Silva", 15.0),
        ("Ben Okafor", 12.0),
    ]
    assert answers[0]["answers"] == {
        "happiness": 6,
        "warm_comfortable": 5,
        "rewarding": 4,
        "satisfied": 0,
    }
    assert answers[0]["measure"] == "csi-4" and answers[0]["version"] == 1
