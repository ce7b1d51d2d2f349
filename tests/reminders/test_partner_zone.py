"""Each partner's time zone for reminders, set on the couple form."""

from __future__ import annotations

from sqlalchemy import select

from practice.couples.models import Couple
from practice.extensions import db
from practice.reminders.models import ReminderPreference
from practice.reminders.preferences import partner_zones

FORM = {
    "partner1-display_name": "Ana Silva",
    "partner1-email": "ana@example.org",
    "partner2-display_name": "Ben Okafor",
    "partner2-email": "",
}


def test_a_partner_zone_is_saved_shown_and_cleared(app, signed_in):
    response = signed_in.post("/couples/new", data={**FORM, "partner1-timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    with app.app_context():
        couple = db.session.execute(select(Couple)).scalar_one()
        ana, ben = (p.id for p in couple.partners)
        assert partner_zones([ana, ben]) == {ana: "Asia/Tokyo"}
        couple_id = couple.id
    page = signed_in.get(f"/couples/{couple_id}/edit").get_data(as_text=True)
    assert '<option selected value="Asia/Tokyo">' in page

    signed_in.post(f"/couples/{couple_id}/edit", data={**FORM, "partner1-timezone": ""})
    with app.app_context():
        assert partner_zones([ana, ben]) == {}
        assert db.session.execute(select(ReminderPreference.partner_id)).scalars().all() == [ana]


def test_an_unknown_zone_is_refused_next_to_the_field(app, signed_in):
    response = signed_in.post("/couples/new", data={**FORM, "partner1-timezone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert "Ana Silva" in response.get_data(as_text=True)  # what was typed is kept
