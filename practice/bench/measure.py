"""In-process measurements: each page through the Flask test client, timed and with its SQL
statements counted. Also used by tests/test_query_counts.py."""

from __future__ import annotations

import hashlib
import math
import secrets
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, update
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.test import TestResponse

from practice.bench.data import Targets
from practice.extensions import db
from practice.homework.models import Entry, PartnerLink

BENCH_PASSWORD = "benchmark password, not for real use"


@dataclass
class Context:
    """What the page paths are filled with."""

    targets: Targets
    token: str  # the target partner's one link (their home)
    assignment_id: int = 1  # the homework of the target link, opened under that link
    # The second partner's one link, for the measure pages under it.
    partner_token: str = ""


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    method: str
    path: Callable[[Context], str]
    kind: str  # "html" or "pdf": what a successful response must be
    # A POST's form is read from this page (default: the client link page).
    form_path: Callable[[Context], str] | None = None

    def url(self, ctx: Context) -> str:
        return self.path(ctx)


def _measure_path(c: Context) -> str:
    """The target couple's weekly measure under a partner's personal link."""
    return f"/h/{c.partner_token or c.token}/measures/{c.targets.measure_request_id}"


# One entry per page of the issue; a page that is not in the app yet is reported, not faked.
PAGES: tuple[Page, ...] = (
    Page("dashboard", "Dashboard", "GET", lambda c: "/", "html"),
    Page(
        "couples_search",
        "Couples list, searched",
        "GET",
        lambda c: f"/couples/?q={c.targets.couple_search}",
        "html",
    ),
    Page("couple", "Couple page", "GET", lambda c: f"/couples/{c.targets.couple_id}", "html"),
    Page("home", "Partner's home (GET)", "GET", lambda c: f"/h/{c.token}", "html"),
    Page(
        "link_get",
        "Client homework page (GET)",
        "GET",
        lambda c: f"/h/{c.token}/homework/{c.assignment_id}",
        "html",
    ),
    Page(
        "link_post",
        "Client homework submit (POST)",
        "POST",
        lambda c: f"/h/{c.token}/homework/{c.assignment_id}",
        "html",
    ),
    Page(
        "session_pdf",
        "Session summary PDF",
        "GET",
        lambda c: f"/sessions/{c.targets.session_id}/summary.pdf?copy=counselor",
        "pdf",
    ),
    Page(
        "record_page",
        "Full record page (background job)",
        "GET",
        lambda c: f"/couples/{c.targets.couple_id}/record",
        "html",
    ),
    Page(
        "library_search",
        "Library search",
        "GET",
        lambda c: f"/library/?q={c.targets.library_search}",
        "html",
    ),
    Page(
        "progress",
        "Progress page (chart drawn)",
        "GET",
        lambda c: f"/couples/{c.targets.couple_id}/progress",
        "html",
    ),
    Page(
        "measure_post",
        "Measure answers (POST)",
        "POST",
        lambda c: _measure_path(c),
        "html",
        form_path=lambda c: _measure_path(c),
    ),
)
PAGES_BY_KEY = {page.key: page for page in PAGES}


def available(app: Flask, page: Page, ctx: Context) -> bool:
    """Whether the app has a route for this page (its URL and method), from app.url_map."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(page.url(ctx)).path, method=page.method)
    except (NotFound, MethodNotAllowed):
        return False
    return endpoint != "static"


def token_hash(token: str) -> str:
    """The homework feature's own token hashing when it exists; SHA-256 hex otherwise."""
    try:
        from practice.homework.links import hash_token
    except ImportError:
        return hashlib.sha256(token.encode()).hexdigest()
    return hash_token(token)


def prepare_context(targets: Targets) -> Context:
    """Give the target partner's one link a token we know (only its hash is stored, as the
    app does)."""
    from practice.partner.models import PartnerAccess

    partner_token = _partner_token(targets)
    token = secrets.token_urlsafe(32)
    link = db.session.execute(
        select(PartnerLink.partner_id, PartnerLink.assignment_id).where(
            PartnerLink.id == targets.link_id
        )
    ).one()
    db.session.execute(
        update(PartnerAccess)
        .where(PartnerAccess.partner_id == link.partner_id)
        .values(token_hash=token_hash(token), revoked_at=None, revoked_reason=None)
    )
    db.session.commit()
    return Context(
        targets=targets,
        token=token,
        assignment_id=link.assignment_id,
        partner_token=partner_token,
    )


def _partner_token(targets: Targets) -> str:
    """A live personal link for the target couple's second partner (issued now: only hashes
    are kept), for the measure pages; the first partner's is the home's and the homework
    pages'."""
    from flask import current_app

    from practice.couples.models import Partner
    from practice.partner import access
    from practice.timeutil import utcnow

    partner = db.session.execute(
        select(Partner).where(Partner.couple_id == targets.couple_id, Partner.position == 2)
    ).scalar_one_or_none()
    if partner is None:
        return ""
    now = utcnow()
    _row, token = access.issue_access(
        partner,
        secret_key=current_app.config["SECRET_KEY"],
        now=now,
        expires_at=now + timedelta(days=60),
    )
    db.session.commit()
    return token


def sign_in(client: FlaskClient, email: str, password: str = BENCH_PASSWORD) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {email} failed: HTTP {response.status_code}")


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


# --- the client link form ------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of the first POST form on a page, filled the way a partner would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.done = False
        self.fields: dict[str, str] = {}
        self.checked_radios: set[str] = set()
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.done:
            return
        if tag == "form" and a.get("method", "").lower() == "post":
            self.in_form = True
        if not self.in_form:
            return
        if tag == "option":
            if self.select and self.select not in self.fields and a.get("value"):
                self.fields[self.select] = a["value"]
            return
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("hidden",):
                self.fields[name] = a.get("value", "")
            elif kind == "radio":
                # The middle option of a scale, the first of anything else.
                if name not in self.checked_radios or a.get("value") == "3":
                    self.fields[name] = a.get("value", "")
                    self.checked_radios.add(name)
            elif kind == "checkbox":
                self.fields[name] = a.get("value") or "y"
            elif kind == "number":
                self.fields[name] = a.get("min") or "3"
            elif kind not in ("submit", "button", "reset", "file", "image"):
                self.fields[name] = "Fine, we did it twice this week — José & Zoë 🙂"
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = (
                "We talked after dinner without our phones. I noticed I wanted to fix things, "
                "so I asked a question instead. Ça va mieux."
            )
        elif tag == "select":
            self.select = name
        # Named buttons are left out: here they mean "add another item", not "send".

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form = False
            self.done = True
        elif tag == "select":
            self.select = None


def page_form(client: FlaskClient, page: Page, ctx: Context) -> dict[str, str]:
    """The form a POST page sends, read from the page a partner fills it on."""
    return link_form(client, ctx, page.form_path(ctx) if page.form_path else None)


def link_form(client: FlaskClient, ctx: Context, path: str | None = None) -> dict[str, str]:
    """The client homework form (or the form at `path`) as a partner would submit it."""
    response = client.get(path or PAGES_BY_KEY["link_get"].url(ctx))
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    if not reader.fields:
        raise RuntimeError(f"no form on the client link page (HTTP {response.status_code})")
    return reader.fields


def with_fresh_key(form: dict[str, str]) -> dict[str, str]:
    """Each POST gets a new submission key, like a freshly rendered form."""
    fresh = dict(form)
    for name in fresh:
        if "submission" in name.lower():
            fresh[name] = uuid.uuid4().hex
    return fresh


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
