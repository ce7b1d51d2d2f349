"""A link pasted with the sentence's "." or ")" or a space still opens the partner's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app

from practice.extensions import db
from practice.partner import access
from practice.timeutil import utcnow
from tests.factories import make_assignment, make_counselor, make_couple


@pytest.fixture
def token(app):
    with app.app_context():
        couple = make_couple(make_counselor(), ("Yusuf Haddad", "Noa Cohen"))
        make_assignment(couple)
        partner = couple.partners[0]
        _row, issued = access.issue_access(
            partner,
            secret_key=current_app.config["SECRET_KEY"],
            now=utcnow(),
            expires_at=utcnow() + timedelta(days=30),
        )
        db.session.commit()
        return issued


@pytest.mark.parametrize("tail", [".", ")", "%20", ").", ",", ">"])
def test_trailing_characters_are_stripped(client, token, tail):
    response = client.get(f"/h/{token}{tail}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/h/{token}"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "does not work" not in page.get_data(as_text=True)


def test_a_clean_link_opens_directly(client, token):
    assert client.get(f"/h/{token}").status_code == 200


def test_only_junk_is_still_the_kind_page(client):
    assert client.get("/h/).").status_code == 404


def test_a_wrong_token_with_a_tail_is_still_the_kind_page(client, token):
    response = client.get(f"/h/{token[:-3]}xyz.", follow_redirects=True)
    assert response.status_code == 404
