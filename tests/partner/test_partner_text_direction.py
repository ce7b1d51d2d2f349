"""Hebrew and Arabic typed into the partner's boxes run in their own direction, and names in
sentences are isolated so the sentence around them keeps its order."""

from __future__ import annotations

import re

from practice.extensions import db
from tests.factories import make_assignment, make_counselor, make_couple


def test_every_free_text_box_is_dir_auto_and_names_are_isolated(app, client):
    with app.app_context():
        couple = make_couple(make_counselor(), ("يوسف حداد", "נועה כהן"))
        _, tokens = make_assignment(couple, note="خذ وقتك")
        db.session.commit()
        token = tokens[couple.partners[0].id]
    page = client.get(f"/h/{token}", follow_redirects=True).get_data(as_text=True)
    boxes = re.findall(r"<(?:textarea|input type=\"text\")[^>]*>", page)
    assert boxes and all('dir="auto"' in box for box in boxes), boxes
    assert "<h1>Hi <bdi>يوسف</bdi></h1>" in page
    assert '<p class="prewrap" dir="auto">خذ وقتك</p>' in page


def boxes_without_direction(page: str) -> list[str]:
    """Text boxes on the page (textarea, text and search inputs) that lack dir="auto"."""
    boxes = re.findall(r"<textarea[^>]*>|<input[^>]*>", page)
    typed = [box for box in boxes if "<textarea" in box or re.search(r'type="(text|search)"', box)]
    # The link boxes hold an address, and the hidden username helps password managers.
    return [
        box
        for box in typed
        if 'dir="auto"' not in box and "readonly" not in box and " hidden" not in box
    ]


def test_the_counselors_boxes_take_any_script_and_names_keep_sentences_in_order(app, signed_in):
    with app.app_context():
        couple = make_couple(make_counselor(), ("يوسف حداد", "נועה כהן"))
        db.session.commit()
        mine = make_couple(db.session.merge(_admin(app)), ("يوسف حداد", "נועה כהן"))
        make_assignment(mine, note="خذ وقتك", due_in_days=2)
        db.session.commit()
        couple_id, other_id = mine.id, couple.id
    for path in (
        "/couples/new",
        f"/couples/{couple_id}/edit",
        f"/couples/{couple_id}/sessions/new",
        "/couples/",
        "/library/",
    ):
        page = signed_in.get(path).get_data(as_text=True)
        assert "<textarea" in page or "<input" in page, path
        assert boxes_without_direction(page) == [], path
    page = signed_in.get(f"/couples/{couple_id}").get_data(as_text=True)
    assert "<h1><bdi>يوسف حداد &amp; נועה כהן</bdi></h1>" in page
    assert "<h2><bdi>נועה כהן</bdi></h2>" in page
    assert "<bdi>خذ وقتك</bdi>" in page
    dashboard = signed_in.get("/").get_data(as_text=True)
    assert "<bdi>يوسف حداد &amp; נועה כהן</bdi></a>" in dashboard
    assert signed_in.get(f"/couples/{other_id}").status_code == 404


def _admin(app):
    from sqlalchemy import select

    from practice.auth.models import Counselor

    return db.session.execute(
        select(Counselor).where(Counselor.email == "admin@example.org")
    ).scalar_one()
