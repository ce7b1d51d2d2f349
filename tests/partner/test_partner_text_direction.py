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
