"""The one exercise format: typed prompts, read and checked in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from practice.config import BASE_SETTINGS
from practice.exercises.checks import Problems
from practice.exercises.choice_prompts import ScalePrompt
from practice.exercises.format import ExerciseContent, parse_prompts, read_prompts, readable_answers
from practice.exercises.library import read_library
from practice.exercises.limits import LIST_ITEMS
from practice.exercises.prompts import ListPrompt, TextPrompt

SEED_DIR = Path(BASE_SETTINGS["SEED_DIR"])


def test_every_seed_exercise_survives_the_round_trip_through_the_typed_format():
    for seed in read_library(SEED_DIR, None):
        content = ExerciseContent.from_json(seed.fields)
        assert content.to_json() == {k: seed.fields[k] for k in content.to_json()}
        assert [p.to_json() for p in parse_prompts(seed.fields["prompts"])] == seed.fields[
            "prompts"
        ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"key": "a", "type": "list", "label": "Q", "items": LIST_ITEMS[1] + 1},
            "x: prompts[1].items: must be a whole number from 1 to 10",
        ),
        (
            {"key": "a", "type": "scale", "label": "Q", "low": "no"},
            "x: prompts[1].high: is missing",
        ),
        (
            {"key": "A", "type": "text", "label": "Q"},
            "x: prompts[1].key: use lowercase letters, digits and _ only",
        ),
        ({"key": "a", "type": "essay", "label": "Q"}, 'x: prompts[1].type: "essay" is not one'),
        (
            {"key": "a", "type": "text", "label": "Q", "items": 3},
            "x: prompts[1].items: is not a field this format knows",
        ),
    ],
)
def test_hand_written_prompts_are_refused_with_the_field_named(table, message):
    check = Problems("x")
    read_prompts(check, [table], (1, 5))
    assert any(line.startswith(message) for line in check.messages), check.messages


def test_a_valid_prompt_reads_as_its_type():
    check = Problems("x")
    [prompt] = read_prompts(
        check, [{"key": "n", "type": "list", "label": "Name three", "items": 3}], (1, 5)
    )
    assert check.messages == []
    assert prompt == ListPrompt(key="n", label="Name three", items=3)
    assert prompt.describe() == "A list of 3 items"


def test_a_stored_prompt_of_an_unknown_type_reads_as_text_instead_of_failing():
    [prompt] = parse_prompts([{"key": "a", "type": "drawing", "label": "Draw it"}])
    assert prompt == TextPrompt(key="a", label="Draw it")


def test_answers_read_in_prompt_order_shaped_by_type_and_skipped_ones_left_out():
    prompts = [
        ScalePrompt(key="s", label="Close?", low="Far", high="Near"),
        ListPrompt(key="l", label="Things", items=2),
        TextPrompt(key="t", label="Skipped"),
    ]
    shown = readable_answers(prompts, {"t": "", "l": ["a", "b"], "s": 4})
    assert [(a.label, a.text, a.items) for a in shown] == [
        ("Close?", "4 of 5 (1 = Far, 5 = Near)", ()),
        ("Things", "", ("a", "b")),
    ]


def test_a_posted_list_answer_is_checked_item_by_item():
    prompt = ListPrompt(key="l", label="Things", items=2)
    checked = prompt.check(["ok", "x" * 10_001])
    assert checked.value is None and list(checked.errors) == ["-1"]
    assert prompt.check([" a ", ""]).value == ["a"]
