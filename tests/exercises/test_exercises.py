"""Library pages, the handout PDF, and counselors' own exercises (private, editable)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from practice.config import BASE_SETTINGS
from practice.exercises.library import sync_library
from practice.exercises.models import Exercise
from practice.extensions import db
from practice.homework.models import Assignment
from tests.articles import SOURCE_DIR
from tests.factories import make_counselor, make_couple

SEED_DIR = Path(BASE_SETTINGS["SEED_DIR"])


@pytest.fixture
def library(app):
    with app.app_context():
        sync_library(SEED_DIR, SOURCE_DIR)
        db.session.commit()


@pytest.fixture
def other(app, auth, client):
    """A second counselor with an exercise and a couple of their own."""
    with app.app_context():
        counselor = make_counselor(email="other@example.org", name="Dr. Other")
        couple = make_couple(counselor, ("Cai Lin", "Dee Moss"))
        exercise = Exercise(
            slug="others-private-abc123",
            counselor_id=counselor.id,
            title="Other's secret",
            category="conflict",
            goal="Private goal",
            why="",
            steps=["Step"],
            prompts=[{"key": "a", "type": "text", "label": "Q"}],
            frequency="",
            duration="",
            sources=[],
            search_text="other's secret private goal step",
        )
        db.session.add(exercise)
        db.session.commit()
        return {"couple_id": couple.id, "slug": exercise.slug, "id": exercise.id}


def _form(**overrides) -> dict[str, str]:
    data = {
        "title": "Evening walk",
        "category": "quality-time",
        "goal": "Ten quiet minutes side by side",
        "why": "Walking side by side makes talking easier.",
        "steps": "Put your shoes on.\nWalk for ten minutes.\nSay one thing you noticed.",
        "frequency": "Daily",
        "duration": "10 minutes",
        "prompts-0-type": "list",
        "prompts-0-label": "Things you noticed",
        "prompts-0-items": "2",
        "prompts-1-type": "scale",
        "prompts-1-label": "How close did you feel?",
        "prompts-1-low": "Distant",
        "prompts-1-high": "Very close",
        "action": "save",
    }
    data.update(overrides)
    return data


def _own(app, counselor_id: int) -> list[Exercise]:
    with app.app_context():
        return list(
            db.session.execute(
                select(Exercise).where(Exercise.counselor_id == counselor_id)
            ).scalars()
        )


# --- browse, search, read -----------------------------------------------------------------


def test_library_lists_every_builtin_exercise(signed_in, library):
    page = signed_in.get("/library/").get_data(as_text=True)
    assert "33 exercises" in page
    assert "Write a gratitude list for each other" in page
    assert 'href="/library/i-statements"' in page


def test_browse_by_category(signed_in, library):
    page = signed_in.get("/library/?category=appreciation").get_data(as_text=True)
    assert "Write a gratitude list for each other" in page
    assert "/library/i-statements" not in page  # communication
    # An unknown category shows everything rather than an error.
    assert "/library/i-statements" in signed_in.get("/library/?category=nope").get_data(True)


def test_search_matches_every_word_in_title_goal_and_steps(signed_in, library):
    page = signed_in.get("/library/?q=gratitude").get_data(as_text=True)
    assert "/library/gratitude-list" in page and "/library/i-statements" not in page
    # "coffee" is only in a gratitude-list step; both words must match.
    assert "/library/gratitude-list" in signed_in.get("/library/?q=Coffee+list").get_data(True)
    page = signed_in.get("/library/?q=coffee+zebra").get_data(as_text=True)
    assert "No exercise matches" in page and "/library/gratitude-list" not in page


@pytest.mark.parametrize("query", ["%", "_", "%25_", "\\"])
def test_search_treats_wildcards_as_plain_characters(signed_in, library, query):
    response = signed_in.get("/library/", query_string={"q": query})
    assert response.status_code == 200
    assert "No exercise matches" in response.get_data(as_text=True)


def test_exercise_page_shows_everything_needed_to_decide(signed_in, library):
    page = signed_in.get("/library/gratitude-list").get_data(as_text=True)
    for text in (
        "Write a gratitude list for each other",
        "Turn your attention back toward what is good in your partner",
        "Why it helps",
        "Sit down together with paper or a notes app, but write separately.",
        "Three things you are grateful for about your partner today",
        "A list of 3 items",
        "A 1–5 scale, from “Not much” (1) to “Deeply” (5)",
        "Free text",
        "Start once, then add to it every few days",
        "15 minutes",
        "Article: 8 Best Ways To Build Emotional Intimacy In A Relationship",
        "The practice library",
    ):
        assert text in page, text
    assert "002_ebef655a8445638b.txt" not in page  # an internal file name, never shown
    assert "/library/gratitude-list/edit" not in page
    i_statements = signed_in.get("/library/i-statements").get_data(as_text=True)
    assert "“I” statement (I feel / when / because / I need)" in i_statements
    assert "Yes or no" in i_statements


def test_unknown_exercise_is_404(signed_in, library):
    assert signed_in.get("/library/no-such-thing").status_code == 404


def test_library_needs_sign_in(client, library):
    response = client.get("/library/gratitude-list/handout.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_retired_exercise_is_hidden_but_its_page_answers(app, signed_in, library):
    with app.app_context():
        exercise = db.session.execute(
            select(Exercise).where(Exercise.slug == "date-night")
        ).scalar_one()
        from practice.timeutil import utcnow

        exercise.retired_at = utcnow()
        db.session.commit()
    assert "/library/date-night" not in signed_in.get("/library/").get_data(as_text=True)
    page = signed_in.get("/library/date-night").get_data(as_text=True)
    assert "retired from the library" in page
    assert "Assign this exercise" not in page


# --- handout ------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_handout_is_one_page_with_title_steps_prompts_and_source(app, signed_in, library, paper):
    app.config["PAPER_SIZE"] = paper
    response = signed_in.get("/library/gratitude-list/handout.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text, pages = _pdf_text(response.data)
    assert pages == 1
    assert "Write a gratitude list for each other" in text
    assert "1. Sit down together with paper or a notes app, but write separately." in text
    assert "Three things you are grateful for about your partner today" in text
    assert "How often: Start once, then add to it every few days" in text
    assert "8 Best Ways To Build Emotional Intimacy In A Relationship" in text
    assert "Harbor Counseling" in text


def test_sources_show_their_short_title_on_the_page_and_the_handout(signed_in, library):
    """Article 004 has no title line: pages and handouts show its short title from the repo."""
    short = "Nurturing Emotional Intimacy: Communication, Empathy, Trust and Time Together"
    page = signed_in.get("/library/active-listening").get_data(as_text=True)
    assert short in page
    assert "Relationships can be complicated" not in page
    text, _ = _pdf_text(signed_in.get("/library/daily-rituals/handout.pdf").data)
    assert short in text


def test_i_statement_handout_has_the_four_parts(signed_in, library):
    text, _ = _pdf_text(signed_in.get("/library/i-statements/handout.pdf").data)
    for part in ("I feel", "when", "because", "I need"):
        assert part + " …" in text


# --- own exercises ------------------------------------------------------------------------


def test_counselor_writes_their_own_exercise(app, signed_in, counselor, library):
    response = signed_in.post("/library/new", data=_form())
    assert response.status_code == 302
    [exercise] = _own(app, counselor.id)
    assert response.headers["Location"] == f"/library/{exercise.slug}"
    assert exercise.slug.startswith("evening-walk-")
    assert exercise.steps == [
        "Put your shoes on.",
        "Walk for ten minutes.",
        "Say one thing you noticed.",
    ]
    assert exercise.prompts == [
        {"key": "prompt_1", "type": "list", "label": "Things you noticed", "items": 2},
        {
            "key": "prompt_2",
            "type": "scale",
            "label": "How close did you feel?",
            "low": "Distant",
            "high": "Very close",
        },
    ]
    page = signed_in.get(f"/library/{exercise.slug}").get_data(as_text=True)
    assert "Your own" in page and "You (Dr. Rivera)" in page and "A list of 2 items" in page
    assert "Evening walk" in signed_in.get("/library/?q=walk").get_data(as_text=True)


def test_prompt_editor_works_without_javascript(app, signed_in, counselor, library):
    """Add, move and remove re-render the form with everything typed kept, saving nothing."""
    page = signed_in.post("/library/new", data=_form(action="add:i_statement")).get_data(True)
    assert 'value="Evening walk"' in page and "Put your shoes on." in page
    assert 'name="prompts-2-type" type="hidden" value="i_statement"' in page
    assert "Prompt <span data-prompt-number>3</span>: “I” statement" in page

    page = signed_in.post("/library/new", data=_form(action="up:1")).get_data(as_text=True)
    assert page.index('value="How close did you feel?"') < page.index('value="Things you noticed"')
    assert 'name="prompts-0-type" type="hidden" value="scale"' in page

    page = signed_in.post("/library/new", data=_form(action="remove:0")).get_data(as_text=True)
    assert "Things you noticed" not in page
    assert 'name="prompts-0-label" required type="text" value="How close did you feel?"' in page
    assert _own(app, counselor.id) == []


def test_prompt_editor_stops_at_eight_prompts(signed_in, library):
    data = _form(action="add:text")
    for n in range(2, 8):
        data |= {f"prompts-{n}-type": "yes_no", f"prompts-{n}-label": f"Q{n}"}
    page = signed_in.post("/library/new", data=data).get_data(as_text=True)
    assert "An exercise can have up to 8 prompts." in page
    assert "prompts-8-type" not in page and 'value="Q7"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give the exercise a title."),
        ({"title": "x" * 10_000}, "Keep this to 120 characters or fewer."),
        ({"goal": "Hello\x00there"}, "Remove the invisible control characters from this text."),
        ({"steps": ""}, "Write at least one step."),
        ({"steps": "\n".join(["Do it."] * 13)}, "Keep it to 12 steps or fewer"),
        ({"prompts-0-items": "eleven"}, "Enter a whole number from 1 to 10."),
        ({"prompts-0-items": "0"}, "Enter a whole number from 1 to 10."),
        ({"prompts-1-low": ""}, "Write a short label for this end of the scale."),
        ({"prompts-0-label": ""}, "Write the question the partner answers."),
        ({"why": "w" * 6000}, "Keep this to 5,000 characters or fewer."),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_keeps_what_was_typed(
    app, signed_in, counselor, library, overrides, message
):
    response = signed_in.post("/library/new", data=_form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "Nothing you typed has been lost." in page
    assert "Ten quiet minutes side by side" in page or "goal" in overrides
    assert _own(app, counselor.id) == []


def test_an_exercise_needs_a_prompt(app, signed_in, counselor, library):
    data = {k: v for k, v in _form().items() if not k.startswith("prompts-")}
    page = signed_in.post("/library/new", data=data).get_data(as_text=True)
    assert "Add at least one prompt for the partners to answer." in page
    assert _own(app, counselor.id) == []


def test_html_in_an_own_exercise_shows_as_text(app, signed_in, counselor, library):
    payload = '<script>alert("x")</script><b>bold</b>'
    signed_in.post("/library/new", data=_form(title=payload[:60], goal=payload))
    [exercise] = _own(app, counselor.id)
    for url in (f"/library/{exercise.slug}", "/library/"):
        page = signed_in.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<b>bold</b>" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    text, _ = _pdf_text(signed_in.get(f"/library/{exercise.slug}/handout.pdf").data)
    assert '<script>alert("x")</script>' in text


def test_unicode_and_emoji_titles_get_a_usable_slug(app, signed_in, counselor, library):
    response = signed_in.post("/library/new", data=_form(title="Café 💞 für zwei"))
    [exercise] = _own(app, counselor.id)
    assert exercise.slug.startswith("cafe-fur-zwei-")
    assert "Café 💞 für zwei" in signed_in.get(response.headers["Location"]).get_data(True)
    signed_in.post("/library/new", data=_form(title="💞💞"))
    assert any(e.slug.startswith("exercise-") for e in _own(app, counselor.id))


def test_edit_own_exercise_keeps_prompt_keys(app, signed_in, counselor, library):
    signed_in.post("/library/new", data=_form())
    [exercise] = _own(app, counselor.id)
    form = signed_in.get(f"/library/{exercise.slug}/edit").get_data(as_text=True)
    assert 'value="Evening walk"' in form and 'value="prompt_2"' in form
    edited = _form(
        title="Evening stroll", **{"prompts-0-key": "prompt_1", "prompts-1-key": "prompt_2"}
    )
    edited |= {
        "prompts-0-type": "scale",
        "prompts-0-label": "Closeness",
        "prompts-0-low": "a",
        "prompts-0-high": "b",
        "prompts-0-key": "prompt_2",
        "prompts-1-type": "list",
        "prompts-1-label": "Noticed",
        "prompts-1-items": "3",
        "prompts-1-key": "prompt_1",
    }
    response = signed_in.post(f"/library/{exercise.slug}/edit", data=edited)
    assert response.headers["Location"] == f"/library/{exercise.slug}"
    [saved] = _own(app, counselor.id)
    assert saved.title == "Evening stroll" and " evening stroll " in saved.search_names
    assert [(p["key"], p["type"]) for p in saved.prompts] == [
        ("prompt_2", "scale"),
        ("prompt_1", "list"),
    ]


def test_copy_and_adapt_a_builtin_exercise(app, signed_in, counselor, library):
    form = signed_in.get("/library/gratitude-list/copy").get_data(as_text=True)
    assert 'value="Write a gratitude list for each other"' in form
    assert 'value="Three things you are grateful for about your partner today"' in form
    assert 'name="prompts-0-items" type="text" value="3"' in form
    response = signed_in.post(
        "/library/gratitude-list/copy",
        data=_form(title="Gratitude list, short version"),
    )
    assert response.status_code == 302
    [copy] = _own(app, counselor.id)
    with app.app_context():
        original = db.session.execute(
            select(Exercise).where(Exercise.slug == "gratitude-list")
        ).scalar_one()
        assert copy.based_on_id == original.id
        assert copy.sources == original.sources
        assert original.title == "Write a gratitude list for each other"  # untouched
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "adapted from" in page and "8 Best Ways To Build Emotional Intimacy" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_builtin_exercises_cannot_be_edited_in_place(signed_in, library, method):
    response = getattr(signed_in, method)("/library/gratitude-list/edit", data=_form())
    assert response.status_code == 404
    assert signed_in.post("/library/gratitude-list/delete").status_code == 404
    assert "Write a gratitude list" in signed_in.get("/library/gratitude-list").get_data(True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "/edit"),
        ("post", "/edit"),
        ("get", "/handout.pdf"),
        ("get", "/copy"),
        ("post", "/copy"),
        ("post", "/delete"),
        ("post", "/restore"),
        ("get", "/assign?couple_id=1"),
    ],
)
def test_own_exercises_are_private_to_their_author(app, signed_in, library, other, method, path):
    response = getattr(signed_in, method)(f"/library/{other['slug']}{path}", data=_form())
    assert response.status_code == 404
    with app.app_context():
        exercise = db.session.get(Exercise, other["id"])
        assert exercise.title == "Other's secret" and exercise.retired_at is None
        assert (
            db.session.execute(
                select(func.count()).select_from(Exercise).where(Exercise.counselor_id.isnot(None))
            ).scalar_one()
            == 1
        )
    page = signed_in.get("/library/?q=secret").get_data(as_text=True)
    assert "Other's secret" not in page and "Other&#39;s secret" not in page


def test_remove_own_exercise_deletes_it_or_retires_it_when_assigned(
    app, signed_in, counselor, library
):
    signed_in.post("/library/new", data=_form(title="Unused"))
    signed_in.post("/library/new", data=_form(title="Assigned"))
    unused, assigned = sorted(_own(app, counselor.id), key=lambda e: e.title != "Unused")
    with app.app_context():
        couple = make_couple(db.session.get(type(counselor), counselor.id))
        db.session.add(
            Assignment(
                couple_id=couple.id,
                exercise_id=assigned.id,
                title=assigned.title,
                snapshot=assigned.snapshot(),
                due_date=date(2030, 1, 1),
            )
        )
        db.session.commit()
    signed_in.post(f"/library/{unused.slug}/delete")
    signed_in.post(f"/library/{assigned.slug}/delete")
    [kept] = _own(app, counselor.id)
    assert kept.id == assigned.id and kept.retired_at is not None
    link = f'href="/library/{assigned.slug}"'
    assert link not in signed_in.get("/library/?q=assigned").get_data(as_text=True)
    page = signed_in.get(f"/library/{assigned.slug}").get_data(as_text=True)
    assert "You removed this exercise from your library" in page
    signed_in.post(f"/library/{assigned.slug}/restore")
    assert link in signed_in.get("/library/?q=assigned").get_data(as_text=True)


# --- assigning from the exercise page --------------------------------------------------------


def test_exercise_page_offers_the_counselors_active_couples(
    app, signed_in, counselor, library, other
):
    with app.app_context():
        owner = db.session.get(type(counselor), counselor.id)
        mine = make_couple(owner, ("Ana Silva", "Ben Okafor"))
        make_couple(owner, ("Old Pair", "Gone Away"), status="archived")
        db.session.commit()
        mine_id = mine.id
    page = signed_in.get("/library/gratitude-list").get_data(as_text=True)
    assert f'<option value="{mine_id}">Ana Silva &amp; Ben Okafor</option>' in page
    assert "Old Pair" not in page and "Cai Lin" not in page
    response = signed_in.get(f"/library/gratitude-list/assign?couple_id={mine_id}")
    assert response.status_code == 302
    assert response.headers["Location"] == (
        f"/couples/{mine_id}/homework/new?exercise=gratitude-list"
    )
    # Another counselor's couple, or none at all: nothing to assign to.
    assert (
        signed_in.get(f"/library/gratitude-list/assign?couple_id={other['couple_id']}").status_code
        == 404
    )
    assert signed_in.get("/library/gratitude-list/assign?couple_id=x").status_code == 404


def test_library_page_query_count_does_not_grow_with_own_exercises(
    app, signed_in, counselor, library
):
    from sqlalchemy import event

    def count_statements(url: str) -> int:
        statements = []
        with app.app_context():
            listener = lambda *args: statements.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert signed_in.get(url).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = count_statements("/library/")
    for n in range(5):
        signed_in.post("/library/new", data=_form(title=f"Mine {n}"))
    assert count_statements("/library/") == before
