"""A refused send on the partner's homework page: the problems are summarised first on the
page (a phone shows the boxes screens further down), each a link to its box, the summary
focused on load without JavaScript, and everything typed still there."""

from __future__ import annotations

import re

import pytest

from practice.extensions import db
from tests.factories import make_assignment, make_couple, make_exercise

EVERY_TYPE = [
    {"key": "things", "type": "list", "label": "Three good things", "items": 2},
    {"key": "touched", "type": "text", "label": "What touched you?"},
    {"key": "week", "type": "scale", "label": "Your week", "low": "Bad", "high": "Good"},
    {"key": "again", "type": "yes_no", "label": "Again next week?"},
    {"key": "say", "type": "i_statement", "label": "Say it"},
    {"key": "areas", "type": "checklist", "label": "Areas", "options": ["Money", "Sleep"]},
    {
        "key": "signs",
        "type": "rating_grid",
        "label": "Signs",
        "rows": ["Talking less", "Less affection"],
        "low": "Not true",
        "high": "Very true",
    },
    {"key": "turn", "type": "timer", "label": "Speaking turn", "minutes": 5},
    {"key": "when", "type": "date_time", "label": "When next"},
]
TOO_LONG = "x" * 10_001


@pytest.fixture
def homework(app, counselor):
    """Ana's homework page for an exercise with one prompt of every type."""
    with app.app_context():
        couple = make_couple(counselor, ("Ana Silva", "Ben Okafor"))
        _, tokens = make_assignment(couple, make_exercise(prompts=EVERY_TYPE))
        db.session.commit()
        return f"/h/{tokens[couple.partners[0].id]}"


def summary_of(page: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_every_problem_is_listed_first_and_links_to_its_box(client, homework):
    typed = {
        "submission_key": "s" * 32,
        "n-things": "2",
        "a-things-0": "Tea in bed",
        "a-things-1": TOO_LONG,
        "a-touched": "שמחתי שהקשבת לי",
        "a-week": "9",
        "a-again": "maybe",
        "a-say-feel": "calm",
        "a-say-because": TOO_LONG,
        "a-areas": "7",
        "a-signs-1": "0",
        "a-turn": "half",
        "a-when-date": "31/12/2026",
        "completion_note": "n" * 20_001,
        "connection_rating": "8",
        "visibility": "everyone",
        "private_note": "Only for you, ليلى",
    }
    response = client.post(homework, data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    main = page[page.index("<main") :]
    summary = summary_of(page)
    # First on the page, before the greeting; focused on load, without JavaScript.
    assert main.index('class="error-summary"') < main.index("<h1")
    assert 'tabindex="-1" autofocus' in summary
    assert "There are 11 problems to fix" in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [target for target, _ in links] == [
        "a-things-1",
        "a-week-1",
        "a-again-1",
        "a-say-because",
        "a-areas-0",
        "a-signs-1-1",
        "a-turn",
        "a-when-date",
        "completion_note",
        "connection_rating-1",
        "visibility-1",
    ]
    for target, _ in links:
        assert page.count(f'id="{target}"') == 1, f"the link to #{target} leads nowhere"
    words = [text for _, text in links]
    assert "Three good things, item 2: This is too long" in words[0]
    assert "Your week: Choose a number from 1 to 5." in words
    assert "Say it, \u201cbecause\u201d: This is too long" in words[3]
    # Everything typed is still there.
    for kept in ("Tea in bed", "שמחתי שהקשבת לי", "calm", TOO_LONG, "Only for you, ليلى"):
        assert kept in page


def test_every_link_in_the_summary_leads_to_a_box(client, homework):
    """Whatever the problem, the summary's link has a box to land on."""
    page = client.post(
        homework,
        data={
            "submission_key": "s" * 32,
            "a-touched": TOO_LONG,
            "a-when-date": "2026-99-99",
            "private_note": "\x00",
        },
    ).get_data(as_text=True)
    links = re.findall(r'<a href="#([^"]+)">', summary_of(page))
    assert links == ["a-touched", "a-when-date", "private_note"]
    assert all(f'id="{target}"' in page for target in links)


def test_an_empty_send_links_to_the_first_question(client, homework):
    page = client.post(homework, data={"submission_key": "s" * 32}).get_data(as_text=True)
    summary = summary_of(page)
    assert "There is a problem to fix" in summary
    empty = "Write at least one answer or a note before you send."
    assert f'<a href="#a-things-0">{empty}</a>' in summary
    assert 'id="a-things-0"' in page
