"""The client page renders its blank exercise form once per assignment and snapshot and reuses
it: each visit must still get its own submission key, an edited snapshot must show at once,
and a page shown again after a POST must show what was typed, never a cached blank form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.homework.models import Assignment
from practice.partner import blank_form
from tests.factories import make_assignment, make_couple


@pytest.fixture
def link(app, counselor):
    with app.app_context():
        couple = make_couple(counselor, ("Ana Silva", "Ben Okafor"))
        assignment, tokens = make_assignment(couple)
        db.session.commit()
        return {"path": f"/h/{tokens[couple.partners[0].id]}", "assignment": assignment.id}


def form_key(page: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def test_each_visit_gets_its_own_submission_key(client, link):
    first = client.get(link["path"]).get_data(as_text=True)
    second = client.get(link["path"]).get_data(as_text=True)
    assert form_key(first) != form_key(second)
    assert "submission-key-slot" not in second
    # The same form otherwise: the second came from the cache.
    assert first.replace(form_key(first), "K") == second.replace(form_key(second), "K")


def test_a_changed_snapshot_shows_at_once(app, client, link):
    assert "What touched you most?" in client.get(link["path"]).get_data(as_text=True)
    with app.app_context():
        assignment = db.session.execute(
            select(Assignment).where(Assignment.id == link["assignment"])
        ).scalar_one()
        snapshot = dict(assignment.snapshot)
        snapshot["prompts"] = [
            dict(p, label="What moved you <most>?") if p["key"] == "touched_me" else p
            for p in snapshot["prompts"]
        ]
        assignment.snapshot = snapshot
        db.session.commit()
    page = client.get(link["path"]).get_data(as_text=True)
    assert "What moved you &lt;most&gt;?" in page and "What touched you most?" not in page


def test_error_page_after_a_cached_get_keeps_what_was_typed(client, link):
    blank = client.get(link["path"]).get_data(as_text=True)
    response = client.post(
        link["path"],
        data={
            "submission_key": form_key(blank),
            "n-three_things": "3",
            "visibility": "partner",
            "a-three_things-0": "Tea in bed 🍵",
            "a-touched_me": "nul\x00byte",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Remove the invisible control characters" in page
    assert 'value="Tea in bed 🍵"' in page and form_key(page) == form_key(blank)
    assert 'value="partner" checked' in page
    # And the next visit is blank again.
    again = client.get(link["path"]).get_data(as_text=True)
    assert "Tea in bed" not in again and "invisible control" not in again


def test_the_cache_is_bounded(app, client, counselor, monkeypatch):
    monkeypatch.setattr(blank_form, "FORM_CACHE_SIZE", 2)
    with app.app_context():
        paths = []
        for n in range(3):
            couple = make_couple(counselor, (f"Partner{n} A", f"Other{n} B"))
            _, tokens = make_assignment(couple)
            paths.append(f"/h/{tokens[couple.partners[0].id]}")
        db.session.commit()
    for path in paths:
        assert client.get(path).status_code == 200
    assert len(app.extensions["client_form_cache"]) == 2


def test_nothing_of_a_partner_enters_the_cached_part_of_the_page(app, client, counselor):
    """The cache holds the blank form only: no name, note, token or submission key in it."""
    with app.app_context():
        couple = make_couple(counselor, ("Qannaone Silva", "Qbenjitwo Okafor"))
        _assignment, tokens = make_assignment(couple, note="Qnoteforboth")
        db.session.commit()
        counselor_name = db.session.merge(counselor).name
    pages = [client.get(f"/h/{token}").get_data(as_text=True) for token in tokens.values()]
    assert "Qannaone" in pages[0] and "Qbenjitwo" in pages[1]  # each page is its partner's
    [cached] = app.extensions["client_form_cache"].values()  # one blank form for both
    html = "".join(cached)
    for private in (
        "Qannaone",
        "Qbenjitwo",
        "Qnoteforboth",
        counselor_name,
        *tokens.values(),
        *(form_key(page) for page in pages),
    ):
        assert private not in html
