"""Property-based tests of the partner's form (/h/<token> POST): random text of any Unicode
(NUL, RTL marks, emoji), sizes up to past the 1 MiB body limit, random field combinations and
bogus prompt keys. Never a 500; what is saved is exactly what was sent; what is refused is
shown back."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from practice.extensions import db
from practice.homework.models import Entry
from tests.factories import make_assignment, make_couple

# The fields the exercise from make_exercise() has, and the form's own.
FIELDS = (
    "a-touched_me",
    "a-three_things-0",
    "a-three_things-1",
    "a-three_things-2",
    "a-three_things-7",
    "n-three_things",
    "a-felt_appreciated",
    "a-again",
    "a-say_it-feel",
    "a-say_it-when",
    "a-say_it-because",
    "a-say_it-need",
    "completion_note",
    "private_note",
    "connection_rating",
    "visibility",
    "submission_key",
    "add",
    "remove",
)
TEXT_FIELDS = ("a-touched_me", "completion_note", "private_note")
SPECIAL = [
    "",
    "   ",
    "\x00",
    "a\x00b",
    "\u202bשלום\u202c \u200f",
    "👩‍❤️‍👨 💔",
    "<script>alert(1)</script>",
    "\r\nline\r\n",
    "0",
    "6",
    "-1",
    "1.5",
    "５",
    "3 ",
    "yes",
    "No",
    "partner",
    "after_both",
    "nobody",
    "three_things",
    "three_things:0",
    "say_it",
    "99999999999999999999",
]

# Any codepoint but surrogates (they cannot be sent as UTF-8).
any_char = st.characters(codec="utf-8")
clean_char = st.characters(codec="utf-8", exclude_categories=("Cc",))
clean_text = st.text(alphabet=clean_char, max_size=200)
# A short unit repeated: texts at and past the field limits.
long_text = st.tuples(
    st.text(alphabet=clean_char, min_size=1, max_size=4),
    st.sampled_from([2_500, 10_000, 10_001, 20_001]),
).map(lambda unit_size: (unit_size[0] * unit_size[1])[: unit_size[1]])
# Mostly acceptable text, so that many examples are saved and compared with what was sent.
text_values = st.integers(0, 7).flatmap(
    lambda n: (
        (long_text, st.text(alphabet=any_char, max_size=80), st.sampled_from(SPECIAL))[n]
        if n < 3
        else clean_text
    )
)
bogus_names = st.one_of(
    st.text(alphabet=any_char, min_size=1, max_size=20).map(lambda name: f"a-{name}"),
    st.text(alphabet=any_char, min_size=1, max_size=20),
)
# Choice fields get a valid value two times in three, so many examples are saved.
VALID = {
    "a-felt_appreciated": ["", "1", "3", "5"],
    "a-again": ["", "yes", "no"],
    "connection_rating": ["", "1", "5"],
    "visibility": ["counselor", "partner", "after_both"],
    "n-three_things": ["3", "4"],
}


def field_value(name: str) -> st.SearchStrategy[str]:
    if name in ("add", "remove"):  # buttons: mostly not pressed, else the form only re-renders
        pressed = st.sampled_from(SPECIAL)
        return st.integers(0, 3).flatmap(lambda n: pressed if n == 0 else st.just(""))
    if name in VALID:
        valid = st.sampled_from(VALID[name])
        return st.integers(0, 2).flatmap(lambda n: text_values if n == 0 else valid)
    return text_values


# Any combination of the form's own fields, with a few made-up ones.
fields = st.tuples(
    st.fixed_dictionaries(
        {}, optional={name: field_value(name) for name in FIELDS if name != "a-touched_me"}
    ),
    # The main answer is usually there, so many examples get past "write something".
    st.integers(0, 2).flatmap(
        lambda n: st.just({}) if n == 0 else st.fixed_dictionaries({"a-touched_me": text_values})
    ),
    st.dictionaries(bogus_names, text_values, max_size=3),
).map(lambda parts: {**parts[2], **parts[1], **parts[0]})
# Now and then one field past the 1 MiB body limit (in characters, so also in bytes).
oversized = st.tuples(fields, st.sampled_from(TEXT_FIELDS), st.sampled_from(["x", "é", "💔"])).map(
    lambda parts: {**parts[0], parts[1]: parts[2] * 1_100_000}
)
form_data = st.integers(0, 7).flatmap(lambda n: oversized if n == 0 else fields)

HYPOTHESIS = settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def link(app, counselor):
    with app.app_context():
        couple = make_couple(counselor)
        _assignment, tokens = make_assignment(couple)
        db.session.commit()
        return f"/h/{tokens[couple.partners[0].id]}"


def entries() -> list:
    """Every entry as plain rows (they outlive the session)."""
    columns = (Entry.answers, Entry.completion_note, Entry.private_note, Entry.visibility)
    return list(db.session.execute(select(*columns).order_by(Entry.id)).all())


def sent(data: dict, name: str) -> str:
    """A field as the app keeps it: Windows newlines made plain, outer spaces trimmed."""
    return data.get(name, "").replace("\r\n", "\n").strip()


def check(app, response, data: dict, before: int) -> None:
    assert response.status_code in (200, 413), response.status_code
    with app.app_context():
        stored = entries()
        db.session.rollback()
    page = response.get_data(as_text=True)
    assert "<script>alert(1)" not in page
    event(f"status {response.status_code}, {'saved' if len(stored) > before else 'not saved'}")
    if response.status_code == 413:
        assert len(stored) == before
        return
    if len(stored) == before:
        # Not saved: the form again, with what was typed (a message unless it was Add/Remove).
        assert "Your entry is saved." not in page
        if not (data.get("add") or data.get("remove")):
            assert "error" in page
        for name in TEXT_FIELDS:
            value = data.get(name, "").replace("\r\n", "\n")
            if name in data and len(value) <= 5000 and "\x00" not in value:
                assert str(escape(value)) in page, name
        return
    assert len(stored) == before + 1
    assert "Your entry is saved." in page
    entry = stored[-1]
    # Saved: exactly what was sent.
    assert entry.completion_note == sent(data, "completion_note")
    assert entry.private_note == sent(data, "private_note")
    assert entry.answers.get("touched_me", "") == sent(data, "a-touched_me")
    if sent(data, "a-felt_appreciated"):
        assert entry.answers["felt_appreciated"] == int(data["a-felt_appreciated"])
    sent_items = {sent(data, f"a-three_things-{i}") for i in range(20)}
    assert set(entry.answers.get("three_things", [])) <= sent_items
    for part in ("feel", "when", "because", "need"):
        if "say_it" in entry.answers:
            assert entry.answers["say_it"][part] == sent(data, f"a-say_it-{part}")
    assert set(entry.answers) <= {
        "touched_me",
        "felt_appreciated",
        "again",
        "three_things",
        "say_it",
    }
    assert entry.visibility == data.get("visibility", "counselor")


@HYPOTHESIS
@given(data=form_data)
@example(data={"a-touched_me": "x" * 1_100_000})
@example(data={"completion_note": "💔" * 300_000})
@example(
    data={
        "a-touched_me": "\u202bשלום\u202c 👩‍❤️‍👨",
        "a-felt_appreciated": "5",
        "a-again": "yes",
        "visibility": "partner",
    }
)
@example(data={"a-touched_me": "ok", "a-felt_appreciated": "6", "connection_rating": "0"})
@example(data={"completion_note": "ünïcødé 💬 \u200f" * 1_000, "private_note": "n" * 20_000})
@example(data={"a-touched_me": "nul\x00here", "private_note": "kept"})
@example(data={"a-bogus": "x", "n-three_things": "-5", "remove": "three_things:9"})
def test_random_client_submissions_never_cause_a_500(app, client, link, data):
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(Entry)).scalar_one()
        db.session.rollback()
    check(app, client.post(link, data=data), data, before)
