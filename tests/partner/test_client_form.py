"""The client page's exercise form: each visit gets its own submission key, an edited snapshot
shows at once, and a page shown again after a POST shows what was typed, then a blank form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from practice.extensions import db
from practice.homework.models import Assignment
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
    # Otherwise the same page: nothing else changes between two visits.
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
