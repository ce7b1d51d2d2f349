"""Couples: create, edit, find, archive; only ever the counselor's own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from practice.couples.models import Couple, Partner
from practice.extensions import db
from tests.factories import make_counselor, make_couple


def couple_form(name1="Ana Silva", name2="Ben Okafor", **extra):
    data = {
        "partner1-display_name": name1,
        "partner1-email": "",
        "partner1-pronouns": "",
        "partner2-display_name": name2,
        "partner2-email": "",
        "partner2-pronouns": "",
        "goals": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def other_couple(app):
    """A couple that belongs to a different counselor."""
    with app.app_context():
        other = make_counselor(email="other@example.org", name="Dr. Other")
        couple = make_couple(other, ("Secret Person", "Hidden Partner"))
        db.session.commit()
        return couple.id


def test_create_couple_with_both_partners(app, signed_in):
    response = signed_in.post(
        "/couples/new",
        data=couple_form(
            "Zoë O'Brien",
            "李 小龙 🌸",
            **{
                "partner1-pronouns": "she/her",
                "partner2-email": "li@example.org",
                "goals": "Fight less",
            },
        ),
    )
    assert response.status_code == 302
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zoë O&#39;Brien &amp; 李 小龙 🌸" in page
    assert "she/her" in page and "li@example.org" in page and "Fight less" in page
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Partner)).scalar_one() == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"partner1-display_name": ""}, "Enter this partner&#39;s name."),
        ({"partner2-display_name": "x" * 81}, "Keep this to 80 characters or fewer."),
        ({"partner2-email": "nope"}, "Enter an email address like name@example.com."),
        ({"goals": "g" * 5001}, "Keep this to 5,000 characters or fewer."),
        ({"goals": "null\x00byte"}, "Remove the invisible control characters"),
    ],
)
def test_bad_couple_input_is_explained_and_everything_typed_is_kept(app, signed_in, extra, message):
    data = couple_form("Keep Me", "Also Kept", **{"partner1-pronouns": "they/them"})
    data.update(extra)
    response = signed_in.post("/couples/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "they/them" in page
    assert "Also Kept" in page or extra.get("partner2-display_name")
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Couple)).scalar_one() == 0


def test_html_in_names_is_shown_as_text(signed_in):
    response = signed_in.post(
        "/couples/new", data=couple_form("<script>alert(1)</script>", "<b>Bold</b>")
    )
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_edit_couple(app, signed_in, counselor):
    with app.app_context():
        couple_id = make_couple(db.session.merge(counselor)).id
        db.session.commit()
    form_page = signed_in.get(f"/couples/{couple_id}/edit").get_data(as_text=True)
    assert 'value="Ana Silva"' in form_page
    response = signed_in.post(
        f"/couples/{couple_id}/edit",
        data=couple_form("Ana Silva-Okafor", "Ben Okafor", goals="Trust"),
    )
    assert response.status_code == 302
    with app.app_context():
        couple = db.session.get(Couple, couple_id)
        assert couple.name == "Ana Silva-Okafor & Ben Okafor"
        assert couple.goals == "Trust"


def test_search_by_either_partner_and_filter_by_status(app, signed_in, counselor):
    with app.app_context():
        me = db.session.merge(counselor)
        make_couple(me, ("Amélie Dubois", "Carlos Ruiz"))
        make_couple(me, ("Dana Levi", "Eitan Levi"))
        make_couple(me, ("Farah Khan", "Gus Grant"), status="archived")
        db.session.commit()
    page = signed_in.get("/couples/?q=carlos").get_data(as_text=True)
    assert "Amélie Dubois" in page and "Dana Levi" not in page
    page = signed_in.get("/couples/?q=AMÉLIE").get_data(as_text=True)
    assert (
        "Carlos Ruiz" in page or "Amélie" in page
    )  # Unicode case folding is best effort on SQLite
    page = signed_in.get("/couples/?q=levi").get_data(as_text=True)
    assert "Dana Levi" in page and "Carlos" not in page
    page = signed_in.get("/couples/").get_data(as_text=True)
    assert "Farah Khan" not in page
    page = signed_in.get("/couples/?status=archived").get_data(as_text=True)
    assert "Farah Khan" in page and "Dana Levi" not in page
    page = signed_in.get("/couples/?q=100%25").get_data(as_text=True)
    assert "No couples match" in page


def test_archive_and_restore(app, signed_in, counselor):
    with app.app_context():
        couple_id = make_couple(db.session.merge(counselor)).id
        db.session.commit()
    signed_in.post(f"/couples/{couple_id}/archive")
    assert f'href="/couples/{couple_id}"' not in signed_in.get("/couples/").get_data(as_text=True)
    assert "Archived" in signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    signed_in.post(f"/couples/{couple_id}/restore")
    assert f'href="/couples/{couple_id}"' in signed_in.get("/couples/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/couples/{id}"),
        ("get", "/couples/{id}/edit"),
        ("post", "/couples/{id}/edit"),
        ("post", "/couples/{id}/archive"),
        ("post", "/couples/{id}/restore"),
    ],
)
def test_another_counselors_couple_is_404_and_untouched(app, signed_in, other_couple, method, path):
    response = getattr(signed_in, method)(
        path.format(id=other_couple), data=couple_form("Hacked", "Hacked")
    )
    assert response.status_code == 404
    assert "Secret Person" not in response.get_data(as_text=True)
    with app.app_context():
        couple = db.session.get(Couple, other_couple)
        assert couple.status == "active"
        assert couple.name == "Secret Person & Hidden Partner"


def test_other_counselors_couples_never_listed(signed_in, other_couple):
    assert "Secret Person" not in signed_in.get("/couples/?status=all&q=secret").get_data(
        as_text=True
    )
