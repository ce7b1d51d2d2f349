"""The full record is laid out by a child process: same PDF, progress and errors come back."""

from __future__ import annotations

import os
import tempfile

import pytest

from practice.exports.render import RenderFailed, render_record
from practice.pdf import Letterhead
from practice.pdf.summary import CoupleRecord, PartnerDetails, SessionSummary
from tests.pdf.helpers import pdf_text


def _record(sessions: int) -> CoupleRecord:
    summaries = [
        SessionSummary(
            copy="counselor",
            couple_name="Zoë & 李娜",
            partners=["Zoë 🙂", "李娜"],
            counselor="Dr Amal حداد",
            starts_at=f"Monday {n + 1} June 2026",
            format="In person",
            duration="50 minutes",
            attendance="Both",
            focus=f"Qfocus{n:03d} " + "We talked about the soft start-up. " * 40,
            private_notes=f"Qprivate{n:03d}",
        )
        for n in range(sessions)
    ]
    return CoupleRecord(
        copy="counselor",
        couple_name="Zoë & 李娜",
        partners=[PartnerDetails("Zoë 🙂"), PartnerDetails("李娜")],
        counselor="Dr Amal حداد",
        goals="Qgoals שלום",
        sessions=summaries,
    )


def test_the_child_builds_the_whole_record_and_reports_rising_progress():
    seen: list[float] = []
    letterhead = Letterhead(name="Calm Harbor")
    pdf = render_record(_record(12), letterhead=letterhead, page_size="a4", on_progress=seen.append)
    text = pdf_text(pdf)
    assert "Qfocus000" in text and "Qfocus011" in text and "Qprivate011" in text
    assert seen and seen == sorted(seen) and 0.5 < seen[-1] < 1  # two passes, rising


def test_an_error_in_the_child_fails_the_build_with_its_message_and_leaves_no_file(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the PDF file is made
    with pytest.raises(RenderFailed, match="page_size"):
        render_record(_record(1), letterhead=Letterhead(name="P"), page_size="tabloid")
    assert os.listdir(tmp_path) == []


def test_a_child_that_takes_too_long_is_stopped():
    with pytest.raises(RenderFailed):
        render_record(_record(40), letterhead=Letterhead(name="P"), page_size="a4", timeout=0.5)
