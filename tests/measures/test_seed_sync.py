"""Syncing the built-in measures: a counselor's own measure is never taken over, and a
measure whose file is gone is retired (answers keep it) and comes back with its file."""

from __future__ import annotations

import shutil

import pytest

from practice.exercises.library import SeedError
from practice.extensions import db
from practice.measures.library import sync_measures
from practice.measures.models import Measure
from tests.measures.conftest import MEASURE_DIR


def _folder(tmp_path, *slugs):
    folder = tmp_path / "measures"
    folder.mkdir(exist_ok=True)
    for path in folder.glob("*.toml"):
        path.unlink()
    for slug in slugs:
        shutil.copy(MEASURE_DIR / "csi-4.toml", folder / f"{slug}.toml")
    return folder


def test_a_seed_slug_a_counselor_already_uses_is_refused_and_nothing_changes(
    ctx, counselor, tmp_path
):
    db.session.add(Measure(slug="csi-4", counselor_id=counselor.id, title="My own check-in"))
    db.session.commit()
    with pytest.raises(SeedError) as caught:
        sync_measures(_folder(tmp_path, "csi-4"))
    assert caught.value.messages == [
        "measures/csi-4.toml: slug: already used by a counselor's own measure"
    ]
    db.session.rollback()
    own = db.session.execute(db.select(Measure).filter_by(slug="csi-4")).scalar_one()
    assert (own.title, own.counselor_id) == ("My own check-in", counselor.id)


def test_a_removed_file_retires_its_measure_and_its_return_restores_it(ctx, tmp_path):
    assert sync_measures(_folder(tmp_path, "csi-4")).added == ["csi-4"]
    db.session.commit()
    result = sync_measures(_folder(tmp_path))
    assert result.retired == ["csi-4"]
    db.session.commit()
    measure = db.session.execute(db.select(Measure).filter_by(slug="csi-4")).scalar_one()
    assert measure.retired_at is not None
    # Retiring again retires nothing new; the file coming back brings it back.
    assert sync_measures(_folder(tmp_path)).retired == []
    assert sync_measures(_folder(tmp_path, "csi-4")).updated == ["csi-4"]
    assert measure.retired_at is None
