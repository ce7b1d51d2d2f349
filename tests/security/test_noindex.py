"""Partner pages are capabilities: robots must stay away (the header and the meta tag), so
a link that leaks into a public place is not indexed. Nothing else here is for robots
either."""

from __future__ import annotations

import pytest

from practice.extensions import db
from tests.factories import make_assignment, make_couple, make_partner_home_token

META = '<meta name="robots" content="noindex, nofollow">'


@pytest.fixture
def token(app, counselor):
    with app.app_context():
        couple = make_couple(db.session.merge(counselor))
        assignment, _ = make_assignment(couple)
        token = make_partner_home_token(assignment, couple.partners[0])
        db.session.commit()
        return token


def test_partner_pages_tell_robots_to_stay_away(client, token):
    for path in (f"/h/{token}", f"/h/{'x' * 43}"):  # the home, and the kind page of a bad link
        response = client.get(path)
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow", path
        assert META in response.get_data(as_text=True), path


def test_every_other_answer_says_so_too(client, signed_in):
    for path in ("/login", "/", "/healthz", "/static/css/app.css", "/no-such-page"):
        response = client.get(path)
        response.close()  # the static file's handle
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow", path
