"""The pages the benchmark measures, and what their paths are filled with: the target
couple, session and a partner's personal link with a token we know."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.exceptions import MethodNotAllowed, NotFound

from practice.bench.data import Targets
from practice.extensions import db
from practice.homework.links import hash_token
from practice.homework.models import PartnerLink

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
        .values(token_hash=hash_token(token), revoked_at=None, revoked_reason=None)
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
