"""The benchmark command, run end to end at a tiny scale (issue 7)."""

from __future__ import annotations

import json

import pytest

from practice.bench.load import _summary, parse_wrk, runs_for
from practice.bench.pages import PAGES

WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:18765/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.70ms   15.67ms 100.10ms   93.39%
    Req/Sec     1.24k   496.55     1.84k    80.00%
  Latency Distribution
     50%  910.00us
     75%    2.28ms
     90%    8.81ms
     99%    1.20s
  1242 requests in 1.03s, 452.41KB read
  Non-2xx or 3xx responses: 7
Requests/sec:   1209.00
Transfer/sec:    440.39KB
"""


@pytest.fixture
def bench_env(monkeypatch, postgres_url):
    """Benchmark the suite's own database: SQLite under the test's instance folder, or the
    PostgreSQL test database (its name contains "test", so the command agrees to wipe it)."""
    if postgres_url:
        monkeypatch.setenv("DATABASE_URL", postgres_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)


def run_bench(runner, out, *extra: str):
    result = runner.invoke(
        args=[
            "bench",
            "--scale",
            "0.002",
            "--requests",
            "3",
            "--warmup",
            "1",
            "--out",
            str(out),
            *extra,
        ]
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_bench_builds_measures_every_page_and_writes_json(runner, bench_env, tmp_path):
    result, report = run_bench(runner, tmp_path / "bench.json", "--no-load")

    assert report["scale"] == 0.002
    assert report["build"]["shape"] == {
        "counselors": 1,
        "couples_per_counselor": 2,
        "assignments_per_couple": 12,
        "entries_per_partner": 6,
        "sessions_per_couple": 8,
    }
    assert report["build"]["rows"]["entry"] == 2 * 12 * 2 * 6
    assert report["build"]["rows"]["counseling_session"] == 2 * 8
    pages = {page["key"]: page for page in report["in_process"]["pages"]}
    assert list(pages) == [page.key for page in PAGES]
    for page in pages.values():
        assert page["status"] in ("ok", "not available"), page
        if page["status"] == "ok":
            assert page["requests"] == 3
            assert 0 < page["median_ms"] <= page["p95_ms"]
            assert page["statements"] > 0
    assert pages["dashboard"]["status"] == "ok"
    assert report["load"] is None
    assert "<token>" in pages["link_get"]["path"]  # the live token is never written out
    # The table is printed, ratios first, and names every page.
    assert "In process" in result.output
    for page in PAGES:
        assert page.label in result.output


def test_bench_reuse_keeps_the_built_practice_and_measures_it_again(runner, monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first, built = run_bench(runner, tmp_path / "first.json", "--no-load", "--reuse")
    assert "Building" in first.output and not built["build"].get("reused")
    second, again = run_bench(runner, tmp_path / "second.json", "--no-load", "--reuse")
    assert "Reusing" in second.output and "Building" not in second.output
    assert again["build"]["reused"] is True
    assert again["build"]["rows"] == built["build"]["rows"]
    pages = {page["key"]: page for page in again["in_process"]["pages"]}
    # The last run's POSTed entries were removed: each run stores exactly its own again.
    assert pages["link_post"]["status"] == "ok", pages["link_post"]


def test_bench_reuse_is_for_sqlite_only(runner, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
    result = runner.invoke(args=["bench", "--scale", "0.002", "--no-load", "--reuse"])
    assert result.exit_code != 0 and "--reuse keeps a SQLite file" in result.output


@pytest.mark.slow
def test_bench_under_gunicorn_reports_ratios_to_healthz(runner, bench_env, tmp_path):
    _, report = run_bench(runner, tmp_path / "bench.json", "--duration", "1")

    load = report["load"]
    assert load["status"] == "ok", load
    rows = {row["key"]: row for row in load["targets"]}
    assert list(rows) == ["healthz", "home", "link_get", "link_unknown", "dashboard"]
    assert rows["healthz"]["ratio_to_healthz"] == 1.0
    for key in ("healthz", "link_unknown", "dashboard"):
        assert rows[key]["status"] == "ok", rows[key]
        assert rows[key]["requests_per_second"] > 0
    assert load["worker_peak_rss_mb"] > 10


def test_bench_refuses_to_wipe_a_database_not_named_for_benchmarks(runner, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://practice@127.0.0.1:1/practice")
    result = runner.invoke(args=["bench", "--scale", "0.002", "--no-load"])
    assert result.exit_code != 0
    assert "Refusing to wipe database 'practice'" in result.output


def test_bench_refuses_a_sqlite_database_url(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bench.db'}")
    result = runner.invoke(args=["bench", "--no-load"])
    assert result.exit_code != 0
    assert "must be a PostgreSQL URL" in result.output


def test_wrk_output_is_read_with_units():
    parsed = parse_wrk(WRK_OUTPUT)
    assert parsed["requests_per_second"] == 1209.0
    assert parsed["latency_avg_ms"] == 5.7
    assert parsed["latency_p50_ms"] == 0.91
    assert parsed["latency_p99_ms"] == 1200.0
    assert parsed["requests"] == 1242
    assert parsed["non_2xx_3xx"] == 7


def _run(rps: float, p50: float, errors: int = 0) -> dict:
    return {
        "requests_per_second": rps,
        "latency_p50_ms": p50,
        "requests": int(rps),
        "non_2xx_3xx": 0,
        "socket_errors": 0,
        "errors": errors,
    }


def test_each_ratio_compares_runs_made_next_to_each_other():
    """The machine slows down in the second round: each round's dashboard run is divided by
    that round's /healthz run, so the ratio stays 0.1 where dividing the medians would not."""
    healthz = [_run(4000, 3.0), _run(2000, 6.0), _run(4200, 3.1)]
    dashboard = [_run(400, 30.0), _run(200, 60.0), _run(420, 29.0)]
    row = _summary(dashboard, healthz)
    assert row["ratio_to_healthz"] == 0.1
    assert row["requests_per_second"] == 400  # the median run, with its own latencies
    assert row["latency_p50_ms"] == 30.0
    assert row["runs_requests_per_second"] == [400, 200, 420]
    assert row["requests"] == 1020 and row["status"] == "ok"
    assert "errors" not in row
    assert _summary([_run(400, 30.0), _run(410, 29.0, errors=3)], healthz)["status"] == (
        "failed: 3 errors"
    )


def test_the_seconds_per_url_are_split_into_runs_that_take_turns():
    assert runs_for(10) == (3, 3)
    assert runs_for(2) == (2, 1)
    assert runs_for(1) == (1, 1)
