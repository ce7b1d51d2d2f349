"""The typed measure format: the CSI-4 file, validation messages, scoring and missing items."""

from __future__ import annotations

import tomllib

import pytest

from practice.exercises.library import SeedError
from practice.measures.format import MeasureDefinition, parse_measure
from practice.measures.library import read_measures
from tests.measures.conftest import MEASURE_DIR


def csi4() -> MeasureDefinition:
    (seed,) = [m for m in read_measures(MEASURE_DIR) if m.definition.slug == "csi-4"]
    return seed.definition


def test_the_csi4_file_is_the_published_scale():
    definition = csi4()
    assert [item.text for item in definition.items] == [
        "Please indicate the degree of happiness, all things considered, of your relationship.",
        "I have a warm and comfortable relationship with my partner.",
        "How rewarding is your relationship with your partner?",
        "In general, how satisfied are you with your relationship?",
    ]
    assert definition.items[0].anchors == (
        "Extremely Unhappy",
        "Fairly Unhappy",
        "A Little Unhappy",
        "Happy",
        "Very Happy",
        "Extremely Happy",
        "Perfect",
    )
    assert [len(item.anchors) for item in definition.items] == [7, 6, 6, 6]
    assert (definition.score_min, definition.score_max) == (0, 21)
    assert definition.cutoff == 13.5
    # No reliable-change figure could be verified for the CSI-4: none, and the file says so.
    assert definition.reliable_change is None
    assert "no reliable-change figure" in definition.reliable_change_note
    assert "Funk" in definition.source and "572" in definition.source
    assert "clinical and research" in definition.licence


def test_scoring_sums_the_items():
    definition = csi4()
    answers = {"happiness": 6, "warm_comfortable": 5, "rewarding": 5, "satisfied": 5}
    assert definition.score(answers).total == 21
    assert definition.score(dict.fromkeys(answers, 0)).total == 0


def test_a_skipped_item_gives_no_total_and_says_why():
    score = csi4().score({"happiness": 4, "warm_comfortable": 3, "rewarding": None, "satisfied": 3})
    assert score.total is None
    assert (
        score.note == "No total: 1 of 4 items skipped and this scale has no rule for skipped items."
    )


def test_a_prorating_scale_fills_in_up_to_its_limit():
    data = {
        "slug": "mine",
        "title": "Mine",
        "missing": "prorate",
        "max_missing": 1,
        "items": [
            {"key": f"q{n}", "text": f"Q{n}", "min": 1, "max": 5, "low": "no", "high": "yes"}
            for n in range(4)
        ],
    }
    definition, problems = parse_measure(data, label="x")
    assert problems == []
    assert definition.score({"q0": 4, "q1": 4, "q2": 4, "q3": None}).total == 16
    assert definition.score({"q0": 4, "q1": 4, "q2": None, "q3": None}).total is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("title"), "measures/csi-4.toml: title: is missing"),
        (lambda d: d.update(cutoff=30), "cutoff: must lie within the total's range (0 to 21)"),
        (lambda d: d.update(cutoff="low"), "cutoff: must be a number"),
        (lambda d: d.update(colour="red"), "colour: is not a field this format knows"),
        (lambda d: d["items"][1].update(key="happiness"), 'items[2].key: "happiness" is used'),
        (lambda d: d["items"][0].update(anchors=["Only one"]), "items[1].anchors: give from 2"),
        (
            lambda d: d.update(items=d["items"] * 3),
            "items: has 12 items; a measure has from 1 to 10",
        ),
        (lambda d: d.update(missing="guess"), "missing: must be one of: none, prorate"),
        (lambda d: d.update(slug="CSI 4"), "slug: use lowercase letters"),
    ],
)
def test_a_broken_measure_file_is_refused_with_its_field_named(tmp_path, change, message):
    folder = tmp_path / "measures"
    folder.mkdir()
    data = tomllib.loads((MEASURE_DIR / "csi-4.toml").read_text())
    change(data)
    (folder / "csi-4.toml").write_text(_toml(data))
    with pytest.raises(SeedError) as caught:
        read_measures(folder)
    assert any(message in line for line in caught.value.messages), caught.value.messages


def _toml(data: dict) -> str:
    """A tiny TOML writer for the test's changed copies (strings, numbers, lists, tables)."""
    import json

    def value(v):
        if isinstance(v, str | int | float) and not isinstance(v, bool):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(v)

    lines = [f"{k} = {value(v)}" for k, v in data.items() if k != "items"]
    for item in data.get("items", []):
        lines.append("[[items]]")
        lines.extend(f"{k} = {value(v)}" for k, v in item.items())
    return "\n".join(lines) + "\n"
