"""Where the source articles are, for the checks that compare the library with them.

The articles are not part of the repository (the app needs only their titles, in
seed/sources.toml). Set SOURCE_DIR to the folder holding them (`.ci/run` does) to run the
citation checks; elsewhere those tests skip and say why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SOURCE_DIR: Path | None = Path(os.environ["SOURCE_DIR"]) if os.environ.get("SOURCE_DIR") else None

needs_articles = pytest.mark.skipif(
    SOURCE_DIR is None,
    reason="SOURCE_DIR is not set: the source articles (kept outside the repository) are "
    "needed to check citations against them",
)
