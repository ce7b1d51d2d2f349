"""The printed documents read back from the PDF: nothing cut, nothing private on the couple's
copy, nothing missing from the counselor's copy or the full record, open homework listed,
every script printed with a real glyph. PNGs of each document go to test-artifacts/pdf/."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, timedelta

import pytest
from PIL import Image

from practice.couples.parts import registered
from practice.couples.services import export_record
from practice.extensions import db
from practice.partner.access import issue_access
from practice.pdf.link_handout import render_partner_handout
from practice.pdf.summary import couple_record_pdf, session_summary_pdf
from practice.sessions import printouts
from practice.settings.services import practice_logo, practice_settings, save_practice
from practice.timeutil import utcnow
from tests.factories import make_counselor, make_couple
from tests.pdf.helpers import (
    body_text,
    fonts_not_embedded,
    missing_glyphs,
    page_count,
    pdf_text,
    save_renderings,
)
from tests.sessions.test_sessions import add_assignment, add_entry, add_session

SECRET = "test-secret-key"

# A name and a note in each script the app accepts.
SCRIPTS = {
    "latin": ("Zoë Ødegård-Muñoz", "Ça m’a fait du bien: naïve, façade, Ærøskøbing, Łódź."),
    "hebrew": ("נועה בן-דוד", "הרגשתי קרובה אליו כשטיילנו ליד הנהר (בערב) ב-7."),
    "arabic": ("مريم الحسيني", "شعرت بالقرب منه عندما مشينا بجانب النهر في المساء."),
    "cjk": ("李小龙", "我们一起散步。日本語のメモです。한국어 메모도 있어요."),
    "emoji": ("Sam 🌻", "We laughed 😀🎉 and hugged 🤗, then tea ☕ by the sea 🌊 ❤"),
}

LONG_LATIN = " ".join(
    f"Qlong{n:03d} awkward at first, then really good, we kept talking until late."
    for n in range(120)
)


def _image() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 48), (30, 80, 140)).save(buffer, "PNG")
    return buffer.getvalue()


def url_for_token(token: str) -> str:
    return f"https://practice.example.org/h/{token}"


def build_couple(counselor, first: str, note: str):
    """A couple with a reviewed session (shared, private and held-back entries), two open
    homework assignments, long notes and a personal link for each partner."""
    couple = make_couple(counselor, (first, "Ben Okafor"), goals=f"Qgoals {note}")
    one, two = couple.partners
    session = add_session(
        couple,
        datetime(2025, 3, 14, 15, 30),
        duration_minutes=75,
        format="video",
        focus=f"Qfocus {note}",
        couple_summary=f"Qsummary {note}\n\n{LONG_LATIN}",
        next_steps=f"Qnextsteps {note}",
        next_appointment_at=datetime(2025, 3, 21, 15, 30),
        private_notes=f"Qsessionprivate {note}",
    )
    reviewed = {"reviewed_session_id": session.id, "reviewed_at": datetime(2025, 3, 14)}
    gratitude = add_assignment(couple, "Gratitude list", review_remarks="Qremarks", **reviewed)
    add_entry(
        gratitude,
        one,
        answers={"moment": f"Qshared {note} {LONG_LATIN}", "thanks": ["Qtea", note]},
        private_note=f"Qboxprivate {note}",
        completion_note="Qcompletion",
    )
    add_entry(gratitude, two, visibility="counselor", answers={"moment": f"Qentryprivate {note}"})
    waiting = add_assignment(couple, "Weekly check-in", **reviewed)
    add_entry(waiting, one, visibility="after_both", answers={"moment": "Qheldback"})
    today = utcnow().date()
    add_assignment(
        couple,
        "Soft start-up",
        due=today + timedelta(days=5),
        frequency="daily",
        created_at=utcnow(),
        note="Qopennote try it at breakfast",
    )
    add_assignment(
        couple,
        "Date night",
        due=today + timedelta(days=12),
        frequency="weekly",
        times_per_week=2,
        created_at=utcnow(),
    )
    now = utcnow()
    for partner in couple.partners:
        issue_access(partner, secret_key=SECRET, now=now, expires_at=now + timedelta(days=60))
    db.session.flush()
    return couple, session


FURNITURE = (
    "Confidential",
    "Calm Harbor Counseling",
    "In a crisis, call 116 123 (free, any time).",
    "Session summary",
    "Full record",
)
PRIVATE = ("Qsessionprivate", "Qboxprivate", "Qentryprivate", "Qheldback")


def documents(couple, session) -> dict[str, bytes]:
    practice = practice_settings()
    letterhead = practice.letterhead(practice_logo(practice))
    now = utcnow()
    out = {}
    for copy in ("couple", "counselor"):
        summary = printouts.session_summary(
            session, copy, secret_key=SECRET, now=now, url_for_token=url_for_token
        )
        out[f"summary-{copy}"] = session_summary_pdf(summary, letterhead=letterhead)
    record = printouts.couple_record(couple, "counselor", now=now)
    out["record"] = couple_record_pdf(record, letterhead=letterhead, page_size="letter")
    out["link-handout"] = render_partner_handout(
        practice_name=letterhead.name,
        letterhead=letterhead,
        counselor_name="Dr. Rivera",
        partner_first_name=couple.partners[0].display_name,
        url=url_for_token("x" * 43),
        expires="Wednesday 30 April 2025",
        homework=[("Gratitude list", printouts.paper_date(date(2025, 3, 20)))],
    )
    return out


@pytest.fixture
def practice(app):
    with app.app_context():
        save_practice(
            name="Calm Harbor Counseling",
            timezone="Europe/London",
            address="12 Quay Street, Portsmouth",
            phone="+44 23 9200 0000",
            website="calmharbor.example",
            crisis_line="In a crisis, call 116 123 (free, any time).",
            logo=_image(),
        )
        counselor = make_counselor(email="rivera@example.org", name="Dr. Rivera")
        db.session.commit()
        yield counselor


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_every_document_prints_every_script_with_real_glyphs(app, practice, script):
    name, note = SCRIPTS[script]
    couple, session = build_couple(practice, name, note)
    for kind, data in documents(couple, session).items():
        assert missing_glyphs(data) == [], (kind, missing_glyphs(data)[:10])
        assert fonts_not_embedded(data) == [], kind
        # Every sheet a client may be handed carries the crisis line on every page.
        assert pdf_text(data).count("In a crisis, call 116 123") == page_count(data), kind
        text = pdf_text(data)
        letters = {ch for ch in unicodedata.normalize("NFKC", name) if ch.isalpha()}
        assert letters <= set(text), (kind, letters - set(text))
        if kind != "link-handout":
            note_letters = {ch for ch in unicodedata.normalize("NFKC", note) if ch.isalpha()}
            assert note_letters <= set(text), (kind, note_letters - set(text))
        save_renderings(data, f"{kind}-{script}", pages=2)


def test_couple_copy_has_everything_shared_in_full_and_nothing_private(app, practice):
    couple, session = build_couple(practice, "Ana Silva", "Qnote")
    data = documents(couple, session)["summary-couple"]
    text = pdf_text(data)
    save_renderings(data, "summary-couple", pages=3)
    # The long answer and the long summary, word for word across pages: nothing cut.
    body = body_text(data, FURNITURE)
    assert body.count(LONG_LATIN) == 2
    for shared in (
        "Qsummary",
        "Qfocus",
        "Qnextsteps",
        "Qshared",
        "Qtea",
        "Qcompletion",
        "Qremarks",
        "Gratitude list",
    ):
        assert shared in text, shared
    for private in PRIVATE:
        assert private not in text, private
    assert "PRIVATE" not in text and "counselor only" not in text
    # Names, not numbers; the prompt then the answer, with no colon glued to the question.
    assert "Partner 1" not in text and "Partner 2" not in text
    assert "A moment you felt close Qshared" in text
    assert "close:" not in text
    # The header names the practice's letterhead, the couple and counselor once.
    assert text.count("Ana Silva and Ben Okafor · with Dr. Rivera") == 1
    assert "12 Quay Street, Portsmouth" in text and "calmharbor.example" in text
    assert text.count("In a crisis, call 116 123") == page_count(data)
    # Until next time: every open homework with its due date and how often.
    until = text[text.index("Until next time") :]
    for line in ("Soft start-up", "every day", "Date night", "2 times a week", "Qopennote"):
        assert line in until, line
    due = utcnow().date() + timedelta(days=5)
    assert printouts.paper_date(due) in until
    # Each partner's own link, on its own half of the last page.
    assert "For Ana Silva only" in text and "For Ben Okafor only" in text
    assert text.count("https://practice.example.org/h/") == 2
    assert "Confidential" in text and f"Page 1 of {page_count(data)}" in text


def test_no_page_is_left_mostly_empty_by_a_forced_break(app, practice):
    couple, session = build_couple(practice, "Ana Silva", "Qnote")
    data = documents(couple, session)["summary-couple"]
    from io import BytesIO

    from pypdf import PdfReader

    pages = [page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages]
    # The last page holds the links to cut apart, the one before it ends the summary: every
    # page before those is well filled (a heading over a long answer used to leave a page
    # almost empty).
    assert "For Ana Silva only" in pages[-1] and "Next appointment" in pages[-2]
    for number, page in enumerate(pages[:-2], start=1):
        assert len(page) > 1500, (number, len(page))


def test_counselor_copy_adds_every_private_piece_marked(app, practice):
    couple, session = build_couple(practice, "Ana Silva", "Qnote")
    docs = documents(couple, session)
    counselor, couple_text = pdf_text(docs["summary-counselor"]), pdf_text(docs["summary-couple"])
    save_renderings(docs["summary-counselor"], "summary-counselor", pages=3)
    for private in PRIVATE:
        assert private in counselor, private
    # Session notes, the private entry and the "only my counselor" box: each marked.
    assert counselor.count("PRIVATE · counselor only") >= 3
    assert "Counselor copy — contains private notes, not for the couple" in counselor
    # Everything on the couple copy is on the counselor copy (but the links to cut apart).
    for marker in ("Qsummary", "Qshared", "Qtea", "Qcompletion", "Qremarks", "Qopennote"):
        assert marker in counselor, marker
    assert body_text(docs["summary-counselor"], FURNITURE).count(LONG_LATIN) == 2
    assert "https://practice.example.org/h/" not in counselor
    assert "https://practice.example.org/h/" in couple_text


def test_full_record_holds_everything_the_json_export_holds(app, practice):
    couple, session = build_couple(practice, "Ana Silva", "Qnote")
    add_session(
        couple, datetime(2025, 1, 10, 9, 0), focus="Qfirstfocus", private_notes="Qfirstprivate"
    )
    add_assignment(couple, "Never reviewed", created_at=datetime(2025, 1, 3))
    entry = add_entry(
        _last_assignment(couple), couple.partners[1], answers={"moment": "Qneverreviewed"}
    )
    db.session.commit()
    data = documents(couple, session)["record"]
    save_renderings(data, "record", pages=3)
    text = body_text(data, FURNITURE)
    export = export_record(couple, utcnow(), registered(app))
    assert "Contents" in text and "The couple" in text and "Homework" in text
    assert export["couple"]["goals"].split()[0] in text
    for assignment in export["assignments"]:
        assert assignment["title"] in text
        for item in assignment["entries"]:
            for value in _strings(item["answers"]):
                assert " ".join(value.split()) in text, (item["id"], value[:40])
            for field in ("completion_note", "private_note"):
                if item[field]:
                    assert item[field] in text, (item["id"], field)
    for counseling_session in export["sessions"]:
        for field in ("focus", "couple_summary", "next_steps", "private_notes"):
            value = counseling_session[field]
            if value:
                assert " ".join(value.split()) in text, (counseling_session["id"], field)
    assert "Qneverreviewed" in text and entry.id
    assert text.count("PRIVATE · counselor only") >= 4


def _last_assignment(couple):
    from sqlalchemy import select

    from practice.homework.models import Assignment

    return db.session.execute(
        select(Assignment)
        .where(Assignment.couple_id == couple.id)
        .order_by(Assignment.id.desc())
        .limit(1)
    ).scalar_one()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []
