"""The time zone picker: today's names, grouped by region, the browser's zone first (script)."""

from __future__ import annotations

import re

from practice import timezones
from practice.auth.models import Counselor
from practice.extensions import db


def account_page(client) -> str:
    response = client.get("/account")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_zones_are_grouped_by_region_with_current_names(signed_in):
    page = account_page(signed_in)
    select = re.search(r'<select[^>]*id="settings-timezone"[^>]*>(.*?)</select>', page, re.S)[1]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups[:2] == ["Universal", "Africa"] and "Europe" in groups and "Americas" in groups
    assert '<option value="Europe/Kyiv">Kyiv, Ukraine (UTC+' in select
    assert 'value="Asia/Kolkata"' in select
    for old in ("Europe/Kiev", "Asia/Calcutta", "US/Eastern", "GMT+0", "Etc/GMT", "posixrules"):
        assert f'value="{old}"' not in select
    options = re.findall(r"<option ", select)
    assert 300 < len(options) < 450  # one per place people live, not ~600 aliases


def test_saving_a_zone_and_a_saved_old_name_shows_as_its_current_one(app, signed_in, counselor):
    page = account_page(signed_in)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"settings-timezone": "Asia/Kolkata"}
    if csrf:
        data["settings-csrf_token"] = csrf.group(1)
    response = signed_in.post("/account", data=data)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Counselor, counselor.id).timezone == "Asia/Kolkata"
        db.session.get(Counselor, counselor.id).timezone = "Europe/Kiev"
        db.session.commit()
    page = account_page(signed_in)
    assert re.search(r'<option (selected value="Europe/Kyiv"|value="Europe/Kyiv" selected)', page)


def test_a_zone_outside_the_list_is_refused_beside_the_field(signed_in):
    response = signed_in.post("/account", data={"settings-timezone": "Mars/Olympus_Mons"})
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page


def test_aliases_cover_what_browsers_still_report():
    aliases = timezones.aliases()
    assert aliases["Asia/Calcutta"] == "Asia/Kolkata"
    assert aliases["Europe/Kiev"] == "Europe/Kyiv"
    assert "Asia/Kolkata" not in aliases
