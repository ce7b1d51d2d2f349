"""The couple page's one link box per partner: copy, print, send, new link, turn off; and the
couple leaving care ends the links."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.partner.models import PartnerAccess
from tests.factories import make_counselor, make_couple
from tests.partner.test_home import assign

HOME_LINK = re.compile(r'value="(http://localhost/h/[A-Za-z0-9_-]{43})"')


def _couple_with_homework(app, counselor, titles=("Daily check-in", "Love letters")):
    with app.app_context():
        couple = make_couple(counselor)
        for title in titles:
            assign(couple, title)
        db.session.commit()
        return couple.id, [p.id for p in couple.partners]


def test_one_link_box_per_partner_not_one_per_homework(app, signed_in, counselor):
    couple_id, _ = _couple_with_homework(app, counselor, ("One", "Two", "Three"))
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    links = HOME_LINK.findall(page)
    assert len(links) == 2 and len(set(links)) == 2
    assert page.count("Print handout (PDF)") == 2
    # Each opens that partner's home with all three homework.
    home = signed_in.get(links[0].removeprefix("http://localhost")).get_data(as_text=True)
    assert all(title in home for title in ("One", "Two", "Three"))


def test_new_link_asks_first_then_the_old_link_and_handout_stop_working(app, signed_in, counselor):
    couple_id, (ana, ben) = _couple_with_homework(app, counselor)
    old = HOME_LINK.findall(signed_in.get(f"/couples/{couple_id}").get_data(as_text=True))
    confirm = signed_in.get(f"/couples/{couple_id}/partners/{ana}/link/new")
    assert confirm.status_code == 200
    assert "handout they took home" in confirm.get_data(as_text=True)
    assert signed_in.get(old[0].removeprefix("http://localhost")).status_code == 200  # not yet
    done = signed_in.post(f"/couples/{couple_id}/partners/{ana}/link/new")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"#link-{ana}")
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    new = HOME_LINK.findall(page)
    assert new[0] != old[0] and new[1] == old[1]  # Ben's is untouched
    assert signed_in.get(old[0].removeprefix("http://localhost")).status_code == 404
    assert signed_in.get(new[0].removeprefix("http://localhost")).status_code == 200
    with app.app_context():
        event = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "link.reissue")
        ).scalar_one()
        assert new[0].rsplit("/", 1)[1] not in (event.detail or "")


def test_turn_off_asks_first_then_the_link_stops_and_a_new_one_can_be_made(
    app, signed_in, counselor
):
    couple_id, (ana, _) = _couple_with_homework(app, counselor)
    old = HOME_LINK.findall(signed_in.get(f"/couples/{couple_id}").get_data(as_text=True))[0]
    confirm = signed_in.get(f"/couples/{couple_id}/partners/{ana}/link/off")
    assert "stops working at once" in confirm.get_data(as_text=True)
    assert signed_in.post(f"/couples/{couple_id}/partners/{ana}/link/off").status_code == 302
    assert signed_in.get(old.removeprefix("http://localhost")).status_code == 404
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    assert "The link was turned off." in page and len(HOME_LINK.findall(page)) == 1
    assert f"/couples/{couple_id}/partners/{ana}/link/handout.pdf" not in page
    signed_in.post(f"/couples/{couple_id}/partners/{ana}/link/new")
    assert (
        len(HOME_LINK.findall(signed_in.get(f"/couples/{couple_id}").get_data(as_text=True))) == 2
    )


def test_handout_is_one_page_with_practice_counselor_link_and_current_homework(
    app, signed_in, counselor
):
    couple_id, (ana, _) = _couple_with_homework(app, counselor)
    link = HOME_LINK.findall(signed_in.get(f"/couples/{couple_id}").get_data(as_text=True))[0]
    response = signed_in.get(f"/couples/{couple_id}/partners/{ana}/link/handout.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Harbor Counseling", "Dr. Rivera", "Ana", "Daily check-in", "Love letters"):
        assert expected in text, expected
    assert link in text.replace(" ", "")


def test_another_counselors_partner_is_404(app, signed_in, counselor):
    with app.app_context():
        other = make_counselor(email="other@example.org")
        theirs = make_couple(other)
        assign(theirs, "Theirs")
        db.session.commit()
        couple_id, partner_id = theirs.id, theirs.partners[0].id
    mine, (ana, _) = _couple_with_homework(app, counselor)
    for path in (
        f"/couples/{couple_id}/partners/{partner_id}/link/new",
        f"/couples/{couple_id}/partners/{partner_id}/link/off",
        f"/couples/{couple_id}/partners/{partner_id}/link/handout.pdf",
        f"/couples/{mine}/partners/{partner_id}/link/new",  # my couple, their partner
    ):
        assert signed_in.get(path).status_code == 404, path
    assert signed_in.post(f"/couples/{couple_id}/partners/{partner_id}/link/off").status_code == 404


def test_archiving_ends_the_links_and_deleting_removes_them(app, signed_in, counselor):
    couple_id, _ = _couple_with_homework(app, counselor)
    links = HOME_LINK.findall(signed_in.get(f"/couples/{couple_id}").get_data(as_text=True))
    signed_in.post(f"/couples/{couple_id}/archive")
    for link in links:
        assert signed_in.get(link.removeprefix("http://localhost")).status_code == 404
    signed_in.post(f"/couples/{couple_id}/restore")
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    assert "The couple was archived." in page  # restoring does not bring the old link back
    for link in links:
        assert signed_in.get(link.removeprefix("http://localhost")).status_code == 404
    with app.app_context():
        from practice.couples.models import Couple

        db.session.delete(db.session.get(Couple, couple_id))
        db.session.commit()
        assert db.session.execute(select(PartnerAccess)).first() is None
