"""Static checks that belong to the test command, so nobody meets them first in CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_finds_no_medium_or_high_issue():
    bandit = shutil.which("bandit", path=str(Path(sys.executable).parent)) or shutil.which("bandit")
    if bandit is None:
        pytest.fail("bandit is not installed: pip install -e '.[dev]'")
    result = subprocess.run(
        [bandit, "-q", "-r", str(ROOT / "practice"), "-ll"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
