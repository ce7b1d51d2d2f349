"""A counselor who forgot their password: the administrator makes a one-time link, shown once,
that works for an hour and signs the counselor out everywhere when used."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.passwords import services
from practice.passwords.models import PasswordReset
from practice.timeutil import utcnow
from tests.factories import TEST_PASSWORD, make_counselor

NEW_PASSWORD = "lantern orchard ferry velvet"


@pytest.fixture
def forgetful(app):
    with app.app_context():
        counselor = make_counselor(email="forgetful@example.org", name="Dr. Noor Haddad")
        db.session.commit()
        return counselor.id


def make_link_on_team_page(signed_in, forgetful) -> str:
    team = signed_in.get("/team").get_data(as_text=True)
    assert "Password reset link for Dr. Noor Haddad" in team
    response = signed_in.post(f"/team/{forgetful}/password-reset")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "works <strong>once</strong>, for <strong>1 hour</strong>" in page
    assert response.headers["Referrer-Policy"] == "no-referrer"
    return re.search(r'value="(http://localhost/password/reset/[^"]+)"', page).group(1)


def test_admin_makes_a_link_and_the_counselor_sets_a_new_password(app, signed_in, forgetful):
    url = make_link_on_team_page(signed_in, forgetful)
    path = url.removeprefix("http://localhost")
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.execute(select(PasswordReset)).scalar_one()
        assert token not in (stored.token_hash, str(stored.id)) and len(token) >= 40
        assert stored.expires_at - stored.created_at == timedelta(hours=1)

    # The counselor, signed in elsewhere before, opens the link in another browser.
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": "forgetful@example.org", "password": TEST_PASSWORD})
    assert elsewhere.get("/").status_code == 200

    visitor = app.test_client()
    form = visitor.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"

    weak = visitor.post(path, data={"new_password": "short"})
    assert "Use between 12 and" in weak.get_data(as_text=True)
    common = visitor.post(path, data={"new_password": "password1234"})
    assert "list of common passwords" in common.get_data(as_text=True)

    done = visitor.post(path, data={"new_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert "Your new password is set" in visitor.get("/login").get_data(as_text=True)

    # The old password no longer works, the new one does, and the other browser is out.
    old = app.test_client().post(
        "/login", data={"email": "forgetful@example.org", "password": TEST_PASSWORD}
    )
    assert old.status_code != 302
    fresh = app.test_client().post(
        "/login", data={"email": "forgetful@example.org", "password": NEW_PASSWORD}
    )
    assert fresh.status_code == 302
    assert elsewhere.get("/").status_code == 302

    # Once only: the same link now answers the kind page.
    again = visitor.get(path)
    assert again.status_code == 404 and "This link does not work" in again.get_data(as_text=True)
    with app.app_context():
        actions = (
            db.session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("password.%"))
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert actions == ["password.reset_link", "password.reset"], actions


def test_a_new_link_ends_the_old_one(app, signed_in, forgetful):
    first = make_link_on_team_page(signed_in, forgetful).removeprefix("http://localhost")
    second = make_link_on_team_page(signed_in, forgetful).removeprefix("http://localhost")
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_an_expired_link_does_not_work(app, forgetful):
    with app.app_context():
        counselor = db.session.get(services.Counselor, forgetful)
        token = services.make_link(counselor, None, now=utcnow() - timedelta(minutes=61))
        db.session.commit()
    response = app.test_client().get(f"/password/reset/{token}")
    assert response.status_code == 404
    assert "works once, for an hour" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "token", ["x", "a" * 43, "a" * 500, "<img src=x onerror=alert(1)>", "يوسف"]
)
def test_unknown_tokens_get_the_same_kind_page(client, token):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_a_control_character_in_the_address_is_refused_by_routing(client):
    """No route takes a control character (practice.params): the calm "not found" page."""
    response = client.get("/password/reset/%00")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_deactivated_counselors_link_stops_working(app, signed_in, forgetful):
    path = make_link_on_team_page(signed_in, forgetful).removeprefix("http://localhost")
    signed_in.post(f"/team/{forgetful}/close", data={"outcome": "end_links"})
    assert app.test_client().get(path).status_code == 404


def test_only_the_administrator_makes_links(app, client, auth, counselor, forgetful):
    with app.app_context():
        make_counselor(email="plain@example.org", name="Dr. Plain")
        db.session.commit()
    auth.login("plain@example.org")
    assert client.post(f"/team/{forgetful}/password-reset").status_code == 404
    with app.app_context():
        assert db.session.execute(select(func.count(PasswordReset.id))).scalar_one() == 0


def test_two_submits_of_one_link_set_one_password(app, forgetful):
    with app.app_context():
        counselor = db.session.get(services.Counselor, forgetful)
        services.make_link(counselor, None)
        db.session.commit()
        reset = db.session.execute(select(PasswordReset)).scalar_one()
        services.use_link(reset, NEW_PASSWORD)
        with pytest.raises(services.AccountError, match="used already"):
            services.use_link(reset, "another long password here")
        db.session.rollback()


def test_the_migration_goes_down_and_up_with_links_in_it(app_config):
    from practice import create_app

    app = create_app(app_config)
    with app.app_context():
        upgrade()
        counselor = make_counselor(email="migrate@example.org")
        db.session.flush()
        services.make_link(counselor, None)
        db.session.commit()
        db.session.remove()
        downgrade(revision="0011_measures")
        upgrade()
        assert db.session.execute(select(func.count(PasswordReset.id))).scalar_one() == 0
        db.session.remove()
        db.engine.dispose()
