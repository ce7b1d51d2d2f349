"""Hostile input on counselor forms: oversized bodies, markup, odd Unicode, random text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from practice.couples.models import Couple
from practice.extensions import db
from tests.factories import make_counselor

FIELDS = (
    "partner1-display_name",
    "partner1-email",
    "partner1-pronouns",
    "partner2-display_name",
    "partner2-email",
    "partner2-pronouns",
    "goals",
)


def couple_form(name1="Ana Silva", name2="Ben Okafor", **extra) -> dict[str, str]:
    data = dict.fromkeys(FIELDS, "")
    data.update({"partner1-display_name": name1, "partner2-display_name": name2})
    data.update(extra)
    return data


def couple_count() -> int:
    return db.session.execute(select(func.count()).select_from(Couple)).scalar_one()


# --- bodies over MAX_CONTENT_LENGTH --------------------------------------------------------


def test_a_huge_couple_form_gets_the_friendly_413_page(app, signed_in):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    response = signed_in.post("/couples/new", data=couple_form(goals="a" * too_big))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That was too much text to send at once" in page
    assert "Please shorten what you wrote and try again." in page
    with app.app_context():
        assert couple_count() == 0


def test_a_huge_sign_in_gets_the_friendly_413_page(app, client, counselor):
    response = client.post(
        "/login", data={"email": counselor.email, "password": "p" * (2 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert "That was too much text to send at once" in response.get_data(as_text=True)


def test_a_huge_upload_body_gets_the_413_page(app, signed_in):
    """Not only forms: any body over the limit, whatever its type."""
    response = signed_in.post(
        "/couples/new",
        data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 10),
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert "too much text" in response.get_data(as_text=True)


def test_the_limit_is_a_setting(app_config):
    from practice import create_app

    app = create_app({**app_config, "MAX_CONTENT_LENGTH": 2000})
    with app.app_context():
        db.create_all()
        make_counselor(email="limit@example.org")
        db.session.commit()
    try:
        client = app.test_client()
        small = client.post("/login", data={"email": "limit@example.org", "password": "p" * 100})
        assert small.status_code == 200
        big = client.post("/login", data={"email": "limit@example.org", "password": "p" * 3000})
        assert big.status_code == 413
    finally:
        with app.app_context():
            db.engine.dispose()


# --- markup is shown as text ---------------------------------------------------------------

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
ESCAPED = "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"


def test_markup_in_every_couple_field_is_shown_as_text_on_every_couple_page(app, signed_in):
    response = signed_in.post(
        "/couples/new",
        data=couple_form(
            "A" + PAYLOAD, "B" + PAYLOAD, goals=PAYLOAD, **{"partner1-pronouns": "x" + PAYLOAD[:30]}
        ),
    )
    assert response.status_code == 302
    couple_id = int(response.headers["Location"].rsplit("/", 1)[1])
    pages = {
        path: signed_in.get(path).get_data(as_text=True)
        for path in (
            f"/couples/{couple_id}",
            f"/couples/{couple_id}/edit",
            f"/couples/{couple_id}/delete",
            "/couples/",
            "/couples/?q=script",
        )
    }
    for path, page in pages.items():
        assert "<script>alert(1)" not in page, path
        assert "<img src=x" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    assert ESCAPED in pages[f"/couples/{couple_id}"]  # goals
    assert f'value="A{ESCAPED}"' in pages[f"/couples/{couple_id}/edit"]


def test_markup_in_a_refused_form_is_shown_as_text(signed_in):
    response = signed_in.post("/couples/new", data=couple_form(PAYLOAD, "", goals=PAYLOAD))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert(1)" not in page
    assert f'value="{ESCAPED}"' in page


# --- Unicode: stored exactly, or refused with a message ------------------------------------

TRICKY = {
    "partner1-display_name": "\u202eنور\u200f Ana\u200b\u200d",  # RTL override, RLM, ZWSP, ZWJ
    "partner2-display_name": "Ben 👩‍❤️‍👨 🏳️‍🌈 e\u0301",  # ZWJ emoji sequences, combining accent
    "partner1-pronouns": "\u200eהיא/שלה",  # LRM + Hebrew
    "goals": "Line one\n\u2028Line two\u00a0\ufeff with 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and \U0001f9e1\nשלום",
}


def test_rtl_marks_emoji_and_zero_width_characters_are_stored_exactly(app, signed_in):
    response = signed_in.post("/couples/new", data=couple_form(**TRICKY))
    assert response.status_code == 302
    couple_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        couple = db.session.get(Couple, couple_id)
        first, second = couple.partners
        assert first.display_name == TRICKY["partner1-display_name"]
        assert second.display_name == TRICKY["partner2-display_name"]
        assert first.pronouns == TRICKY["partner1-pronouns"]
        assert couple.goals == TRICKY["goals"]
    # And they come back unchanged through the edit form.
    edit_page = signed_in.get(f"/couples/{couple_id}/edit").get_data(as_text=True)
    assert f'value="{TRICKY["partner2-display_name"]}"' in edit_page
    assert TRICKY["goals"] in edit_page
    signed_in.post(f"/couples/{couple_id}/edit", data=couple_form(**TRICKY))
    with app.app_context():
        assert db.session.get(Couple, couple_id).goals == TRICKY["goals"]


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f"])
def test_control_characters_are_refused_with_a_message_in_every_field(app, signed_in, control):
    for field in FIELDS:
        data = couple_form(**{field: couple_form()[field] + f"a{control}b"})
        if "email" in field:
            data[field] = f"a{control}b@example.org"
        response = signed_in.post("/couples/new", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, field
        assert f'id="{field}-error"' in page, field
    with app.app_context():
        assert couple_count() == 0


# --- property-based: random text, sizes and field combinations never cause a 500 -----------

text_values = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12).flatmap(
        lambda unit: st.integers(0, 6000 // len(unit)).map(lambda n: unit * n)
    ),
    st.sampled_from([PAYLOAD, "", "   ", "\x00", "a@b.co", "x" * 80, "x" * 81, "💔" * 81]),
)
form_data = st.dictionaries(st.sampled_from(FIELDS), text_values, max_size=len(FIELDS))

HYPOTHESIS = settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check_answer(app, response, data) -> None:
    assert response.status_code in (200, 302), response.status_code
    page = response.get_data(as_text=True)
    if response.status_code == 200:
        assert 'class="error-summary"' in page
        assert "<script>alert(1)" not in page
        return
    couple_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        couple = db.session.get(Couple, couple_id)
        first, second = couple.partners
        # What was accepted is stored exactly (names trimmed of surrounding spaces).
        assert first.display_name == data["partner1-display_name"].strip()
        assert second.display_name == data["partner2-display_name"].strip()
        assert couple.goals == data.get("goals", "").replace("\r\n", "\n")


@HYPOTHESIS
@given(data=form_data)
def test_random_couple_forms_never_cause_a_500(app, signed_in, data):
    _check_answer(app, signed_in.post("/couples/new", data=data), data)


@pytest.fixture
def editable_couple(app, signed_in):
    response = signed_in.post("/couples/new", data=couple_form())
    return int(response.headers["Location"].rsplit("/", 1)[1])


@HYPOTHESIS
@given(data=form_data)
def test_random_edits_never_cause_a_500(app, signed_in, editable_couple, data):
    response = signed_in.post(f"/couples/{editable_couple}/edit", data=data)
    _check_answer(app, response, data)


def test_random_sign_in_text_never_causes_a_500(client, counselor):
    """Fewer examples: every attempt costs an argon2 hash."""

    @settings(HYPOTHESIS, max_examples=15)
    @given(email=text_values, password=text_values)
    @example(email="a\x00b@example.org", password="\x00")
    def attempt(email, password):
        response = client.post("/login", data={"email": email, "password": password})
        # 413: a sign-in body over 8 KiB is refused before any limit reads it (security).
        assert response.status_code in (200, 302, 413, 429), response.status_code

    attempt()
