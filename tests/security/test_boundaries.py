"""Boundary values on every route: no request may answer 5xx.

Every rule of the app's URL map, every method it takes, each route parameter replaced by
each boundary value (0, -1, 2**31, 2**63, text, NUL, digits of other scripts, ...), and
every query parameter the app reads given each value too; signed in as a counselor (the
administrator, who reaches every page) and signed out. The probe that found the 500s tried
a sample; this walks the whole map, so a new route or parameter is covered the day it is
added.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from wtforms.fields.core import UnboundField

from practice import create_app
from practice.audit.forms import AuditFilterForm
from tests.factories import TEST_PASSWORD

BOUNDARY_VALUES = [
    "0",
    "-1",
    str(2**31 - 1),
    str(2**31),
    str(2**63),
    str(10**40),
    "text",
    "\x00",
    "a\x00b",
    "١٢",  # Arabic-Indic digits
    "१२",  # Devanagari digits
    "１２",  # fullwidth digits
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "1e999",
    " ",
    "%",
    "😀",
    "x" * 2000,
]

ROOT = Path(__file__).resolve().parents[2]
# request.args.get("page", ...) and practice.params' query_int("page", ...) and the like.
_ARG_NAME = re.compile(r"""(?:args\.get|query_[a-z]+)\(\s*["']([^"']+)["']""")


def query_parameters() -> list[str]:
    """Every query parameter a view reads (found in the source, so new ones are included),
    and the fields of the forms read from the query string."""
    names = set()
    for source in (ROOT / "practice").rglob("*.py"):
        names.update(_ARG_NAME.findall(source.read_text("utf-8")))
    for form in (AuditFilterForm,):
        names.update(name for name in dir(form) if isinstance(getattr(form, name), UnboundField))
    return sorted(names)


def _rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rules = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            rules.append(pytest.param(rule.rule, method, id=f"{method} {rule.rule}"))
    return rules


_PARAMETER = re.compile(r"<(?:[^:<>]+:)?[^<>]+>")


def paths_for(rule: str, values: list[str]) -> list[str]:
    """The rule with its parameters replaced by each value (percent-encoded)."""
    if not _PARAMETER.search(rule):
        return [rule]
    return [_PARAMETER.sub(quote(value, safe=""), rule) for value in values]


def query_strings() -> list[str]:
    names = query_parameters()
    return [urlencode({name: value for name in names}) for value in BOUNDARY_VALUES]


def send(client, method: str, url: str) -> int | str:
    try:
        if method == "GET":
            return client.get(url).status_code
        return client.post(url, data={}).status_code
    except Exception as error:  # a propagated exception is a 500 too
        return f"500 ({type(error).__name__})"


def walk(client, rule: str, method: str) -> list[str]:
    """Each boundary value in every route parameter; then, on GET, each value in every
    query parameter at once (on the route with plain parameters)."""
    urls = paths_for(rule, BOUNDARY_VALUES)
    if method == "GET":
        plain = paths_for(rule, ["1"])[0]
        urls += [f"{plain}?{query}" for query in query_strings()]
    failures = []
    for url in urls:
        status = send(client, method, url)
        if str(status).startswith("5"):
            failures.append(f"{method} {url[:150]!r} -> {status}")
    return failures


@pytest.fixture(scope="module")
def walk_app(tmp_path_factory, postgres_url):
    """One app and database for the whole walk (the requests change nothing that matters
    to the others): exceptions become 500 pages, as in production."""
    from practice.extensions import db
    from practice.sessions.models import CounselingSession
    from practice.timeutil import utcnow
    from tests.conftest import _reset_postgres
    from tests.factories import make_assignment, make_counselor, make_couple

    base = tmp_path_factory.mktemp("boundaries")
    if postgres_url:
        _reset_postgres(postgres_url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSTANCE_PATH", str(base / "instance"))
        app = create_app(
            {
                "TESTING": False,
                "PROPAGATE_EXCEPTIONS": False,
                "SECRET_KEY": "test-secret-key",
                "SQLALCHEMY_DATABASE_URI": postgres_url or f"sqlite:///{base / 'walk.db'}",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
    with app.app_context():
        db.create_all()
        # Object 1 of each kind exists and is the administrator's, so the query-parameter
        # walk (on ".../1/...") reaches each view's own reading of its parameters.
        admin = make_counselor(email="admin@example.org", name="Dr. Rivera", is_admin=True)
        couple = make_couple(admin)
        make_assignment(couple)
        db.session.add(CounselingSession(couple=couple, starts_at=utcnow(), focus="Focus"))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def counselor_client(walk_app):
    return walk_app.test_client()


@pytest.fixture
def quiet_logs(caplog):
    caplog.set_level("CRITICAL")


@pytest.mark.parametrize(("rule", "method"), _rules())
def test_no_boundary_value_gives_a_5xx_signed_in(
    walk_app, counselor_client, quiet_logs, rule, method
):
    if counselor_client.get("/session/status").status_code != 200:  # after POST /logout
        response = counselor_client.post(
            "/login", data={"email": "admin@example.org", "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
    failures = walk(counselor_client, rule, method)
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize(("rule", "method"), _rules())
def test_no_boundary_value_gives_a_5xx_signed_out(walk_app, quiet_logs, rule, method):
    failures = walk(walk_app.test_client(), rule, method)
    assert not failures, "\n".join(failures[:20])


def test_every_query_parameter_is_walked():
    """The source scan finds the parameters (a guard against the scan silently breaking)."""
    assert {"page", "q", "next", "until", "since", "couple"} <= set(query_parameters())
