"""Printed session summaries and the couple's record: what a reader finds on the paper."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from practice.extensions import db
from practice.pdf.summary import couple_record_pdf, session_summary_pdf
from practice.sessions import services
from practice.sessions.models import CounselingSession
from tests.factories import make_counselor, make_couple
from tests.sessions.test_sessions import add_assignment, add_entry, add_session

# Distinctive words (no hyphens: table cells may break lines at a hyphen).
PRIVATE_MARKERS = ("Qprivatenotes", "Qbenprivateentry", "Qbenprivatenote", "Qanaprivatenote")


def read_pdf(data: bytes) -> tuple[str, PdfReader]:
    """All text of the PDF with whitespace collapsed, and the reader."""
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split()), reader


@pytest.fixture
def session_id(app, counselor):
    """A session that reviewed three assignments and gave one, with private and shared entries."""
    with app.app_context():
        couple = make_couple(db.session.merge(counselor), ("Ana Silva", "Ben Okafor"))
        ana, ben = couple.partners
        counseling_session = add_session(
            couple,
            datetime(2025, 3, 14, 15, 30),
            duration_minutes=75,
            format="video",
            focus="Qfocusareas: repair after arguments",
            couple_summary="Qsummaryforcouple: you practised the stop signal.",
            next_steps="Qnextsteps: use the stop signal twice.",
            next_appointment_at=datetime(2025, 3, 21, 15, 30),
            private_notes="Qprivatenotes: watch for stonewalling.",
        )
        reviewed = {
            "reviewed_session_id": counseling_session.id,
            "reviewed_at": datetime(2025, 3, 14),
        }
        gratitude = add_assignment(
            couple, "Gratitude list", review_remarks="Qremarks: lovely work.", **reviewed
        )
        add_entry(
            gratitude,
            ana,
            answers={"moment": "Qanashared walking by the river"},
            private_note="Qanaprivatenote",
        )
        add_entry(
            gratitude,
            ben,
            visibility="counselor",
            answers={"moment": "Qbenprivateentry"},
            private_note="Qbenprivatenote",
        )
        waiting = add_assignment(couple, "Weekly check-in", **reviewed)
        add_entry(waiting, ana, visibility="after_both", answers={"moment": "Qwaitingforben"})
        both = add_assignment(couple, "Date night", **reviewed)
        add_entry(both, ana, visibility="after_both", answers={"moment": "Qbothdoneana"})
        add_entry(both, ben, visibility="after_both", answers={"moment": "Qbothdoneben"})
        add_assignment(
            couple,
            "Device-free time",
            session_id=counseling_session.id,
            due=date(2025, 3, 28),
            note="Qassignednote: phones in the drawer.",
        )
        db.session.commit()
        return counseling_session.id


def test_counselor_copy_has_everything(signed_in, session_id):
    response = signed_in.get(f"/sessions/{session_id}/summary.pdf?copy=counselor")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "counselor-copy.pdf" in response.headers["Content-Disposition"]
    text, _ = read_pdf(response.data)
    for expected in (
        "Harbor Counseling",
        "Counselor copy — contains private notes",
        "Ana Silva",
        "Ben Okafor",
        "Dr. Rivera",
        "Friday 14 March 2025, 15:30",
        "Video",
        "75 minutes",
        "Qfocusareas",
        "Qsummaryforcouple",
        "Qnextsteps",
        "Friday 21 March 2025, 15:30",
        "Gratitude list",
        "Weekly check-in",
        "Date night",
        "Qanashared",
        "Qremarks",
        "Device-free time",
        "Friday 28 March 2025",
        "Qassignednote",
        "Qwaitingforben",
        "Qbothdoneana",
        "Confidential",
        "Page 1 of",
        *PRIVATE_MARKERS,
    ):
        assert expected in text, expected


def test_couple_copy_leaves_out_what_is_private(signed_in, session_id):
    response = signed_in.get(f"/sessions/{session_id}/summary.pdf")  # couple copy by default
    assert response.status_code == 200
    assert "couple-copy.pdf" in response.headers["Content-Disposition"]
    text, _ = read_pdf(response.data)
    # The header names the couple, the counselor and the practice once.
    assert text.count("Ana Silva and Ben Okafor · with Dr. Rivera") == 1
    assert "Counselor copy" not in text
    for expected in ("Qsummaryforcouple", "Qanashared", "Gratitude list", "Qremarks"):
        assert expected in text, expected
    # Shared once both submitted: both did for "Date night", only Ana for "Weekly check-in".
    assert "Qbothdoneana" in text and "Qbothdoneben" in text
    assert "Qwaitingforben" not in text
    for marker in PRIVATE_MARKERS:
        assert marker not in text, marker
    assert "PRIVATE" not in text and "counselor only" not in text and "Session notes" not in text


def test_print_view_follows_the_same_rules(signed_in, session_id):
    couple_page = signed_in.get(f"/sessions/{session_id}/print").get_data(as_text=True)
    assert "Copy for Ana Silva &amp; Ben Okafor" in couple_page
    assert "Qsummaryforcouple" in couple_page and "Qbothdoneben" in couple_page
    for marker in (*PRIVATE_MARKERS, "Qwaitingforben"):
        assert marker not in couple_page, marker
    assert "css/print.css" in couple_page and "js/print.js" in couple_page
    assert "<nav" not in couple_page and "Sign out" not in couple_page
    assert not re.search(r"<script>|onclick=", couple_page)
    counselor_page = signed_in.get(f"/sessions/{session_id}/print?copy=counselor").get_data(
        as_text=True
    )
    assert "Counselor copy — contains private notes" in counselor_page
    for marker in PRIVATE_MARKERS:
        assert marker in counselor_page, marker


def test_unknown_copy_falls_back_to_the_couple_copy(signed_in, session_id):
    text, _ = read_pdf(signed_in.get(f"/sessions/{session_id}/summary.pdf?copy=all").data)
    assert "Counselor copy" not in text and "Qprivatenotes" not in text


def test_a_session_with_nothing_in_it_renders(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(db.session.merge(counselor))
        session_id = add_session(couple).id
        db.session.commit()
    for copy in ("couple", "counselor"):
        response = signed_in.get(f"/sessions/{session_id}/summary.pdf?copy={copy}")
        assert response.status_code == 200
        text, reader = read_pdf(response.data)
        assert "Nothing recorded." in text
        assert "No homework was reviewed in this session." in text
        assert "No homework is open." in text
        assert "Not booked yet." in text
        assert len(reader.pages) == 1 and "Page 1 of 1" in text
    page = signed_in.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Nothing recorded." in page


def test_unicode_everywhere_renders(app, signed_in, counselor):
    with app.app_context():
        couple = make_couple(db.session.merge(counselor), ("Zoë Ünal", "李小龙"))
        counseling_session = add_session(
            couple,
            focus="Café au lait ☕ and “quotes” — naïve façade",
            couple_summary="דוד כהן and مريم 😀🌸👩‍❤️‍👨 日本語とかな 한국어",
            private_notes="Ελληνικά · Кириллица · \U0001f9ff\U000e0067",
        )
        reviewed = add_assignment(
            couple, "Zärtlichkeit 💞", reviewed_session_id=counseling_session.id
        )
        add_entry(reviewed, couple.partners[0], answers={"moment": "Über den Fluß 🌊 <b>bold</b>"})
        db.session.commit()
        session_id = counseling_session.id
    for copy in ("couple", "counselor"):
        response = signed_in.get(f"/sessions/{session_id}/summary.pdf?copy={copy}")
        assert response.status_code == 200
        text, _ = read_pdf(response.data)
        for expected in ("Zoë Ünal", "Café au lait", "naïve façade", "Zärtlichkeit", "Fluß"):
            assert expected in text, expected
        assert "<b>bold</b>" in text  # user markup prints as typed, never as formatting
    counselor_text, _ = read_pdf(
        signed_in.get(f"/sessions/{session_id}/summary.pdf?copy=counselor").data
    )
    assert "Ελληνικά" in counselor_text and "Кириллица" in counselor_text
    page = signed_in.get(f"/sessions/{session_id}/print").get_data(as_text=True)
    assert "דוד כהן" in page and "李小龙" in page and "😀" in page


def test_a_50000_character_note_prints_over_several_pages(app, signed_in, counselor):
    words = ("Qlongnote " + "lorem ipsum dolor sit amet " * 2000)[:45_000]
    long_note = words + "x" * 4_990 + " Qendofnote"  # one 'word' wider than the page, too
    assert len(long_note) >= 50_000
    with app.app_context():
        couple = make_couple(db.session.merge(counselor))
        counseling_session = add_session(
            couple, private_notes=long_note, couple_summary=long_note, next_steps=long_note
        )
        reviewed = add_assignment(couple, "Long answers", reviewed_session_id=counseling_session.id)
        add_entry(reviewed, couple.partners[0], completion_note=long_note)
        db.session.commit()
        session_id = counseling_session.id
    response = signed_in.get(f"/sessions/{session_id}/summary.pdf?copy=counselor")
    assert response.status_code == 200
    text, reader = read_pdf(response.data)
    assert len(reader.pages) >= 10
    # Summary, next steps, private notes and the partner's note: all in full.
    assert text.count("Qendofnote") == 4
    assert "Qlongnote" in text and f"of {len(reader.pages)}" in text


@pytest.mark.parametrize(("paper", "width"), [("a4", 595), ("letter", 612), ("A5?", 595)])
def test_paper_size_setting(app, signed_in, session_id, paper, width):
    app.config["PAPER_SIZE"] = paper
    _, reader = read_pdf(signed_in.get(f"/sessions/{session_id}/summary.pdf").data)
    assert round(float(reader.pages[0].mediabox.width)) == width


def record_of(app, couple_id: int, copy: str) -> bytes:
    """The full record as its background job lays it out (see tests/exports for the job)."""
    from practice.couples.models import Couple
    from practice.sessions.printouts import couple_record
    from practice.timeutil import utcnow

    with app.app_context():
        record = couple_record(db.session.get(Couple, couple_id), copy, now=utcnow())
        return couple_record_pdf(record, practice_name="Harbor Counseling")


def test_couple_record_has_every_session_oldest_first(app, signed_in, counselor, session_id):
    with app.app_context():
        couple = (
            db.session.execute(services.own_session(db.session.merge(counselor), session_id))
            .scalar_one()
            .couple
        )
        add_session(couple, datetime(2025, 1, 10, 9, 0), private_notes="Qfirstprivate")
        add_session(couple, datetime(2025, 4, 4, 9, 0), focus="Qlastfocus")
        db.session.commit()
        couple_id = couple.id
    text, reader = read_pdf(record_of(app, couple_id, "counselor"))  # the counselor's file
    assert "Counselor copy — contains private notes" in text and "Sessions 3" in text
    first = text.index("Session 1 of 3: Friday 10 January 2025, 09:00")
    second = text.index("Session 2 of 3: Friday 14 March 2025, 15:30")
    third = text.index("Session 3 of 3: Friday 4 April 2025, 09:00")
    assert first < second < third
    assert "Qfirstprivate" in text and "Qlastfocus" in text and "Gratitude list" in text
    assert len(reader.pages) >= 4
    couple_text, _ = read_pdf(record_of(app, couple_id, "couple"))
    assert "Counselor copy" not in couple_text and "Qsummaryforcouple" in couple_text
    for marker in (*PRIVATE_MARKERS, "Qfirstprivate", "Qwaitingforben"):
        assert marker not in couple_text, marker


def test_record_of_a_couple_without_sessions_renders(app, signed_in, counselor):
    with app.app_context():
        couple_id = make_couple(db.session.merge(counselor)).id
        db.session.commit()
    text, _ = read_pdf(record_of(app, couple_id, "counselor"))
    assert "No sessions recorded yet." in text


def test_another_counselor_gets_404_for_the_pdfs(app, client, auth, session_id):
    with app.app_context():
        other = make_counselor(email="nosy@example.org", name="Dr. Nosy")
        db.session.commit()
        couple_id = db.session.get(CounselingSession, session_id).couple_id
        email = other.email
    auth.login(email)
    for url in (
        f"/sessions/{session_id}/summary.pdf",
        f"/sessions/{session_id}/summary.pdf?copy=counselor",
        f"/sessions/{session_id}/print?copy=counselor",
        f"/couples/{couple_id}/record.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Qprivatenotes" not in response.data


def test_renderer_needs_no_app(app):
    """The PDF module takes plain data: it renders outside any request or app context."""
    from practice.pdf.summary import CoupleRecord, PartnerDetails, SessionSummary

    summary = SessionSummary(
        copy="couple",
        couple_name="A & B",
        partners=["A", "B"],
        counselor="C",
        starts_at="Monday 1 January 2024, 10:00",
        format="Phone",
        duration="30 minutes",
        attendance="Both partners",
    )
    text, _ = read_pdf(session_summary_pdf(summary, practice_name="P", page_size="letter"))
    assert "A and B · with C" in text and "Phone" in text
    record = CoupleRecord(
        copy="counselor",
        couple_name="A & B",
        partners=[PartnerDetails("A"), PartnerDetails("B")],
        counselor="C",
    )
    text, _ = read_pdf(couple_record_pdf(record, practice_name="P"))
    assert "No sessions recorded yet." in text
