"""Each partner answers from their own link on their phone: the measure waits on their home,
the answer page keeps what was chosen on an error, a double send stores once, and nothing of
one partner's answers reaches the other partner's pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from practice.extensions import db
from practice.measures.models import MeasureResponse
from practice.measures.scheduling import request_measure
from practice.partner import access
from practice.timeutil import utcnow
from tests.factories import make_counselor, make_couple
from tests.measures.conftest import csi_answers


def _token(partner) -> str:
    _row, token = access.issue_access(
        partner,
        secret_key=current_app.config["SECRET_KEY"],
        now=utcnow(),
        expires_at=utcnow() + timedelta(days=60),
    )
    db.session.commit()
    return token


@pytest.fixture
def asked(csi, couple):
    """The CSI-4 asked weekly from today, and each partner's link."""
    request = request_measure(couple, csi, "weekly", date.today())
    db.session.commit()
    ana, ben = couple.partners
    return request, _token(ana), _token(ben)


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(MeasureResponse)).scalar_one()


def _form(page: str) -> dict[str, str]:
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    return {"submission_key": key}


def test_a_partner_answers_from_their_home_in_one_page(client, asked):
    request, ana_token, _ben = asked
    home = client.get(f"/h/{ana_token}").get_data(as_text=True)
    assert "Couples Satisfaction Index (CSI-4)" in home
    path = f"/h/{ana_token}/measures/{request.id}"
    assert path in home and "4 short questions, about a minute." in home

    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "I have a warm and comfortable relationship with my partner." in text
    assert "Extremely Unhappy" in text and "Almost Completely True" in text
    assert page.headers["Referrer-Policy"] == "no-referrer"

    form = {**_form(text), **csi_answers(16)}
    saved = client.post(path, data=form)
    assert saved.status_code == 200 and "Your partner does not see them" in saved.get_data(
        as_text=True
    )
    again = client.post(path, data=form)  # a double tap or a resent form
    assert again.status_code == 200
    assert _count() == 1
    stored = db.session.execute(select(MeasureResponse)).scalar_one()
    assert stored.total == 16 and stored.partner_id == asked[0].couple.partners[0].id
    assert "You answered this already" in client.get(f"/h/{ana_token}").get_data(as_text=True)


def test_an_answer_out_of_range_is_shown_beside_the_question_keeping_the_others(client, asked):
    request, ana_token, _ben = asked
    path = f"/h/{ana_token}/measures/{request.id}"
    form = {
        **_form(client.get(path).get_data(as_text=True)),
        **csi_answers(12),
        "item-happiness": "9",
    }
    response = client.post(path, data=form)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Choose an answer from 0 to 6." in text
    assert re.search(r'name="item-warm_comfortable"[^>]*value="5" checked', text)
    assert _count() == 0
    # The same summary as the homework page: first on the page, focused, linked.
    main = text[text.index("<main") :]
    assert main.index('class="error-summary"') < main.index("<h1")
    summary = r'<div class="error-summary"[^>]*autofocus.*?<a href="#([^"]+)">1\. '
    link = re.search(summary, main, re.S)
    assert link and f'id="{link.group(1)}"' in text


def test_a_tampered_item_key_is_refused_kindly(client, asked):
    request, ana_token, _ben = asked
    path = f"/h/{ana_token}/measures/{request.id}"
    form = {
        **_form(client.get(path).get_data(as_text=True)),
        **csi_answers(12),
        "item-partner_total": "3",
    }
    response = client.post(path, data=form)
    assert response.status_code == 400
    assert "does not match the questionnaire" in response.get_data(as_text=True)
    assert _count() == 0


def test_one_partners_answers_never_reach_the_other_partners_pages(client, asked):
    request, ana_token, ben_token = asked
    path = f"/h/{ana_token}/measures/{request.id}"
    form = {**_form(client.get(path).get_data(as_text=True)), **csi_answers(7)}
    assert client.post(path, data=form).status_code == 200

    for page in (f"/h/{ben_token}", f"/h/{ben_token}/measures/{request.id}"):
        text = client.get(page).get_data(as_text=True)
        assert "checked" not in text
        assert "answered this already" not in text
        assert "Ana" not in text.split("<main", 1)[1].split("Couples Satisfaction", 1)[0]
        assert "total" not in text.lower()
    # Ben's own answer is his own row; Ana's stays as she gave it.
    ben_path = f"/h/{ben_token}/measures/{request.id}"
    ben_form = {**_form(client.get(ben_path).get_data(as_text=True)), **csi_answers(20)}
    assert client.post(ben_path, data=ben_form).status_code == 200
    totals = sorted(r.total for r in db.session.execute(select(MeasureResponse)).scalars())
    assert totals == [7, 20]
    # Nor into any email: answering queues none (emails carry links, never answers).
    from practice.mail.models import OutboundEmail

    assert db.session.execute(select(func.count()).select_from(OutboundEmail)).scalar_one() == 0


def test_another_couples_measure_or_an_unknown_link_is_the_kind_page(client, asked, csi):
    request, ana_token, _ben = asked
    other = make_couple(make_counselor(email="o@example.org"), ("Cleo Beta", "Dev Beta"))
    theirs = request_measure(other, csi, "weekly", date.today())
    db.session.commit()
    assert client.get(f"/h/{ana_token}/measures/{theirs.id}").status_code == 404
    assert (
        client.post(f"/h/{ana_token}/measures/{theirs.id}", data=csi_answers(3)).status_code == 404
    )
    assert client.get(f"/h/{'x' * 43}/measures/{request.id}").status_code == 404
    assert _count() == 0
