"""Lighthouse (npm, pinned 12.2.x, in tools/lighthouse) on Debian's Chromium, mobile emulation,
on the partner's page: performance >= 95, accessibility and best practices 100, and under
40 KB transferred. The report is kept in test-artifacts/lighthouse/."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, _browser_unavailable
from tests.factories import make_assignment, make_counselor, make_couple

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
REPORTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "test-artifacts" / "screenshots").parent
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
BUDGET_BYTES = 40 * 1024


def seed_partner_page() -> str:
    counselor = make_counselor(email="maya@example.org", name="Dr. Maya Rivera", is_admin=True)
    couple = make_couple(counselor, ("يوسف حداد", "נועה כהן"))
    _, tokens = make_assignment(couple, note="Try it after dinner, when things are calm.")
    return tokens[couple.partners[0].id]


def run_lighthouse(url: str, name: str) -> dict:
    if not LIGHTHOUSE.exists():
        _browser_unavailable(
            "Lighthouse is not installed: run `npm ci` in tools/lighthouse (.ci/run does)"
        )
    if not Path(CHROMIUM).exists():
        _browser_unavailable(f"Chromium not found at {CHROMIUM}")
    REPORTS.mkdir(parents=True, exist_ok=True)
    report_path = REPORTS / f"lighthouse-{name}.json"
    completed = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report_path}",
            "--form-factor=mobile",
            "--only-categories=performance,accessibility,best-practices",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(report_path.read_text(encoding="utf-8"))
    scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
    transferred = int(report["audits"]["total-byte-weight"]["numericValue"])
    failing = [
        f"{key}: {audit['title']}"
        for key, audit in report["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") == "binary"
    ]
    summary = {
        "page": name,
        "scores": scores,
        "transferred_bytes": transferred,
        "lighthouse": report["lighthouseVersion"],
        "failing": failing,
    }
    (REPORTS / f"lighthouse-{name}.summary.json").write_text(json.dumps(summary, indent=2))
    print(
        f"\nLighthouse {report['lighthouseVersion']} on {name}: {scores}, "
        f"{transferred:,} bytes transferred"
    )
    return summary


def test_partner_page_passes_lighthouse_on_a_phone(live_server):
    token = live_server.seed(seed_partner_page)
    summary = run_lighthouse(f"{live_server.url}/h/{token}", "partner-page")
    assert summary["lighthouse"].startswith("12.2."), summary
    scores = summary["scores"]
    assert scores["performance"] >= 95, summary
    assert scores["accessibility"] == 100, summary
    assert scores["best-practices"] == 100, summary
    assert summary["transferred_bytes"] < BUDGET_BYTES, summary
