"""The second edition's fields in seed files: each validated, a bad one named by file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from practice.exercises.library import SeedError, read_library
from tests.library.conftest import SEED_DIR


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


def _library() -> dict[str, dict]:
    return {e.fields["slug"]: e.fields for e in read_library(SEED_DIR, None)}


def test_the_new_fields_load():
    library = _library()
    active = library["active-listening"]
    assert "reflective listening" in active["aliases"] and active["minutes"] == 20
    assert active["roles"] == "speaker_listener"
    assert {p.get("role") for p in active["prompts"]} == {None, "speaker", "listener"}
    assert [p for p in active["prompts"] if p["type"] == "timer"][0]["minutes"] == 5
    assert library["repair-trust"]["roles"] == "hurt_repairing"
    assert library["change-the-view"]["extra"] is True
    assert library["take-a-break"]["schedule"] == "event"
    grid = [
        p for p in library["distance-signs-reflection"]["prompts"] if p["type"] == "rating_grid"
    ][0]
    assert len(grid["rows"]) == 6 and grid["low"] == "Not true"
    # "every" is the rule and is not stored; other phases are.
    phases = {p["key"]: p.get("phase") for p in library["keep-your-promises"]["prompts"]}
    assert phases == {"my_promise": "start", "kept_it": "review", "reliability": "review"}


F = "seed/active-listening.toml: "
BREAKAGES = [
    (
        'aliases = ["active listening"',
        'aliases = [3, "active listening"',
        F + "aliases[1]: must be text",
    ),
    (
        'aliases = ["active listening", "reflective listening"',
        'aliases = ["active listening", "Active Listening"',
        F + 'aliases[2]: "Active Listening" is given twice',
    ),
    ("minutes = 20", "minutes = 0", F + "minutes: must be a whole number from 1 to 600"),
    ("minutes = 20", 'minutes = "twenty"', F + "minutes: must be a whole number"),
    ('roles = "speaker_listener"', 'roles = "talker"', F + 'roles: "talker" is not one of'),
    (
        'roles = "speaker_listener"',
        'roles = "hurt_repairing"',
        F + 'prompts[2].role: "listener" is not one of: hurt, repairing',
    ),
    (
        'roles = "speaker_listener"\n',
        "",
        F + "prompts[2].role: needs the exercise's roles set first",
    ),
    ('role = "listener"', 'role = "listner"', F + 'prompts[2].role: "listner" is not one of'),
    (
        'category = "communication"',
        'category = "communication"\nschedule = "yearly"',
        F + 'schedule: "yearly" is not one of',
    ),
    (
        'category = "communication"',
        'category = "communication"\nextra = "yes"',
        F + "extra: must be true or false",
    ),
    (
        "minutes = 5\n",
        "minutes = 500\n",
        F + "prompts[1].minutes: must be a whole number from 1 to 120",
    ),
    ("minutes = 5\n", "", F + "prompts[1].minutes: is missing"),
    (
        'type = "timer"',
        'type = "timer"\nphase = "sometimes"',
        F + 'prompts[1].phase: "sometimes" is not one of',
    ),
    (
        'type = "timer"',
        'type = "timer"\noptions = ["a", "b"]',
        F + "prompts[1].options: is not a field this format knows",
    ),
]


G = "seed/distance-signs-reflection.toml: "
GRID_BREAKAGES = [
    (
        'rows = ["We talk less',
        'rows = ["Only one row"]\nx = ["',
        G + "prompts[1].rows: has 1 entries; give from 2 to 10",
    ),
    ('low = "Not true"\n', "", G + "prompts[1].low: is missing"),
    (
        'type = "rating_grid"',
        'type = "checklist"',
        G + "prompts[1].rows: is not a field this format knows",
    ),
]


ALL_BREAKAGES = [(F, *b) for b in BREAKAGES] + [(G, *b) for b in GRID_BREAKAGES]


@pytest.mark.parametrize(
    ("label", "old", "new", "message"),
    ALL_BREAKAGES,
    ids=[message[len(label) :] for label, _, _, message in ALL_BREAKAGES],
)
def test_a_bad_new_field_is_named_with_file_and_field(seed_copy, label, old, new, message):
    path = seed_copy / label.split("/")[1].split(":")[0]
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(SeedError) as caught:
        read_library(seed_copy, None)
    assert any(line.startswith(message) for line in caught.value.messages), caught.value.messages


def test_a_checklist_needs_its_options(seed_copy):
    path = seed_copy / "outside-stress.toml"
    text = path.read_text()
    start = text.index("options = [")
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :])
    with pytest.raises(SeedError) as caught:
        read_library(seed_copy, None)
    assert (
        "seed/outside-stress.toml: prompts[1].options: is missing (a list of 2 to 12 short texts)"
        in caught.value.messages
    )


def test_with_roles_each_role_is_asked_something(seed_copy):
    path = seed_copy / "practice-empathy.toml"
    path.write_text(path.read_text().replace('role = "speaker"', 'role = "listener"'))
    with pytest.raises(SeedError) as caught:
        read_library(seed_copy, None)
    assert (
        'seed/practice-empathy.toml: prompts: no prompt is asked of the "speaker"'
        in caught.value.messages
    )
