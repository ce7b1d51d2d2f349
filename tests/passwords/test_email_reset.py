"""With email set up: the administrator's reset link goes to the counselor's inbox, and
counselors can ask for one from the sign-in page (rate-limited, no hint who has an account).
Delivered through the outbox to a real SMTP server on loopback."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.mail import outbox
from practice.mail.models import OutboundEmail
from tests.factories import make_counselor
from tests.realparts import smtp_server  # noqa: F401

NEW_PASSWORD = "lantern orchard ferry velvet"


@pytest.fixture
def app_config(app_config, smtp_server):  # noqa: F811
    return {**app_config, **smtp_server.config, "BASE_URL": "https://practice.example.org"}


@pytest.fixture
def forgetful(app):
    with app.app_context():
        counselor = make_counselor(email="noor@example.org", name="Dr. Noor Haddad")
        db.session.commit()
        return counselor.id


def deliver_all(app) -> None:
    with app.app_context():
        ids = db.session.execute(select(OutboundEmail.id).order_by(OutboundEmail.id)).scalars()
        for email_id in list(ids):
            outbox.deliver(email_id)


def link_in(message) -> str:
    return re.search(r"https://practice\.example\.org(/password/reset/\S+)", message.text).group(1)


def test_the_sign_in_page_offers_a_reset_by_email(client, counselor):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot">Forgot your password?</a>' in page


def test_a_counselor_resets_their_own_password_by_email(
    app,
    client,
    counselor,
    forgetful,
    smtp_server,  # noqa: F811  (the imported fixture)
):
    sent = client.post("/password/forgot", data={"email": " NOOR@example.org "})
    assert sent.status_code == 200
    assert "Check your email" in sent.get_data(as_text=True)
    deliver_all(app)
    [message] = smtp_server.inbox.to("noor@example.org")
    assert "Choose a new password" in message.message["Subject"]
    path = link_in(message)
    assert "works once" in message.text and "60 minutes" in message.text

    form = client.get(path)
    assert form.status_code == 200 and "Dr. Noor Haddad" in form.get_data(as_text=True)
    assert client.post(path, data={"new_password": NEW_PASSWORD}).status_code == 302
    signed = app.test_client().post(
        "/login", data={"email": "noor@example.org", "password": NEW_PASSWORD}
    )
    assert signed.status_code == 302


def test_the_answer_is_the_same_whether_the_address_has_an_account(
    app,
    client,
    counselor,
    smtp_server,  # noqa: F811  (the imported fixture)
):
    known = client.post("/password/forgot", data={"email": "admin@example.org"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def body(response, email):
        text = response.get_data(as_text=True)
        return text.replace(email, "EMAIL")

    assert body(known, "admin@example.org") == body(unknown, "nobody@example.org")
    deliver_all(app)
    assert smtp_server.inbox.to("nobody@example.org") == []
    assert len(smtp_server.inbox.to("admin@example.org")) == 1


def test_asking_too_often_is_refused_per_address_and_per_account(app, app_config, counselor):
    from practice import create_app

    limited = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}
    )
    client = limited.test_client()

    def ask(email: str, address: str):
        return client.post(
            "/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address}
        )

    for _ in range(5):
        assert ask("a@example.org", "203.0.113.1").status_code == 200
    refused = ask("b@example.org", "203.0.113.1")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    # Many machines, one inbox: the account's own limit.
    for number in range(2, 6):
        assert ask("admin@example.org", f"203.0.113.{number}").status_code == 200
    assert ask("ADMIN@example.org", "203.0.113.77").status_code == 200
    assert ask("admin@example.org", "203.0.113.78").status_code == 429
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_administrators_link_is_emailed_not_shown(app, signed_in, forgetful, smtp_server):  # noqa: F811
    response = signed_in.post(f"/team/{forgetful}/password-reset")
    assert response.status_code == 302
    page = signed_in.get("/team").get_data(as_text=True)
    assert "A reset link is on its way to noor@example.org" in page
    assert "/password/reset/" not in page
    deliver_all(app)
    [message] = smtp_server.inbox.to("noor@example.org")
    assert app.test_client().get(link_in(message)).status_code == 200


def test_a_bad_address_is_explained_and_kept(client, counselor):
    page = client.post("/password/forgot", data={"email": "not an address"}).get_data(as_text=True)
    assert "Enter an email address like name@example.com." in page
    assert 'value="not an address"' in page


def test_without_email_there_is_no_forgot_page(app, client, counselor):
    app.config["MAIL_SERVER"] = ""
    assert client.get("/password/forgot").status_code == 404
    page = client.get("/login").get_data(as_text=True)
    assert "Your practice administrator can make you a reset link" in page
