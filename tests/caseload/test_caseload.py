"""The administrator moves one couple, or a whole caseload, to another counselor (issue 17),
and closing a counselor's account hands their couples over or ends their partners' links
(issue 13, finding 8: a deactivated counselor's links stayed live, collecting entries
nobody read)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from practice.audit.models import AuditEvent
from practice.auth.models import Counselor
from practice.couples.models import Couple
from practice.extensions import db
from practice.homework.models import Entry
from tests.factories import (
    TEST_PASSWORD,
    make_assignment,
    make_counselor,
    make_couple,
    make_exercise,
    make_partner_home_token,
)

PROMPTS = [{"key": "thought", "type": "text", "label": "What did you notice?"}]


def partner_token(couple) -> str:
    """The first partner's one link, with a homework for them alone."""
    partner = couple.partners[0]
    assignment, _ = make_assignment(couple, make_exercise(prompts=PROMPTS), partners=[partner])
    return make_partner_home_token(assignment, partner)


@pytest.fixture
def team(app, counselor):
    """Bea with two couples (one archived) and a partner link; Cal with none; Dee closed."""
    with app.app_context():
        bea = make_counselor(email="bea@example.org", name="Bea Moreau")
        cal = make_counselor(email="cal@example.org", name="Cal Ngata")
        dee = make_counselor(email="dee@example.org", name="Dee Park", active=False)
        first = make_couple(bea, ("Ana Silva", "Ben Okafor"))
        second = make_couple(bea, ("Cleo Wu", "Dan Roy"), status="archived")
        token = partner_token(first)
        db.session.commit()
        return {
            "bea": bea.id,
            "cal": cal.id,
            "dee": dee.id,
            "first": first.id,
            "second": second.id,
            "token": token,
        }


def owner_of(app, couple_id: int) -> int:
    with app.app_context():
        return db.session.get(Couple, couple_id).counselor_id


def moves(app) -> list[tuple[int, int]]:
    with app.app_context():
        return [
            (event.couple_id, event.object_id)
            for event in db.session.execute(
                select(AuditEvent).where(AuditEvent.action == "couple.move")
            ).scalars()
        ]


def sign_in_as(app, email: str):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    return client


def test_moving_one_couple(app, signed_in, team):
    page = signed_in.get(f"/team/{team['bea']}/couples").get_data(as_text=True)
    assert "Ana Silva &amp; Ben Okafor" in page and "Cleo Wu &amp; Dan Roy" in page
    assert "Cal Ngata" in page and "Dee Park" not in page  # closed accounts take nothing
    response = signed_in.post(
        f"/team/{team['bea']}/couples", data={"couples": [team["first"]], "target": team["cal"]}
    )
    assert response.status_code == 302
    assert "1 couple moved to Cal Ngata." in signed_in.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert owner_of(app, team["first"]) == team["cal"]
    assert owner_of(app, team["second"]) == team["bea"]
    assert moves(app) == [(team["first"], team["cal"])]
    # The new counselor has the couple; the old one no longer does; the link still works.
    assert sign_in_as(app, "cal@example.org").get(f"/couples/{team['first']}").status_code == 200
    assert sign_in_as(app, "bea@example.org").get(f"/couples/{team['first']}").status_code == 404
    assert app.test_client().get(f"/h/{team['token']}").status_code == 200


def test_moving_a_whole_caseload_archived_couples_too(app, signed_in, team):
    response = signed_in.post(
        f"/team/{team['bea']}/couples",
        data={"couples": [team["first"], team["second"]], "target": team["cal"]},
    )
    assert response.status_code == 302
    assert {owner_of(app, team["first"]), owner_of(app, team["second"])} == {team["cal"]}
    assert sorted(moves(app)) == sorted(
        [(team["first"], team["cal"]), (team["second"], team["cal"])]
    )
    # Sent again (a double submit): nothing is left to move, nothing is recorded twice.
    signed_in.post(
        f"/team/{team['bea']}/couples",
        data={"couples": [team["first"], team["second"]], "target": team["cal"]},
    )
    assert len(moves(app)) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target": "cal"}, "Choose at least one couple to move."),
        ({"couples": "first", "target": 0}, "Choose the counselor who takes the couples over."),
        ({"couples": "first", "target": "dee"}, "Not a valid choice"),
        ({"couples": "first", "target": "bea"}, "Not a valid choice"),
        ({"couples": 99999, "target": "cal"}, "not a valid choice"),
    ],
)
def test_a_move_that_cannot_be_made_says_why_and_moves_nothing(app, signed_in, team, data, message):
    data = {
        key: team.get(value, value) if isinstance(value, str) else value
        for key, value in data.items()
    }
    response = signed_in.post(f"/team/{team['bea']}/couples", data=data)
    assert response.status_code == 200
    assert message.lower() in response.get_data(as_text=True).lower()
    assert owner_of(app, team["first"]) == team["bea"]
    assert moves(app) == []


def test_only_the_administrator_moves_couples_or_closes_accounts(app, team):
    bea = sign_in_as(app, "bea@example.org")
    for path in (f"/team/{team['bea']}/couples", f"/team/{team['cal']}/close"):
        assert bea.get(path).status_code == 404
        assert (
            bea.post(
                path,
                data={"couples": [team["first"]], "target": team["cal"], "outcome": "end_links"},
            ).status_code
            == 404
        )
    assert owner_of(app, team["first"]) == team["bea"]
    with app.app_context():
        assert db.session.get(Counselor, team["cal"]).active


def test_closing_an_account_hands_the_caseload_over(app, signed_in, team):
    page = signed_in.get("/team").get_data(as_text=True)
    assert f"/team/{team['bea']}/close" in page
    response = signed_in.post(
        f"/team/{team['bea']}/close", data={"outcome": "hand_over", "target": team["cal"]}
    )
    assert response.status_code == 302
    flashed = signed_in.get("/team").get_data(as_text=True)
    assert "Bea Moreau&#39;s account is closed; 2 couples moved to Cal Ngata." in flashed
    with app.app_context():
        assert not db.session.get(Counselor, team["bea"]).active
        assert (
            db.session.execute(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "counselor.deactivate")
            ).scalar_one()
            == 1
        )
    assert {owner_of(app, team["first"]), owner_of(app, team["second"])} == {team["cal"]}
    # The partner's link keeps working, and Cal reads what is written through it.
    assert app.test_client().get(f"/h/{team['token']}").status_code == 200
    assert sign_in_as(app, "bea@example.org").get("/").status_code == 302  # cannot sign in


def test_closing_an_account_without_a_hand_over_ends_the_links_kindly(app, signed_in, team):
    response = signed_in.post(f"/team/{team['bea']}/close", data={"outcome": "end_links"})
    assert response.status_code == 302
    assert "1 partner link ended" in signed_in.get("/team").get_data(as_text=True)
    partner = app.test_client()
    page = partner.get(f"/h/{team['token']}")
    assert page.status_code == 404 and "This link does not work" in page.get_data(as_text=True)
    partner.post(f"/h/{team['token']}", data={"a-thought": "Nobody would read this"})
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Entry)).scalar_one() == 0


def test_closing_asks_who_takes_the_couples(app, signed_in, team):
    response = signed_in.post(f"/team/{team['bea']}/close", data={"outcome": "hand_over"})
    assert response.status_code == 200
    assert "Choose the counselor who takes the couples over." in response.get_data(as_text=True)
    response = signed_in.post(f"/team/{team['bea']}/close", data={})
    assert "Choose what happens to their couples." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Counselor, team["bea"]).active


def test_the_administrator_cannot_close_their_own_account(app, signed_in, counselor):
    response = signed_in.post(f"/team/{counselor.id}/close", data={"outcome": "end_links"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Counselor, counselor.id).active


def test_the_old_deactivate_button_leads_to_the_close_page(app, signed_in, team):
    """A form from before (or a crafted post) cannot deactivate without the choice."""
    response = signed_in.post(f"/team/{team['bea']}/active", data={"active": "0"})
    assert response.headers["Location"] == f"/team/{team['bea']}/close"
    with app.app_context():
        assert db.session.get(Counselor, team["bea"]).active
