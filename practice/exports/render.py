"""The full record is laid out in a child process, at a lower CPU priority.

Why. `python app.py` runs jobs on threads of the web process. A record of 80 sessions is a
minute of pure-Python layout, and a thread doing that holds the interpreter lock for most
of every switch interval, so requests on the other threads waited (slowest 1–7 s measured
during one export). A child process has its own interpreter lock and runs niced, so the web
threads keep the CPU first; `os.nice` applies to a process, never to one thread.

The child is `python -m practice.exports.render`: it reads the pickled record on stdin
(plain dataclasses, no database, no Flask), writes its progress as lines on stdout and the
PDF to the file it is given. A separate worker (`flask jobs worker`) uses it too: memory a
700-page layout takes is returned when the child ends.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Lower priority than the web process (0); 10 is what `nice` uses by default.
CHILD_NICENESS = 10
# A child still running after this is killed (the row's claim goes stale after 10 minutes).
CHILD_TIMEOUT_SECONDS = 9 * 60
# Progress lines the child writes: one per whole percent at most.
_PROGRESS_STEP = 0.01


class RenderFailed(RuntimeError):
    """The child process could not build the PDF (its error output is the message)."""


def render_record(
    record: Any,
    *,
    letterhead: Any,
    page_size: str,
    on_progress: Callable[[float], None] | None = None,
    timeout: float = CHILD_TIMEOUT_SECONDS,
) -> bytes:
    """`couple_record_pdf(record, …)` built by a niced child process; returns the PDF."""
    job = pickle.dumps(
        {"record": record, "letterhead": letterhead, "page_size": page_size},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    fd, name = tempfile.mkstemp(prefix="record-", suffix=".pdf")
    os.close(fd)
    out = Path(name)
    try:
        code, detail = _run_child(job, out, on_progress, timeout)
        if code != 0:
            raise RenderFailed(detail or f"exit code {code}")
        return out.read_bytes()
    finally:
        out.unlink(missing_ok=True)


def _run_child(
    job: bytes, out: Path, on_progress: Callable[[float], None] | None, timeout: float
) -> tuple[int, str]:
    """Run the child to its end: its exit code and the last line of its error output."""
    errors: list[bytes] = []
    with subprocess.Popen(
        [sys.executable, "-m", "practice.exports.render", str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdin is not None and child.stdout is not None and child.stderr is not None
        stderr = child.stderr
        watchdog = threading.Timer(timeout, child.kill)
        watchdog.daemon = True
        watchdog.start()
        # stderr is read on its own thread so that a chatty child cannot block on a full pipe.
        reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
        reader.start()
        try:
            child.stdin.write(job)
            child.stdin.close()
            for line in child.stdout:
                if on_progress is not None:
                    on_progress(float(line))
            code = child.wait()
        finally:
            watchdog.cancel()
            if child.poll() is None:
                child.kill()
                child.wait()
            reader.join(timeout=5)
    lines = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
    return code, lines[-1] if lines else ""


def _main(out: str) -> None:
    if hasattr(os, "nice"):
        os.nice(CHILD_NICENESS)
    from practice.pdf.summary import couple_record_pdf

    # The bytes come from our parent over this process's own stdin pipe (render_record
    # above), never from a file, the network or a client: nothing untrusted is unpickled.
    job = pickle.loads(sys.stdin.buffer.read())  # nosec B301
    sent = [-1.0]

    def progress(fraction: float) -> None:
        if fraction >= sent[0] + _PROGRESS_STEP:
            sent[0] = fraction
            sys.stdout.write(f"{fraction:.4f}\n")
            sys.stdout.flush()

    pdf = couple_record_pdf(
        job["record"],
        letterhead=job["letterhead"],
        page_size=job["page_size"],
        on_progress=progress,
    )
    Path(out).write_bytes(pdf)


if __name__ == "__main__":
    _main(sys.argv[1])
