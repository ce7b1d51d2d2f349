"""In-process measurements: each page through the Flask test client, timed and with its SQL
statements counted. Also used by tests/app/test_query_counts.py."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from werkzeug.test import TestResponse

from practice.bench.form_fill import page_form, with_fresh_key
from practice.bench.pages import PAGES, Context, Page, available
from practice.extensions import db
from practice.homework.models import Entry, PartnerLink


class StatementCounter:
    """Counts SQL statements sent to the database (executemany counts once)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(db.engine, "before_cursor_execute", self)


def request_page(
    client: FlaskClient, page: Page, ctx: Context, form: dict[str, str] | None = None
) -> TestResponse:
    if page.method == "POST":
        return client.post(page.url(ctx), data=with_fresh_key(form or {}))
    return client.get(page.url(ctx))


def problem_with(page: Page, response: TestResponse) -> str | None:
    """Why a response is not what a user would accept, or None."""
    if page.method == "POST":
        if response.status_code not in (200, 302, 303):
            return f"HTTP {response.status_code}"
        return None
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    if page.kind == "pdf" and not response.data.startswith(b"%PDF"):
        return f"not a PDF ({response.mimetype})"
    return None


def count_statements(
    client: FlaskClient, page: Page, ctx: Context, form: dict[str, str] | None = None
) -> tuple[int, TestResponse]:
    with StatementCounter() as counter:
        response = request_page(client, page, ctx, form)
    return counter.count, response


# --- timing --------------------------------------------------------------------------------


@dataclass
class PageResult:
    key: str
    label: str
    method: str
    path: str
    status: str  # "ok", "not available", or what went wrong
    requests: int = 0
    median_ms: float | None = None
    p95_ms: float | None = None
    min_ms: float | None = None
    max_ms: float | None = None
    statements: int | None = None
    statements_range: list[int] = field(default_factory=list)
    response_bytes: int | None = None
    notes: list[str] = field(default_factory=list)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _entries_of_link(link_id: int) -> int:
    db.session.rollback()  # see the rows the requests committed
    link = db.session.get(PartnerLink, link_id)
    assert link is not None
    return db.session.execute(
        select(func.count())
        .select_from(Entry)
        .where(Entry.assignment_id == link.assignment_id, Entry.partner_id == link.partner_id)
    ).scalar_one()


def measure_page(
    app: Flask,
    client: FlaskClient,
    page: Page,
    ctx: Context,
    *,
    requests: int = 50,
    warmup: int = 5,
    budget_seconds: float = 120.0,
) -> PageResult:
    shown_path = page.url(ctx).replace(ctx.token, "<token>")
    if ctx.partner_token:
        shown_path = shown_path.replace(ctx.partner_token, "<token>")
    result = PageResult(page.key, page.label, page.method, shown_path, "ok")
    if not available(app, page, ctx):
        result.status = "not available"
        return result
    form = page_form(client, page, ctx) if page.method == "POST" else None
    if form is not None and not any("submission" in name.lower() for name in form):
        result.notes.append("no submission key field found in the form")
    # The homework POST stores an entry each time; a measure POST replaces the week's answer.
    counts_entries = form is not None and page.form_path is None
    entries_before = _entries_of_link(ctx.targets.link_id) if counts_entries else 0
    for _ in range(warmup):
        response = request_page(client, page, ctx, form)
        problem = problem_with(page, response)
        if problem:
            result.status = f"failed: {problem}"
            return result
    timings: list[float] = []
    counts: list[int] = []
    started = time.perf_counter()
    with StatementCounter() as counter:
        for _ in range(requests):
            counter.count = 0
            t0 = time.perf_counter()
            response = request_page(client, page, ctx, form)
            timings.append((time.perf_counter() - t0) * 1000)
            counts.append(counter.count)
            problem = problem_with(page, response)
            if problem:
                result.status = f"failed: {problem}"
                break
            if time.perf_counter() - started > budget_seconds:
                result.notes.append(f"time budget of {budget_seconds:.0f} s reached")
                break
    result.requests = len(timings)
    result.median_ms = round(statistics.median(timings), 2)
    result.p95_ms = round(percentile(timings, 0.95), 2)
    result.min_ms = round(min(timings), 2)
    result.max_ms = round(max(timings), 2)
    result.statements = round(statistics.median(counts))
    result.statements_range = [min(counts), max(counts)]
    result.response_bytes = len(response.data)
    if counts_entries:
        stored = _entries_of_link(ctx.targets.link_id) - entries_before
        posted = warmup + result.requests
        if stored != posted:
            result.status = f"failed: {stored} of {posted} submissions stored an entry"
        else:
            result.notes.append(f"each POST stored an entry ({stored})")
    return result


def measure_all(
    app: Flask,
    client: FlaskClient,
    ctx: Context,
    *,
    requests: int = 50,
    warmup: int = 5,
    progress: Callable[[str], None] | None = None,
) -> list[PageResult]:
    results = []
    for page in PAGES:
        result = measure_page(app, client, page, ctx, requests=requests, warmup=warmup)
        if progress:
            timing = f"median {result.median_ms} ms" if result.median_ms is not None else ""
            progress(f"  {page.label:<28} {result.status:<16} {timing}")
        results.append(result)
    return results
