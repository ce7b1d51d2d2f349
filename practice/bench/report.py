"""The benchmark's table (ratios first) and its JSON file."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from practice.bench.load import PROJECT_ROOT


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": load,
    }


def git_commit() -> str | None:
    try:
        completed = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip() or None


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def render(result: dict[str, Any]) -> str:
    lines: list[str] = []
    build = result["build"]
    shape = build["shape"]
    lines.append(
        f"Benchmark · scale {result['scale']} · {result['database']['kind']} · "
        f"commit {result.get('git_commit') or '?'}"
    )
    lines.append(
        f"Data: {shape['counselors']} counselors × {shape['couples_per_counselor']} couples, "
        f"{shape['assignments_per_couple']} assignments and {shape['sessions_per_couple']} "
        f"sessions per couple, {shape['entries_per_partner']} entries per partner per "
        f"assignment: {build['rows']['entry']:,} entries, "
        f"{sum(build['rows'].values()):,} rows built in {build['seconds']:.1f} s"
        + (f" (at {build.get('built_at')}, reused by --reuse)" if build.get("reused") else "")
    )
    m = result["machine"]
    lines.append(
        f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB, "
        f"Python {m['python']}, SQLite {m['sqlite']}"
    )
    lines.append("")

    load = result.get("load")
    if load is None:
        lines.append("Under gunicorn: skipped (--no-load)")
    else:
        lines.append(
            f"Under gunicorn ({load['server']}, {load['load_generator']}, "
            f"rate limits {load['rate_limits']}): {load['status']}"
        )
        lines.append(
            f"  {'URL':<28} {'× /healthz':>10} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}  status"
        )
        for row in load["targets"]:
            lines.append(
                f"  {row['label']:<28} {_num(row.get('ratio_to_healthz'), 2):>10} "
                f"{_num(row.get('requests_per_second')):>10} "
                f"{_num(row.get('latency_p50_ms'), 2):>8} {_num(row.get('latency_p99_ms'), 2):>8}"
                f"  {row['status']}"
            )
        lines.append(f"  Peak worker memory (VmHWM): {_num(load.get('worker_peak_rss_mb'))} MB")
    lines.append("")
    export = result.get("record_export")
    if export:
        lines.append(
            f"Full record as a background job: {export.get('status')}, ready in "
            f"{export.get('seconds_to_ready')} s ({export.get('pages')} pages, "
            f"{export.get('pdf_kb')} KB); starting it took {export.get('start_request_ms')} ms; "
            f"meanwhile {export.get('requests_meanwhile')} requests answered "
            f"{export.get('statuses_meanwhile')}, p50 {export.get('latency_p50_ms')} ms, "
            f"max {export.get('latency_max_ms')} ms"
        )
        lines.append("")
    inproc = result["in_process"]
    lines.append(
        f"In process (Flask test client), {inproc['requests']} requests after "
        f"{inproc['warmup']} warm-up"
    )
    lines.append(f"  {'Page':<28} {'median ms':>10} {'p95 ms':>8} {'SQL':>5}  status")
    for page in inproc["pages"]:
        lines.append(
            f"  {page['label']:<28} {_num(page['median_ms'], 2):>10} {_num(page['p95_ms'], 2):>8} "
            f"{_num(page['statements']):>5}  {page['status']}"
        )
    lines.extend(_sweep_lines(result.get("reminder_sweep")))
    lines.append("")
    lines.append(f"Total {result['seconds_total']:.0f} s")
    return "\n".join(lines)


def _sweep_lines(sweep: dict[str, Any] | None) -> list[str]:
    """The reminder sweep's rows (practice.bench.sweep)."""
    if not sweep:
        return []
    if sweep.get("status") != "ok":
        return ["", f"Reminder sweep: {sweep.get('status')}"]
    lines = [
        "",
        f"Reminder sweep ({sweep['nothing_due']['statements']} / "
        f"{sweep['due']['statements']} SQL statements, median of 5)",
    ]
    for key, label in (("nothing_due", "nothing due"), ("due", "reminders due")):
        row = sweep[key]
        lines.append(
            f"  {label:<28} {_num(row['median_ms'], 2):>10} ms   "
            f"{row['planned']:,} planned at {row['moment']}"
        )
    lines.append(f"  per 1,000 due reminders      {_num(sweep['ms_per_1000_due'])} ms")
    return lines


def write_json(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
