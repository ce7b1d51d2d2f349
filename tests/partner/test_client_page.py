"""The partner's private page /h/<token>: what it shows, what it hides, and that nothing typed
is ever lost (validation errors, double clicks, stale pages, a failing database)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from practice.extensions import db
from practice.homework.models import Entry
from tests.factories import make_assignment, make_counselor, make_couple

TABLES = ("counselor", "couple", "partner", "exercise", "assignment", "partner_link", "entry")


@pytest.fixture
def homework(app, counselor):
    """One assignment for Ana and Ben; raw tokens by first name."""
    with app.app_context():
        couple = make_couple(counselor, ("Ana Silva", "Ben Okafor"))
        assignment, tokens = make_assignment(couple, note="Try this before Tuesday.")
        db.session.commit()
        ana, ben = couple.partners
        return {
            "ana": f"/h/{tokens[ana.id]}",
            "ben": f"/h/{tokens[ben.id]}",
            "assignment": assignment.id,
            "ana_id": ana.id,
            "ben_id": ben.id,
        }


def form_key(page: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def entry(**fields) -> dict:
    data = {"submission_key": "s" * 32, "n-three_things": "3", "visibility": "counselor"}
    data.update(fields)
    return data


def entries() -> int:
    return db.session.execute(select(func.count()).select_from(Entry)).scalar_one()


def db_dump() -> list:
    return [db.session.execute(text(f"SELECT * FROM {t} ORDER BY id")).all() for t in TABLES]


def test_page_greets_partner_and_shows_exercise(client, homework):
    response = client.get(homework["ana"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Hi <bdi>Ana</bdi>" in page and "Ben" not in page and "Silva" not in page
    assert "Try this before Tuesday." in page and "Sit together." in page
    assert "Dr. Rivera" in page and "Please do it by" in page
    # Every prompt type, accessibly grouped.
    assert page.count('type="radio" name="a-felt_appreciated"') == 5
    assert "1 · Not much" in page and "5 · Deeply" in page
    assert page.count('name="a-again"') == 2
    for part in ("feel", "when", "because", "need"):
        assert f'name="a-say_it-{part}"' in page
    assert page.count('name="a-three_things-') == 3
    assert "Only my counselor will see this" in page
    assert 'name="visibility" id="visibility-1" value="counselor" checked>' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in page


def test_opening_a_link_writes_nothing(app, client, homework):
    with app.app_context():
        before = db_dump()
    for _ in range(2):
        assert client.get(homework["ana"]).status_code == 200
    assert client.get("/h/" + "x" * 43).status_code == 404
    with app.app_context():
        assert db_dump() == before


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "short", "a" * 500, "%3Cscript%3E", "ünïcødé-tøken-ünïcødé", "..%2F..%2Fetc"],
)
def test_unknown_links_get_the_same_kind_page(client, homework, token):
    response = client.get(f"/h/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "ask your counselor for a new link" in page
    assert "Ana" not in page and "gratitude" not in page.lower()
    assert client.post(f"/h/{token}", data=entry(**{"a-touched_me": "hi"})).status_code == 404


def test_submit_saves_entry_and_shows_thanks_and_history(app, client, homework):
    page = client.get(homework["ana"]).get_data(as_text=True)
    response = client.post(
        homework["ana"],
        data=entry(
            submission_key=form_key(page),
            **{
                "a-three_things-0": "Coffee",
                "a-three_things-1": "",
                "a-three_things-2": "Jokes",
                "a-touched_me": "All of it",
                "a-felt_appreciated": "4",
                "a-again": "yes",
                "a-say_it-feel": "calm",
                "a-say_it-need": "more walks",
                "completion_note": "Nice",
                "connection_rating": "5",
                "visibility": "after_both",
                "private_note": "Secret worry",
            },
        ),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thank you, <bdi>Ana</bdi>. Your entry is saved." in body
    assert "Coffee" in body and "I feel calm. I need more walks." in body
    assert "Secret worry" not in body  # not even back to its author
    with app.app_context():
        saved = db.session.execute(select(Entry)).scalar_one()
        assert saved.answers == {
            "three_things": ["Coffee", "Jokes"],
            "touched_me": "All of it",
            "felt_appreciated": 4,
            "again": "yes",
            "say_it": {"feel": "calm", "when": "", "because": "", "need": "more walks"},
        }
        assert saved.connection_rating == 5 and saved.visibility == "after_both"
        assert saved.private_note == "Secret worry" and saved.partner_id == homework["ana_id"]


def test_double_submit_stores_one_entry(app, client, homework):
    key = form_key(client.get(homework["ana"]).get_data(as_text=True))
    data = entry(submission_key=key, **{"a-touched_me": "Once only"})
    first = client.post(homework["ana"], data=data)
    second = client.post(homework["ana"], data=data)
    assert first.status_code == second.status_code == 200
    assert "Your entry is saved" in second.get_data(as_text=True)
    with app.app_context():
        assert entries() == 1


def test_reused_key_from_another_partner_still_saves_separately(app, client, homework):
    client.post(homework["ben"], data=entry(**{"a-touched_me": "Ben's"}))
    client.post(homework["ana"], data=entry(**{"a-touched_me": "Ana's"}))
    with app.app_context():
        assert entries() == 2


def test_submission_a_day_after_opening_is_saved(app, homework):
    """Nothing on the page expires: no CSRF token, no session. A phone left open overnight,
    whose cookies are long gone, still saves."""
    app.config["WTF_CSRF_ENABLED"] = True
    key = form_key(app.test_client().get(homework["ana"]).get_data(as_text=True))
    tomorrow = app.test_client()  # a new browser session: no cookies at all
    response = tomorrow.post(
        homework["ana"], data=entry(submission_key=key, **{"a-touched_me": "Written yesterday"})
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.execute(select(Entry.answers)).scalar_one() == {
            "touched_me": "Written yesterday"
        }


def test_add_and_remove_list_items_without_javascript(client, homework):
    typed = entry(
        **{
            "a-three_things-0": "One",
            "a-three_things-1": "Two",
            "a-three_things-2": "Three",
            "a-touched_me": "Kept text",
            "a-say_it-feel": "seen",
            "private_note": "Kept private",
            "add": "three_things",
        }
    )
    page = client.post(homework["ana"], data=typed).get_data(as_text=True)
    assert 'name="a-three_things-3" value=""' in page
    assert 'value="Three"' in page and "Kept text" in page and "Kept private" in page
    assert 'name="n-three_things" value="4"' in page
    assert "I feel seen." in page  # the server-rendered sentence preview
    typed.pop("add")
    typed.update({"n-three_things": "3", "remove": "three_things:1"})
    page = client.post(homework["ana"], data=typed).get_data(as_text=True)
    assert 'value="Two"' not in page and 'value="One"' in page and 'value="Three"' in page
    assert 'name="n-three_things" value="2"' in page


def test_list_items_are_capped(client, homework):
    data = entry(**{"n-three_things": "100000", "add": "three_things"})
    page = client.post(homework["ana"], data=data).get_data(as_text=True)
    assert page.count('name="a-three_things-') == 20


@pytest.mark.parametrize(
    ("fields", "message", "kept"),
    [
        (
            {"a-felt_appreciated": "6", "a-touched_me": "Keep me"},
            "Choose a number from 1 to 5.",
            "Keep me",
        ),
        ({"a-felt_appreciated": "abc"}, "Choose a number from 1 to 5.", None),
        ({"a-again": "maybe", "completion_note": "Kept note"}, "Choose yes or no.", "Kept note"),
        (
            {"connection_rating": "0", "a-touched_me": "x"},
            "Choose a number from 1 to 5, or leave it empty.",
            None,
        ),
        ({"visibility": "everyone", "a-touched_me": "x"}, "Choose who may see this entry.", None),
        ({}, "Write at least one answer or a note before you send.", None),
        ({"a-touched_me": "t" * 10_001}, "keep it to 10,000 characters or fewer", "t" * 10_001),
        ({"a-three_things-1": "l" * 10_001}, "keep it to 10,000 characters or fewer", None),
        ({"a-say_it-when": "w" * 10_001}, "keep it to 10,000 characters or fewer", None),
        (
            {"completion_note": "n" * 20_001, "private_note": "Mine"},
            "keep it to 20,000 characters",
            "Mine",
        ),
        ({"a-touched_me": "nul\x00byte"}, "Remove the invisible control characters", None),
    ],
)
def test_client_validation_errors_keep_everything(app, client, homework, fields, message, kept):
    response = client.post(homework["ana"], data=entry(**fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "to fix" in page
    if kept:
        assert kept in page
    assert 'aria-invalid="true"' in page or "Write at least one answer" in page
    with app.app_context():
        assert entries() == 0


def test_errors_are_linked_to_their_fields(client, homework):
    page = client.post(homework["ana"], data=entry(**{"a-touched_me": "t" * 10_001})).get_data(
        as_text=True
    )
    assert 'aria-describedby="count-touched_me err-touched_me"' in page
    assert 'id="err-touched_me"' in page


def test_tampered_prompt_keys_are_ignored(app, client, homework):
    response = client.post(
        homework["ana"],
        data=entry(
            **{
                "a-not_a_prompt": "sneaky",
                "a-touched_me": "real",
                "n-three_things": "-5",
                "a-three_things-99": "far",
                "remove": "",
                "submission_key": "<script>",
            }
        ),
    )
    assert response.status_code == 200
    with app.app_context():
        saved = db.session.execute(select(Entry)).scalar_one()
        assert saved.answers == {"touched_me": "real"}
        assert saved.submission_key != "<script>"


def test_unicode_and_html_payloads_are_shown_as_text(app, client, homework):
    payload = "<script>alert(1)</script> 💔 مرحبا שלום 👩‍❤️‍👨"
    client.post(
        homework["ana"],
        data=entry(
            **{"a-touched_me": payload, "completion_note": payload, "visibility": "partner"}
        ),
    )
    ben_page = client.get(homework["ben"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in ben_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 💔 مرحبا שלום 👩‍❤️‍👨" in ben_page
    with app.app_context():
        assert db.session.execute(select(Entry.completion_note)).scalar_one() == payload


def test_database_failure_keeps_what_was_typed(app, client, homework):
    """A real failure, not a mock: the entry table is gone when the partner presses Send."""
    with app.app_context():
        db.session.execute(text("ALTER TABLE entry RENAME TO entry_away"))
        db.session.commit()
    response = client.post(
        homework["ana"],
        data=entry(**{"a-touched_me": "Precious words", "private_note": "Private words"}),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Your entry was not saved" in page
    assert "Precious words" in page and "Private words" in page
    with app.app_context():
        db.session.execute(text("ALTER TABLE entry_away RENAME TO entry"))
        db.session.commit()
    again = client.post(homework["ana"], data=entry(**{"a-touched_me": "Precious words"}))
    assert again.status_code == 200
    with app.app_context():
        assert entries() == 1


def test_partner_sees_only_what_was_shared(app, client, homework, counselor):
    with app.app_context():
        other = make_couple(make_counselor(email="x@example.org"), ("Cara Other", "Dan Other"))
        _a, other_tokens = make_assignment(other)
        db.session.commit()
        cara = f"/h/{other_tokens[other.partners[0].id]}"
    for visibility, words in (
        ("counselor", "ForCounselorOnly"),
        ("partner", "SharedNow"),
        ("after_both", "SharedAfterBoth"),
    ):
        client.post(
            homework["ben"],
            data=entry(
                submission_key=f"{visibility}-key-xxxxxxxxxxxxxxxx",
                visibility=visibility,
                **{"a-touched_me": words, "private_note": f"Private{words}"},
            ),
        )
    client.post(
        cara,
        data=entry(
            submission_key="cara-key-xxxxxxxxxxxxxxxxxx",
            visibility="partner",
            **{"a-touched_me": "OtherCouple"},
        ),
    )

    before = client.get(homework["ana"]).get_data(as_text=True)
    assert "SharedNow" in before
    for hidden in ("ForCounselorOnly", "SharedAfterBoth", "Private", "OtherCouple"):
        assert hidden not in before
    assert "1 entry you will see once you send your own" in before

    after = client.post(homework["ana"], data=entry(**{"a-touched_me": "AnaWrote"}))
    page = after.get_data(as_text=True)
    assert "SharedNow" in page and "SharedAfterBoth" in page and "AnaWrote" in page
    for hidden in ("ForCounselorOnly", "Private", "OtherCouple"):
        assert hidden not in page

    cara_page = client.get(cara).get_data(as_text=True)
    assert "Shared" not in cara_page and "AnaWrote" not in cara_page


def test_tokens_never_reach_the_apps_log(app, client, homework, caplog):
    caplog.set_level("DEBUG")
    client.get(homework["ana"])
    client.post(homework["ana"], data=entry(**{"a-touched_me": "hello"}))
    token = homework["ana"].removeprefix("/h/")
    assert token not in caplog.text
