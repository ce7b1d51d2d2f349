"""The practice's details: the administrator's page, the logo check, the fallback to the
environment, and the migration."""

from __future__ import annotations

import base64
import io

import pytest
from flask_migrate import downgrade, upgrade
from PIL import Image
from sqlalchemy import select

from practice.extensions import db
from practice.settings.models import PracticeSettings
from practice.settings.services import (
    LogoError,
    check_logo,
    practice_logo,
    practice_settings,
    save_practice,
)
from tests.factories import make_counselor


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, kind)
    return buffer.getvalue()


FORM = {
    "practice_name": "Calm Harbor Counseling",
    "address": "12 Quay Street\nPortsmouth",
    "phone": "+44 23 9200 0000",
    "website": "calmharbor.example",
    "crisis_line": "In a crisis, call 116 123 (Samaritans, free, any time).",
    "paper_size": "letter",
    "timezone": "Europe/London",
}


def test_before_anything_is_saved_the_environment_answers(app):
    app.config.update(PAPER_SIZE="LETTER", DEFAULT_TIMEZONE="America/Chicago")
    with app.app_context():
        practice = practice_settings()
    assert (practice.name, practice.paper_size, practice.timezone) == (
        "Harbor Counseling",
        "letter",
        "America/Chicago",
    )
    assert practice.saved is False


def test_administrator_saves_the_practice_and_every_page_shows_it(app, signed_in):
    page = signed_in.get("/settings/practice")
    assert page.status_code == 200
    assert 'value="Harbor Counseling"' in page.get_data(as_text=True)

    response = signed_in.post("/settings/practice", data=FORM)
    assert response.status_code == 302
    dashboard = signed_in.get("/", follow_redirects=True)
    assert "Calm Harbor Counseling" in dashboard.get_data(as_text=True)
    with app.app_context():
        practice = practice_settings()
        row = db.session.execute(select(PracticeSettings)).scalar_one()
    assert practice.saved and practice.address == "12 Quay Street\nPortsmouth"
    assert (practice.paper_size, practice.timezone) == ("letter", "Europe/London")
    assert practice.crisis_line.startswith("In a crisis")
    assert row.id == 1


def test_saving_twice_keeps_one_row(app, signed_in):
    signed_in.post("/settings/practice", data=FORM)
    signed_in.post("/settings/practice", data={**FORM, "practice_name": "Harbor Two"})
    with app.app_context():
        rows = db.session.execute(select(PracticeSettings)).scalars().all()
    assert [row.name for row in rows] == ["Harbor Two"]


def test_only_the_administrator_sees_the_page(app, client, auth, counselor):
    with app.app_context():
        make_counselor(email="colleague@example.org", name="Sam Lee")
        db.session.commit()
    auth.login("colleague@example.org")
    assert client.get("/settings/practice").status_code == 404
    assert client.post("/settings/practice", data=FORM).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"practice_name": ""}, "Enter the practice&#39;s name."),
        ({"practice_name": "x" * 121}, "Keep this to 120 characters or fewer."),
        ({"timezone": "Mars/Olympus_Mons"}, "Not a valid choice"),
        ({"paper_size": "a3"}, "Not a valid choice"),
        ({"phone": "0\x00800"}, "invisible control characters"),
    ],
)
def test_bad_input_is_answered_beside_the_field_and_kept(signed_in, change, message):
    response = signed_in.post("/settings/practice", data={**FORM, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "12 Quay Street" in page  # what was typed stays


def test_logo_upload_preview_and_removal(app, signed_in):
    png = image_bytes("PNG")
    response = signed_in.post(
        "/settings/practice",
        data={**FORM, "logo": (io.BytesIO(png), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = 'src="data:image/png;base64,' + base64.b64encode(png).decode()
    assert preview in signed_in.get("/settings/practice").get_data(as_text=True)
    # Saving again without a file keeps the logo; the box removes it.
    signed_in.post("/settings/practice", data=FORM)
    assert preview in signed_in.get("/settings/practice").get_data(as_text=True)
    signed_in.post("/settings/practice", data={**FORM, "remove_logo": "y"})
    assert "data:image" not in signed_in.get("/settings/practice").get_data(as_text=True)
    with app.app_context():
        assert practice_settings().logo_type is None
        assert practice_logo(practice_settings()) is None


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<script>alert(1)</script>", "logo.png", "not a PNG or JPEG image"),
        (image_bytes("GIF"), "logo.gif", "Choose a PNG or JPEG image."),
        (image_bytes("PNG")[:60], "cut.png", "not a PNG or JPEG image"),
        (b"\x89PNG" + b"0" * (300 * 1024), "huge.png", "under 256 KB"),
    ],
)
def test_a_file_that_is_not_a_small_image_is_refused(app, signed_in, data, name, message):
    response = signed_in.post(
        "/settings/practice",
        data={**FORM, "logo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(PracticeSettings)).scalar_one_or_none() is None


def test_check_logo_accepts_jpeg_and_refuses_giant_dimensions():
    assert check_logo(image_bytes("JPEG"))[1] == "image/jpeg"
    with pytest.raises(LogoError, match="4000 pixels"):
        check_logo(image_bytes("PNG", (4100, 10)))


def test_printouts_use_the_saved_name_and_paper(app, signed_in):
    from pypdf import PdfReader

    from tests.factories import make_exercise

    with app.app_context():
        slug = make_exercise().slug
        db.session.commit()
    signed_in.post("/settings/practice", data=FORM)
    response = signed_in.get(f"/library/{slug}/handout.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    assert round(float(reader.pages[0].mediabox.width)) == 612  # US Letter
    assert "Calm Harbor Counseling" in reader.pages[0].extract_text()


def test_the_logo_prints_but_pages_do_not_read_it(app, signed_in):
    """Every page reads the practice's details; only printouts and the settings page read
    the logo's bytes (up to 256 KB), and the printout still carries it."""
    from pypdf import PdfReader
    from sqlalchemy import event

    from tests.factories import make_exercise

    with app.app_context():
        slug = make_exercise().slug
        db.session.commit()
    signed_in.post(
        "/settings/practice",
        data={**FORM, "logo": (io.BytesIO(image_bytes()), "logo.png")},
        content_type="multipart/form-data",
    )
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert signed_in.get("/").status_code == 200  # the dashboard
        on_page = [s for s in statements if "practice_settings" in s]
        statements.clear()
        response = signed_in.get(f"/library/{slug}/handout.pdf")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert on_page and not any("practice_settings.logo," in s for s in on_page), on_page
    assert any("practice_settings.logo" in s for s in statements)
    images = PdfReader(io.BytesIO(response.data)).pages[0].images
    assert len(images) == 1 and images[0].image.size == (40, 20)


def test_migration_runs_down_and_up_over_a_saved_practice(app_config):
    from practice import create_app

    app = create_app(app_config)
    with app.app_context():
        upgrade()
        save_practice(name="Calm Harbor", timezone="Europe/Paris", logo=image_bytes())
        db.session.commit()
        db.session.remove()
        downgrade(revision="0008_partner_access")
        upgrade()
        assert practice_settings().saved is False  # the table came back empty
        save_practice(name="Calm Harbor", timezone="Europe/Paris")
        db.session.commit()
        assert practice_settings().name == "Calm Harbor"
        db.session.remove()
        db.engine.dispose()
