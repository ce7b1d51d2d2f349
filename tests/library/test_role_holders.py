"""Who takes which role, by name: on the couple page and on each partner's homework page
(the JSON export had it; the pages did not)."""

from __future__ import annotations

import pytest

from practice.extensions import db
from tests.factories import make_assignment, make_couple, make_exercise
from tests.library.test_second_edition_pages import PROMPTS, _send


def _homework(app, counselor, names, roles, plan):
    """A couple with one daily homework with `roles`; `plan(ana_id, ben_id)` is who takes
    which. Returns (couple id, Ana's page, Ben's page)."""
    with app.app_context():
        return _make(counselor, names, roles, plan)


def _make(counselor, names, roles, plan):
    couple = make_couple(counselor, names)
    ana, ben = couple.partners
    prompts = (
        PROMPTS
        if roles == "speaker_listener"
        else [
            {"key": "hurt", "type": "text", "label": "Qhow it hurt", "role": "hurt"},
            {"key": "repair", "type": "text", "label": "Qwhat I own", "role": "repairing"},
        ]
    )
    exercise = make_exercise(prompts=prompts, roles=roles)
    assignment, tokens = make_assignment(couple, exercise, frequency="daily")
    assignment.roles = plan(ana.id, ben.id)
    db.session.commit()
    return couple.id, f"/h/{tokens[ana.id]}", f"/h/{tokens[ben.id]}"


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


SWAP = ("speaker_listener", lambda ana, ben: {"first": ana, "mode": "swap"})


@pytest.mark.parametrize(
    ("names", "roles", "plan", "on_couple_page", "on_first_page", "on_second_page"),
    [
        pytest.param(
            ("Ana Silva", "Ben Okafor"),
            *SWAP,
            "<strong>Roles, swapping with each entry:</strong>\n"
            "<bdi>Ana Silva</bdi> starts as speaker, <bdi>Ben Okafor</bdi> as listener.",
            "<bdi>Ana</bdi> (you) starts as speaker, <bdi>Ben</bdi> as listener.",
            "<bdi>Ana</bdi> starts as speaker, <bdi>Ben</bdi> (you) as listener.",
            id="speaker first, swapping",
        ),
        pytest.param(
            ("Ana Silva", "Ben Okafor"),
            "hurt_repairing",
            lambda ana, ben: {"first": ben, "mode": "fixed"},
            "<strong>Roles, the same each time:</strong>\n"
            "<bdi>Ben Okafor</bdi> is the hurt partner, <bdi>Ana Silva</bdi> the repairing "
            "partner.",
            "<bdi>Ben</bdi> is the hurt partner, <bdi>Ana</bdi> (you) the repairing partner.",
            "<bdi>Ben</bdi> (you) is the hurt partner, <bdi>Ana</bdi> the repairing partner.",
            id="the hurt partner, fixed",
        ),
        pytest.param(
            # A right-to-left name stays isolated, markup in a name stays text.
            ("سارة أحمد", "<i>Ben</i> Okafor"),
            "speaker_listener",
            lambda ana, ben: {"first": ben, "mode": "fixed"},
            "<bdi>&lt;i&gt;Ben&lt;/i&gt; Okafor</bdi> is the speaker, "
            "<bdi>سارة أحمد</bdi> the listener.",
            "<bdi>&lt;i&gt;Ben&lt;/i&gt;</bdi> is the speaker, <bdi>سارة</bdi> (you) the listener.",
            "<bdi>&lt;i&gt;Ben&lt;/i&gt;</bdi> (you) is the speaker, <bdi>سارة</bdi> the listener.",
            id="right-to-left and markup in names",
        ),
    ],
)
def test_who_takes_which_role_is_named_on_the_couple_page_and_each_partners_page(
    app,
    signed_in,
    client,
    counselor,
    names,
    roles,
    plan,
    on_couple_page,
    on_first_page,
    on_second_page,
):
    couple_id, first_url, second_url = _homework(app, counselor, names, roles, plan)
    couple_page = _text(signed_in.get(f"/couples/{couple_id}"))
    assert on_couple_page in couple_page
    assert "<i>Ben</i>" not in couple_page
    assert on_first_page in _text(client.get(first_url))
    assert on_second_page in _text(client.get(second_url))


def test_after_swapping_the_line_still_says_how_they_started(app, client, counselor):
    _, ana_url, _ = _homework(app, counselor, ("Ana Silva", "Ben Okafor"), *SWAP)
    _send(client, ana_url, **{"a-spoke-feel": "heard"})
    again = _text(client.get(ana_url))
    assert "Your role this time: Listener" in again
    assert "<bdi>Ana</bdi> (you) starts as speaker, <bdi>Ben</bdi> as listener." in again


@pytest.mark.parametrize(
    ("roles", "plan"),
    [
        (None, lambda ana, ben: None),  # an exercise without roles
        ("speaker_listener", lambda ana, ben: None),  # roles, but the plan was not given
    ],
)
def test_no_roles_line_without_a_role_plan(app, signed_in, client, counselor, roles, plan):
    couple_id, ana_url, _ = _homework(app, counselor, ("Ana Silva", "Ben Okafor"), roles, plan)
    assert "Roles," not in _text(signed_in.get(f"/couples/{couple_id}"))
    assert "Roles," not in _text(client.get(ana_url))
