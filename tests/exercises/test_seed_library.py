"""The built-in library in seed/: every file valid, strict errors, idempotent sync, retiring."""

from __future__ import annotations

import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from practice import create_app
from practice.config import BASE_SETTINGS
from practice.exercises.format import PROMPT_TYPES
from practice.exercises.library import SeedError, exercise_files, read_library, sync_library
from practice.exercises.models import CATEGORIES, Exercise
from practice.exercises.services import list_library
from practice.exercises.sources import read_source_titles
from practice.extensions import db
from practice.homework.models import Assignment
from tests.articles import SOURCE_DIR, needs_articles
from tests.factories import make_counselor, make_couple

SEED_DIR = Path(BASE_SETTINGS["SEED_DIR"])
SEED_FILES = exercise_files(SEED_DIR)


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A copy of seed/ a test may break or edit."""
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


def _rows() -> dict[str, tuple]:
    """Every built-in row's values, to compare before and after a sync."""
    rows = db.session.execute(select(Exercise).order_by(Exercise.slug)).scalars()
    return {
        row.slug: (
            row.id,
            row.title,
            row.goal,
            row.why,
            row.steps,
            row.prompts,
            row.sources,
            row.search_names,
            row.content_hash,
            row.retired_at,
            row.updated_at,
        )
        for row in rows
    }


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(Exercise)).scalar_one()


# --- the content -----------------------------------------------------------------------


@needs_articles
def test_source_articles_are_present():
    """The citations are checked against these files: the check must not silently skip."""
    assert SOURCE_DIR is not None and SOURCE_DIR.is_dir(), f"no source articles at {SOURCE_DIR}"


def test_every_seed_file_loads():
    exercises = read_library(SEED_DIR, SOURCE_DIR)
    assert len(exercises) == len(SEED_FILES) >= 18
    assert [e.fields["slug"] for e in exercises] == [p.stem for p in SEED_FILES]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_every_exercise_has_all_fields_and_cites_a_source_file(path):
    library = read_library(SEED_DIR, SOURCE_DIR)
    [exercise] = [e.fields for e in library if e.fields["slug"] == path.stem]
    for key in ("title", "goal", "why", "frequency", "duration"):
        assert exercise[key].strip(), key
    assert exercise["category"] in CATEGORIES
    assert 3 <= len(exercise["steps"]) <= 8
    assert all(step.strip() for step in exercise["steps"])
    assert exercise["prompts"]
    for prompt in exercise["prompts"]:
        assert prompt["type"] in PROMPT_TYPES and prompt["label"] and prompt["key"]
    assert exercise["sources"]
    titles = read_source_titles(SEED_DIR)
    for source in exercise["sources"]:
        assert source["file"] in titles
        if SOURCE_DIR is not None:
            assert (SOURCE_DIR / source["file"]).is_file()
        assert source["title"]


def test_every_cited_article_has_a_short_title_in_the_repository():
    """What pages and PDFs show for a source is in seed/sources.toml, never in the articles."""
    titles = read_source_titles(SEED_DIR)
    cited = {s["file"] for e in read_library(SEED_DIR, None) for s in e.fields["sources"]}
    assert cited <= set(titles)
    assert all(0 < len(title) <= 80 for title in titles.values()), titles


@needs_articles
def test_the_titles_list_names_every_article_and_no_other():
    assert set(read_source_titles(SEED_DIR)) == {p.name for p in SOURCE_DIR.iterdir()}


def test_a_citation_of_an_article_not_in_the_titles_list_is_refused(ctx, seed_copy):
    (seed_copy / "sources.toml").write_text('["001_cc6e31d6aed145d0.txt"]\ntitle = "One"\n')
    with pytest.raises(SeedError) as caught:
        read_library(seed_copy, None)
    assert (
        F + 'sources[1].file: "002_ebef655a8445638b.txt" is not an article listed in '
        "sources.toml" in caught.value.messages
    )


def test_a_missing_titles_list_is_named(ctx, seed_copy):
    (seed_copy / "sources.toml").unlink()
    with pytest.raises(SeedError) as caught:
        read_library(seed_copy, None)
    assert caught.value.messages == ["seed/sources.toml: is missing (it names the cited articles)"]


def _prompt_types(slug: str) -> list[str]:
    data = tomllib.loads((SEED_DIR / f"{slug}.toml").read_text())
    return [prompt["type"] for prompt in data["prompts"]]


def test_the_three_exercises_of_the_mission_have_fitting_prompts():
    assert "list" in _prompt_types("gratitude-list")
    assert "i_statement" in _prompt_types("i-statements")
    assert "text" in _prompt_types("active-listening")
    gratitude = tomllib.loads((SEED_DIR / "gratitude-list.toml").read_text())
    assert [p["items"] for p in gratitude["prompts"] if p["type"] == "list"] == [3]


# --- strict validation --------------------------------------------------------------------


F = "seed/gratitude-list.toml: "
BREAKAGES = [
    ("items = 3", "items = 0", F + "prompts[1].items: must be a whole number from 1 to 10"),
    ("items = 3", 'items = "three"', F + "prompts[1].items: must be a whole number"),
    ("items = 3", "", F + "prompts[1].items: is missing"),
    ('category = "appreciation"', 'category = "romance"', F + 'category: "romance" is not one'),
    ('slug = "gratitude-list"', 'slug = "gratitude"', F + "slug: must equal the file name"),
    ('title = "Write a gratitude list for each other"', "", F + "title: is missing"),
    ('title = "Write a', f'title = "{"x" * 120}', F + "title: is 150 characters"),
    ('key = "touched_me"', 'key = "three_things"', F + 'prompts[2].key: "three_things" is used'),
    ('type = "text"', 'type = "essay"', F + 'prompts[2].type: "essay" is not one of'),
    ('low = "Not much"', "", F + "prompts[3].low: is missing"),
    ('file = "002_ebef655a8445638b.txt"', 'file = "999.txt"', F + 'sources[1].file: "999.txt" is'),
    pytest.param(
        'title = "8 Best',
        'title = "Nine Best',
        F + "sources[1].title: must be the article's first",
        marks=needs_articles,
    ),
    ('frequency = "Start', 'frequncy = "Start', F + "frequncy: is not a field this format knows"),
    ("[[sources]]", "[[sources]", F + "is not valid TOML"),
    ('goal = "Turn', 'goal = "\\u0000Turn', F + "goal: contains control characters"),
    ('goal = "Turn', 'goal = """\nTwo\nlines"""\nx = "', F + "goal: must be a single line"),
]


def _breakage_id(breakage) -> str:
    values = breakage.values if hasattr(breakage, "values") else breakage
    return values[2][len(F) :]


@pytest.mark.parametrize(
    ("old", "new", "message"), BREAKAGES, ids=[_breakage_id(b) for b in BREAKAGES]
)
def test_a_broken_file_is_named_with_its_field_and_nothing_loads(ctx, seed_copy, old, new, message):
    path = seed_copy / "gratitude-list.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(SeedError) as caught:
        sync_library(seed_copy, SOURCE_DIR)
    assert any(line.startswith(message) for line in caught.value.messages), caught.value.messages
    db.session.rollback()
    assert _count() == 0


def test_every_broken_file_is_reported_at_once(ctx, seed_copy):
    for name in ("gratitude-list", "i-statements"):
        path = seed_copy / f"{name}.toml"
        path.write_text(path.read_text().replace('category = "', 'category = "x', 1))
    with pytest.raises(SeedError) as caught:
        read_library(seed_copy, SOURCE_DIR)
    files = {line.split(":")[0] for line in caught.value.messages}
    assert files == {"seed/gratitude-list.toml", "seed/i-statements.toml"}


def test_a_broken_file_leaves_a_loaded_library_as_it_was(ctx, seed_copy):
    sync_library(seed_copy, SOURCE_DIR)
    db.session.commit()
    before = _rows()
    (seed_copy / "date-night.toml").write_text('slug = "date-night"\n')
    with pytest.raises(SeedError):
        sync_library(seed_copy, SOURCE_DIR)
    db.session.rollback()
    assert _rows() == before


def test_an_empty_library_folder_is_refused_rather_than_retiring_everything(ctx, tmp_path):
    (tmp_path / "seed").mkdir()
    with pytest.raises(SeedError, match="no exercise files"):
        sync_library(tmp_path / "seed", SOURCE_DIR)


# --- sync ---------------------------------------------------------------------------------


def test_reseeding_an_unchanged_library_changes_nothing(ctx):
    first = sync_library(SEED_DIR, SOURCE_DIR)
    db.session.commit()
    assert len(first.added) == len(SEED_FILES)
    before = _rows()
    second = sync_library(SEED_DIR, SOURCE_DIR)
    db.session.commit()
    assert second.added == second.updated == second.retired == []
    assert len(second.unchanged) == len(SEED_FILES)
    assert second.summary() == (
        f"Exercise library: 0 added, 0 updated, 0 retired, {len(SEED_FILES)} unchanged."
    )
    assert _rows() == before


def test_editing_a_file_updates_only_that_exercise(ctx, seed_copy):
    sync_library(seed_copy, SOURCE_DIR)
    db.session.commit()
    before = _rows()
    path = seed_copy / "date-night.toml"
    data = tomllib.loads(path.read_text())
    path.write_text(path.read_text().replace(data["title"], "Plan a proper date night", 1))
    result = sync_library(seed_copy, SOURCE_DIR)
    db.session.commit()
    assert result.updated == ["date-night"]
    after = _rows()
    assert after["date-night"][1] == "Plan a proper date night"
    assert "plan a proper date night" in after["date-night"][7]
    assert after["date-night"][0] == before["date-night"][0]  # same row, same id
    del before["date-night"], after["date-night"]
    assert after == before


def test_removing_a_file_retires_it_without_breaking_assigned_homework(ctx, seed_copy):
    sync_library(seed_copy, SOURCE_DIR)
    counselor = make_counselor()
    couple = make_couple(counselor)
    exercise = db.session.execute(
        select(Exercise).where(Exercise.slug == "date-night")
    ).scalar_one()
    assignment = Assignment(
        couple_id=couple.id,
        exercise_id=exercise.id,
        title=exercise.title,
        snapshot=exercise.snapshot(),
        due_date=date(2030, 1, 1),
    )
    db.session.add(assignment)
    db.session.commit()

    (seed_copy / "date-night.toml").unlink()
    result = sync_library(seed_copy, SOURCE_DIR)
    db.session.commit()

    assert result.retired == ["date-night"]
    db.session.expire_all()
    assert exercise.retired_at is not None
    assert "date-night" not in [e.slug for e in list_library(counselor)]
    kept = db.session.get(Assignment, assignment.id)
    assert kept.exercise_id == exercise.id
    assert kept.snapshot["title"] == exercise.title and kept.snapshot["steps"] == exercise.steps

    # A second run does not retire it again, and bringing the file back un-retires it.
    assert sync_library(seed_copy, SOURCE_DIR).retired == []
    shutil.copy(SEED_DIR / "date-night.toml", seed_copy / "date-night.toml")
    result = sync_library(seed_copy, SOURCE_DIR)
    db.session.commit()
    assert result.restored == ["date-night"]
    db.session.expire_all()
    assert exercise.retired_at is None
    assert "date-night" in [e.slug for e in list_library(counselor)]


# --- the commands that load it ----------------------------------------------------------


def test_flask_seed_prints_a_summary_and_is_idempotent(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert f"{len(SEED_FILES)} added, 0 updated, 0 retired, 0 unchanged" in result.output
    result = runner.invoke(args=["seed"])
    assert f"0 added, 0 updated, 0 retired, {len(SEED_FILES)} unchanged" in result.output


def test_flask_seed_refuses_an_invalid_library(app_config, seed_copy):
    path = seed_copy / "gratitude-list.toml"
    path.write_text(path.read_text().replace("items = 3", "items = 11"))
    app = create_app({**app_config, "SEED_DIR": str(seed_copy)})
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code != 0
    assert "nothing was loaded" in result.output
    assert "seed/gratitude-list.toml: prompts[1].items: must be a whole number from 1 to 10" in (
        result.output
    )
    with app.app_context():
        assert _count() == 0
        db.session.remove()
        db.engine.dispose()


def test_the_app_refuses_to_start_on_an_invalid_library(app_config, seed_copy):
    """`python app.py` runs prepare_database(): migrate, then load seed/ or exit."""
    from practice.cli import prepare_database

    (seed_copy / "i-statements.toml").write_text('slug = "i-statements"\n')
    app = create_app({**app_config, "SEED_DIR": str(seed_copy)})
    with app.app_context():
        with pytest.raises(SystemExit) as caught:
            prepare_database()
        assert "seed/i-statements.toml: title: is missing" in str(caught.value.code)
        assert _count() == 0
        db.session.remove()
        db.engine.dispose()


def test_prepare_database_migrates_and_loads_the_library(app_config):
    from practice.cli import prepare_database

    app = create_app(app_config)
    with app.app_context():
        prepare_database()
        assert _count() == len(SEED_FILES)
        db.session.commit()  # outside a request every transaction writes: end it first
        prepare_database()  # a restart changes nothing
        assert _count() == len(SEED_FILES)
        db.session.remove()
        db.engine.dispose()
