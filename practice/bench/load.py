"""Load test: the app under gunicorn (2 workers) driven by wrk on loopback.

Everything is bounded: the server gets 30 s to start, wrk runs a fixed duration with a
timeout, and the server's whole process group is stopped in a `finally`, even on error.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
WRK_THREADS = 2
WRK_CONNECTIONS = 16
WORKERS = 2
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    path: str
    signed_in: bool  # send the counselor's session cookie
    expect: int = 200  # the status every response must have (404: the kind "link gone" page)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_tool(name: str) -> str | None:
    """The tool beside this Python (the virtualenv) first, then on PATH, then /usr/bin."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    return f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None


def _get(port: int, path: str, cookie: str | None, timeout: float = 5.0) -> int:
    """One request, redirects not followed (a redirect to sign-in must not pass as a page)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _wait_until_ready(port: int, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            if _get(port, "/healthz", None, timeout=1.0) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {START_TIMEOUT:.0f} s")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    except OSError:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(stat.parent.name))
        return children


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM: the most resident memory the process ever had, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str, unit: str) -> float:
    return round(float(value) * _UNITS[unit], 3)


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, latency percentiles (ms), request and error counts from `wrk --latency`."""
    result: dict[str, Any] = {}
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["requests_per_second"] = float(match.group(1)) if match else None
    match = re.search(r"Latency\s+([\d.]+)(us|ms|s|m)\s", output)
    result["latency_avg_ms"] = _ms(*match.groups()) if match else None
    for pct in ("50", "75", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        result[f"latency_p{pct}_ms"] = _ms(*match.groups()) if match else None
    match = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    result["requests"] = int(match.group(1)) if match else None
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx_3xx"] = int(match.group(1)) if match else 0
    match = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["socket_errors"] = sum(int(n) for n in match.groups()) if match else 0
    return result


def run_wrk(wrk: str, port: int, target: Target, cookie: str | None, duration: int) -> dict:
    command = [
        wrk,
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    if target.signed_in and cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{target.path}")
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr.strip() or completed.stdout.strip()}")
    return parse_wrk(completed.stdout)


# Each URL is measured in this many runs, the URLs taking turns (see run_load).
ROUNDS = 3


def runs_for(duration: int) -> tuple[int, int]:
    """(runs per URL, seconds per run) for `duration` seconds of wrk per URL: ROUNDS runs
    when there are seconds enough, a second at least per run."""
    rounds = max(1, min(ROUNDS, duration))
    return rounds, max(1, duration // rounds)


def _errors(run: dict[str, Any], target: Target) -> int:
    # wrk counts 4xx as errors: for a 404 target every response should be one.
    wrong = (
        run["non_2xx_3xx"] if target.expect < 400 else ((run["requests"] or 0) - run["non_2xx_3xx"])
    )
    return wrong + run["socket_errors"]


def _summary(runs: list[dict[str, Any]], healthz: list[dict[str, Any]] | None) -> dict:
    """One URL's runs in one row: the median run's figures (requests/s, latencies), the
    median of its ratios to the /healthz run of the same round, and every run's req/s."""
    ranked = sorted(runs, key=lambda run: run["requests_per_second"] or 0)
    row = {k: v for k, v in ranked[(len(ranked) - 1) // 2].items() if k != "errors"}
    ratios = [
        run["requests_per_second"] / base["requests_per_second"]
        for run, base in zip(runs, healthz or [], strict=False)
        if run["requests_per_second"] and base["requests_per_second"]
    ]
    row["ratio_to_healthz"] = round(statistics.median(ratios), 3) if ratios else None
    row["runs_requests_per_second"] = [run["requests_per_second"] for run in runs]
    row["requests"] = sum(run["requests"] or 0 for run in runs)
    errors = sum(run["errors"] for run in runs)
    row["status"] = "ok" if not errors else f"failed: {errors} errors"
    return row


def _stop(server: subprocess.Popen) -> None:
    """Stop gunicorn and its workers: SIGTERM to the group we started, SIGKILL after 10 s."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    except ProcessLookupError:
        pass


def run_load(
    *,
    database_url: str,
    secret_key: str,
    instance_path: str,
    cookie: str,
    targets: list[Target],
    duration: int = 10,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Start gunicorn on a free loopback port, run wrk against each target, stop gunicorn."""
    gunicorn, wrk = find_tool("gunicorn"), find_tool("wrk")
    setup = {
        "server": f"gunicorn -w {WORKERS} (sync workers)",
        "load_generator": (
            f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS}, {runs_for(duration)[0]} runs of "
            f"{runs_for(duration)[1]} s per URL, the URLs taking turns"
        ),
        "rate_limits": "off (wrk sends every request from one address)",
    }
    if gunicorn is None or wrk is None:
        missing = " and ".join(n for n, p in (("gunicorn", gunicorn), ("wrk", wrk)) if p is None)
        return {**setup, "status": f"not available: {missing} not found", "targets": []}
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "INSTANCE_PATH": instance_path,
        "RATELIMIT_ENABLED": "0",
    }
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in the finally below)
    server = subprocess.Popen(
        [
            gunicorn,
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(PROJECT_ROOT),
            "app:app",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results: list[dict[str, Any]] = []
    try:
        _wait_until_ready(port, server, time.monotonic() + START_TIMEOUT)
        workers = _children(server.pid)
        rounds, seconds = runs_for(duration)
        runs: dict[str, list[dict[str, Any]]] = {}
        for target in targets:
            row: dict[str, Any] = {"key": target.key, "label": target.label, "path": target.path}
            status = _get(port, target.path, cookie if target.signed_in else None)
            if status != target.expect:
                row["status"] = f"failed: HTTP {status} before the run"
            else:
                runs[target.key] = []
            results.append(row)
        # The URLs take turns, `rounds` times: a slow or fast spell of the machine (its speed
        # swings by tens of percent within minutes) then falls on every URL alike, and each
        # ratio to /healthz compares runs made next to each other.
        for number in range(1, rounds + 1):
            for target in targets:
                if target.key not in runs:
                    continue
                run = run_wrk(wrk, port, target, cookie, seconds)
                run["errors"] = _errors(run, target)
                runs[target.key].append(run)
                if progress:
                    progress(
                        f"  {target.label:<28} run {number} of {rounds}  "
                        f"{run['requests_per_second'] or '-'} req/s"
                        + (f", {run['errors']} errors" if run["errors"] else "")
                    )
        for row in results:
            if row["key"] in runs:
                row.update(_summary(runs[row["key"]], runs.get("healthz")))
        memory = {str(pid): peak_rss_mb(pid) for pid in workers}
        extra = {}
        if any(row["status"] != "ok" for row in results):
            log.seek(0)
            extra["server_log"] = log.read()[-4000:]
        return {
            **extra,
            **setup,
            "status": "ok",
            "targets": results,
            "worker_peak_rss_mb": max((m for m in memory.values() if m), default=None),
            "worker_peak_rss_by_pid_mb": memory,
        }
    except Exception as error:
        log.seek(0)
        tail = log.read()[-2000:]
        return {**setup, "status": f"failed: {error}", "targets": results, "server_log": tail}
    finally:
        _stop(server)
        log.close()
