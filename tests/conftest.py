"""Fixtures: a fresh app and database per test, on SQLite or (TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import os
import weakref

import pytest
from sqlalchemy import Engine, create_engine, event, text

from practice import create_app
from practice.extensions import db
from tests.factories import TEST_PASSWORD, make_counselor

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip()


def pytest_report_header(config):
    if POSTGRES_URL:
        return f"database: PostgreSQL {POSTGRES_URL}"
    return "database: SQLite (set TEST_DATABASE_URL for PostgreSQL)"


@pytest.fixture(scope="session")
def postgres_url():
    """The PostgreSQL URL, checked once. When it is set, PostgreSQL is required: no skipping."""
    if not POSTGRES_URL:
        return None
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # pragma: no cover - only when the server is missing
        pytest.exit(
            f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}", returncode=3
        )
    finally:
        engine.dispose()
    return POSTGRES_URL


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path, postgres_url):
    """A URL for an empty database of this test's own."""
    if postgres_url:
        _reset_postgres(postgres_url)
        return postgres_url
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app_config(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PRACTICE_NAME": "Harbor Counseling",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _close_database_connections(request):
    """Close every pooled connection of every app a test built once the test ends.

    Tests that build a second app (other settings) hold connections too; one left for the
    garbage collector raises a ResourceWarning inside whichever later test is running, and
    filterwarnings=error turns that into a failure of an unrelated test. (The browser tests
    keep one server per module and close it themselves.)"""
    yield
    if request.node.get_closest_marker("browser"):
        return
    for engine in list(_connected_engines):
        engine.dispose()


# Every engine that has connected (weakly: one whose app is gone goes too), so the fixture
# above can close their pools through SQLAlchemy's public events, whatever built the app.
_connected_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember_engine(connection) -> None:
    _connected_engines.add(connection.engine)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for tests that talk to the database directly."""
    with app.app_context():
        yield


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = TEST_PASSWORD, **extra):
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def counselor(app):
    """A signed-up counselor (the administrator), committed."""
    with app.app_context():
        counselor = make_counselor(email="admin@example.org", name="Dr. Rivera", is_admin=True)
        db.session.commit()
        return db.session.get(type(counselor), counselor.id)


@pytest.fixture
def signed_in(client, auth, counselor):
    """A test client signed in as `counselor`."""
    response = auth.login(counselor.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
