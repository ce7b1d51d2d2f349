from __future__ import annotations

from pathlib import Path

import pytest

from practice.config import BASE_SETTINGS
from practice.exercises.library import sync_library
from practice.extensions import db

SEED_DIR = Path(BASE_SETTINGS["SEED_DIR"])


@pytest.fixture
def library(app):
    """The built-in library, loaded (citations are not checked here: see test_seed_format)."""
    with app.app_context():
        sync_library(SEED_DIR, None)
        db.session.commit()
