"""Real-browser fixtures: a live server on a fresh database, Chromium through Playwright.

Everything browser-specific lives here so the rest of the suite never imports Playwright.
Without Chromium or Playwright the browser tests skip with the reason, unless
REQUIRE_BROWSER=1 (set by .ci/run): then a missing browser fails the run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from practice import create_app
from practice.extensions import db
from tests.browser.helpers import SCREENSHOT_DIR, saved_screenshots
from tests.conftest import _reset_postgres

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _browser_unavailable(reason: str) -> None:
    """Skip, or fail when the run requires the browser tests (CI)."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1, so this is a failure)", pytrace=False)
    pytest.skip(reason)


# -- the live server ---------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Any
    url: str

    def seed(self, builder: Callable[[], Any]) -> Any:
        """Run `builder` in an app context, commit, and return what it returned."""
        with self.app.app_context():
            result = builder()
            db.session.commit()
            return result


def _fresh_database(postgres_url: str | None, folder: Path) -> str:
    """An empty database: PostgreSQL's schema reset as tests/conftest.py does, or a new file."""
    if postgres_url:
        _reset_postgres(postgres_url)
        return postgres_url
    return f"sqlite:///{folder / 'browser.db'}"


@contextmanager
def _serve(database_url: str, folder: Path, **config: Any) -> Iterator[LiveServer]:
    """The app behind a real HTTP server on 127.0.0.1 (a free port), stopped on exit.

    CSRF is on (a real browser submits real forms); rate limits are off so many sign-ins
    in a row do not trip them. `config` overrides settings (IDLE_TIMEOUT_MINUTES=…).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSTANCE_PATH", str(folder / "instance"))
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "browser-test-secret-key",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "WTF_CSRF_ENABLED": True,
                "RATELIMIT_ENABLED": False,
                "PRACTICE_NAME": "Harbor Counseling",
                **config,
            }
        )
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path, postgres_url) -> Iterator[LiveServer]:
    """A live server on an empty database of this test's own."""
    with _serve(_fresh_database(postgres_url, tmp_path), tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def module_live_server(tmp_path_factory, postgres_url) -> Iterator[LiveServer]:
    """A live server shared by one module's tests, for read-only checks of seeded pages.

    On PostgreSQL it holds the one test schema, so a module using it must not also use
    `live_server`.
    """
    folder = tmp_path_factory.mktemp("live")
    with _serve(_fresh_database(postgres_url, folder), folder) as server:
        yield server


# -- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests; closed when they are done."""
    if not Path(CHROMIUM).exists():
        _browser_unavailable(
            f"Chromium not found at {CHROMIUM}; install with apt-get install -y chromium"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_unavailable("Playwright is not installed; install with pip install -e '.[dev]'")
    manager = sync_playwright()
    playwright = manager.start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as error:  # the binary exists but cannot start (missing libraries, …)
        manager.__exit__(None, None, None)
        _browser_unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
    try:
        yield chromium
    finally:
        chromium.close()
        manager.__exit__(None, None, None)


class Pages:
    """Opens pages on one server, each in its own fresh browser context (no shared cookies).

    Watches every page for Content-Security-Policy violations and uncaught script errors:
    closing fails the test if there were any.
    """

    def __init__(self, browser, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list = []
        self.problems: list[str] = []

    def open(self, kind: str = "desktop", storage_state: dict | None = None, **options):
        """A page in a new context; `options` go to new_context (java_script_enabled=False…)."""
        mobile = kind == "phone"
        context = self.browser.new_context(
            base_url=self.server.url,
            viewport=PHONE if mobile else DESKTOP,
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
            locale="en-GB",
            timezone_id="Europe/London",
            reduced_motion="reduce",
            storage_state=storage_state,
            **options,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        return page

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        assert not self.problems, "The browser reported problems:\n" + "\n".join(self.problems)


@pytest.fixture
def new_page(browser, live_server):
    """Open pages on `live_server`, each in a fresh context: `new_page("phone")`."""
    pages = Pages(browser, live_server)
    yield pages.open
    pages.close()


@pytest.fixture
def desktop(new_page):
    """A 1280×800 page in a fresh context: no cookies, nothing shared with other tests."""
    return new_page("desktop")


@pytest.fixture
def phone(new_page):
    """A 390×844 touch page in a fresh context with no cookies (a client's phone)."""
    return new_page("phone")


@pytest.fixture
def module_pages(browser, module_live_server):
    """Pages on the module's shared server (see `module_live_server`)."""
    pages = Pages(browser, module_live_server)
    yield pages
    pages.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if saved_screenshots:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(
            f"{len(saved_screenshots)} screenshots saved in {SCREENSHOT_DIR}"
        )
